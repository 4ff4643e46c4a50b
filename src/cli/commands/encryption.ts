// `warden encryption ...`: turn encryption at rest on and off, rotate keys, watch the
// migration, prove coverage, and transform single values for forensics.
import fs from 'node:fs';
import type { Command } from 'commander';
import { UsageError, WardenError } from '../../errors.ts';
import type { EtcdClient } from '../../etcd/client.ts';
import { DEFAULT_KMS_TIMEOUT_MS, kmsEndpointSocket, kmsProviders, parseEncryptionConfig, providersFor } from '../../encryption/config.ts';
import { encryptionStatus, isKmsOutage, reconcileEncryption } from '../../encryption/controller.ts';
import { coverageRows } from '../../encryption/coverage.ts';
import { recordScan, scanCoverage } from '../../encryption/scan.ts';
import type { EncryptedCondition, EncryptionType } from '../../encryption/plan.ts';
import { encryptionConfigFile, kmsSocketPath, parseEncryptionType, readDesired, readDesiredType, requestRotation, writeDesiredType } from '../../encryption/store.ts';
import { KmsPlugins, type ProviderHealth } from '../../encryption/kms/registry.ts';
import { providersTransformer, readValue, TransformError, TransformUnavailable, writeValue, type KmsProvider } from '../../encryption/transformers.ts';
import { ConditionStore, EventLog } from '../../operator/conditions.ts';
import { currentLeader, LeaderElection } from '../../operator/election.ts';
import { keyRoots } from '../../resources/key-roots.ts';
import { ENCRYPTED_RESOURCES, resourceOfKey, singlePrefix } from '../../resources/registry.ts';
import { formatDuration } from '../../util/duration.ts';
import { waitFor, WaitTimeoutError } from '../../util/wait.ts';
import type { Context } from '../context.ts';
import { encryptionPublisher } from '../../agent/encryption-copies.ts';
import { durationOption, leaseTtlOption, migrationRateOption } from '../options.ts';
import { render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

interface ChangeFlags {
  wait: boolean;
  prefix?: string;
  timeout: number;
  leaseTtl: number;
  migrationRate?: number;
}

interface WaitOptions {
  /** --prefix; else the key roots the operator recorded. */
  prefix?: string;
  timeoutMs: number;
  leaseTtlSeconds: number;
  ratePerSecond?: number;
}

/** The --wait flags (already validated when the command line was read). */
function waitOptions(opts: ChangeFlags): WaitOptions {
  return {
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
    timeoutMs: opts.timeout,
    leaseTtlSeconds: opts.leaseTtl,
    ...(opts.migrationRate !== undefined ? { ratePerSecond: opts.migrationRate } : {}),
  };
}

const SETTLED: EncryptedCondition['reason'][] = ['EncryptionCompleted', 'DecryptionCompleted', 'EncryptionDisabled'];

/**
 * Waits until the Encrypted condition settles, standing by meanwhile as an operator replica
 * does: this process campaigns in the operators' election (/warden/operator/leader) and runs the
 * encryption controller itself whenever it leads. So --wait works with no operator, and takes
 * over within the lease TTL when the leader (an operator, or another --wait) dies.
 */
async function settle(c: Context, client: EtcdClient, { prefix, timeoutMs, leaseTtlSeconds, ratePerSecond }: WaitOptions): Promise<void> {
  const file = encryptionConfigFile(c.layout.root);
  const log = (l: string) => c.io.err(l);
  const publish = encryptionPublisher(c.layout);
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(0, deadline - Date.now());
  // The KMS plugin the desired provider names, asked as the operator asks it (one set of seeds for this wait).
  const plugins = new KmsPlugins();
  try {
    await settleWith(plugins);
  } finally {
    plugins.close();
  }

  async function settleWith(plugins: KmsPlugins): Promise<void> {
    const settled = async () => SETTLED.includes((await encryptionStatus(client, file, plugins)).condition.reason);
    // Why it did not finish: this process's last error, else the KMS plugin it waits for being down.
    const timedOut = async (last?: unknown) => {
      let why = last instanceof Error ? last.message : undefined;
      if (!why) {
        const asked = await readDesired(client).catch(() => undefined);
        const kms = asked?.type === 'kms' ? asked.kms : undefined;
        const health = kms ? (await plugins.probe([kms]))[0] : undefined;
        if (health && !health.healthy) why = health.message;
      }
      return new WardenError(`the migration did not finish within ${formatDuration(timeoutMs)}${why ? ` (last error: ${why})` : ''}: it goes on under the operator, or resumes where it stopped with another \`--wait\`; follow it with \`warden encryption status\``);
    };
    if (await settled()) return;
    const holder = await currentLeader(client);
    if (holder) log(`${holder.identity} leads and migrates; waiting for it (this process takes over if its lease expires)`);
    const election = new LeaderElection(client, { identity: `warden-cli-${process.pid}`, ttlSeconds: leaseTtlSeconds, log: () => undefined });
    let newTerm = false;
    election.on('elected', () => (newTerm = true));
    election.start();
    try {
      let lastPass = 0;
      let lastOutage: string | undefined;
      let lastError: unknown;
      for (;;) {
        // Lead (a pass that ended steady is not rerun at once), or see someone else finish.
        const next = await waitFor(async () => {
          if (election.isLeader && (newTerm || Date.now() - lastPass >= 1000)) return 'lead';
          return (await settled()) ? 'settled' : undefined;
        }, { timeoutMs: left(), intervalMs: 250, what: 'the migration' }).catch(async (err: unknown) => {
          throw err instanceof WaitTimeoutError ? await timedOut(err.lastError) : err;
        });
        if (next === 'settled') return;
        if (newTerm) log('no operator leads: migrating in this process');
        newTerm = false;
        const term = new AbortController();
        const end = () => term.abort();
        election.once('lost', end);
        const timer = setTimeout(end, left());
        try {
          await reconcileEncryption(
            { client, conditions: new ConditionStore(client), events: new EventLog(client, log), log, signal: term.signal },
            { configFile: file, prefixes: await keyRoots(client, prefix), ...(ratePerSecond ? { ratePerSecond } : {}), publish, kms: plugins },
          );
        } catch (err) {
          // Aborted by the deadline or a lost lease: the loop decides what follows. A KMS plugin
          // down: the pass stopped without writing anything in plaintext; wait for the plugin.
          if (!term.signal.aborted && !isKmsOutage(err)) throw err;
          if (isKmsOutage(err)) {
            if ((err as Error).message !== lastOutage) log(`waiting for the KMS plugin: ${(err as Error).message}`);
            lastOutage = (err as Error).message;
            lastError = err;
          }
        } finally {
          clearTimeout(timer);
          election.off('lost', end);
        }
        lastPass = Date.now();
        if (await settled()) return;
        if (left() === 0) throw await timedOut(lastError);
      }
    } finally {
      await election.stop();
    }
  }
}

async function printStatus(c: Context, client: EtcdClient, format: ReturnType<Context['format']>): Promise<void> {
  const file = encryptionConfigFile(c.layout.root);
  // Each kms provider's plugin, asked now: what a kms cluster's status hinges on.
  const plugins = new KmsPlugins();
  let status: Awaited<ReturnType<typeof encryptionStatus>>;
  let kms: ProviderHealth[];
  try {
    status = await encryptionStatus(client, file, plugins);
    kms = await plugins.status(kmsProviders(status.config));
  } finally {
    plugins.close();
  }
  const { condition, migration, state, writeKey } = status;
  const progress = migration?.progress ?? {};
  c.print(render(format, {
    json: () => ({
      condition, writeKey, migration: migration ?? null, pendingKey: state.pendingKey ?? null,
      ...(kms.length ? { kms: kms.map((h) => ({ name: h.name, endpoint: h.endpoint, healthy: h.healthy, keyId: h.keyId ?? null, message: h.message })) } : {}),
    }),
    simple: () => [
      condition.reason,
      condition.message,
      ...ENCRYPTED_RESOURCES.filter((r) => progress[r]).map((r) => `${r}: ${progress[r]?.done}/${progress[r]?.total}`),
      ...kms.map((h) => `kms provider ${h.name} (${h.endpoint}): ${h.healthy ? `key ID ${h.keyId}` : `not healthy: ${h.message}`}`),
    ],
  }));
}

/** After a change: with --wait, waits until it is done; without, says when nobody acts on it. Then the status. */
async function settleOrSay(c: Context, client: EtcdClient, wait: WaitOptions | undefined): Promise<void> {
  if (wait) await settle(c, client, wait);
  else if (!(await currentLeader(client))) c.io.err('note: no operator is running; start one (`warden operator` or `warden run`), or use --wait');
  await printStatus(c, client, 'simple');
}

/** Records the desired type (the one desired-state change), then waits or says who acts on it. */
async function setDesired(c: Context, type: EncryptionType, opts: ChangeFlags, kms?: KmsProvider): Promise<void> {
  const wait = waitOptions(opts);
  await c.withClient(async (client) => {
    const before = await readDesiredType(client);
    await writeDesiredType(client, type, kms);
    c.print(`encryption type set to ${type}${kms ? ` (provider ${kms.name}, plugin at ${kms.endpoint})` : ''} (was ${before})`);
    await settleOrSay(c, client, opts.wait ? wait : undefined);
  });
}

export function registerEncryption(program: Command, ctx: Ctx): void {
  const enc = program.command('encryption').description('encryption at rest, byte-compatible with kube-apiserver (aescbc, aesgcm, secretbox, KMS v2)');

  const change = (name: string, desc: string, example: string) => enc
    .command(name)
    .description(desc)
    .option('--wait', 'wait until the migration finished; this process runs it whenever no operator leads (none runs, or the leader died and its lease expired)', false)
    .addOption(durationOption('--timeout <duration>', 'bound for --wait', { default: '30m', max: '168h' }))
    .addOption(leaseTtlOption('with --wait, when this process migrates: TTL of the leader lease it holds (a killed run is taken over within it)'))
    .addOption(migrationRateOption('with --wait, when this process migrates: at most n objects per second (default: unlimited)'))
    .option('--prefix <root>', 'with --wait, when this process migrates: key root of the resources (default: the one the operator recorded, else /kubernetes.io and /openshift.io)')
    .addHelpText('after', `\nExample:\n  ${example}`);

  change('enable', 'set the desired encryption type; the controller creates a key (or, for kms, configures the KMS v2 plugin) and rewrites every secret, configmap, route and OAuth token', 'warden encryption enable --type aesgcm --wait\n  warden encryption enable --type kms --kms-endpoint unix:///var/run/kms/plugin.sock --wait')
    .requiredOption('--type <type>', 'aescbc, aesgcm, secretbox or kms (KMS v2 envelope encryption through a plugin)')
    .option('--kms-endpoint <unix:///path>', 'with --type kms: the KMS v2 plugin\'s socket (default: unix://<state dir>/kms/plugin.sock, where `warden run --kms` starts warden\'s own plugin)')
    .option('--kms-name <name>', 'with --type kms: the provider\'s name, in every stored value\'s prefix k8s:enc:kms:v2:<name>: (default: warden)')
    .addOption(durationOption('--kms-timeout <duration>', 'with --type kms: how long one plugin call may take (default: 3s, kube-apiserver\'s)', { max: '24h' }))
    .action(async (opts: ChangeFlags & { type: string; kmsEndpoint?: string; kmsName?: string; kmsTimeout?: number }, cmd: Command) => {
      const c = ctx(cmd);
      const type = parseEncryptionType(opts.type);
      if (type === 'identity') throw new UsageError('--type identity turns encryption off: use `warden encryption disable`');
      const kmsFlag = opts.kmsEndpoint ? '--kms-endpoint' : opts.kmsName ? '--kms-name' : opts.kmsTimeout !== undefined ? '--kms-timeout' : undefined;
      if (type !== 'kms' && kmsFlag) throw new UsageError(`${kmsFlag} is for --type kms only: drop it, or give --type kms`);
      let kms: KmsProvider | undefined;
      if (type === 'kms') {
        const endpoint = opts.kmsEndpoint ?? `unix://${kmsSocketPath(c.layout.root)}`;
        if (!kmsEndpointSocket(endpoint)) throw new UsageError(`--kms-endpoint ${endpoint}: give the plugin's socket as unix:///absolute/path`);
        const name = opts.kmsName ?? 'warden';
        if (!/^[^:\s]+$/.test(name)) throw new UsageError(`--kms-name "${name}": use a name without colons or spaces`);
        kms = { type: 'kms', name, endpoint, timeoutMs: opts.kmsTimeout ?? DEFAULT_KMS_TIMEOUT_MS };
      }
      await setDesired(c, type, opts, kms);
    });

  change('disable', 'set the encryption type to identity; the controller decrypts everything (keys stay readable)', 'warden encryption disable --wait')
    .action(async (opts: ChangeFlags, cmd: Command) => {
      const c = ctx(cmd);
      await setDesired(c, 'identity', opts);
    });

  change('rotate', 'create a new key now (instead of at the weekly rotation) and migrate to it; with --wait, return once every value uses it', 'warden encryption rotate --wait')
    .action(async (opts: ChangeFlags, cmd: Command) => {
      const c = ctx(cmd);
      const wait = waitOptions(opts);
      await c.withClient(async (client) => {
        const desired = await readDesiredType(client);
        if (desired === 'identity') throw new WardenError('encryption is not enabled: nothing to rotate; enable it with `warden encryption enable --type aesgcm`');
        if (desired === 'kms') throw new WardenError('with kms the key is the KMS plugin\'s: rotate it there (`warden kms-plugin rotate --kek-file FILE` for warden\'s plugin); the controller then rewrites every value under the new key ID');
        await requestRotation(client);
        c.print('key rotation requested');
        await settleOrSay(c, client, opts.wait ? wait : undefined);
      });
    });

  enc
    .command('status')
    .description('the Encrypted condition (reason, then message) and migration progress per resource')
    .addHelpText('after', '\nExample:\n  warden encryption status')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      await c.withClient((client) => printStatus(c, client, format));
    });

  enc
    .command('scan')
    .description('walk the keyspace and count, per resource, plaintext values and values under each provider and key')
    .option('--prefix <root>', 'key root of the resources, e.g. /registry (default: the one the operator recorded, else /kubernetes.io and /openshift.io)')
    .addHelpText('after', '\nExample:\n  warden encryption scan -w table\n  warden --endpoints 10.0.0.1:2379 encryption scan --prefix /registry')
    .action(async (opts: { prefix?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('table');
      const cov = await c.withClient(async (client) => {
        const result = await scanCoverage(client, await keyRoots(client, opts.prefix));
        // The console shows the last scan's findings; a user who may not write /warden/ still scans.
        await recordScan(client, { time: new Date().toISOString(), by: 'cli', coverage: result }).catch(() => undefined);
        return result;
      });
      c.print(render(format, {
        json: () => cov,
        simple: () => coverageRows(cov).map((r) => r.join(', ')),
        table: () => ({ headers: ['resource', 'keys', 'plaintext', 'encrypted'], rows: coverageRows(cov) }),
      }));
      const exposed = cov.filter((x) => x.shouldBeEncrypted && x.plaintext > 0 && Object.keys(x.encrypted).length > 0);
      if (exposed.length) c.io.err(`warning: plaintext values remain in ${exposed.map((x) => x.resource).join(', ')} while others are encrypted`);
    });

  enc
    .command('transform')
    .description('encrypt or decrypt one value (stdin to stdout) exactly as kube-apiserver would, with an EncryptionConfiguration')
    .requiredOption('--config <file>', 'EncryptionConfiguration file (YAML or JSON)')
    .requiredOption('--etcd-key <key>', 'the full etcd key the value is stored under (aesgcm authenticates it)')
    .option('--encrypt', 'plaintext in, stored value out (with the write provider)', false)
    .option('--decrypt', 'stored value in, plaintext out', false)
    .option('--resource <name>', 'resource whose providers to use (default: from the etcd key)')
    .addHelpText('after', '\nExample:\n  etcdctl get /kubernetes.io/secrets/default/db --print-value-only | \\\n    warden encryption transform --config enc.yaml --etcd-key /kubernetes.io/secrets/default/db --decrypt')
    .action(async (opts: { config: string; etcdKey: string; encrypt: boolean; decrypt: boolean; resource?: string }) => {
      if (opts.encrypt === opts.decrypt) throw new UsageError('give exactly one of --encrypt or --decrypt');
      let text: string;
      try {
        text = fs.readFileSync(opts.config, 'utf8');
      } catch (err) {
        throw new WardenError(`cannot read --config ${opts.config} (${(err as NodeJS.ErrnoException).code}): check the path`);
      }
      const config = parseEncryptionConfig(text, opts.config);
      const resource = opts.resource ?? resourceOfKey(opts.etcdKey) ?? resourceOfKey(opts.etcdKey, singlePrefix('/registry'));
      if (!resource) throw new UsageError(`cannot tell the resource of etcd key ${opts.etcdKey}: give --resource (e.g. secrets)`);
      const plugins = new KmsPlugins();
      const t = providersTransformer(providersFor(config, resource), plugins.resolve);
      const input = await readAll();
      const key = Buffer.from(opts.etcdKey);
      let out: Buffer;
      try {
        out = opts.encrypt ? await writeValue(t, input, key) : await decryptTolerant(input, async (b) => (await readValue(t, b, key)).data);
      } catch (err) {
        if (err instanceof TransformError) throw new WardenError(`unable to transform key "${opts.etcdKey}": ${err.message}`);
        throw err;
      } finally {
        plugins.close();
      }
      process.stdout.write(out);
    });
}

async function readAll(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * `etcdctl get --print-value-only` adds a newline. The value is tried as given first; only if
 * that fails is the trailing newline dropped (a MAC or the CBC block size rejects a wrong cut).
 */
async function decryptTolerant(input: Buffer, decrypt: (b: Buffer) => Promise<Buffer>): Promise<Buffer> {
  try {
    return await decrypt(input);
  } catch (err) {
    if (!(err instanceof TransformError) || err instanceof TransformUnavailable || input[input.length - 1] !== 0x0a) throw err;
    try {
      return await decrypt(input.subarray(0, input.length - 1));
    } catch {
      throw err;
    }
  }
}

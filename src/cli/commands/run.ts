// `warden run`: the embedded default. Creates the local cluster on first use (one agent per
// member on this machine, src/agent/embedded.ts), runs the operator in this process beside it,
// prints where everything is, and on Ctrl-C stops all of it cleanly.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { WardenError } from '../../errors.ts';
import { readInventory, type Inventory } from '../../cluster/inventory.ts';
import { tlsFiles } from '../../cluster/tls.ts';
import { checkListen } from '../../util/ports.ts';
import type { Operator } from '../../operator/operator.ts';
import type { Context } from '../context.ts';
import { durationOption } from '../options.ts';
import { AUTH_FLAG_HELP, connectionHint, membersOption, renderMembers } from './cluster.ts';
import { untilSignal } from '../../util/signals.ts';
import { addOperatorFlags, checkCredentials, operatorOptions, type OperatorFlags } from './operator.ts';

type Ctx = (cmd: Command) => Context;

/** How to call the operator's API: with the cluster's client certificate (an admin), or a token. */
export function apiHint(tlsDir: string, url: string, flags: Pick<OperatorFlags, 'insecureHttp' | 'tlsCert'>): string[] {
  const rel = path.relative(process.cwd(), tlsDir);
  const f = tlsFiles(rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : tlsDir);
  const bearer = '-H "Authorization: Bearer $TOKEN"';
  const token = `  token:      TOKEN=$(./warden token create NAME --role viewer|operator|admin)   # shown once; then curl ${bearer}`;
  if (flags.insecureHttp) return [`  api:        curl ${bearer} ${url}/conditions   (plain HTTP, loopback only)`, token];
  const cacert = flags.tlsCert ? '--cacert <the CA of --tls-cert>' : `--cacert ${f.ca}`;
  return [`  api:        curl ${cacert} --cert ${f.clientCert} --key ${f.clientKey} ${url}/conditions`, token];
}

export function registerRun(program: Command, ctx: Ctx): void {
  addOperatorFlags(program.command('run'))
    .description('the embedded default: start (creating on first use) the local cluster and the operator in the foreground; Ctrl-C stops everything')
    .addOption(membersOption('members when creating the cluster: 1, 3 or 5'))
    .option('--tls', 'when creating the cluster, require TLS client certificates', false)
    .option('--auth', AUTH_FLAG_HELP, false)
    .addOption(durationOption('--timeout <duration>', 'how long to wait for the members to become healthy', { default: '60s' }))
    .option('--kms', 'also serve warden\'s own KMS v2 plugin (key-encryption keys in <state>/kms/kek.json, created 0600) at unix://<state>/kms/plugin.sock, the endpoint `warden encryption enable --type kms` uses by default', false)
    .addHelpText('after', '\nExample:\n  warden run            # or: npm start\n  warden run --kms && warden encryption enable --type kms --wait')
    .action(async (opts: OperatorFlags & { members: number; tls: boolean; auth: boolean; timeout: number; kms: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const log = (l: string) => c.print(`${new Date().toISOString()} ${l}`);
      const options = operatorOptions(opts, c, log);
      const timeoutMs = opts.timeout;
      const layout = c.layout;
      const { embeddedDown, embeddedUp, isEmbedded, removeEmbedded, runningLocalAgents } = await import('../../agent/embedded.ts');
      const rootExisted = fs.existsSync(layout.root);
      const existing = readInventory(layout);
      if (existing && !isEmbedded(layout)) {
        throw new WardenError(`${layout.root} holds a cluster across agents (\`cluster init\`): run \`warden operator\` for it; \`warden run\` runs the embedded default`);
      }
      const bg = existing ? runningLocalAgents(existing) : [];
      if (bg.length) {
        throw new WardenError(`the cluster in ${layout.root} already runs in the background (agent pids ${bg.join(', ')}): run \`warden operator\` beside it, or \`warden cluster down\` first`);
      }
      // The operator listens last; a taken port is found now, not after every member started.
      await checkListen(options.listenHost, options.listenPort);
      let op: Operator | undefined;
      let client: ReturnType<Context['client']> | undefined;
      let inv: Inventory | undefined;
      let plugin: { close(): Promise<void>; address: string } | undefined;
      const stopAll = async () => {
        await op?.stop().catch(() => undefined);
        await plugin?.close().catch(() => undefined);
        client?.close();
        const current = inv ?? readInventory(layout);
        if (current) await embeddedDown(layout, current, log).catch((err: unknown) => log(`warning: ${(err as Error).message}`));
      };
      let created = false;
      try {
        const up = await embeddedUp(layout, { members: opts.members, tls: opts.tls, auth: opts.auth, timeoutMs, log, tiedToThisProcess: true });
        inv = up.inv;
        created = up.created;
        client = c.client();
        await checkCredentials(client);
        if (opts.kms) {
          // Before the operator: its KMS controller finds the plugin answering from the first tick.
          const { serveKms } = await import('../../encryption/kms/grpc.ts');
          const { ensureKekFile, localKekService } = await import('../../encryption/kms/local-kek.ts');
          const { kmsKekFile, kmsSocketPath } = await import('../../encryption/store.ts');
          ensureKekFile(kmsKekFile(layout.root));
          plugin = await serveKms(kmsSocketPath(layout.root), localKekService(kmsKekFile(layout.root)), { log });
        }
        // Loaded here: the operator's libraries (prom-client, Hono) are for this command only.
        const { Operator } = await import('../../operator/operator.ts');
        op = new Operator({ ...options, client });
        await op.start();
      } catch (err) {
        await stopAll();
        // A cluster this run made, whose operator could not start, leaves nothing behind.
        if (created) removeEmbedded(layout, !rootExisted);
        throw err;
      }
      const { agentMemberRows } = await import('../../agent/members.ts');
      const rows = await agentMemberRows(layout, inv);
      c.print('');
      c.print(renderMembers(c, rows, 'table'));
      c.print([
        `etcd-warden is running: ${rows.length} healthy members, one agent each, state in ${layout.root}`,
        `  logs:       ${layout.agentsDir}/<member>/logs/ (or: ./warden cluster logs ${rows[0]?.name ?? 'etcd-1'})`,
        `  manifests:  ${layout.agentsDir}/<member>/manifests/ (or: ./warden cluster stop-member NAME)`,
        `  operator:   ${op.url}/healthz  ${op.url}/metrics`,
        ...apiHint(layout.tlsDir, op.url ?? '', opts),
        ...(plugin ? [`  kms:        warden's KMS v2 plugin at ${plugin.address}; ./warden encryption enable --type kms --wait`] : []),
        `  try:        ./warden endpoint status --cluster -w table`,
        `  etcdctl:    ${connectionHint(c, rows)[0]}`,
        'Press Ctrl-C to stop the operator and every member.',
      ].join('\n'));
      const sig = await untilSignal();
      log(`${sig} received: stopping the operator and every member`);
      await stopAll();
      log('stopped');
    });
}

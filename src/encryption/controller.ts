// The encryption controller: moves the cluster from its current EncryptionConfiguration to
// the desired encryption type one recorded step at a time (see plan.ts), migrates every object
// of the encrypted resources, and keeps the `Encrypted` condition. Every step is persisted
// before the next, so killing the operator at any moment and restarting it finishes the job.
import crypto from 'node:crypto';
import { WardenError } from '../errors.ts';
import type { EtcdClient } from '../etcd/client.ts';
import type { Controller, ReconcileContext } from '../operator/controller.ts';
import type { ConditionStore, EventLog } from '../operator/conditions.ts';
import { DEFAULT_PREFIXES, ENCRYPTED_RESOURCES, lookupType, typePrefix, type KeyPrefixes } from '../resources/registry.ts';
import { kmsProviders, transformerFor, type EncryptionConfig } from './config.ts';
import { KmsPlugins } from './kms/registry.ts';
import { TransformUnavailable, type KmsProvider, type Provider } from './transformers.ts';
import { scanCoverage } from './scan.ts';
import { migratePrefix } from './migration.ts';
import { DEFAULT_ROTATION_MS, encryptedCondition, encryptionVerdict, managedRule, migrationTarget, plan, writeKeyOf, type EncryptionState, type EncryptionType, type EncryptionVerdict, type MigrationRecord } from './plan.ts';
import { loadEncryptionConfig, readDesired, readEncryptionConfigFile, readRotation, readState, saveEncryptionConfig, writeState } from './store.ts';

/** A pass that cannot go on until a KMS plugin answers (the next pass may). */
export class KmsWaitError extends WardenError {
  override readonly name = 'KmsWaitError';
}

/** Whether a pass ended for want of a KMS plugin, which a later pass may have: worth retrying. */
export function isKmsOutage(err: unknown): boolean {
  return err instanceof KmsWaitError || err instanceof TransformUnavailable;
}

export interface EncryptionControllerOptions {
  configFile: string;
  rotationMs?: number;
  prefixes?: KeyPrefixes;
  concurrency?: number;
  /** Objects per second the migration may check (the throttle); unlimited when unset. */
  ratePerSecond?: number;
  intervalMs?: number;
  /** The KMS plugins kms providers reach (the operator's, so seeds and health outlive a pass). */
  kms?: KmsPlugins;
  /** How long after a finished migration an unused kms provider is dropped (default 5 min; WARDEN_KMS_REMOVAL_GRACE_MS). */
  kmsRemovalGraceMs?: number;
  /**
   * Copies the configuration to every host whose kube-apiserver reads one (the agents), before
   * any step relies on it; a failure stops the step (the controller retries it).
   */
  publish?: (config: string) => Promise<void>;
}

export interface EncryptionDeps {
  client: EtcdClient;
  conditions: ConditionStore;
  events: EventLog;
  log: (line: string) => void;
  signal: AbortSignal;
}

/** Runs steps until the plan is steady (or the signal aborts). */
export async function reconcileEncryption(deps: EncryptionDeps, opts: EncryptionControllerOptions): Promise<void> {
  const { client, conditions, events, signal } = deps;
  const prefixes = opts.prefixes ?? DEFAULT_PREFIXES;
  const event = (reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal') =>
    events.record({ type, reason, message, source: 'encryption' });
  const kms = opts.kms ?? new KmsPlugins();
  const envGrace = process.env.WARDEN_KMS_REMOVAL_GRACE_MS;
  const removalGraceMs = opts.kmsRemovalGraceMs ?? (envGrace !== undefined && Number.isFinite(Number(envGrace)) ? Number(envGrace) : undefined);
  try {
    await steps();
  } finally {
    if (!opts.kms) kms.close();
  }

  async function steps(): Promise<void> {
    for (let step = 0; step < 50 && !signal.aborted; step++) {
      const desiredState = await readDesired(client);
      const desired = desiredState.type;
      const file = readEncryptionConfigFile(opts.configFile);
      const config = file?.config;
      // The file's own bytes: every host holds exactly what the admin's state dir does.
      if (opts.publish && file) await opts.publish(file.text);
      let state = await readState(client);
      const rotation = await readRotation(client);
      const kmsKeyIds = await currentKeyIds(kms, config, state);
      // The desired provider's own plugin, at the endpoint asked for: what adding, moving and promoting it need.
      const desiredLive = desiredState.kms ? (await kms.status([desiredState.kms]))[0] : undefined;
      await conditions.set(encryptedCondition(desired, config, state, rotation, kmsKeyIds, desiredState.kms?.name));
      const action = plan({
        desired, config, state, rotation, now: new Date(), rotationMs: opts.rotationMs ?? DEFAULT_ROTATION_MS, newSecret: () => crypto.randomBytes(32),
        ...(desiredState.kms ? { kms: desiredState.kms } : {}), kmsKeyIds,
        ...(desiredLive?.healthy && desiredLive.keyId ? { desiredKmsKeyId: desiredLive.keyId } : {}),
        ...(removalGraceMs !== undefined ? { kmsRemovalGraceMs: removalGraceMs } : {}),
      });
      switch (action.kind) {
        case 'steady':
          return;
        case 'wait': {
          // The KMS controller reports the plugin; this pass has nothing to do until it answers.
          const why = desiredState.kms ? kms.envelope(desiredState.kms).health?.message : undefined;
          throw new KmsWaitError(`${action.reason}${why && why !== 'ok' ? ` (${why})` : ''}: ${action.fix}`);
        }
        case 'record-pending':
          await writeState(client, { ...state, pendingKey: action.pendingKey });
          await event('EncryptionKeyRequested', `New ${action.pendingKey.type} key ${action.pendingKey.name}: ${action.reason}`);
          break;
        case 'write-config': {
          if (action.reason === 'KMSProviderRemoved') {
            // Nothing may still be under a provider that goes (a writer that had not reloaded the
            // configuration yet): any value found means one more migration pass first.
            const left = await valuesUnderRemovedKms(client, prefixes, managedRule(config).providers, managedRule(action.config).providers);
            if (left) {
              const now = new Date().toISOString();
              const migrated = left.resources.filter((r) => ENCRYPTED_RESOURCES.includes(r));
              if (migrated.length) {
                // One more pass rewrites them; the provider goes once none is left.
                state = { ...state, migration: { writeKey: state.migration?.writeKey ?? writeKeyOf(managedRule(config).providers), startedAt: now, progress: {} } };
                await event('KMSProviderKept', `${left.count} value(s) are still under KMS provider ${left.name} (in ${left.resources.join(', ')}): migrating them before the provider is dropped`, 'Warning');
              } else {
                // Resources the controller does not rewrite: the provider stays, asked again after the grace.
                state = { ...state, ...(state.migration ? { migration: { ...state.migration, finishedAt: now } } : {}) };
                await event('KMSProviderKept', `${left.count} value(s) are still under KMS provider ${left.name} in ${left.resources.join(', ')}, which warden does not migrate: rewrite or delete them; the provider stays until none is left`, 'Warning');
              }
              await writeState(client, state);
              break;
            }
          }
          // A new write provider or key: the last finished migration is not one to it. Recorded
          // before the file changes, so no step after a crash counts that old record as done.
          const before = writeKeyOf(managedRule(config).providers);
          const after = writeKeyOf(managedRule(action.config).providers);
          if (before !== after && state.migration?.finishedAt) {
            state = { ...state, migration: { writeKey: migrationTarget(after, kmsKeyIds) ?? after, startedAt: new Date().toISOString(), progress: {} } };
            await writeState(client, state);
          }
          saveEncryptionConfig(opts.configFile, action.config);
          await event(action.reason, action.message);
          break;
        }
        case 'migrate': {
          const { pendingKey: _done, ...rest } = state;
          const record: MigrationRecord = state.migration?.writeKey === action.writeKey && !state.migration.finishedAt
            ? { ...state.migration, progress: {} }
            : { writeKey: action.writeKey, startedAt: new Date().toISOString(), progress: {} };
          state = { ...rest, migration: record };
          await writeState(client, state);
          await event('EncryptionMigrationStarted', `Rewriting ${ENCRYPTED_RESOURCES.join(', ')} with ${action.writeKey}`);
          const unreadable: { key: string; error: string }[] = [];
          let lastFlush = 0;
          const flush = async (force = false) => {
            if (!force && Date.now() - lastFlush < 500) return;
            lastFlush = Date.now();
            await writeState(client, state);
            await conditions.set(encryptedCondition(desired, config, state, rotation, kmsKeyIds, desiredState.kms?.name));
          };
          for (const resource of ENCRYPTED_RESOURCES) {
            const type = lookupType(resource);
            if (!type) continue;
            const r = await migratePrefix(client, typePrefix(type, prefixes), transformerFor(config, resource, kms.resolve), {
              signal,
              ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
              ...(opts.ratePerSecond ? { ratePerSecond: opts.ratePerSecond } : {}),
              onProgress: (done, total) => {
                record.progress[resource] = { done, total };
                void flush().catch(() => undefined);
              },
            });
            record.progress[resource] = { done: r.done, total: r.total };
            unreadable.push(...r.unreadable);
          }
          if (unreadable.length) {
            record.unreadable = unreadable.slice(0, 100);
            await flush(true);
            await event('EncryptionMigrationFailed', `${unreadable.length} value(s) cannot be read with the configured keys and were left as they are, e.g. ${unreadable[0]?.key}: ${unreadable[0]?.error}; restore the missing key into ${opts.configFile}`, 'Warning');
            throw new WardenError(`${unreadable.length} value(s) cannot be read with the configured keys (e.g. ${unreadable[0]?.key}): restore the missing key into ${opts.configFile}; the migration retries them on its next pass`);
          }
          record.finishedAt = new Date().toISOString();
          delete record.unreadable;
          await flush(true);
          await event('EncryptionMigrationCompleted', `Every object of ${ENCRYPTED_RESOURCES.join(', ')} now uses ${action.writeKey}`);
          break;
        }
      }
    }
  }
}

/**
 * The current key ID of each kms provider of the file (and the desired one), by name: from the
 * envelope's last Status when fresh, else asked now. A plugin that does not answer is left out.
 */
async function currentKeyIds(kms: KmsPlugins, config: EncryptionConfig | undefined, state: EncryptionState): Promise<Record<string, string>> {
  const providers = kmsProviders(config);
  const out: Record<string, string> = {};
  const health = await kms.status(providers);
  for (const h of health) if (h.healthy && h.keyId) out[h.name] = h.keyId;
  // The write provider's plugin not answering now: the key ID everything was last migrated to
  // stands for it (the data is no less encrypted; KMSPluginHealthy reports the outage), unless
  // the plugin last reported another one (a rotation it has not finished).
  const recorded = /^kms:([^:]+):(.+)$/.exec(state.migration?.finishedAt ? state.migration.writeKey : '');
  const [name, keyId] = recorded ? [recorded[1] as string, recorded[2] as string] : [];
  const write = writeKeyOf(managedRule(config).providers);
  const seen = health.find((h) => h.name === name);
  if (name && keyId && !out[name] && write === `kms:${name}` && seen && (seen.keyId === undefined || seen.keyId === keyId)) out[name] = keyId;
  return out;
}

/** The first kms provider `before` has and `after` drops that still holds values: how many, in which resources. */
async function valuesUnderRemovedKms(client: EtcdClient, prefixes: KeyPrefixes, before: Provider[], after: Provider[]): Promise<{ name: string; count: number; resources: string[] } | undefined> {
  const gone = before.filter((p): p is KmsProvider => p.type === 'kms' && !after.some((q) => q.type === 'kms' && q.name === p.name));
  if (gone.length === 0) return undefined;
  const coverage = await scanCoverage(client, prefixes);
  for (const p of gone) {
    let count = 0;
    const resources: string[] = [];
    for (const r of coverage) {
      const n = Object.entries(r.encrypted).filter(([k]) => k === `kms:${p.name}` || k.startsWith(`kms:${p.name}:`)).reduce((sum, [, c]) => sum + c, 0);
      if (n > 0) {
        count += n;
        resources.push(r.resource);
      }
    }
    if (count > 0) return { name: p.name, count, resources };
  }
  return undefined;
}

export function encryptionController(opts: EncryptionControllerOptions): Controller {
  return {
    name: 'encryption',
    intervalMs: opts.intervalMs ?? 5000,
    reconcile: (ctx: ReconcileContext) => reconcileEncryption(ctx, opts),
  };
}

/**
 * For `encryption status` and `--wait`: the condition (and its migration) as the controller
 * computes it. With a kms write provider its plugin is asked for the current key ID; when it does
 * not answer, the key ID the last migration went to is assumed unchanged.
 */
export async function encryptionStatus(client: EtcdClient, configFile: string, kms?: KmsPlugins): Promise<EncryptionVerdict & { desired: EncryptionType; state: EncryptionState; writeKey: string; config: EncryptionConfig | undefined }> {
  const [desired, state, rotation] = await Promise.all([readDesired(client), readState(client), readRotation(client)]);
  const config = loadEncryptionConfig(configFile);
  const writeKey = writeKeyOf(managedRule(config).providers);
  let kmsKeyIds: Record<string, string> = {};
  if (writeKey.startsWith('kms:') || desired.type === 'kms') {
    const plugins = kms ?? new KmsPlugins();
    try {
      kmsKeyIds = await currentKeyIds(plugins, config, state);
    } finally {
      if (!kms) plugins.close();
    }
  }
  return { ...encryptionVerdict(desired.type, config, state, rotation, kmsKeyIds, desired.kms?.name), desired: desired.type, state, writeKey, config };
}

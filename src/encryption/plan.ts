// The encryption controller's decisions (pure): given the desired type, the current
// EncryptionConfiguration and the recorded state, what is the next step, and what does the
// `Encrypted` condition say. Steps, in order, as OpenShift's encryption controllers take them:
//   1. create a key (32 random bytes, named by the next integer) and add it as a READ key
//   2. promote it to WRITE key (first provider, first key)
//   3. migrate: rewrite every object of the encrypted resources with the write key
//   4. record when migration finished; prune unused old keys beyond the 10 kept
// Rotation (weekly by default, counted from the end of the last migration) starts again at 1.
// KMS v2 (desired type kms): the key lives in the plugin, so the steps are
//   1. add the kms provider as a READ provider, 2. promote it to write provider,
//   3. migrate to the plugin's current key ID; a new key ID from the plugin (its own rotation)
//   makes everything else stale, so step 3 runs again. Weekly rotation is the plugin's affair.
import { ENCRYPTED_RESOURCES } from '../resources/registry.ts';
import { kmsProviders, type EncryptionConfig, type ResourceRule } from './config.ts';
import type { KeyedType, KmsProvider, Provider, ProviderKey } from './transformers.ts';
import type { EncryptionType, MigrationRecord } from '../console/api.ts';

export type { EncryptionType, MigrationProgress, MigrationRecord } from '../console/api.ts';
export const ENCRYPTION_TYPES: EncryptionType[] = ['identity', 'aescbc', 'aesgcm', 'secretbox', 'kms'];
export const KEPT_UNUSED_KEYS = 10;
export const DEFAULT_ROTATION_MS = 7 * 24 * 3600 * 1000;

/** Kept in etcd under /warden/encryption/state, written only by the controller. */
export interface EncryptionState {
  /** A key added as read key and waiting for promotion. */
  pendingKey?: { type: EncryptionType; name: string; addedAt: string };
  migration?: MigrationRecord;
}

/**
 * `encryption rotate` asks for a new key now (kept under /warden/encryption/rotate, written only
 * by that command, so a controller writing its state never loses it). It names the write key to
 * replace: the request holds while that key is still the write key, and is met once a newer key
 * is the write key and everything is migrated to it. No clocks are compared.
 */
export interface RotationRequest {
  requestedAt: string;
  writeKey: string;
}

export type Action =
  | { kind: 'steady' }
  | { kind: 'record-pending'; pendingKey: NonNullable<EncryptionState['pendingKey']>; reason: string }
  | { kind: 'write-config'; config: EncryptionConfig; reason: string; message: string }
  | { kind: 'migrate'; writeKey: string }
  /** Nothing can be done until a KMS plugin answers (its key ID is what to migrate to). */
  | { kind: 'wait'; reason: string; fix: string };

export interface PlanInput {
  desired: EncryptionType;
  config: EncryptionConfig | undefined;
  state: EncryptionState;
  now: Date;
  rotationMs: number;
  /** Makes key material for a new key (32 random bytes in production). */
  newSecret: () => Buffer;
  rotation?: RotationRequest;
  /** With desired kms: the provider to write with. */
  kms?: KmsProvider;
  /**
   * The current key ID of each configured kms provider, by name: its plugin's answer, or, while
   * the plugin of the write provider does not answer, the key ID everything was migrated to.
   */
  kmsKeyIds?: Record<string, string>;
  /** With desired kms: the key ID the desired provider's plugin (its name at its endpoint) answered now. */
  desiredKmsKeyId?: string;
  /** How long after a migration finished a kms provider nothing writes with is dropped (default KMS_REMOVAL_GRACE_MS). */
  kmsRemovalGraceMs?: number;
}

/**
 * A kms provider is dropped this long after everything was migrated away from it: kube-apiservers
 * pick up a new configuration on their own schedule (about a minute) and may write under the
 * old provider meanwhile. The controller also checks no value is still under it.
 */
export const KMS_REMOVAL_GRACE_MS = 5 * 60_000;

/**
 * What a finished migration must have rewritten everything to: the write key, and for a kms
 * write provider its plugin's current key ID (`kms:<name>:<keyID>`); undefined while unknown.
 */
export function migrationTarget(write: string, kmsKeyIds: Record<string, string> | undefined): string | undefined {
  if (!write.startsWith('kms:')) return write;
  const keyId = kmsKeyIds?.[write.slice(4)];
  return keyId ? `${write}:${keyId}` : undefined;
}

/** Whether values may be under a kms provider (it is, or was, configured). */
function hasKms(providers: Provider[]): boolean {
  return providers.some((p) => p.type === 'kms');
}

/** The managed rule: the one for the encrypted resources (created when missing). */
export function managedRule(config: EncryptionConfig | undefined): ResourceRule {
  const rule = config?.resources.find((r) => r.resources.includes('secrets'));
  return rule ?? { resources: [...ENCRYPTED_RESOURCES], providers: [{ type: 'identity' }] };
}

export function withRule(config: EncryptionConfig | undefined, rule: ResourceRule): EncryptionConfig {
  const others = (config?.resources ?? []).filter((r) => !r.resources.includes('secrets'));
  return { resources: [rule, ...others] };
}

export function writeKeyOf(providers: Provider[]): string {
  const first = providers[0];
  if (!first || first.type === 'identity') return 'identity';
  if (first.type === 'kms') return `kms:${first.name}`;
  return `${first.type}:${first.keys[0]?.name}`;
}

export interface KeyRef {
  type: KeyedType;
  key: ProviderKey;
}

/** The keys held in the configuration (kms providers hold none). */
export function allKeys(providers: Provider[]): KeyRef[] {
  return providers.flatMap((p) => (p.type === 'identity' || p.type === 'kms' ? [] : p.keys.map((key) => ({ type: p.type, key }))));
}

export function nextKeyName(providers: Provider[], state: EncryptionState): string {
  const names = allKeys(providers).map((k) => Number(k.key.name)).filter(Number.isInteger);
  if (state.pendingKey) names.push(Number(state.pendingKey.name));
  return String(Math.max(0, ...names) + 1);
}

/** Providers with `key` moved to the front as the write key; identity stays as the last reader. */
export function promote(providers: Provider[], ref: KeyRef): Provider[] {
  const rest = removeKey(providers, ref.key.name);
  return normalize([{ type: ref.type, keys: [ref.key] } as Provider, ...rest]);
}

function removeKey(providers: Provider[], name: string): Provider[] {
  return providers
    .map((p) => (p.type === 'identity' || p.type === 'kms' ? p : { ...p, keys: p.keys.filter((k) => k.name !== name) }))
    .filter((p) => p.type === 'identity' || p.type === 'kms' || p.keys.length > 0);
}

/**
 * Merges adjacent providers of one keyed type, keeps one identity (first if writing, else last)
 * and each kms provider once (by name, where it first stands).
 */
export function normalize(providers: Provider[]): Provider[] {
  const identityFirst = providers[0]?.type === 'identity';
  const out: Provider[] = [];
  for (const p of providers) {
    if (p.type === 'identity') continue;
    if (p.type === 'kms') {
      if (!out.some((q) => q.type === 'kms' && q.name === p.name)) out.push(p);
      continue;
    }
    const last = out[out.length - 1];
    if (last && last.type === p.type) last.keys.push(...p.keys);
    else out.push({ type: p.type, keys: [...p.keys] });
  }
  return identityFirst ? [{ type: 'identity' }, ...out] : [...out, { type: 'identity' }];
}

/** A kms provider right after the write provider (readable everywhere before anyone writes with it). */
function addKmsReader(providers: Provider[], kms: KmsProvider): Provider[] {
  const [first, ...rest] = providers;
  return normalize([...(first ? [first] : []), kms, ...rest]);
}

function planKms(input: PlanInput, providers: Provider[], setProviders: (ps: Provider[], reason: string, message: string) => Action): Action {
  const want = input.kms;
  if (!want) return { kind: 'wait', reason: 'encryption type kms is set without its provider', fix: 'run `warden encryption enable --type kms --kms-endpoint unix:///...` again' };
  const write = writeKeyOf(providers);
  const have = providers.find((p): p is KmsProvider => p.type === 'kms' && p.name === want.name);
  // A name appears once in the whole file (kube-apiserver refuses it twice).
  if (!have && kmsProviders(input.config).some((p) => p.name === want.name)) {
    return { kind: 'wait', reason: `kms provider ${want.name} is configured for other resources in the EncryptionConfiguration`, fix: 'choose another --kms-name, or remove it there' };
  }
  const silent: Action = {
    kind: 'wait',
    reason: `the KMS plugin of provider ${want.name} at ${want.endpoint} has not reported its key ID`,
    fix: 'start the plugin or give the right --kms-endpoint; the controller retries',
  };
  // Configured, moved and promoted only on the plugin's own answer at that endpoint: every
  // kube-apiserver reading the file checks each kms provider's plugin, so one that is not there
  // would fail them all; until then writes keep the provider they have.
  const live = !!input.desiredKmsKeyId;
  if (!have) return live ? setProviders(addKmsReader(providers, want), 'KMSProviderAdded', `KMS provider ${want.name} (${want.endpoint}) added as a read provider`) : silent;
  if (have.endpoint !== want.endpoint || have.timeoutMs !== want.timeoutMs) {
    return live ? setProviders(providers.map((p) => (p === have ? want : p)), 'KMSProviderUpdated', `KMS provider ${want.name} now reaches its plugin at ${want.endpoint}`) : silent;
  }
  if (write !== `kms:${want.name}`) {
    return live ? setProviders(normalize([want, ...providers.filter((p) => p !== have)]), 'KMSProviderPromoted', `KMS provider ${want.name} promoted to write provider`) : silent;
  }
  const target = migrationTarget(write, input.kmsKeyIds);
  if (!target) return silent;
  const mig = input.state.migration;
  if (!(mig?.writeKey === target && mig.finishedAt)) return { kind: 'migrate', writeKey: target };
  return prune(providers, write, setProviders, input);
}

export function addReadKey(providers: Provider[], ref: KeyRef): Provider[] {
  // Right after the write provider: readable at once, written by nobody yet.
  const [first, ...rest] = providers;
  if (first && first.type === ref.type) return normalize([{ type: first.type, keys: [...first.keys, ref.key] }, ...rest]);
  return normalize([...(first ? [first] : []), { type: ref.type, keys: [ref.key] } as Provider, ...rest]);
}

export function plan(input: PlanInput): Action {
  const rule = managedRule(input.config);
  const providers = rule.providers;
  const write = writeKeyOf(providers);
  const mig = input.state.migration;
  const migrated = mig?.writeKey === write && !!mig.finishedAt;
  const setProviders = (ps: Provider[], reason: string, message: string): Action => ({
    kind: 'write-config', config: withRule(input.config, { ...rule, providers: ps }), reason, message,
  });

  if (input.desired === 'kms') return planKms(input, providers, setProviders);

  if (input.desired === 'identity') {
    if (write !== 'identity') {
      return setProviders(normalize([{ type: 'identity' }, ...providers]), 'WriteKeyIdentity', 'Encryption mode set to identity: new writes are plaintext, existing keys stay readable');
    }
    if (allKeys(providers).length === 0 && !hasKms(providers)) return { kind: 'steady' };
    if (!migrated) return { kind: 'migrate', writeKey: 'identity' };
    return prune(providers, 'identity', setProviders, input);
  }

  const desired = input.desired as KeyedType;
  // A key was added as read key: promote it (create it first if the config lost it).
  const pending = input.state.pendingKey;
  if (pending && pending.type === desired) {
    const inConfig = allKeys(providers).find((k) => k.key.name === pending.name && k.type === pending.type);
    if (!inConfig) {
      const ref: KeyRef = { type: desired, key: { name: pending.name, secret: input.newSecret() } };
      return setProviders(addReadKey(providers, ref), 'EncryptionKeyCreated', `Key ${pending.name} (${desired}) created and added as a read key`);
    }
    if (write !== `${desired}:${pending.name}`) {
      return setProviders(promote(providers, inConfig), 'EncryptionKeyPromoted', `Key ${pending.name} (${desired}) promoted to write key`);
    }
    // Promoted: the pending mark is cleared by the controller once migration starts.
  }

  const rotateRequested = rotationPending(input.rotation, write);
  const rotationDue = migrated && !!mig?.finishedAt && input.now.getTime() - Date.parse(mig.finishedAt) >= input.rotationMs;
  const needNewKey = !write.startsWith(`${desired}:`) || (migrated && (rotationDue || rotateRequested));
  if (needNewKey && !(pending && pending.type === desired && write === `${desired}:${pending.name}`)) {
    const name = nextKeyName(providers, input.state);
    const why = !write.startsWith(`${desired}:`) ? `encryption type ${desired} requested` : rotateRequested ? 'rotation requested' : 'weekly rotation due';
    return { kind: 'record-pending', pendingKey: { type: desired, name, addedAt: input.now.toISOString() }, reason: why };
  }
  if (!migrated) return { kind: 'migrate', writeKey: write };
  return prune(providers, write, setProviders, input);
}

/**
 * After a finished migration: drops kms providers nothing is written with any more (their plugin
 * may be retired; a backup's own configuration brings its provider back with it), and unused
 * old keys beyond the newest KEPT_UNUSED_KEYS.
 */
function prune(providers: Provider[], write: string, setProviders: (ps: Provider[], r: string, m: string) => Action, input: PlanInput): Action {
  const oldKms = providers.filter((p): p is KmsProvider => p.type === 'kms' && `kms:${p.name}` !== write);
  const finished = Date.parse(input.state.migration?.finishedAt ?? '');
  const graceOver = input.now.getTime() - finished >= (input.kmsRemovalGraceMs ?? KMS_REMOVAL_GRACE_MS);
  if (oldKms.length && graceOver) {
    return setProviders(normalize(providers.filter((p) => !oldKms.includes(p as KmsProvider))), 'KMSProviderRemoved', `Removed the KMS provider(s) ${oldKms.map((p) => p.name).join(', ')}: every value is rewritten with ${write}`);
  }
  const unused = allKeys(providers).filter((k) => `${k.type}:${k.key.name}` !== write);
  if (unused.length <= KEPT_UNUSED_KEYS) return { kind: 'steady' };
  const byAge = [...unused].sort((a, b) => Number(b.key.name) - Number(a.key.name));
  let ps = providers;
  const dropped = byAge.slice(KEPT_UNUSED_KEYS);
  for (const d of dropped) ps = removeKey(ps, d.key.name);
  return setProviders(normalize(ps), 'EncryptionKeysPruned', `Removed ${dropped.length} unused old key(s): ${dropped.map((d) => d.key.name).join(', ')}`);
}

/** Reasons of a settled Encrypted condition: no migration runs or waits. */
export const SETTLED_REASONS: readonly EncryptedCondition['reason'][] = ['EncryptionCompleted', 'DecryptionCompleted', 'EncryptionDisabled'];

export interface EncryptedCondition {
  type: 'Encrypted';
  status: 'True' | 'False';
  reason: 'EncryptionInProgress' | 'EncryptionCompleted' | 'DecryptionInProgress' | 'DecryptionCompleted' | 'EncryptionDisabled';
  message: string;
}

/** True while a requested rotation still waits for a key newer than `write`. */
function rotationPending(rotation: RotationRequest | undefined, write: string): boolean {
  return !!rotation && rotation.writeKey === write;
}

/** The Encrypted condition, and the migration whose counts go with it. */
export interface EncryptionVerdict {
  condition: EncryptedCondition;
  /**
   * The migration the condition is about: the one running now (EncryptionInProgress,
   * DecryptionInProgress), or the finished one the condition reports complete. Never an earlier
   * one: until the current migration has started there is none.
   */
  migration?: MigrationRecord;
}

function progressText(mig: MigrationRecord | undefined): string {
  if (!mig) return '';
  return ENCRYPTED_RESOURCES.filter((r) => mig.progress[r]).map((r) => `${r} ${mig.progress[r]?.done}/${mig.progress[r]?.total}`).join(', ');
}

/**
 * `kmsKeyIds`: each kms provider's current key ID (what a kms migration goes to); `kmsName`: with
 * desired kms, the provider asked for (another kms provider writing is not what was asked).
 */
export function encryptionVerdict(desired: EncryptionType, config: EncryptionConfig | undefined, state: EncryptionState, rotation?: RotationRequest, kmsKeyIds?: Record<string, string>, kmsName?: string): EncryptionVerdict {
  const providers = managedRule(config).providers;
  const write = writeKeyOf(providers);
  const target = migrationTarget(write, kmsKeyIds);
  const mig = state.migration;
  const migrated = !!mig && mig.writeKey === target && !!mig.finishedAt;
  // A migration towards the current write key that has not finished is the one in progress.
  const running = mig && mig.writeKey === target && !mig.finishedAt ? mig : undefined;
  const verdict = (reason: EncryptedCondition['reason'], message: string, migration?: MigrationRecord): EncryptionVerdict => ({
    condition: { type: 'Encrypted', status: reason === 'EncryptionCompleted' ? 'True' : 'False', reason, message },
    ...(migration ? { migration } : {}),
  });
  if (desired === 'identity') {
    if (allKeys(providers).length === 0 && !hasKms(providers) && write === 'identity') return verdict('EncryptionDisabled', 'Encryption is not enabled');
    if (write === 'identity' && migrated) return verdict('DecryptionCompleted', 'Encryption mode set to identity and everything is decrypted', mig);
    const current = write === 'identity' ? running : undefined;
    const p = progressText(current);
    return verdict('DecryptionInProgress', `Encryption mode set to identity, decrypting resources${p ? `: ${p}` : ''}`, current);
  }
  const pendingNewKey = !!state.pendingKey && `${state.pendingKey.type}:${state.pendingKey.name}` !== write && state.pendingKey.type === desired;
  const writesDesired = desired === 'kms' && kmsName ? write === `kms:${kmsName}` : write.startsWith(`${desired}:`);
  if (writesDesired && migrated && !pendingNewKey && !rotationPending(rotation, write)) {
    return verdict('EncryptionCompleted', `All resources encrypted: ${ENCRYPTED_RESOURCES.join(', ')}`, mig);
  }
  const current = writesDesired ? running : undefined;
  const p = progressText(current);
  if (writesDesired && desired === 'kms' && !migrationTarget(write, kmsKeyIds)) {
    return verdict('EncryptionInProgress', `Encryption mode set to kms, waiting for the KMS plugin of provider ${write.slice(4)} to report its key ID`);
  }
  return verdict('EncryptionInProgress', `Encryption mode set to ${desired}, encrypting resources${p ? `: ${p}` : ''}`, current);
}

/** The `Encrypted` condition, in the seeds' words. */
export function encryptedCondition(desired: EncryptionType, config: EncryptionConfig | undefined, state: EncryptionState, rotation?: RotationRequest, kmsKeyIds?: Record<string, string>, kmsName?: string): EncryptedCondition {
  return encryptionVerdict(desired, config, state, rotation, kmsKeyIds, kmsName).condition;
}

export function keyNameOf(writeKey: string): string | undefined {
  return writeKey.includes(':') ? writeKey.slice(writeKey.indexOf(':') + 1) : undefined;
}

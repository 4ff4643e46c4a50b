// Encryption after a restore: the EncryptionConfiguration and the controller's record must agree
// with the restored set. The desired type (/warden/config/apiserver) and the controller's record
// (/warden/encryption/state) come back with the data; the keys do not, so the configuration to
// install is the set's own (its write provider is what the restored values are written with),
// and every key of the configuration it replaces stays in it as a read key: newer backups, and
// the data dirs moved aside, need them. When the set's values are known to be all written with
// one key, the record says that migration is finished, so the cluster is settled at once
// (`encryption status`, the controller and `warden backup` agree) instead of the controller
// starting a migration the values do not need.
import fs from 'node:fs';
import path from 'node:path';
import type { EtcdClient } from '../etcd/client.ts';
import { ENCRYPTED_RESOURCES } from '../resources/registry.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import type { EncryptionConfig, ResourceRule } from './config.ts';
import type { KmsProvider } from './transformers.ts';
import { ConditionStore } from '../operator/conditions.ts';
import { addReadKey, allKeys, encryptedCondition, managedRule, normalize, promote, SETTLED_REASONS, withRule, writeKeyOf, type EncryptedCondition, type EncryptionState, type EncryptionType } from './plan.ts';
import { loadEncryptionConfig, readDesired, readState, saveEncryptionConfig, writeState } from './store.ts';

export interface RestoredConfig {
  /** The configuration to install; undefined when neither the set nor the state dir has one. */
  config: EncryptionConfig | undefined;
  /** Keys of the replaced configuration kept as read keys ("aesgcm:2"). */
  kept: string[];
  /** Keys of the replaced configuration whose name the set uses for another secret: they cannot be kept under that name. */
  conflicts: string[];
}

/**
 * Pure: the set's configuration (`set`; undefined: the set was taken without one, so its values
 * are plaintext) with every key of `current` it lacks added as a read key to the rule for the
 * same resources (a rule of their own, writing plaintext, when the set has none). The write
 * provider of every rule stays the set's.
 */
export function configForRestoredSet(set: EncryptionConfig | undefined, current: EncryptionConfig | undefined): RestoredConfig {
  if (!set && !current) return { config: undefined, kept: [], conflicts: [] };
  const rules: ResourceRule[] = (set ?? { resources: [managedRule(undefined)] }).resources.map((r) => ({ resources: [...r.resources], providers: r.providers }));
  const kept: string[] = [];
  const conflicts: string[] = [];
  for (const rule of current?.resources ?? []) {
    const keys = allKeys(rule.providers);
    const kms = rule.providers.filter((p): p is KmsProvider => p.type === 'kms');
    if (keys.length === 0 && kms.length === 0) continue;
    let target = rules.find((r) => r.resources.some((name) => rule.resources.includes(name)));
    if (!target) {
      target = { resources: [...rule.resources], providers: [{ type: 'identity' }] };
      rules.push(target);
    }
    // A kms provider (its plugin holds the key) stays a reader, right after the write provider.
    for (const p of kms) {
      if (target.providers.some((x) => x.type === 'kms' && x.name === p.name)) continue;
      const [first, ...rest] = target.providers;
      target.providers = normalize([...(first ? [first] : []), p, ...rest]);
      if (!kept.includes(`kms:${p.name}`)) kept.push(`kms:${p.name}`);
    }
    for (const k of keys) {
      const id = `${k.type}:${k.key.name}`;
      const same = allKeys(target.providers).find((x) => x.type === k.type && x.key.name === k.key.name);
      if (same) {
        if (!same.key.secret.equals(k.key.secret)) conflicts.push(id);
        continue;
      }
      target.providers = addReadKey(target.providers, k);
      if (!kept.includes(id)) kept.push(id);
    }
  }
  return { config: { resources: rules }, kept, conflicts };
}

/**
 * Pure: `config` with `writeKey` ("identity", "<type>:<name>" of one of its keys, or
 * "kms:<name>[:<key ID>]" of one of its kms providers) as the write key of the managed rule.
 */
export function withWriteKey(config: EncryptionConfig, writeKey: string): EncryptionConfig {
  const rule = managedRule(config);
  if (writeKeyOf(rule.providers) === providerOf(writeKey)) return config;
  if (writeKey === 'identity') return withRule(config, { ...rule, providers: normalize([{ type: 'identity' }, ...rule.providers]) });
  if (writeKey.startsWith('kms:')) {
    const p = rule.providers.find((x) => x.type === 'kms' && `kms:${x.name}` === providerOf(writeKey));
    return p ? withRule(config, { ...rule, providers: normalize([p, ...rule.providers.filter((x) => x !== p)]) }) : config;
  }
  const ref = allKeys(rule.providers).find((k) => `${k.type}:${k.key.name}` === writeKey);
  return ref ? withRule(config, { ...rule, providers: promote(rule.providers, ref) }) : config;
}

/**
 * Pure: what every value of the encrypted resources in a backup set is written with, from its
 * backup.json: known when the backup was taken settled (no migration running or waiting), and
 * then it is the write key of the set's configuration.
 */
export function writtenWithFromBackup(encryption: { condition?: string; writeKey?: string } | undefined, set: EncryptionConfig | undefined): string | undefined {
  if (!SETTLED_REASONS.includes(encryption?.condition as EncryptedCondition['reason'])) return undefined;
  const write = writeKeyOf(managedRule(set).providers);
  // kms: the key ID is in the record the backup kept (`kms:<name>:<key ID>`), not in the configuration.
  if (write.startsWith('kms:')) return encryption?.writeKey?.startsWith(`${write}:`) ? encryption.writeKey : undefined;
  return write;
}

/** The provider part of a written-with key: `kms:<name>` of `kms:<name>:<key ID>`; others as they are. */
function providerOf(writtenWith: string): string {
  const m = /^(kms:[^:]+):/.exec(writtenWith);
  return m ? (m[1] as string) : writtenWith;
}

/**
 * Pure: the one provider and key every value of the encrypted resources is stored with
 * ("identity" for plaintext), from a snapshot's storage counts; undefined when they differ or
 * there are none.
 */
export function writtenWithFromStorage(resources: { resource: string; storage: { provider: string; keyName?: string; keyId?: string; count: number }[] }[]): string | undefined {
  const used = new Set(resources
    .filter((r) => ENCRYPTED_RESOURCES.includes(r.resource))
    .flatMap((r) => r.storage.filter((s) => s.count > 0).map((s) => (s.provider === 'identity' ? 'identity' : `${s.provider}:${s.keyName}${s.keyId !== undefined ? `:${s.keyId}` : ''}`))));
  return used.size === 1 ? [...used][0] : undefined;
}

/**
 * Pure: the controller's record once every value of the encrypted resources is known to be
 * written with `writeKey` (the installed write key): a finished migration to it. Undefined when
 * nothing needs recording: the Encrypted condition is settled already (as on a cluster never
 * encrypted), or the record says so.
 */
export function settledRecord(desired: EncryptionType, config: EncryptionConfig | undefined, state: EncryptionState, writeKey: string, now: Date): EncryptionState | undefined {
  if (SETTLED_REASONS.includes(encryptedCondition(desired, config, state).reason)) return undefined;
  if (writeKeyOf(managedRule(config).providers) !== providerOf(writeKey)) return undefined;
  // A kms write provider: only a key ID makes a finished migration (what the controller compares).
  if (writeKey.startsWith('kms:') && providerOf(writeKey) === writeKey) return undefined;
  if (state.migration?.writeKey === writeKey && state.migration.finishedAt) return undefined;
  const at = now.toISOString();
  return { ...state, migration: { writeKey, startedAt: at, finishedAt: at, progress: {} } };
}

/**
 * Installs the configuration for a restored set into `file` (see configForRestoredSet). A
 * replaced file that cannot be read, or whose keys clash with the set's, is first copied into
 * `asideDir` (0600), so no key is ever lost.
 */
export function installRestoredConfig(file: string, set: EncryptionConfig | undefined, asideDir: string): RestoredConfig & { copiedTo?: string } {
  let current: EncryptionConfig | undefined;
  let unreadable = false;
  try {
    current = loadEncryptionConfig(file);
  } catch {
    unreadable = true;
  }
  const merged = configForRestoredSet(set, current);
  let copiedTo: string | undefined;
  if (unreadable || merged.conflicts.length) {
    fs.mkdirSync(asideDir, { recursive: true, mode: 0o700 });
    copiedTo = path.join(asideDir, path.basename(file));
    writeFileAtomic(copiedTo, fs.readFileSync(file), 0o600);
  }
  if (merged.config) saveEncryptionConfig(file, merged.config);
  return { ...merged, ...(copiedTo ? { copiedTo } : {}) };
}

/**
 * After the restored member starts: records that the restored values are all written with
 * `writtenWith` when that is known (see settledRecord), and brings a stored Encrypted condition
 * (it came back with the data, as old as the backup) up to date. Returns the condition now.
 */
export async function settleRestoredEncryption(client: EtcdClient, configFile: string, writtenWith: string | undefined): Promise<{ recorded: boolean; condition: EncryptedCondition }> {
  const [desired, state] = await Promise.all([readDesired(client), readState(client)]);
  const config = loadEncryptionConfig(configFile);
  const next = writtenWith ? settledRecord(desired.type, config, state, writtenWith, new Date()) : undefined;
  if (next) await writeState(client, next);
  // kms: the key ID the restored values are under stands for the plugin's until the controller asks it.
  const kms = /^kms:([^:]+):(.+)$/.exec(writtenWith ?? '');
  const condition = encryptedCondition(desired.type, config, next ?? state, undefined, kms ? { [kms[1] as string]: kms[2] as string } : undefined, desired.kms?.name);
  const conditions = new ConditionStore(client);
  if (await conditions.get(condition.type)) await conditions.set(condition);
  return { recorded: !!next, condition };
}

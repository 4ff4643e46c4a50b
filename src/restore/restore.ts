// `warden restore`: the seeds' "restore to a previous cluster state" on the local cluster, as
// one resumable command. Every phase is recorded in <state>/restore.json before it runs, so a
// restore killed at any point completes when run again. Data dirs are moved aside, never
// deleted.
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { readArchive, type BackupInfo } from '../backup/archive.ts';
import { readClusterConfig } from '../cluster/cluster-config.ts';
import { requireInventory } from '../cluster/inventory.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { encryptionConfigFile, kmsKekFile, kmsSocketPath } from '../encryption/store.ts';
import { KEK_ENTRY, mergeKeks } from '../encryption/kms/local-kek.ts';
import { kmsEndpointSocket, kmsProviders, parseEncryptionConfig, type EncryptionConfig } from '../encryption/config.ts';
import { allKeys, managedRule, writeKeyOf } from '../encryption/plan.ts';
import { installRestoredConfig, withWriteKey, writtenWithFromBackup, writtenWithFromStorage } from '../encryption/restored.ts';
import { inspectSnapshot } from '../snapshot/inspect.ts';
import type { Credentials } from '../etcd/connection.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { movedAsideDir, type Agreement, type Log } from './members.ts';
import { type ChosenSet } from './set.ts';
import { LazyScratch } from '../util/scratch.ts';

export type Phase = 'stop' | 'aside' | 'restore' | 'keys' | 'start' | 'encryption' | 'add' | 'verify';
const PHASES: Phase[] = ['stop', 'aside', 'restore', 'keys', 'start', 'encryption', 'add', 'verify'];

export interface RestoreRecord {
  timestamp: string;
  snapshot: string;
  archive?: string;
  encryptionConfig?: string;
  recovery: string;
  token: string;
  stamp: string;
  phase: Phase;
  /** What every restored value of the encrypted resources is written with ("identity", "aesgcm:1"), when known. */
  writtenWith?: string;
  /** Whether the restore bumped the revision (a restore on an agent says so once). */
  bumped?: boolean;
  /** The cluster's revision and ID before the restore stopped it (the default bump goes above it). */
  live?: { revision: number; clusterId: string };
}

export interface RestoreOptions {
  layout: StateLayout;
  dir: string;
  keysDir?: string;
  timestamp?: string;
  recoveryMember?: string;
  /** The etcd user for every call after the start (default: root's stored credentials). */
  auth?: Credentials;
  log: Log;
  /** The age identity that decrypts an encrypted set. */
  identity?: string;
  /** Where a KMS plugin's KEKs carried by the set (`backup --include-kek`) are merged (default: <state>/kms/kek.json). */
  kekFile?: string;
  /**
   * Where an encrypted snapshot is decrypted for etcdctl: a private scratch folder in the state
   * dir (made on first use). The caller owns it, so that it goes however the command ends;
   * the restore removes it as soon as etcdctl has read it.
   */
  plaintext?: LazyScratch;
  /** Revisions to bump by on restore (marked compacted); false: no bump; absent: the default (restore/bump.ts). */
  bumpRevision?: number | false;
}

export interface RestoreSummary {
  timestamp: string;
  revision: number;
  recovery: string;
  movedAside: string[];
  agreement: Agreement;
  bumped: boolean;
}

export function recordFile(layout: StateLayout): string {
  return path.join(layout.root, 'restore.json');
}

export function save(layout: StateLayout, r: RestoreRecord): void {
  writeFileAtomic(recordFile(layout), `${JSON.stringify(r, null, 2)}\n`, 0o600);
}

/** Pure: whether `phase` still has to run given the recorded one. */
export function pending(recorded: Phase, phase: Phase): boolean {
  return PHASES.indexOf(phase) >= PHASES.indexOf(recorded);
}

/**
 * The keys a snapshot's values use must all be in the configuration that will read them.
 * Returns what every value of the encrypted resources is written with, when that is one key.
 */
export async function checkKeysMatch(snapshot: string, config: EncryptionConfig | undefined, source: string): Promise<string | undefined> {
  const report = await inspectSnapshot(snapshot);
  const have = new Set(config ? config.resources.flatMap((r) => allKeys(r.providers).map((k) => `${k.type}:${k.key.name}`)) : []);
  // kms values need their provider (the plugin holds the key); its name is their "key name".
  for (const p of kmsProviders(config)) have.add(`kms:${p.name}`);
  const missing = report.encryption.storage.filter((s) => s.provider !== 'identity' && !have.has(`${s.provider}:${s.keyName}`));
  if (missing.length) {
    throw new WardenError(`the snapshot has values encrypted with ${missing.map((m) => `${m.provider} key ${m.keyName} (${m.count} values)`).join(', ')} but ${source} does not hold ${missing.length === 1 ? 'that key' : 'those keys'}: give the keys archive or EncryptionConfiguration of this backup`);
  }
  return writtenWithFromStorage(report.resources);
}

export function readConfigFile(file: string): EncryptionConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new WardenError(`cannot read the EncryptionConfiguration ${file} (${(err as NodeJS.ErrnoException).code}): check the path`);
  }
  return parseEncryptionConfig(text, file);
}

/** A set to restore: from a backup dir, or a downloaded snapshot with its keys given apart. */
export type PreparedSet = Omit<ChosenSet, 'info' | 'archive'> & {
  archive?: string;
  encryptionConfig?: string;
  /** Where the (plaintext) snapshot was downloaded from: the recovery host fetches it from there itself. */
  url?: string;
};

export async function restoreCluster(opts: RestoreOptions & { prepared?: PreparedSet }): Promise<RestoreSummary> {
  return (await import('./restore-hosts.ts')).restoreAcrossAgents(opts, requireInventory(opts.layout));
}

/**
 * The "keys" phase: the set's EncryptionConfiguration (from its archive, or given apart) goes
 * into place, every key of the one it replaces kept as a read key; cluster.json takes the new
 * cluster token. Records in `r` what the restored values are written with.
 */
export async function installSetKeys(layout: StateLayout, r: RestoreRecord, identity: string | undefined, log: Log, kekFile?: string): Promise<void> {
  // The set's own EncryptionConfiguration, with every key of the one it replaces kept as a read key.
  let setConfig: EncryptionConfig | undefined;
  let from: string | undefined;
  if (r.archive) {
    // Read in memory (through age when encrypted): the keys are never written out but into place.
    const files = await readArchive(r.archive, identity);
    const keks = files.get(KEK_ENTRY);
    const enc = files.get('encryption/encryption-config.yaml');
    if (enc) setConfig = parseEncryptionConfig(enc.toString('utf8'), r.archive);
    if (keks) {
      // The KMS plugin's KEKs the set carried: merged for decryption, the plugin's current one
      // kept. Into --kek-file, or the file of `warden run --kms`'s plugin when the set's
      // configuration names that plugin's socket; never into a file no plugin reads.
      const own = kmsSocketPath(layout.root);
      const usesOwn = kmsProviders(setConfig).some((p) => kmsEndpointSocket(p.endpoint)?.path === own);
      const target = kekFile ?? (usesOwn ? kmsKekFile(layout.root) : undefined);
      if (target) {
        const added = mergeKeks(target, keks.toString('utf8'), `the KEK file in ${r.archive}`);
        log(added.length ? `merged ${added.length} KEK(s) from the archive into ${target} for decryption (key ID ${added.join(', ')})` : `the archive's KEKs are all in ${target} already`);
      } else {
        log('note: the set carries a KMS plugin\'s KEKs, not merged, as its plugin is not warden run --kms\'s: a restore given --kek-file FILE (that plugin\'s KEK file) merges them');
      }
    } else if (kekFile) {
      log(`note: the set carries no KEKs (it was taken without --include-kek): ${kekFile} is left as it is`);
    }
    const infoBytes = files.get('backup.json');
    const info = infoBytes ? (JSON.parse(infoBytes.toString('utf8')) as BackupInfo) : undefined;
    const writtenWith = writtenWithFromBackup(info?.encryption, setConfig);
    if (writtenWith) r.writtenWith = writtenWith;
    from = setConfig ? 'the archive' : 'the archive, which has none (its values are plaintext)';
  } else if (r.encryptionConfig) {
    // A configuration given apart may be newer than the snapshot: its write key is the one the values use.
    const given = readConfigFile(r.encryptionConfig);
    setConfig = r.writtenWith ? withWriteKey(given, r.writtenWith) : given;
    from = r.encryptionConfig;
  }
  if (from) {
    const file = encryptionConfigFile(layout.root);
    const installed = installRestoredConfig(file, setConfig, movedAsideDir(layout, r.stamp));
    if (installed.copiedTo) log(`copied the encryption configuration ${file} to ${installed.copiedTo} first: ${installed.conflicts.length ? `its key(s) ${installed.conflicts.join(', ')} differ from the backup's of the same name` : 'it could not be read'}`);
    if (installed.config) {
      log(`installed the encryption configuration from ${from}: writes use ${writeKeyOf(managedRule(installed.config).providers)}, the backup's write key${installed.kept.length ? `; kept the newer key(s) ${installed.kept.join(', ')} as read keys` : ''}`);
    }
  }
  const cfg = readClusterConfig(layout);
  if (cfg) writeFileAtomic(layout.clusterFile, `${JSON.stringify({ ...cfg, token: r.token }, null, 2)}\n`, 0o600);
}

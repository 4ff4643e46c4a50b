// `warden restore`: the seeds' "restore to a previous cluster state" on the local cluster, as
// one resumable command. Every phase is recorded in <state>/restore.json before it runs, so a
// restore killed at any point completes when run again. Data dirs are moved aside, never
// deleted.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { readArchive, type BackupInfo } from '../backup/archive.ts';
import { isEncryptedName } from '../backup/names.ts';
import { etcdVersion, requireTool } from '../cluster/binaries.ts';
import { readClusterConfig, readManifests, requireClusterConfig } from '../cluster/cluster-config.ts';
import { readInventory } from '../cluster/inventory.ts';
import { startSupervisorDetached, supervisorPid } from '../cluster/control.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { encryptionConfigFile } from '../encryption/store.ts';
import { parseEncryptionConfig, type EncryptionConfig } from '../encryption/config.ts';
import { allKeys, managedRule, writeKeyOf } from '../encryption/plan.ts';
import { installRestoredConfig, settleRestoredEncryption, withWriteKey, writtenWithFromBackup, writtenWithFromStorage } from '../encryption/restored.ts';
import { inspectSnapshot } from '../snapshot/inspect.ts';
import type { Credentials } from '../etcd/connection.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { addMembersBack, embeddedClient, warnIfAuthOff, listMovedAside, moveAside, movedAsideDir, startAlone, stopAllMembers, verifyAgreement, type Agreement, type Log } from './members.ts';
import { chooseSet, findSet, type ChosenSet } from './set.ts';
import { discardScratch, installRestored, restoreIntoScratch, restoreTool } from './tools.ts';
import { LazyScratch, sweepScratch } from '../util/scratch.ts';

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
  /**
   * Where an encrypted snapshot is decrypted for etcdctl: a private scratch folder in the state
   * dir (made on first use). The caller owns it, so that it goes however the command ends;
   * the restore removes it as soon as etcdctl has read it.
   */
  plaintext?: LazyScratch;
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
export type PreparedSet = Omit<ChosenSet, 'info' | 'archive'> & { archive?: string; encryptionConfig?: string };

export async function restoreCluster(opts: RestoreOptions & { prepared?: PreparedSet }): Promise<RestoreSummary> {
  const { layout, log } = opts;
  requireClusterConfig(layout);
  const inv = readInventory(layout);
  if (inv) return (await import('./restore-hosts.ts')).restoreAcrossAgents(opts, inv);
  const etcdBinary = requireTool('etcd'); // fails here, before anything changes, when etcd is missing
  const tool = restoreTool(); // and here when no restore tool exists
  const manifests = readManifests(layout);
  const found = opts.prepared ?? findSet(opts.dir, { ...(opts.keysDir ? { keysDir: opts.keysDir } : {}), ...(opts.timestamp ? { timestamp: opts.timestamp } : {}) });
  // What a restore killed with -9 left: its decrypted copy of an encrypted snapshot.
  for (const line of sweepScratch(layout.root)) log(line);
  const plaintext = opts.plaintext ?? new LazyScratch('decrypted', log, layout.root);
  try {
    return await restoreFound(opts, found, plaintext, etcdBinary, tool, manifests);
  } finally {
    plaintext.remove();
  }
}

async function restoreFound(
  opts: RestoreOptions & { prepared?: PreparedSet },
  found: PreparedSet | { timestamp: string; snapshot: string },
  plaintext: LazyScratch,
  etcdBinary: string,
  tool: ReturnType<typeof restoreTool>,
  manifests: ReturnType<typeof readManifests>,
): Promise<RestoreSummary> {
  const { layout, log } = opts;
  const setOptions = {
    ...(opts.keysDir ? { keysDir: opts.keysDir } : {}), ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
    ...(opts.identity ? { identity: opts.identity } : {}), scratch: () => plaintext.dir,
  };
  let rec: RestoreRecord | undefined;
  try {
    rec = JSON.parse(fs.readFileSync(recordFile(layout), 'utf8')) as RestoreRecord;
  } catch {
    rec = undefined;
  }
  if (rec && rec.timestamp !== found.timestamp) {
    throw new WardenError(`an interrupted restore of backup ${rec.timestamp} is pending in ${recordFile(layout)}: run the restore of that backup again to finish it (or remove the file to abandon it)`);
  }
  const recovery = rec?.recovery ?? opts.recoveryMember ?? manifests[0]?.manifest.name;
  const recoveryEntry = manifests.find((e) => e.manifest.name === recovery);
  if (!recovery || !recoveryEntry) throw new WardenError(`no member named "${recovery}" to restore into: members are ${manifests.map((e) => e.manifest.name).join(', ')}`);
  const m = recoveryEntry.manifest;
  // An encrypted set is decrypted (and so verified) before anything else: etcdctl restores the
  // plaintext copy, which exists only in the scratch folder, and only until etcdctl has read it.
  const decrypted = !opts.prepared && isEncryptedName(found.snapshot) ? await chooseSet(opts.dir, { ...setOptions, etcdVersion: etcdVersion(etcdBinary) }) : undefined;
  const spec = {
    // The set found now (one timestamp with the record's): a resumed --from-url restore has downloaded it again elsewhere.
    snapshot: (decrypted ?? found).snapshot, dataDir: m.dataDir, name: m.name, peerURL: m.peerURL,
    token: rec?.token ?? `warden-${crypto.randomBytes(6).toString('hex')}`, bumpRevision: 1_000_000_000,
  };
  // The snapshot restore writes only a scratch dir next to the recovery member's data dir and
  // changes nothing else, so it runs while the set is checked and the members stop (its part of
  // the time the cluster is down); the "restore" phase moves it into place.
  const restoring = !rec || pending(rec.phase, 'restore') ? restoreIntoScratch(spec) : undefined;
  restoring?.catch(() => undefined); // its error is reported where it is awaited
  // Stops here (etcdctl finished, its scratch dir removed) when anything fails before the install.
  const abandon = async (err: unknown): Promise<never> => {
    if (restoring && (await restoring.then(() => true, () => false))) discardScratch(spec);
    plaintext.remove();
    throw err;
  };

  let set: PreparedSet;
  try {
    // Asked while etcdctl restores (each `--version` is a process start).
    const localVersion = etcdVersion(etcdBinary);
    set = opts.prepared ?? decrypted ?? (await chooseSet(opts.dir, { ...setOptions, etcdVersion: localVersion }));
    log(`backup set ${set.timestamp}: revision ${set.status.revision}, ${set.status.totalKey} keys, snapshot ${decrypted ? `${found.snapshot} (decrypted and verified)` : set.snapshot}`);
    if (!restoring) plaintext.remove(); // a resumed restore past etcdctl's part does not need it
    if (rec) log(`resuming the interrupted restore at phase "${rec.phase}"`);
    else {
      // Validate the keys before anything changes: the restored cluster must read its values.
      const cfgFile = set.archive ? undefined : set.encryptionConfig;
      const writtenWith = cfgFile ? await checkKeysMatch(set.snapshot, readConfigFile(cfgFile), cfgFile) : undefined;
      rec = {
        timestamp: set.timestamp, snapshot: decrypted ? found.snapshot : spec.snapshot, ...(set.archive ? { archive: set.archive } : {}), ...(set.encryptionConfig ? { encryptionConfig: set.encryptionConfig } : {}),
        recovery, token: spec.token, stamp: new Date().toISOString().replace(/[:.]/g, '-'), phase: 'stop', ...(writtenWith ? { writtenWith } : {}),
      };
      save(layout, rec);
    }
  } catch (err) {
    return abandon(err);
  }
  const r = rec;
  const step = (phase: Phase) => {
    r.phase = phase;
    save(layout, r);
  };

  if (!supervisorPid(layout)) {
    await startSupervisorDetached(layout);
    log('started the supervisor');
  }
  try {
    if (pending(r.phase, 'stop')) {
      await stopAllMembers(layout, log);
      step('aside');
    }
    if (pending(r.phase, 'aside')) {
      for (const { manifest: x } of readManifests(layout)) {
        const to = moveAside(layout, x.dataDir, x.name, r.stamp);
        if (to) log(`moved the data dir of ${x.name} aside to ${to}`);
      }
      step('restore');
    }
  } catch (err) {
    return abandon(err);
  }
  if (restoring) {
    await restoring;
    plaintext.remove(); // etcdctl has read it
    const leftover = moveAside(layout, m.dataDir, `${m.name}-partial`, r.stamp);
    if (leftover) log(`moved what an interrupted restore left in ${m.dataDir} aside to ${leftover}`);
    installRestored(spec);
    log(`restored the snapshot into ${m.dataDir} with ${tool.kind} as a new one-member cluster`);
    if (!tool.canBump) log(`note: ${tool.kind} ${etcdVersion(tool.bin)} cannot bump the revision on restore (etcdutl --bump-revision --mark-compacted needs etcd >= 3.6): clients that watch may see revisions go back to ${set.status.revision}; restart them`);
    step('keys');
  }
  if (pending(r.phase, 'keys')) {
    await installSetKeys(layout, r, opts.identity, log);
    step('start');
  }
  // The set's auth store comes back with it: its users, and whether auth is on at all.
  const client = embeddedClient(layout, opts.auth);
  try {
    if (pending(r.phase, 'start')) {
      const current = readManifests(layout).find((e) => e.manifest.name === recovery)?.manifest ?? recoveryEntry.manifest;
      await startAlone(layout, current, r.token, log);
      step('encryption');
    }
    if (pending(r.phase, 'encryption')) {
      // The desired type and the controller's record came back with the data; once every value
      // is known to be written with the installed write key, the record says so too.
      const settled = await settleRestoredEncryption(client, encryptionConfigFile(layout.root), r.writtenWith);
      if (settled.recorded) log(`recorded that every restored value is written with ${r.writtenWith}: no encryption migration is needed`);
      log(`encryption: ${settled.condition.reason} (${settled.condition.message})`);
      step('add');
    }
    if (pending(r.phase, 'add')) {
      await addMembersBack(layout, client, readManifests(layout).filter((x) => x.manifest.name !== recovery).map((e) => e.manifest), r.token, r.stamp, log);
      step('verify');
    }
    const agreement = await verifyAgreement(client);
    log(`all ${agreement.members.length} members agree: revision ${agreement.revision}, hashKV ${agreement.hash}`);
    await warnIfAuthOff(layout, opts.auth, log);
    fs.rmSync(recordFile(layout), { force: true });
    return { timestamp: r.timestamp, revision: set.status.revision, recovery, movedAside: listMovedAside(layout, r.stamp), agreement, bumped: tool.canBump };
  } finally {
    client.close();
  }
}

/**
 * The "keys" phase: the set's EncryptionConfiguration (from its archive, or given apart) goes
 * into place, every key of the one it replaces kept as a read key; cluster.json takes the new
 * cluster token. Records in `r` what the restored values are written with.
 */
export async function installSetKeys(layout: StateLayout, r: RestoreRecord, identity: string | undefined, log: Log): Promise<void> {
  // The set's own EncryptionConfiguration, with every key of the one it replaces kept as a read key.
  let setConfig: EncryptionConfig | undefined;
  let from: string | undefined;
  if (r.archive) {
    // Read in memory (through age when encrypted): the keys are never written out but into place.
    const files = await readArchive(r.archive, identity);
    const enc = files.get('encryption/encryption-config.yaml');
    if (enc) setConfig = parseEncryptionConfig(enc.toString('utf8'), r.archive);
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

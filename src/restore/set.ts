// Choosing and validating the backup set to restore, before anything is touched: both files of
// one timestamp, a snapshot that reads back (sha256 trailer, bbolt structure), an archive that
// belongs to it, and an etcd version the local binaries can run. A set encrypted to age
// recipients is read with the identity given: its archive in memory, its snapshot decrypted
// into the private scratch folder the caller gives (verified as it is written), which is then
// the snapshot restored.
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { requireIdentity } from '../backup/age.ts';
import { readBackupInfo, type BackupInfo } from '../backup/archive.ts';
import { decryptSnapshot, plainName } from '../backup/decrypt.ts';
import { findLocalSets, isEncryptedName, type LocalSet } from '../backup/names.ts';
import { SnapshotFile, explain, verifySha256AndFileDigest } from '../snapshot/file.ts';
import { mainRevision, snapshotStatus, type SnapshotStatus } from '../snapshot/status.ts';

export interface ChosenSet {
  timestamp: string;
  /** The snapshot file to restore (for an encrypted set: its decrypted copy in the scratch folder). */
  snapshot: string;
  archive: string;
  info: BackupInfo;
  /** fileSha256: the whole file's digest, when it was computed on the way (a restore sends the file by it). */
  status: SnapshotStatus & { sha256?: string; fileSha256?: string };
}

/** Pure: the newest complete set, or one clear reason why there is none. */
export function pickSet(sets: LocalSet[], dir: string, timestamp?: string): { set?: LocalSet; error?: string; orphans: LocalSet[] } {
  const orphans = sets.filter((s) => !s.snapshot || !s.archive);
  const candidates = sets.filter((s) => (!timestamp || s.timestamp === timestamp));
  const complete = candidates.find((s) => s.snapshot && s.archive);
  if (complete) return { set: complete, orphans };
  if (timestamp && candidates.length === 0) return { error: `no backup set ${timestamp} in ${dir}: \`warden backup list ${dir}\` shows what is there`, orphans };
  if (sets.length === 0) return { error: `no backup set in ${dir}: a restore needs snapshot_<ts>.db and static_kuberesources_<ts>.tar.gz of one timestamp`, orphans };
  const o = candidates[0] ?? orphans[0];
  const has = o?.snapshot ? `snapshot_${o.timestamp}.db has no static_kuberesources_${o.timestamp}.tar.gz` : `static_kuberesources_${o?.timestamp}.tar.gz has no snapshot_${o?.timestamp}.db`;
  return { error: `no complete backup set in ${dir}: ${has} (found: ${sets.map((s) => s.timestamp).join(', ')}): a restore needs both files of one timestamp (give --keys-dir if the archive is kept apart)`, orphans };
}

export function majorMinor(v: string): string {
  return v.split('.').slice(0, 2).join('.');
}

/** A set found with both of its files. */
export interface FoundSet {
  timestamp: string;
  snapshot: string;
  archive: string;
}

function findComplete(dir: string, opts: { keysDir?: string; timestamp?: string }): { set: FoundSet; orphans: LocalSet[] } {
  if (!fs.existsSync(dir)) throw new WardenError(`backup dir ${dir} does not exist: give the directory that holds the backup set`);
  const { set, error, orphans } = pickSet(findLocalSets(dir, opts.keysDir), dir, opts.timestamp);
  if (!set?.snapshot || !set.archive) throw new WardenError(error as string);
  return { set: { timestamp: set.timestamp, snapshot: set.snapshot.path, archive: set.archive.path }, orphans };
}

/** The set chooseSet would choose, found without reading it (a quick look, not a check). */
export function findSet(dir: string, opts: { keysDir?: string; timestamp?: string }): FoundSet {
  return findComplete(dir, opts).set;
}

/**
 * The snapshot's status from its backup.json, when the file still holds exactly the bytes warden
 * verified when it took the backup: the sha256 trailer is checked over the whole file (in a
 * worker) and must be the digest backup.json recorded, and the revision is read again from the
 * tree's rightmost path. A full walk of the tree would only repeat the read-back of the backup,
 * while `etcdctl snapshot restore` competes for the same disk. Undefined when it cannot apply
 * (no trailer, or a different digest): the caller then walks the whole file. `checkedElsewhere`:
 * the whole file's digest is being checked by the host it is sent to, so it is not read here.
 */
async function statusFromInfo(snapshot: string, info: BackupInfo, checkedElsewhere: boolean): Promise<(SnapshotStatus & { sha256: string; fileSha256: string }) | undefined> {
  const file = SnapshotFile.open(snapshot);
  try {
    if (!info.sha256 || file.expectedSha256() !== info.sha256) return undefined;
    // The whole file's digest checked by whoever receives it (checkSet's fileCheck) proves the
    // same bytes as reading it here would: only the revision is read from the file then.
    const hashed = checkedElsewhere && info.fileSha256
      ? Promise.resolve({ sha256: info.sha256, fileSha256: info.fileSha256 })
      : verifySha256AndFileDigest(file);
    hashed.catch(() => undefined);
    let revision = 0;
    try {
      const reader = file.reader();
      const keys = reader.bucket('key');
      const last = keys ? reader.lastKey(keys) : undefined;
      if (last) revision = mainRevision(last);
    } catch (err) {
      await hashed; // a digest mismatch explains a structural error
      throw explain(snapshot, err);
    }
    const digests = await hashed;
    if (digests === undefined) return undefined;
    return { hash: info.hash, revision, totalKey: info.totalKey, totalSize: info.totalSize, ...digests };
  } finally {
    file.close();
  }
}

/** How to read an encrypted set: the age identity, and where its snapshot may be decrypted. */
export interface Decryption {
  identity?: string;
  /** A private scratch folder (made on first use), removed by the caller. */
  scratch?: () => string;
}

/**
 * Has the snapshot file checked elsewhere, by the sha256 of the whole file that backup.json
 * recorded (a restore across hosts sends it to the recovery host, which checks it as it
 * arrives): resolves once it was, and the set check then does not read the file for its digest.
 */
export type FileCheck = (file: string, fileSha256: string) => Promise<void>;

export async function chooseSet(dir: string, opts: { keysDir?: string; timestamp?: string; etcdVersion: string; fileCheck?: FileCheck } & Decryption): Promise<ChosenSet & { orphans: string[] }> {
  const { set, orphans } = findComplete(dir, opts);
  return { ...(await checkSet(set, opts)), orphans: orphans.map((o) => o.timestamp) };
}

/**
 * Checks one snapshot and its archive as one set: the archive's backup.json describes this
 * snapshot, the snapshot reads back, and the local etcd can run it. `status` is given when the
 * snapshot was already verified (a download); otherwise it is computed here. An encrypted
 * snapshot is decrypted into `scratch()`, and that copy is the `snapshot` returned.
 */
export async function checkSet(set: FoundSet, opts: { etcdVersion: string; status?: SnapshotStatus & { sha256?: string }; fileCheck?: FileCheck } & Decryption): Promise<ChosenSet> {
  const encrypted = !opts.status && isEncryptedName(set.snapshot);
  // Without the identity an encrypted set fails here, naming its snapshot, before anything is read.
  if (encrypted) requireIdentity(set.snapshot, opts.identity);
  const info = await readBackupInfo(set.archive, opts.identity);
  if (!info) throw new WardenError(`${set.archive} has no backup.json: it was not written by warden backup; restore it with --data-dir mode instead`);
  if (majorMinor(info.etcdVersion) !== majorMinor(opts.etcdVersion)) {
    throw new WardenError(`the backup was taken with etcd ${info.etcdVersion} but the local etcd is ${opts.etcdVersion}: restore with etcd ${majorMinor(info.etcdVersion)}.x binaries`);
  }
  let snapshot = set.snapshot;
  let status = opts.status;
  if (encrypted) {
    if (!opts.scratch) throw new Error('an encrypted set needs a scratch folder to decrypt into');
    snapshot = path.join(opts.scratch(), plainName(set.snapshot));
    status = await decryptSnapshot(set.snapshot, opts.identity, { to: snapshot });
  }
  // Started as soon as the digest is known; its own failures are the caller's to word.
  const remote = !status && info.fileSha256 && /^[0-9a-f]{64}$/.test(info.fileSha256) && opts.fileCheck ? opts.fileCheck(set.snapshot, info.fileSha256) : undefined;
  remote?.catch(() => undefined);
  let byInfo = false;
  status ??= await (async () => {
    const known = await statusFromInfo(set.snapshot, info, !!remote);
    byInfo = !!known;
    return known ?? (await snapshotStatus(set.snapshot));
  })().catch(async (err: unknown) => {
    await remote; // a file the receiving host found damaged too: its line says why
    throw new WardenError(`the snapshot ${set.snapshot} is damaged (${(err as Error).message.replace(/^Error: /, '')}): restore from another backup set`);
  });
  // A snapshot that carries the digest backup.json recorded had its revision read from bytes the
  // receiving host checks: damage says so before it could pass for another set's. One that does
  // not was read whole here, and belongs to another set (the send, by this set's digest, fails).
  if (byInfo) await remote;
  if (info.revision !== status.revision || (info.sha256 && status.sha256 && info.sha256 !== status.sha256)) {
    throw new WardenError(`${set.archive} describes revision ${info.revision} but ${set.snapshot} holds revision ${status.revision}: the two files are not one backup set`);
  }
  await remote; // never returned while the send still runs
  return { ...set, snapshot, info, status };
}

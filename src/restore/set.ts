// Choosing and validating the backup set to restore, before anything is touched: both files of
// one timestamp, a snapshot that reads back (sha256 trailer, bbolt structure), an archive that
// belongs to it, and an etcd version the local binaries can run.
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { readBackupInfo, type BackupInfo } from '../backup/archive.ts';
import { findLocalSets, type LocalSet } from '../backup/names.ts';
import { snapshotStatus, type SnapshotStatus } from '../snapshot/status.ts';

export interface ChosenSet {
  timestamp: string;
  snapshot: string;
  archive: string;
  info: BackupInfo;
  status: SnapshotStatus & { sha256?: string };
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

export async function chooseSet(dir: string, opts: { keysDir?: string; timestamp?: string; etcdVersion: string }): Promise<ChosenSet & { orphans: string[] }> {
  const { set, orphans } = findComplete(dir, opts);
  const [status, info] = await Promise.all([
    snapshotStatus(set.snapshot).catch((err: unknown) => {
      throw new WardenError(`the snapshot ${set.snapshot} is damaged (${(err as Error).message.replace(/^Error: /, '')}): restore from another backup set`);
    }),
    readBackupInfo(set.archive),
  ]);
  if (!info) throw new WardenError(`${set.archive} has no backup.json: it was not written by warden backup; restore it with --data-dir mode instead`);
  if (info.revision !== status.revision || (info.sha256 && status.sha256 && info.sha256 !== status.sha256)) {
    throw new WardenError(`${set.archive} describes revision ${info.revision} but ${set.snapshot} holds revision ${status.revision}: the two files are not one backup set`);
  }
  if (majorMinor(info.etcdVersion) !== majorMinor(opts.etcdVersion)) {
    throw new WardenError(`the backup was taken with etcd ${info.etcdVersion} but the local etcd is ${opts.etcdVersion}: restore with etcd ${majorMinor(info.etcdVersion)}.x binaries`);
  }
  return { ...set, info, status, orphans: orphans.map((o) => o.timestamp) };
}

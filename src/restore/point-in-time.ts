// `warden restore DIR --to-revision N | --to-time TIME`: the newest backup set at or before N,
// checked as any set is, then the revision log (DIR/revlog) replayed onto its snapshot up to N
// (revlog/replay.ts). The result is a set like any other for the restore that follows: the
// replayed snapshot in the private scratch folder, with the set's archive for the keys.
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { requireIdentity } from '../backup/age.ts';
import { readBackupInfo } from '../backup/archive.ts';
import { findLocalSets, isEncryptedName } from '../backup/names.ts';
import { buildPointInTime, UNKNOWN_LEASE_TTL, type PointInTime } from '../revlog/replay.ts';
import { logChains, revisionAtTime, type LogChain } from '../revlog/reader.ts';
import { revlogDir } from '../revlog/store.ts';
import { snapshotStatus } from '../snapshot/status.ts';
import type { PreparedSet } from './restore.ts';
import { checkSet, type Decryption } from './set.ts';

export type Target = { revision: number } | { time: Date };

/**
 * How the log is read: `openRoot`, where an encrypted log's open segment lies (the state dir's
 * revlog/, on the operator's host); `identity`, what decrypts its sealed segments.
 */
export interface LogReading {
  openRoot?: string;
  identity?: string;
}

/** How far past the log's last time mark a --to-time may lie (marks come each second, flushed each 100 ms). */
export const TIME_SLACK_MS = 3000;

/** Pure: the revision a target names, given the revision the log says a time falls on. */
export function describeTarget(t: Target): string {
  return 'revision' in t ? `revision ${t.revision}` : `${t.time.toISOString()}`;
}

/**
 * The cluster's log and revision to restore to: for a revision, the log recorded last that
 * reaches it; for a time, the log recorded last that had begun by then, and the revision the
 * cluster was at. (Each restore makes a new cluster with a log of its own, so one revision can
 * name two states; the newest is meant.)
 */
export function targetRevision(dir: string, t: Target, opts: LogReading = {}): { revision: number; chain: LogChain } {
  const root = revlogDir(dir);
  const chains = logChains(root, opts.openRoot).reverse();
  if (chains.length === 0) throw new WardenError(`no revision log in ${root}: a point-in-time restore needs one (run the operator with --backup-dir ${dir} --revision-log); restore a backup set with --timestamp instead`);
  const held = chains.map((c) => `cluster ${c.cluster}: ${c.runs.map((r) => `${r.first - 1}-${r.last}`).join(', ')}`).join('; ');
  if ('revision' in t) {
    const chain = chains.find((c) => c.runs.some((r) => t.revision >= r.first - 1 && t.revision <= r.last));
    if (!chain) throw new WardenError(`the revision log in ${root} does not reach revision ${t.revision} (it holds ${held}): give a revision it holds`);
    return { revision: t.revision, chain };
  }
  for (const chain of chains) {
    const at = revisionAtTime(chain, t.time.getTime(), opts.identity);
    if (!at) continue;
    // The recorder marks the time each second, quiet or not: a time past its last mark is one
    // it did not see (it had stopped, or has not written it yet), and later changes may be missing.
    if (t.time.getTime() > at.end.time + TIME_SLACK_MS) {
      throw new WardenError(`the revision log of cluster ${chain.cluster} ends at ${new Date(at.end.time).toISOString()} (revision ${at.end.revision}), before ${t.time.toISOString()}: changes after that were not recorded; restore to revision ${at.end.revision} with --to-revision if that is what you want`);
    }
    // Marks come each second while the recorder watches: a longer silence before the time given
    // means it was not watching then (stopped, or catching up later, with later times).
    if (t.time.getTime() - at.time > TIME_SLACK_MS) {
      throw new WardenError(`the revision log of cluster ${chain.cluster} saw nothing from ${new Date(at.time).toISOString()} (revision ${at.revision}) to ${t.time.toISOString()}: its recorder was not running, and changes of that time may be missing; restore to revision ${at.revision} with --to-revision, or give a time the log covers`);
    }
    return { revision: at.revision, chain };
  }
  const first = Math.min(...chains.map((c) => c.runs[0]?.firstTime ?? Infinity));
  throw new WardenError(`the revision log in ${root} begins after ${t.time.toISOString()}${Number.isFinite(first) ? ` (its first revision was seen at ${new Date(first).toISOString()})` : ''}: give a later time, or restore a backup set with --timestamp`);
}

export interface PreparedPointInTime {
  set: PreparedSet;
  pit: PointInTime;
}

/**
 * The set to restore for `target`: the newest complete set whose snapshot is at or before it,
 * replayed to it. `scratch()` holds the decrypted snapshot (an encrypted set) and the file
 * written; the caller removes it.
 */
export async function preparePointInTime(
  dir: string,
  target: Target,
  opts: { keysDir?: string; etcdVersion: string; log: (line: string) => void; openRoot?: string } & Decryption & { scratch: () => string },
): Promise<PreparedPointInTime> {
  const { revision: to, chain } = targetRevision(dir, target, opts);
  if (!('revision' in target)) opts.log(`${describeTarget(target)} falls on revision ${to} (the last the revision log saw by then)`);
  const sets = findLocalSets(dir, opts.keysDir).filter((s) => s.snapshot && s.archive);
  if (sets.length === 0) throw new WardenError(`no complete backup set in ${dir}: a point-in-time restore starts from a full snapshot (snapshot_<ts>.db with its static_kuberesources_<ts>.tar.gz)`);
  for (const s of sets) {
    if (isEncryptedName(s.snapshot!.path)) requireIdentity(s.snapshot!.path, opts.identity);
    const info = await readBackupInfo(s.archive!.path, opts.identity).catch(() => undefined);
    // Only a snapshot of the cluster the log recorded (a set from before a restore is another cluster's).
    if (!info || info.clusterId !== chain.cluster || info.revision > to) continue;
    const chosen = await checkSet({ timestamp: s.timestamp, snapshot: s.snapshot!.path, archive: s.archive!.path }, opts);
    opts.log(`backup set ${s.timestamp} (revision ${chosen.status.revision}) is the newest at or before revision ${to}: replaying the revision log onto it`);
    const out = path.join(opts.scratch(), `point-in-time-${to}.db`);
    const pit = await buildPointInTime({ snapshot: chosen.snapshot, log: chain, to, out, ...(opts.identity ? { identity: opts.identity } : {}) });
    const status = await snapshotStatus(out);
    opts.log(`replayed ${pit.revisions} revisions (${pit.events} changes) from ${pit.segments.length} log segments onto revision ${pit.from}${pit.leases.recorded + pit.leases.unknown ? `; ${pit.leases.recorded + pit.leases.unknown} leases granted again (${pit.leases.unknown} with an unknown TTL: ${UNKNOWN_LEASE_TTL} s)` : ''}`);
    opts.log(pit.check
      ? `hashKV at revision ${pit.check.revision} matches the source (${pit.check.hash}, recorded by the revision log${pit.check.revision === to ? '' : `; revisions ${pit.check.revision + 1} to ${to} come after the last hashKV it took`})`
      : `no hashKV of the source fits revisions ${pit.from} to ${to} (none recorded then, or only before a compaction the snapshot has): the log is checked by its segments' sha256 and its revisions in a row only`);
    return { set: { timestamp: chosen.timestamp, snapshot: out, archive: chosen.archive, status }, pit };
  }
  throw new WardenError(`no backup set of cluster ${chain.cluster} in ${dir} is at or before revision ${to} (an encrypted archive counts only with --identity): give a later revision or time`);
}

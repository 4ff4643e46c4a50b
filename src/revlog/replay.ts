// Point in time: a full snapshot plus the revision log up to revision N, written as one database
// file a restore takes like any snapshot. Each original revision becomes the entries etcd itself
// wrote for it (revision key with its sub-revision, the KeyValue with its create and mod
// revision, version and lease), appended to the snapshot's key bucket in one bbolt transaction
// (snapshot/bbolt-append.ts), so a member restored from the file answers `get --rev` exactly as
// the source did. Leases a key is still attached to at N are granted again with the TTL the
// recorder saw. The file is then checked against the source: its HashKV at the last revision the
// recorder took the source's HashKV at (at or before N), as the source had compacted then.
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { appendToSnapshot, encodeKeyValue, encodeLease, leaseKey, type SnapshotChange, type SnapshotEntry } from '../snapshot/bbolt-append.ts';
import { revKey } from '../snapshot/bbolt-writer.ts';
import { hashKVAsCompacted, restoredRevisionOf } from '../snapshot/hashkv.ts';
import { readSnapshot } from '../snapshot/status.ts';
import type { RevisionRecord } from './format.ts';
import { readRevisions } from './reader.ts';
import type { LogPlace } from './store.ts';

/** A lease whose TTL the recorder never learned (it was gone when asked) is granted this long. */
export const UNKNOWN_LEASE_TTL = 60;

export interface ReplayPlan {
  change: SnapshotChange;
  /** Leases granted again, by how their TTL is known. */
  leases: { recorded: number; unknown: number };
  events: number;
}

/**
 * Pure: the entries etcd wrote for `revisions` (in order, from the snapshot's revision + 1), and
 * the lease bucket entries for the leases keys are attached to at the end that the snapshot
 * does not hold.
 */
export function replayPlan(revisions: RevisionRecord[], snapshotLeases: ReadonlySet<bigint>, leaseTtls: ReadonlyMap<bigint, number>): ReplayPlan {
  const keys: SnapshotEntry[] = [];
  const attached = new Map<string, bigint>();
  let events = 0;
  for (const r of revisions) {
    r.events.forEach((e, sub) => {
      events++;
      if (e.type === 'delete') {
        keys.push({ key: revKey(r.revision, sub, true), value: encodeKeyValue({ key: e.key }) });
        attached.delete(e.key.toString('latin1'));
        return;
      }
      keys.push({ key: revKey(r.revision, sub), value: encodeKeyValue({ key: e.key, createRevision: e.createRevision, modRevision: r.revision, version: e.version, value: e.value, lease: e.lease }) });
      if (e.lease !== 0n) attached.set(e.key.toString('latin1'), e.lease);
      else attached.delete(e.key.toString('latin1'));
    });
  }
  const leases = { recorded: 0, unknown: 0 };
  const put: SnapshotEntry[] = [];
  for (const id of [...new Set(attached.values())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (snapshotLeases.has(id)) continue;
    const ttl = leaseTtls.get(id);
    if (ttl !== undefined && ttl > 0) leases.recorded++;
    else leases.unknown++;
    put.push({ key: leaseKey(id), value: encodeLease({ id, ttl: ttl !== undefined && ttl > 0 ? ttl : UNKNOWN_LEASE_TTL }) });
  }
  return { change: { keys, ...(put.length ? { leases: { put } } : {}) }, leases, events };
}

/**
 * Pure: the source's hashKV to check a replay to `to` against: the highest revision between the
 * snapshot's and `to`, taken when the source had compacted at least as far as the snapshot had
 * (an older answer hashed revisions the snapshot no longer holds), the last one recorded of those
 * at the same revision. undefined when none fits.
 */
export function sourceHashFor(hashes: { revision: number; hash: number; compactRevision: number }[], from: number, snapshotCompact: number, to: number): { revision: number; hash: number; compactRevision: number } | undefined {
  let best: { revision: number; hash: number; compactRevision: number } | undefined;
  for (const h of hashes) {
    if (h.revision < from || h.revision > to || h.compactRevision < snapshotCompact) continue;
    if (!best || h.revision >= best.revision) best = h;
  }
  return best;
}

async function leasesIn(snapshot: string): Promise<Set<bigint>> {
  const { result } = await readSnapshot(snapshot, { verifyHash: false }, (reader) => {
    const ids = new Set<bigint>();
    const bucket = reader.bucket('lease');
    if (bucket) reader.forEach(bucket, (k) => k.length === 8 && ids.add(BigInt.asIntN(64, k.readBigUInt64BE(0))));
    return ids;
  });
  return result;
}

export interface PointInTime {
  /** The revision a member restored from the snapshot is at, and the target. */
  from: number;
  to: number;
  revisions: number;
  events: number;
  leases: { recorded: number; unknown: number };
  segments: string[];
  /** The check against the source: its HashKV at `revision` and the file's. */
  check?: { revision: number; hash: number; compactRevision: number };
  /** The file written: size and sha256 of its database part. */
  size: number;
  sha256: string;
}

/**
 * Writes `out`: `snapshot` (a plain, verified snapshot file) with the log's revisions up to `to`
 * replayed, and checks it against the HashKV the recorder took of the source. Throws (and
 * leaves no `out`) when the log cannot reach `to` or the file does not match the source.
 */
export async function buildPointInTime(opts: { snapshot: string; log: string | LogPlace; to: number; out: string; identity?: string }): Promise<PointInTime> {
  const { current: from, compact: snapshotCompact } = await restoredRevisionOf(opts.snapshot);
  if (opts.to < from) throw new WardenError(`revision ${opts.to} is before the snapshot's revision ${from}: restore from an older backup set`);
  const slice = readRevisions(opts.log, from + 1, opts.to, opts.identity);
  const plan = replayPlan(slice.revisions, await leasesIn(opts.snapshot), slice.leaseTtls);
  const written = await appendToSnapshot(opts.snapshot, opts.out, plan.change, { trailer: true });
  try {
    const source = sourceHashFor(slice.hashes, from, snapshotCompact, opts.to);
    if (source) {
      const mine = await hashKVAsCompacted(opts.out, source.revision, source.compactRevision);
      if (mine.hash !== source.hash) {
        throw new WardenError(`the snapshot and the revision log replayed to ${opts.to} give hashKV ${mine.hash} at revision ${source.revision}, but the source had ${source.hash} then: the log does not match the cluster it was recorded from; restore to the snapshot's revision ${from}, or from another set`);
      }
    }
    return {
      from, to: opts.to, revisions: slice.revisions.length, events: plan.events, leases: plan.leases, segments: slice.segments,
      ...(source ? { check: source } : {}), size: written.size, sha256: written.sha256,
    };
  } catch (err) {
    fs.rmSync(opts.out, { force: true });
    throw err;
  }
}

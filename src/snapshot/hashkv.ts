// etcd's HashKV computed from a snapshot file: the number a member restored from the file answers
// to `HashKV(revision)`, so a restore can be checked without trusting the member. What follows is
// what etcd 3.4 does (mvcc store.restore, store.HashByRev, treeIndex.Keep, keyIndex.keep),
// checked against real members in test/integration/snapshot-hashkv.test.ts.
//
// A restored member rebuilds its state from the `key` bucket (revision keys: 8-byte big-endian
// main revision, '_', 8-byte sub revision, plus 't' for a tombstone; values are mvccpb.KeyValue)
// and the `meta` bucket:
// - its compact revision is meta's finishedCompactRev (-1 when there is none);
// - its current revision is the highest main revision in the key bucket, but at least 1 and at
//   least the compact revision (a compaction right after deletes removes their tombstones, so no
//   key is left at the revision the cluster had reached);
// - a compaction that was scheduled (meta's scheduledCompactRev) but not finished is resumed:
//   every revision at or below it that the compaction would not keep is deleted, and it becomes
//   the compact revision. etcd refuses to resume one above the current revision (a "future"
//   revision), and then nothing changes.
// HashKV(R) (R = 0: the current revision; R at or below the compact revision: "compacted"; above
// the current one: "future") is the CRC-32C (Castagnoli) of the bucket name "key" followed by the
// key and value of every entry of the key bucket, in order, whose main revision is at most R,
// except the entries at or below the compact revision that keep(R) leaves out. keep(R) is, for
// each key alive at R, the latest revision at which it was put at or before R (the index etcd
// rebuilds replays the bucket in order; a tombstone of a key it has not seen is ignored). When
// keep(R) is empty (no key alive at R), etcd skips nothing below the compact revision at all.
//
// One pass over the key bucket (HashKVBuilder): keep(R) is known only at the end, so the entries
// at or below the compact revision (they come first) are hashed in the running CRC like the rest,
// with the CRC and length noted after each; those keep(R) leaves out are cut out afterwards.
// Only the key field of each value is read.
import { WardenError } from '../errors.ts';
import type { BboltReader } from './bbolt.ts';
import { Column } from '../util/column.ts';
import { crc32c, crc32cCombine } from './crc32c.ts';
import { decodeKeyValue, InspectCollector, type InspectReport } from './inspect.ts';
import { mainRevision, readSnapshot, statusOf, type ReadOptions } from './status.ts';

export interface SnapshotHashKV {
  /** What `HashKV(revision)` answers on a member restored from the file. */
  hash: number;
  /** The revision hashed (the current revision unless one was asked for). */
  revision: number;
  /** The revision a member restored from the file is at. */
  currentRevision: number;
  /** Its compact revision, as HashKV reports it (-1: never compacted). */
  compactRevision: number;
}

/** The revision keys of the `meta` bucket that tell the state of compaction. */
export interface CompactionMeta {
  finished?: number;
  scheduled?: number;
}

/** Pure: where a restored member stands, from the key bucket's last revision and the meta bucket. */
export function restoredRevisions(lastMain: number, meta: CompactionMeta): { current: number; compact: number; resumed?: number } {
  const finished = meta.finished ?? -1;
  const current = Math.max(1, lastMain, finished);
  const s = meta.scheduled;
  if (s !== undefined && s > finished && s <= current) return { current, compact: s, resumed: s };
  return { current, compact: finished };
}

const KEY_BUCKET = Buffer.from('key');
const REV_BYTES = 17;

/**
 * The key of an mvccpb.KeyValue as a map key (latin1: one char per byte). etcd writes field 1
 * (the key) first; anything else is decoded in full. Only the key is read: a value that is
 * damaged further on is etcd's restore to refuse.
 */
export function keyOf(value: Buffer, main: number): string {
  if (value[0] === 0x0a) {
    let len = 0;
    let i = 1;
    for (let shift = 1; i < value.length && i < 6; i++, shift *= 128) {
      const b = value[i] as number;
      len += (b & 0x7f) * shift;
      if (b < 0x80) break;
    }
    const start = i + 1;
    if (i < value.length && i < 6 && start + len <= value.length) return value.toString('latin1', start, start + len);
  }
  try {
    return decodeKeyValue(value).key.toString('latin1');
  } catch (err) {
    throw new WardenError(`the key bucket's value at revision ${main} is not an etcd key-value (${(err as Error).message}): etcd cannot restore this snapshot; use another backup set`);
  }
}

/**
 * Hashes the key bucket's entries, fed in bucket order, as HashKV(`revision`) does on a member
 * whose compact revision is `compact`, after resuming the compaction at `resumed` if given.
 *
 * Every entry up to `revision` goes into one running CRC. For the entries at or below the compact
 * revision (they come first), the running CRC and the length hashed so far are noted after each:
 * the CRC of any run of them follows from the two ends, so the entries left out at the end are
 * cut out with one crc32cCombine per gap, not one per entry.
 */
export class HashKVBuilder {
  private running = 0;
  private length = 0;
  private readonly lowCrc = new Column(new Uint32Array(1024));
  private readonly lowEnd = new Column(new Float64Array(1024));
  /** Of the low entries, the ones a resumed compaction keeps (undefined: none to resume, or not yet). */
  private keptByCompaction: Uint8Array | undefined;
  /** Each key alive so far: the index of its latest put among the entries (low ones come first). */
  private readonly latestPut: Map<string, number>;
  /** Entries hashed so far. */
  private entries = 0;

  /**
   * `shared`: a map of each live key to the index of its latest put, kept by the caller over the
   * same entries (InspectCollector's), read instead of one of the builder's own; only for the
   * current revision, where every entry counts.
   */
  constructor(
    readonly revision: number,
    readonly compact: number,
    readonly resumed?: number,
    private readonly shared?: ReadonlyMap<string, number>,
  ) {
    this.latestPut = new Map();
  }

  private get live(): ReadonlyMap<string, number> {
    return this.shared ?? this.latestPut;
  }

  /**
   * One entry of the key bucket; entries must come in bucket (revision) order. `name`: the etcd
   * key the value holds, when the caller has read it already (the string is then shared).
   */
  add(key: Buffer, value: Buffer, name?: string): void {
    if (key.length !== REV_BYTES && key.length !== REV_BYTES + 1) {
      throw new WardenError(`the key bucket holds a ${key.length}-byte key, not a revision: not an etcd snapshot`);
    }
    const main = mainRevision(key);
    if (main > this.revision) return;
    if (this.resumed !== undefined && main > this.resumed && !this.keptByCompaction) this.keptByCompaction = this.latestPuts();
    name ??= keyOf(value, main);
    this.running = crc32c(crc32c(this.running, key), value);
    this.length += key.length + value.length;
    const low = main <= this.compact;
    if (low) {
      this.lowCrc.push(this.running);
      this.lowEnd.push(this.length);
    }
    const index = this.entries++;
    if (this.shared) return; // the caller keeps the map, after this call
    if (key.length === REV_BYTES + 1 && key[REV_BYTES] === 0x74) this.latestPut.delete(name);
    else this.latestPut.set(name, index);
  }

  /** Marks the low entries that are the latest put of a key alive now. */
  private latestPuts(): Uint8Array {
    const low = this.lowCrc.length;
    const marks = new Uint8Array(low);
    for (const i of this.live.values()) if (i < low) marks[i] = 1;
    return marks;
  }

  digest(): number {
    const n = this.lowCrc.length;
    const compacted = this.resumed !== undefined ? (this.keptByCompaction ?? this.latestPuts()) : undefined;
    const keep = this.latestPuts();
    // etcd skips entries below the boundary only when its keep set is not empty.
    const skipNone = this.live.size === 0;
    const included = (i: number): boolean => (!compacted || compacted[i] === 1) && (skipNone || keep[i] === 1);
    // The running CRC and length after low entry i; -1: before any entry, n: after the last one.
    const crcAfter = (i: number): number => (i < 0 ? 0 : i >= n ? this.running : this.lowCrc.at(i));
    const endOf = (i: number): number => (i < 0 ? 0 : i >= n ? this.length : this.lowEnd.at(i));
    let crc = crc32c(0, KEY_BUCKET);
    /** Appends the entries after `from` up to and including `to`. */
    const run = (from: number, to: number): void => {
      const len = endOf(to) - endOf(from);
      if (len === 0) return;
      const part = (crcAfter(to) ^ crc32cCombine(crcAfter(from), 0, len)) >>> 0;
      crc = crc32cCombine(crc, part, len);
    };
    let from = -1;
    for (let i = 0; i < n; i++) {
      if (included(i)) continue;
      run(from, i - 1);
      from = i;
    }
    run(from, n); // the rest of the low entries, then every entry above the boundary
    return crc;
  }
}

function compactionMeta(reader: BboltReader): CompactionMeta {
  const meta: CompactionMeta = {};
  const bucket = reader.bucket('meta');
  if (!bucket) return meta;
  reader.forEach(bucket, (k, v) => {
    const name = k.toString('latin1');
    if (!v || (name !== 'finishedCompactRev' && name !== 'scheduledCompactRev')) return;
    if (v.length < REV_BYTES) throw new WardenError(`the meta bucket's ${name} is ${v.length} bytes, not a revision: not an etcd snapshot`);
    if (name === 'finishedCompactRev') meta.finished = mainRevision(v);
    else meta.scheduled = mainRevision(v);
  });
  return meta;
}

/** The builder for HashKV(`revision`) of a member restored from `reader`'s file, before its walk. */
function hashKVBuilder(reader: BboltReader, revision: number, shared?: ReadonlyMap<string, number>, asCompactedAt = -1): { builder: HashKVBuilder; current: number; compact: number } {
  const meta = compactionMeta(reader);
  const keys = reader.bucket('key');
  const last = keys ? reader.lastKey(keys) : undefined;
  const own = restoredRevisions(last ? mainRevision(last) : 0, meta);
  const { current } = own;
  // As a source that compacted further than the file's own meta says: that compaction resumed.
  const compact = Math.max(own.compact, asCompactedAt);
  const resumed = asCompactedAt > own.compact ? asCompactedAt : own.resumed;
  if (revision > 0 && revision <= compact) {
    throw new WardenError(`revision ${revision} has been compacted in this snapshot (compacted at ${compact}): ask for a revision above it, or 0 for the current one`);
  }
  if (revision > current) throw new WardenError(`revision ${revision} is beyond this snapshot's current revision ${current}: ask for ${current} or below`);
  return { builder: new HashKVBuilder(revision === 0 ? current : revision, compact, resumed, shared), current, compact };
}

/**
 * The revision a member restored from the snapshot at `path` is at, and its compact revision:
 * above the key bucket's last revision when a compaction removed the last tombstones, and 1 for
 * an empty store (what `snapshot status` calls revision 0). Reads only the meta bucket and the
 * key bucket's last page.
 */
export async function restoredRevisionOf(path: string): Promise<{ current: number; compact: number }> {
  const { result } = await readSnapshot(path, { verifyHash: false }, (reader) => {
    const keys = reader.bucket('key');
    const last = keys ? reader.lastKey(keys) : undefined;
    const { current, compact } = restoredRevisions(last ? mainRevision(last) : 0, compactionMeta(reader));
    return { current, compact };
  });
  return result;
}

/**
 * HashKV(`revision`) of the source cluster the file's history came from, when that source had
 * compacted at `compactRevision` (what its HashKV answer said): the file's entries as a
 * compaction there would leave them, then hashed as etcd does. A restore built from a snapshot
 * and the revision log checks itself against the source's own answer this way.
 */
export async function hashKVAsCompacted(path: string, revision: number, compactRevision: number): Promise<SnapshotHashKV> {
  const { result } = await readSnapshot(path, { verifyHash: false }, (reader) => hashKVOf(reader, revision, compactRevision));
  return result;
}

/**
 * Pure over a reader: HashKV(`revision`) (0 or absent: the current revision) of a member restored
 * from it; with `asCompactedAt`, of a source that had compacted there.
 */
export function hashKVOf(reader: BboltReader, revision = 0, asCompactedAt = -1): SnapshotHashKV {
  const { builder, current, compact } = hashKVBuilder(reader, revision, undefined, asCompactedAt);
  const keys = reader.bucket('key');
  if (keys) reader.forEach(keys, (k, v) => v && builder.add(k, v));
  return { hash: builder.digest(), revision: builder.revision, currentRevision: current, compactRevision: compact };
}

export async function snapshotHashKV(path: string, revision = 0, opts: ReadOptions = { verifyHash: false }): Promise<SnapshotHashKV> {
  const { result } = await readSnapshot(path, opts, (reader) => hashKVOf(reader, revision));
  return result;
}

/**
 * `snapshot inspect` and the current revision's HashKV in one walk: each etcd key is read once
 * and its string shared by both (a 4 GB snapshot holds about a million keys: two walks, each
 * with its own map of them, took 340 MB).
 */
export async function inspectAndHashKV(path: string, opts: ReadOptions = { verifyHash: false }): Promise<{ report: InspectReport; hashKV: SnapshotHashKV }> {
  const { result } = await readSnapshot(path, opts, (reader) => {
    const c = new InspectCollector();
    const { builder, current, compact } = hashKVBuilder(reader, 0, c.liveKeys);
    const status = statusOf(reader, reader.newTracker(), (bucket, k, v) => {
      if (bucket !== 'key' || !v) return c.visit(bucket, k, v);
      // The builder first: it may read the live keys as they were before this entry.
      const name = keyOf(v, mainRevision(k));
      builder.add(k, v, name);
      c.visit(bucket, k, v, name);
    });
    return { report: c.report(status), hashKV: { hash: builder.digest(), revision: builder.revision, currentRevision: current, compactRevision: compact } };
  });
  return result;
}

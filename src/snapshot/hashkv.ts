// etcd's HashKV computed from a snapshot file: the number a member restored from the file answers
// to `HashKV(revision)`, so a restore can be checked without trusting the member. What follows is
// what etcd 3.4 does (mvcc store.restore, store.HashByRev, treeIndex.Keep, keyIndex.keep), read
// back from its behaviour and checked against real members in the tests.
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
// One pass over the key bucket: entries above the compact revision are hashed as they come;
// the few at or below it (a compaction leaves one per live key) are hashed apart and joined in
// at the end with crc32cCombine, once keep(R) is known.
import { WardenError } from '../errors.ts';
import type { BboltReader } from './bbolt.ts';
import { Crc32c, crc32c, crc32cCombine } from './crc32c.ts';
import { decodeKeyValue } from './inspect.ts';
import { mainRevision, readSnapshot, type ReadOptions } from './status.ts';

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
 * Hashes the key bucket's entries, fed in bucket order, as HashKV(`revision`) does on a member
 * whose compact revision is `compact`, after resuming the compaction at `resumed` if given.
 */
export class HashKVBuilder {
  private readonly tail = new Crc32c();
  private tailLength = 0;
  /** Entries at or below the compact revision: their own CRC and length, decided at the end. */
  private readonly lowCrc: number[] = [];
  private readonly lowLength: number[] = [];
  /** Of those, the ones a resumed compaction keeps (undefined: no compaction to resume). */
  private keptByCompaction: Uint8Array | undefined;
  /** Each key alive so far: the index of its latest put among the low entries, or -1 above. */
  private readonly latestPut = new Map<string, number>();

  constructor(
    readonly revision: number,
    readonly compact: number,
    readonly resumed?: number,
  ) {}

  /** One entry of the key bucket; entries must come in bucket (revision) order. */
  add(key: Buffer, value: Buffer): void {
    if (key.length !== REV_BYTES && key.length !== REV_BYTES + 1) {
      throw new WardenError(`the key bucket holds a ${key.length}-byte key, not a revision: not an etcd snapshot`);
    }
    const main = mainRevision(key);
    if (main > this.revision) return;
    if (this.resumed !== undefined && main > this.resumed && !this.keptByCompaction) this.closeCompaction();
    let name: string;
    try {
      name = decodeKeyValue(value).key.toString('latin1');
    } catch (err) {
      throw new WardenError(`the key bucket's value at revision ${main} is not an etcd key-value (${(err as Error).message}): etcd cannot restore this snapshot; use another backup set`);
    }
    const tombstone = key.length === REV_BYTES + 1 && key[REV_BYTES] === 0x74;
    const low = main <= this.compact;
    if (low) {
      this.lowCrc.push(crc32c(crc32c(0, key), value));
      this.lowLength.push(key.length + value.length);
    } else {
      this.tail.update(key).update(value);
      this.tailLength += key.length + value.length;
    }
    if (tombstone) this.latestPut.delete(name);
    else this.latestPut.set(name, low ? this.lowCrc.length - 1 : -1);
  }

  /** The resumed compaction's keep set is the latest puts once every entry at or below it is in. */
  private closeCompaction(): void {
    const kept = new Uint8Array(this.lowCrc.length);
    for (const i of this.latestPut.values()) if (i >= 0) kept[i] = 1;
    this.keptByCompaction = kept;
  }

  digest(): number {
    if (this.resumed !== undefined && !this.keptByCompaction) this.closeCompaction();
    const keep = new Uint8Array(this.lowCrc.length);
    for (const i of this.latestPut.values()) if (i >= 0) keep[i] = 1;
    const skipNone = this.latestPut.size === 0;
    let crc = crc32c(0, KEY_BUCKET);
    for (let i = 0; i < this.lowCrc.length; i++) {
      if (this.keptByCompaction && !this.keptByCompaction[i]) continue; // deleted by the resumed compaction
      if (skipNone || keep[i]) crc = crc32cCombine(crc, this.lowCrc[i] as number, this.lowLength[i] as number);
    }
    return crc32cCombine(crc, this.tail.digest(), this.tailLength);
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

/** Pure over a reader: HashKV(`revision`) (0 or absent: the current revision) of a member restored from it. */
export function hashKVOf(reader: BboltReader, revision = 0): SnapshotHashKV {
  const meta = compactionMeta(reader);
  const keys = reader.bucket('key');
  const last = keys ? reader.lastKey(keys) : undefined;
  const { current, compact, resumed } = restoredRevisions(last ? mainRevision(last) : 0, meta);
  if (revision > 0 && revision <= compact) {
    throw new WardenError(`revision ${revision} has been compacted in this snapshot (compacted at ${compact}): ask for a revision above it, or 0 for the current one`);
  }
  if (revision > current) throw new WardenError(`revision ${revision} is beyond this snapshot's current revision ${current}: ask for ${current} or below`);
  const at = revision === 0 ? current : revision;
  const builder = new HashKVBuilder(at, compact, resumed);
  if (keys) reader.forEach(keys, (k, v) => v && builder.add(k, v));
  return { hash: builder.digest(), revision: at, currentRevision: current, compactRevision: compact };
}

export async function snapshotHashKV(path: string, revision = 0, opts: ReadOptions = { verifyHash: false }): Promise<SnapshotHashKV> {
  const { result } = await readSnapshot(path, opts, (reader) => hashKVOf(reader, revision));
  return result;
}

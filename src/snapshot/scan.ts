// `snapshot status` in one sequential pass over the file, the way the bytes lie on disk, instead
// of a walk of the tree that jumps from page to page: the pass can ride along with other
// sequential work (the sha256 of the file, the read-back of a backup as it is written), needs
// one small read buffer whatever the size, and reads every byte once.
//
// While the pages go by, each one that carries its own id in its header is summarised: a branch
// keeps its children, a leaf the CRC-32C of what etcdctl hashes from it (every key, and the value
// of every key that is not a nested bucket), its length, its key count and the revision of its
// last key; bucket elements are kept whole. Pages no tree reaches (free ones, stale copies) are
// summarised too and never used. At the end the tree is walked over these summaries alone, in
// key order, joining the leaves' CRCs with crc32cCombine, so the hash is etcdctl's exactly, and
// bbolt's integrity check (every page reached once, nothing past the high-water mark, the stored
// freelist) runs on the way.
//
// Anything unexpected (a reached page that was not a valid branch or leaf, a page reached twice,
// a short revision key, a non-bucket key at the top) makes `finish` return undefined: the caller
// then runs the page-by-page walk of BboltReader, whose one-line errors name the problem.
import { BUCKET_LEAF_FLAG, BboltReader, ELEMENT_SIZE, PAGE_FLAGS, PAGE_HEADER_SIZE, type BucketRef, type Meta } from './bbolt.ts';
import { crc32c, crc32cCombine } from './crc32c.ts';
import type { CompactionMeta } from './hashkv.ts';

/**
 * What a page turned out to be in the pass. 0 (the default): not a page head, its header does
 * not carry its id (an overflow page, or never written); Bad: carries its id but cannot be a
 * valid branch or leaf; Other: carries its id, neither branch nor leaf (the freelist).
 */
const Kind = { Branch: 1, Leaf: 2, Bad: 3, Other: 4 } as const;

/** A page spanning more than this (with its overflow) is not held back across reads. */
const MAX_SPAN = 64 << 20;
/** Deeper than any real tree: a cycle (the walk falls back and names it). */
const MAX_DEPTH = 64;

interface BucketElement {
  key: Buffer;
  value: Buffer;
}

/** Raised inside `finish` to fall back to the page-by-page walk. */
class Fallback extends Error {}

export interface ScanStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

export class StatusScan {
  private readonly ps: number;
  private readonly pgid: number;
  private readonly kind: Uint8Array;
  private readonly overflow: Uint32Array;
  private readonly crc: Uint32Array;
  private readonly hashed: Uint32Array;
  private readonly keys: Uint16Array;
  private readonly lastRev: Float64Array;
  /** Leaves with a key shorter than a revision (only an error inside the `key` bucket). */
  private readonly shortKey = new Set<number>();
  private readonly children = new Map<number, number[]>();
  private readonly buckets = new Map<number, BucketElement[]>();
  /** Leaves holding the meta bucket's compaction keys (only those of the tree count, see finish). */
  private readonly compactionKeys = new Map<number, CompactionMeta>();
  private readonly badCompaction = new Set<number>();
  /**
   * After `finish`: the meta bucket's compaction revisions (finishedCompactRev,
   * scheduledCompactRev), which say where a member restored from the file stands
   * (hashkv.ts restoredRevisions) when the stream is never on disk in the clear.
   */
  compaction: CompactionMeta | undefined;
  /** Pages whose span runs past the bytes fed so far, being collected. */
  private pending: { id: number; buf: Buffer; filled: number }[] = [];
  /** Buffers of completed pending pages, for the next ones. */
  private readonly spare: Buffer[] = [];
  /** The next page `feed` expects. */
  private next = 0;

  constructor(readonly meta: Meta) {
    this.ps = meta.pageSize;
    this.pgid = meta.pgid;
    this.kind = new Uint8Array(this.pgid);
    this.overflow = new Uint32Array(this.pgid);
    this.crc = new Uint32Array(this.pgid);
    this.hashed = new Uint32Array(this.pgid);
    this.keys = new Uint16Array(this.pgid);
    this.lastRev = new Float64Array(this.pgid);
  }

  /** Bytes of the file the scan needs: the pages below the high-water mark. */
  get bytesNeeded(): number {
    return this.pgid * this.ps;
  }

  /** Bytes fed so far. */
  get bytesFed(): number {
    return this.next * this.ps;
  }

  /**
   * Feeds the next bytes of the file, continuing where the last call stopped (the first call
   * starts at byte 0). Every call but the last must be a whole number of pages.
   */
  feed(buf: Buffer): void {
    const ps = this.ps;
    if (this.pending.length > 0) {
      this.pending = this.pending.filter((p) => {
        const n = buf.copy(p.buf, p.filled, 0, Math.min(buf.length, p.buf.length - p.filled));
        p.filled += n;
        if (p.filled < p.buf.length) return true;
        this.page(p.id, p.buf, 0);
        this.spare.push(p.buf);
        return false;
      });
    }
    const base = this.next;
    const pages = Math.min(Math.floor(buf.length / ps), this.pgid - base);
    for (let i = 0; i < pages; i++) {
      const id = base + i;
      const off = i * ps;
      if (id < 2 || buf.readUInt32LE(off) !== id % 0x1_0000_0000 || buf.readUInt32LE(off + 4) !== Math.floor(id / 0x1_0000_0000)) continue;
      const flags = buf.readUInt16LE(off + 8);
      const overflow = buf.readUInt32LE(off + 12);
      this.overflow[id] = overflow;
      if (!(flags & (PAGE_FLAGS.leaf | PAGE_FLAGS.branch))) {
        this.kind[id] = Kind.Other;
        continue;
      }
      const span = (1 + overflow) * ps;
      if (id + overflow >= this.pgid || span > MAX_SPAN) this.kind[id] = Kind.Bad;
      else if (off + span <= buf.length) this.page(id, buf, off);
      else {
        const own = this.buffer(span);
        this.pending.push({ id, buf: own, filled: buf.copy(own, 0, off) });
      }
    }
    this.next = base + pages;
  }

  /**
   * `size` bytes to collect a page in. Buffers are reused: on this kind of machine a fresh
   * buffer's first touch of each memory page costs more than copying the bytes into it.
   */
  private buffer(size: number): Buffer {
    const i = this.spare.findIndex((b) => b.buffer.byteLength >= size);
    const buf = i >= 0 ? this.spare.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(Math.max(size, 256 * 1024));
    return Buffer.from(buf.buffer, buf.byteOffset, size);
  }

  /** Summarises the branch or leaf page `id` whose bytes (with its overflow) start at `buf[off]`. */
  private page(id: number, buf: Buffer, off: number): void {
    const end = off + (1 + this.overflow[id]!) * this.ps;
    const flags = buf.readUInt16LE(off + 8);
    const count = buf.readUInt16LE(off + 10);
    if (off + PAGE_HEADER_SIZE + count * ELEMENT_SIZE > end) {
      this.kind[id] = Kind.Bad;
      return;
    }
    if (!(flags & PAGE_FLAGS.leaf)) {
      if (count === 0) {
        this.kind[id] = Kind.Bad;
        return;
      }
      const kids: number[] = new Array<number>(count);
      for (let i = 0; i < count; i++) {
        const e = off + PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
        kids[i] = buf.readUInt32LE(e + 8) + buf.readUInt32LE(e + 12) * 0x1_0000_0000;
      }
      this.children.set(id, kids);
      this.kind[id] = Kind.Branch;
      return;
    }
    let crc = 0;
    let hashed = 0;
    let runStart = -1;
    let runEnd = -1;
    let short = false;
    let lastKey = -1;
    let elements: BucketElement[] | undefined;
    for (let i = 0; i < count; i++) {
      const e = off + PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      const ks = e + buf.readUInt32LE(e + 4);
      const ke = ks + buf.readUInt32LE(e + 8);
      const ve = ke + buf.readUInt32LE(e + 12);
      if (ve > end) {
        this.kind[id] = Kind.Bad;
        return;
      }
      const isBucket = (buf.readUInt32LE(e) & BUCKET_LEAF_FLAG) !== 0;
      const hashEnd = isBucket ? ke : ve;
      // Elements lie back to back in a page bbolt wrote: one CRC call for the run of them.
      if (ks === runEnd) runEnd = hashEnd;
      else {
        if (runStart >= 0) crc = crc32c(crc, buf, runStart, runEnd);
        runStart = ks;
        runEnd = hashEnd;
      }
      hashed += hashEnd - ks;
      if (ke - ks < 8) short = true;
      lastKey = ks;
      if (isBucket) (elements ??= []).push({ key: Buffer.from(buf.subarray(ks, ke)), value: Buffer.from(buf.subarray(ke, ve)) });
      else if (ke - ks === FINISHED.length || ke - ks === SCHEDULED.length) this.noteCompaction(id, buf.subarray(ks, ke), buf.subarray(ke, ve));
    }
    if (runStart >= 0) crc = crc32c(crc, buf, runStart, runEnd);
    this.crc[id] = crc;
    this.hashed[id] = hashed;
    this.keys[id] = count;
    if (lastKey >= 0 && !short) this.lastRev[id] = revisionAt(buf, lastKey);
    if (short) this.shortKey.add(id);
    if (elements) this.buckets.set(id, elements);
    this.kind[id] = Kind.Leaf;
  }

  /** A key named as the meta bucket's compaction revisions, in leaf `id` (any bucket: finish keeps the meta bucket's). */
  private noteCompaction(id: number, key: Buffer, value: Buffer): void {
    try {
      const found = compactionField(key, value);
      if (found) this.compactionKeys.set(id, { ...this.compactionKeys.get(id), ...found });
    } catch {
      this.badCompaction.add(id); // only an error when the leaf is the meta bucket's (see finish)
    }
  }

  /**
   * Walks the tree over the summaries: the status as etcdctl computes it, after bbolt's
   * integrity check; undefined when the page-by-page walk must decide (see the top).
   * `reader` reads the stored freelist, if any.
   */
  finish(reader: BboltReader): ScanStatus | undefined {
    if (this.next < this.pgid) throw new Error(`scan fed ${this.next} of ${this.pgid} pages`);
    try {
      const tracker = reader.newTracker();
      let crc = 0;
      let totalKey = 0;
      let revision = 0;
      let compaction: CompactionMeta = {};
      const mark = (id: number, depth: number): void => {
        if (depth > MAX_DEPTH || id < 2 || id >= this.pgid) throw new Fallback();
        const kind = this.kind[id];
        if (kind !== Kind.Branch && kind !== Kind.Leaf) throw new Fallback();
        tracker.mark(id, 1 + this.overflow[id]!, 'scan');
      };
      /** Calls `leaf` for each leaf under `id`, in key order. */
      const leaves = (id: number, depth: number, leaf: (id: number) => void): void => {
        mark(id, depth);
        const kids = this.children.get(id);
        if (this.kind[id] === Kind.Leaf) leaf(id);
        else for (const kid of kids!) leaves(kid, depth + 1, leaf);
      };
      /** Marks every page of a nested bucket (not hashed: etcdctl does not enter it). */
      const markBucket = (ref: BucketRef, depth: number): void => {
        if (ref.inline) reader.forEach(ref, (_k, _v, open) => open && markBucket(open(), depth + 1));
        else leaves(ref.root, depth, (leaf) => this.buckets.get(leaf)?.forEach((b) => markBucket(BboltReader.bucketFromValue(b.value, 'scan'), depth + 1)));
      };
      // The top level: every key is a bucket; its name, then its keys, go into the hash.
      leaves(this.meta.root, 0, (top) => {
        const elements = this.buckets.get(top) ?? [];
        if (elements.length !== this.keys[top]) throw new Fallback();
        for (const { key: name, value } of elements) {
          crc = crc32c(crc, name);
          const isKey = name.length === 3 && name.toString('latin1') === 'key';
          const isMeta = name.length === 4 && name.toString('latin1') === 'meta';
          const ref = BboltReader.bucketFromValue(value, 'scan');
          if (ref.inline) {
            // Small enough to walk as it is (the reader checks the inline page).
            reader.forEach(ref, (k, v, open) => {
              crc = crc32c(crc, k);
              if (v) crc = crc32c(crc, v);
              totalKey++;
              if (isKey) {
                if (k.length < 8) throw new Fallback();
                revision = revisionAt(k, 0);
              }
              if (isMeta && v) compaction = { ...compaction, ...compactionField(k, v) };
              if (open) markBucket(open(), 1);
            });
            continue;
          }
          leaves(ref.root, 1, (leaf) => {
            crc = crc32cCombine(crc, this.crc[leaf]!, this.hashed[leaf]!);
            const n = this.keys[leaf]!;
            totalKey += n;
            if (isKey && n > 0) {
              if (this.shortKey.has(leaf)) throw new Fallback();
              revision = this.lastRev[leaf]!;
            }
            if (isMeta) {
              if (this.badCompaction.has(leaf)) throw new Fallback();
              compaction = { ...compaction, ...this.compactionKeys.get(leaf) };
            }
            this.buckets.get(leaf)?.forEach((b) => markBucket(BboltReader.bucketFromValue(b.value, 'scan'), 2));
          });
        }
      });
      reader.finishCheck(tracker);
      this.compaction = compaction;
      return { hash: crc >>> 0, revision, totalKey, totalSize: this.pgid * this.ps };
    } catch {
      // Fallback, or an integrity error: the page-by-page walk names it.
      return undefined;
    }
  }
}

const FINISHED = Buffer.from('finishedCompactRev');
const SCHEDULED = Buffer.from('scheduledCompactRev');

/** The compaction revision a meta bucket entry holds, when `key` names one (a short value: a Fallback). */
function compactionField(key: Buffer, value: Buffer): CompactionMeta | undefined {
  const field = key.equals(FINISHED) ? 'finished' : key.equals(SCHEDULED) ? 'scheduled' : undefined;
  if (!field) return undefined;
  if (value.length < 17) throw new Fallback();
  return { [field]: revisionAt(value, 0) };
}

/** The main revision in the 8 big-endian bytes at `buf[at]` (an etcd revision key). */
function revisionAt(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

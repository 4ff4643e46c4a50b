// A read-only bbolt reader (the database format of etcd's backend and of its snapshot files),
// pure over positioned reads: pages are read when a walk reaches them, so memory stays bounded
// by the depth of the tree, never by the size of the file.
//
// Layout (all integers little-endian):
//   page header, 16 bytes: id u64, flags u16 (0x01 branch, 0x02 leaf, 0x04 meta, 0x10 freelist),
//                          count u16, overflow u32 (the page spans 1 + overflow pages)
//   meta (pages 0 and 1, at page offset 16): magic u32, version u32, pageSize u32, flags u32,
//        root {pgid u64, sequence u64}, freelist pgid u64, pgid u64 (high-water mark), txid u64,
//        checksum u64 = FNV-1a 64 over the 56 bytes before it
//   branch element, 16 bytes: pos u32, ksize u32, pgid u64 (key at element address + pos)
//   leaf element, 16 bytes: flags u32 (0x01 sub-bucket), pos u32, ksize u32, vsize u32
//   a bucket value: {root pgid u64, sequence u64}; root 0 = inline bucket, its leaf page follows.
// Integrity checks follow bbolt's tx.Check (what `etcdctl snapshot status` runs first): every page
// referenced once, only branch/leaf pages in trees, nothing outside the high-water mark, and with
// a stored freelist every page either reachable or free.
import { WardenError } from '../errors.ts';

export const BBOLT_MAGIC = 0xed0cdaed;
export const BBOLT_VERSION = 2;
export const PAGE_HEADER_SIZE = 16;
export const ELEMENT_SIZE = 16;
export const BUCKET_HEADER_SIZE = 16;
/** Meta fields from magic to checksum (the checksum covers the first 56). */
export const META_SIZE = 64;
export const PAGE_FLAGS = { branch: 0x01, leaf: 0x02, meta: 0x04, freelist: 0x10 } as const;
export const BUCKET_LEAF_FLAG = 0x01;
/** Reads go through blocks of this size (a multiple of every page size up to 256 KiB). */
const BLOCK_SIZE = 256 * 1024;
/** Blocks kept: 16 × 256 KiB = 4 MiB however large the file. */
const CACHE_BLOCKS = 16;
/** A cached read block; `pins` counts pages of it still being walked. */
interface Block {
  buf: Buffer;
  pins: number;
}
/** Deeper than any real tree (bbolt's fill factor gives a handful of levels): a cycle. */
const MAX_DEPTH = 64;

/** Something wrong with the bytes of a bbolt file; `message` names the problem in one line. */
export class BboltError extends WardenError {
  override readonly name: string = 'BboltError';
}
/** No bbolt magic: some other kind of file. */
export class NotBboltError extends BboltError {
  override readonly name = 'NotBboltError';
}
/** A bbolt file of a format version this reader does not know. */
export class BboltVersionError extends BboltError {
  override readonly name = 'BboltVersionError';
}
/** Neither meta page is usable (bad checksums). */
export class BboltChecksumError extends BboltError {
  override readonly name = 'BboltChecksumError';
}
/** The file ends before a page the database needs. */
export class BboltTruncatedError extends BboltError {
  override readonly name = 'BboltTruncatedError';
}
/** The pages do not form a valid database (a structural check failed). */
export class BboltCorruptError extends BboltError {
  override readonly name = 'BboltCorruptError';
}

/** Positioned reads of a file (or a buffer in tests). */
export interface ByteSource {
  /** Reads up to `length` bytes at `position` into `buf[offset..]`; returns the count read. */
  read(buf: Buffer, offset: number, length: number, position: number): number;
}

export class BufferSource implements ByteSource {
  constructor(private readonly data: Uint8Array) {}
  read(buf: Buffer, offset: number, length: number, position: number): number {
    const n = Math.max(0, Math.min(length, this.data.length - position));
    if (n > 0) buf.set(this.data.subarray(position, position + n), offset);
    return n;
  }
}

export interface Meta {
  /** Which meta page (0 or 1) this is. */
  index: 0 | 1;
  pageSize: number;
  flags: number;
  root: number;
  sequence: bigint;
  /** undefined when the freelist is not stored (etcd's NoFreelistSync: pgid all ones). */
  freelist: number | undefined;
  /** High-water mark: pages [0, pgid) make up the database. */
  pgid: number;
  txid: bigint;
  checksum: bigint;
}

type MetaProblem = 'short' | 'magic' | 'version' | 'checksum';
type ParsedMeta = { ok: true; meta: Meta } | { ok: false; problem: MetaProblem; version?: number; pageSize?: number };

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = 0xffffffffffffffffn;

/** FNV-1a 64 (Go's hash/fnv New64a), as bbolt checksums its meta pages. */
export function fnv1a64(bytes: Uint8Array): bigint {
  let h = FNV_OFFSET;
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & U64;
  return h;
}

/** A u64 as a number; page ids and counts stay far below 2^53 in any real file. */
function u64(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off) + buf.readUInt32LE(off + 4) * 0x1_0000_0000;
}

/** Parses and validates the meta at `off` (the start of page 0 or 1) of `buf`. */
export function parseMeta(buf: Buffer, off: number, index: 0 | 1): ParsedMeta {
  const m = off + PAGE_HEADER_SIZE;
  if (buf.length < m + META_SIZE) return { ok: false, problem: 'short' };
  if (buf.readUInt32LE(m) !== BBOLT_MAGIC) return { ok: false, problem: 'magic' };
  const version = buf.readUInt32LE(m + 4);
  const pageSize = buf.readUInt32LE(m + 8);
  if (version !== BBOLT_VERSION) return { ok: false, problem: 'version', version, pageSize };
  const checksum = buf.readBigUInt64LE(m + 56);
  if (checksum !== fnv1a64(buf.subarray(m, m + 56))) return { ok: false, problem: 'checksum', pageSize };
  const freelist = buf.readBigUInt64LE(m + 32);
  return {
    ok: true,
    meta: {
      index,
      pageSize,
      flags: buf.readUInt32LE(m + 12),
      root: u64(buf, m + 16),
      sequence: buf.readBigUInt64LE(m + 24),
      freelist: freelist === U64 ? undefined : Number(freelist),
      pgid: u64(buf, m + 40),
      txid: buf.readBigUInt64LE(m + 48),
      checksum,
    },
  };
}

const isPageSize = (n: number | undefined): n is number => n !== undefined && n >= 512 && n <= 1 << 20 && (n & (n - 1)) === 0;

function readFully(src: ByteSource, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = src.read(buf, got, buf.length - got, position + got);
    if (n <= 0) break;
    got += n;
  }
  return got;
}

/** The meta pages of a bbolt file: the one to use, as bbolt chooses it. */
export function readMeta(src: ByteSource, size: number): Meta {
  if (size < PAGE_HEADER_SIZE + META_SIZE) throw new NotBboltError(`not a bbolt database (file too small: ${size} bytes)`);
  const first = Buffer.alloc(Math.min(size, 4096));
  readFully(src, first, 0);
  const m0 = parseMeta(first, 0, 0);
  // bbolt takes the page size from meta 0 when valid, else assumes the OS page size (4096).
  const candidates = [m0.ok ? m0.meta.pageSize : m0.pageSize, 4096].filter(isPageSize).filter((v, i, a) => a.indexOf(v) === i);
  let m1: ParsedMeta = { ok: false, problem: 'short' };
  for (const ps of candidates) {
    if (size < ps + PAGE_HEADER_SIZE + META_SIZE) continue;
    const buf = Buffer.alloc(PAGE_HEADER_SIZE + META_SIZE);
    readFully(src, buf, ps);
    m1 = parseMeta(buf, 0, 1);
    if (m1.ok && m1.meta.pageSize !== ps) m1 = { ok: false, problem: 'checksum' };
    if (m1.ok || (m0.ok && ps === m0.meta.pageSize)) break;
  }
  if (m0.ok && m1.ok) {
    if (m0.meta.pageSize !== m1.meta.pageSize) throw new BboltCorruptError(`meta pages disagree on the page size (${m0.meta.pageSize} and ${m1.meta.pageSize})`);
    return m1.meta.txid > m0.meta.txid ? m1.meta : m0.meta;
  }
  if (m0.ok) return m0.meta;
  if (m1.ok) return m1.meta;
  const problems = [m0.problem, m1.problem];
  if (problems.every((p) => p === 'magic' || p === 'short')) throw new NotBboltError('not a bbolt database (bad magic)');
  const version = [m0, m1].find((m) => !m.ok && m.problem === 'version');
  if (version && !version.ok) throw new BboltVersionError(`unsupported bbolt version ${version.version} (only version ${BBOLT_VERSION} is known)`);
  if (problems.every((p) => p === 'checksum')) throw new BboltChecksumError('both meta pages have bad checksums');
  const word = (p: MetaProblem): string => (p === 'short' ? 'missing' : p === 'magic' ? 'bad magic' : 'bad checksum');
  throw new BboltChecksumError(`both meta pages are invalid (meta 0: ${word(m0.problem)}, meta 1: ${word(m1.problem)})`);
}

/** A bucket to walk: a tree rooted at a page, or an inline leaf page held inside its value. */
export interface BucketRef {
  root: number;
  sequence: bigint;
  /** The inline page (header + elements) when root is 0. */
  inline?: Buffer;
  /** Where the bucket's value was found, for error messages. */
  where: string;
}

/**
 * Called for each key of a bucket in key order. `value` is undefined for a nested bucket (as
 * bbolt's ForEach gives nil); `bucket` then opens it. Like bbolt's own slices, `key`, `value`
 * and an inline bucket are views valid only during the call (their block is reused later):
 * copy what must outlive it.
 */
export type EntryVisitor = (key: Buffer, value: Buffer | undefined, bucket: (() => BucketRef) | undefined) => void;

/** Records which pages a walk reached, to find pages referenced twice or never (bbolt's tx.Check). */
export class PageTracker {
  private readonly seen: Uint8Array;
  constructor(readonly pgid: number) {
    this.seen = new Uint8Array(Math.ceil(pgid / 8));
  }
  has(id: number): boolean {
    return ((this.seen[id >>> 3] as number) & (1 << (id & 7))) !== 0;
  }
  /** Marks pages [id, id + count); throws when one was already reached. */
  mark(id: number, count: number, what: string): void {
    for (let p = id; p < id + count; p++) {
      if (this.has(p)) throw new BboltCorruptError(`page ${p}: multiple references (${what})`);
      this.seen[p >>> 3] = (this.seen[p >>> 3] as number) | (1 << (p & 7));
    }
  }
}

export class BboltReader {
  readonly pageSize: number;
  /** Pages read so far (a measure for tests and benchmarks). */
  pagesRead = 0;
  /** Recently read blocks by index, least recently used first. */
  private readonly blocks = new Map<number, Block>();

  /**
   * @param size bytes of the database in the source (a snapshot's sha256 trailer excluded)
   */
  constructor(
    private readonly src: ByteSource,
    readonly size: number,
    readonly meta: Meta = readMeta(src, size),
  ) {
    this.pageSize = meta.pageSize;
    const needed = meta.pgid * meta.pageSize;
    if (meta.pgid < 2) throw new BboltCorruptError(`meta ${meta.index}: high-water mark ${meta.pgid} leaves no room for the meta pages`);
    if (needed > size) {
      throw new BboltTruncatedError(`truncated: page ${Math.floor(size / this.pageSize)} lies beyond the end of the file (size ${size})`);
    }
    if (meta.root < 2 || meta.root >= meta.pgid) throw new BboltCorruptError(`meta ${meta.index}: root page ${meta.root} is outside the database (${meta.pgid} pages)`);
  }

  /** bbolt's tx.Size(): high-water mark × page size (what etcdctl reports as the total size). */
  get totalSize(): number {
    return this.meta.pgid * this.pageSize;
  }

  /** The root bucket, whose keys are the top-level buckets. */
  rootBucket(): BucketRef {
    return { root: this.meta.root, sequence: this.meta.sequence, where: `meta ${this.meta.index}` };
  }

  /**
   * Reads page `id` with its overflow pages; `from` names who referenced it. The bytes are a
   * copy the caller may keep (walks use views into the block cache instead).
   */
  readPage(id: number, from: string, tracker?: PageTracker): Buffer {
    return Buffer.from(this.load(id, from, tracker).page);
  }

  /**
   * Page `id` as a view: into a cached block (then `block` is set, and the caller pins it for
   * as long as it uses the bytes) or into a buffer of its own for a page spanning blocks.
   */
  private load(id: number, from: string, tracker?: PageTracker): { page: Buffer; block?: Block } {
    const ps = this.pageSize;
    if (id < 2 || id >= this.meta.pgid) {
      throw new BboltCorruptError(`${from}: points to page ${id}, outside the database (pages 2 to ${this.meta.pgid - 1})`);
    }
    let view = this.bytes(id * ps, ps, id);
    const overflow = view.page.readUInt32LE(12);
    if (overflow > 0) {
      if (id + overflow >= this.meta.pgid) {
        throw new BboltCorruptError(`page ${id}: ${overflow} overflow pages run past the high-water mark (${this.meta.pgid} pages)`);
      }
      view = this.bytes(id * ps, (1 + overflow) * ps, id);
    }
    this.pagesRead += 1 + overflow;
    const header = u64(view.page, 0);
    if (header !== id) throw new BboltCorruptError(`page ${id}: its header says page ${header}`);
    tracker?.mark(id, 1 + overflow, `from ${from}`);
    return view;
  }

  /**
   * `length` bytes at `pos`: a view into a cached block when they fit in one, else a read of
   * their own. Blocks make one read serve the neighbouring pages bbolt tends to allocate
   * together (a syscall per 4 KiB page costs more than hashing it). At most CACHE_BLOCKS
   * buffers are kept and reused, so memory (and garbage) stays bounded whatever the file
   * size; a block pinned by a page still being walked is never reused.
   */
  private bytes(pos: number, length: number, id: number): { page: Buffer; block?: Block } {
    if (pos + length > this.size) {
      throw new BboltTruncatedError(`truncated: page ${Math.max(id, Math.floor(this.size / this.pageSize))} lies beyond the end of the file (size ${this.size})`);
    }
    const index = Math.floor(pos / BLOCK_SIZE);
    const offset = pos - index * BLOCK_SIZE;
    if (offset + length > BLOCK_SIZE) {
      const own = Buffer.allocUnsafe(length);
      if (readFully(this.src, own, pos) !== length) throw this.shortRead(id);
      return { page: own };
    }
    let block = this.blocks.get(index);
    if (block) {
      this.blocks.delete(index);
    } else {
      let buf: Buffer | undefined;
      if (this.blocks.size >= CACHE_BLOCKS) {
        for (const [i, old] of this.blocks) {
          if (old.pins > 0) continue;
          this.blocks.delete(i);
          buf = old.buf;
          break;
        }
      }
      buf ??= Buffer.allocUnsafe(BLOCK_SIZE);
      const start = index * BLOCK_SIZE;
      const len = Math.min(BLOCK_SIZE, this.size - start);
      if (readFully(this.src, buf.subarray(0, len), start) !== len) throw this.shortRead(id);
      block = { buf, pins: 0 };
    }
    this.blocks.set(index, block);
    return { page: block.buf.subarray(offset, offset + length), block };
  }

  private shortRead(id: number): BboltTruncatedError {
    return new BboltTruncatedError(`truncated: page ${id} lies beyond the end of the file (size ${this.size}, the file shrank while being read)`);
  }

  /** Opens a nested bucket from its value in `where`. */
  static bucketFromValue(value: Buffer, where: string): BucketRef {
    if (value.length < BUCKET_HEADER_SIZE) throw new BboltCorruptError(`${where}: bucket value is ${value.length} bytes, shorter than a bucket header`);
    const root = u64(value, 0);
    const sequence = value.readBigUInt64LE(8);
    if (root !== 0) return { root, sequence, where };
    const inline = value.subarray(BUCKET_HEADER_SIZE);
    if (inline.length < PAGE_HEADER_SIZE) throw new BboltCorruptError(`${where}: inline bucket is too short for its page header`);
    return { root, sequence, inline, where };
  }

  /** Visits every key of `bucket` (not recursing into nested buckets) in key order. */
  forEach(bucket: BucketRef, visit: EntryVisitor, tracker?: PageTracker): void {
    if (bucket.inline) {
      const flags = bucket.inline.readUInt16LE(8);
      if (!(flags & PAGE_FLAGS.leaf)) throw new BboltCorruptError(`${bucket.where}: inline bucket page is not a leaf (flags 0x${flags.toString(16)})`);
      this.leaf(bucket.inline, `${bucket.where} (inline bucket)`, visit);
      return;
    }
    this.walk(bucket.root, `${bucket.where}`, 0, visit, tracker);
  }

  /**
   * The last key of `bucket` (undefined when it is empty), reading only the rightmost path of
   * its B+tree: a few pages, whatever the bucket's size.
   */
  lastKey(bucket: BucketRef): Buffer | undefined {
    let page: Buffer;
    let where = bucket.where;
    if (bucket.inline) page = bucket.inline;
    else {
      let id = bucket.root;
      for (let depth = 0; ; depth++) {
        if (depth > MAX_DEPTH) throw new BboltCorruptError(`page ${id}: the tree is more than ${MAX_DEPTH} levels deep (a page cycle)`);
        const { page: p } = this.load(id, where);
        where = `page ${id}`;
        const flags = p.readUInt16LE(8);
        const count = p.readUInt16LE(10);
        if (flags & PAGE_FLAGS.leaf) {
          page = p;
          break;
        }
        if (!(flags & PAGE_FLAGS.branch)) throw new BboltCorruptError(`page ${id}: invalid type (flags 0x${flags.toString(16)}), expected a branch or leaf page`);
        if (count === 0) throw new BboltCorruptError(`page ${id}: empty branch page`);
        id = u64(p, PAGE_HEADER_SIZE + (count - 1) * ELEMENT_SIZE + 8);
      }
    }
    let last: Buffer | undefined;
    this.leaf(page, where, (k) => {
      last = k;
    });
    return last ? Buffer.from(last) : undefined;
  }

  /** The top-level bucket called `name`, or undefined. */
  bucket(name: string): BucketRef | undefined {
    let found: BucketRef | undefined;
    this.forEach(this.rootBucket(), (k, _v, open) => {
      if (!found && open && k.toString('latin1') === name) found = open();
    });
    return found;
  }

  /** Reads every page of a bucket and its nested buckets without visiting keys (integrity only). */
  markBucket(bucket: BucketRef, tracker: PageTracker): void {
    this.forEach(
      bucket,
      (_k, _v, open) => {
        if (open) this.markBucket(open(), tracker);
      },
      tracker,
    );
  }

  private walk(id: number, from: string, depth: number, visit: EntryVisitor, tracker?: PageTracker): void {
    if (depth > MAX_DEPTH) throw new BboltCorruptError(`page ${id}: the tree is more than ${MAX_DEPTH} levels deep (a page cycle)`);
    const { page, block } = this.load(id, from, tracker);
    if (block) block.pins++;
    try {
      const flags = page.readUInt16LE(8);
      if (flags & PAGE_FLAGS.leaf) {
        this.leaf(page, `page ${id}`, visit);
        return;
      }
      if (!(flags & PAGE_FLAGS.branch)) {
        throw new BboltCorruptError(`page ${id}: invalid type (flags 0x${flags.toString(16)}), expected a branch or leaf page (from ${from})`);
      }
      const count = page.readUInt16LE(10);
      if (count === 0) throw new BboltCorruptError(`page ${id}: empty branch page`);
      if (PAGE_HEADER_SIZE + count * ELEMENT_SIZE > page.length) throw new BboltCorruptError(`page ${id}: ${count} elements do not fit in the page`);
      for (let i = 0; i < count; i++) {
        const child = u64(page, PAGE_HEADER_SIZE + i * ELEMENT_SIZE + 8);
        this.walk(child, `page ${id}`, depth + 1, visit, tracker);
      }
    } finally {
      if (block) block.pins--;
    }
  }

  private leaf(page: Buffer, where: string, visit: EntryVisitor): void {
    const count = page.readUInt16LE(10);
    const limit = page.length;
    if (PAGE_HEADER_SIZE + count * ELEMENT_SIZE > limit) throw new BboltCorruptError(`${where}: ${count} elements do not fit in the page`);
    for (let i = 0; i < count; i++) {
      const e = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      const flags = page.readUInt32LE(e);
      const kStart = e + page.readUInt32LE(e + 4);
      const kEnd = kStart + page.readUInt32LE(e + 8);
      const vEnd = kEnd + page.readUInt32LE(e + 12);
      if (vEnd > limit) throw new BboltCorruptError(`${where}: element ${i} runs past the end of its page`);
      const key = page.subarray(kStart, kEnd);
      const value = page.subarray(kEnd, vEnd);
      if (flags & BUCKET_LEAF_FLAG) {
        const at = `bucket "${printable(key)}" in ${where}`;
        visit(key, undefined, () => BboltReader.bucketFromValue(value, at));
      } else {
        visit(key, value, undefined);
      }
    }
  }

  /** The page ids of the stored freelist (empty when etcd did not store one). */
  freelistPages(tracker?: PageTracker): number[] {
    const id = this.meta.freelist;
    if (id === undefined) return [];
    const page = this.readPage(id, `meta ${this.meta.index} freelist`, tracker);
    const flags = page.readUInt16LE(8);
    if (!(flags & PAGE_FLAGS.freelist)) throw new BboltCorruptError(`page ${id}: invalid freelist page (flags 0x${flags.toString(16)})`);
    let count = page.readUInt16LE(10);
    let off = PAGE_HEADER_SIZE;
    // A count of 0xFFFF means the real count is the first u64 (bbolt's freelist overflow).
    if (count === 0xffff) {
      count = u64(page, off);
      off += 8;
    }
    if (off + count * 8 > page.length) throw new BboltCorruptError(`page ${id}: freelist of ${count} ids does not fit in the page`);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(u64(page, off + i * 8));
    return ids;
  }

  /**
   * The last step of bbolt's check after a full walk with `tracker`: free pages must not be
   * reachable, and with a stored freelist every page is either reachable or free.
   */
  finishCheck(tracker: PageTracker): void {
    if (this.meta.freelist === undefined) return;
    const free = new PageTracker(this.meta.pgid);
    for (const id of this.freelistPages()) {
      if (id < 2 || id >= this.meta.pgid) throw new BboltCorruptError(`freelist: page ${id} is outside the database (${this.meta.pgid} pages)`);
      if (free.has(id)) throw new BboltCorruptError(`page ${id}: already freed`);
      if (tracker.has(id)) throw new BboltCorruptError(`page ${id}: reachable freed`);
      free.mark(id, 1, 'freelist');
    }
    for (let id = 2; id < this.meta.pgid; id++) {
      if (!tracker.has(id) && !free.has(id)) throw new BboltCorruptError(`page ${id}: unreachable unfreed`);
    }
  }

  /** A tracker with the meta pages (and the stored freelist) already marked. */
  newTracker(): PageTracker {
    const t = new PageTracker(this.meta.pgid);
    t.mark(0, 2, 'meta');
    if (this.meta.freelist !== undefined) this.load(this.meta.freelist, 'freelist', t);
    return t;
  }
}

/** A key as text for messages: printable ASCII kept, the rest as \xNN. */
export function printable(key: Uint8Array): string {
  let s = '';
  for (const b of key.subarray(0, 64)) s += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return key.length > 64 ? `${s}...` : s;
}

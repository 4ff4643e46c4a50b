// Writes small bbolt files from a description (pure, in memory): fixtures for the reader's tests
// and for comparing with the real `etcdctl snapshot status` on shapes etcd itself never writes
// (nested and inline buckets, a stored freelist, non-bucket keys at the top). The layout is
// bbolt's own (see bbolt.ts); pages are laid out bottom-up, leaves before their branches.
import { createHash } from 'node:crypto';
import { BBOLT_MAGIC, BBOLT_VERSION, BUCKET_HEADER_SIZE, BUCKET_LEAF_FLAG, ELEMENT_SIZE, PAGE_FLAGS, PAGE_HEADER_SIZE, fnv1a64 } from './bbolt.ts';

export type Bytes = string | Uint8Array;

export type WriterEntry =
  | { key: Bytes; value: Bytes }
  | { key: Bytes; bucket: WriterEntry[]; /** Store the bucket inside its value (bbolt does for small leaf-only buckets). */ inline?: boolean; sequence?: number };

export interface WriterOptions {
  pageSize?: number;
  /** Most elements per leaf or branch page, to get branch pages from few keys (default: by size). */
  maxElements?: number;
  /** Store a freelist page (etcd does not: NoFreelistSync) listing `freePages` unused pages. */
  storedFreelist?: boolean;
  /** Unused pages to leave in the file (listed in the stored freelist, if any). */
  freePages?: number;
  /** txid of meta 0; meta 1 gets txid - 1, as bbolt's Tx.WriteTo does (default 10). */
  txid?: number;
  /** Append etcd's sha256 trailer as `etcdctl snapshot save` does. */
  sha256Trailer?: boolean;
}

const buf = (b: Bytes): Buffer => (typeof b === 'string' ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export interface Item {
  key: Buffer;
  value: Buffer;
  flags: number;
}

export class Layout {
  readonly pages = new Map<number, Buffer>();
  next: number;
  constructor(
    readonly pageSize: number,
    first: number,
    readonly maxElements: number,
  ) {
    this.next = first;
  }

  /** Allocates a page span big enough for `bytes` and returns its id. */
  place(page: Buffer): number {
    const span = Math.ceil(page.length / this.pageSize);
    const id = this.next;
    this.next += span;
    const full = Buffer.alloc(span * this.pageSize);
    page.copy(full);
    full.writeBigUInt64LE(BigInt(id), 0);
    full.writeUInt32LE(span - 1, 12);
    this.pages.set(id, full);
    return id;
  }
}

/** A leaf page (header + elements + data) for `items`; id and overflow are set when placed. */
export function leafPage(items: Item[]): Buffer {
  const size = PAGE_HEADER_SIZE + items.reduce((n, it) => n + ELEMENT_SIZE + it.key.length + it.value.length, 0);
  const p = Buffer.alloc(size);
  p.writeUInt16LE(PAGE_FLAGS.leaf, 8);
  p.writeUInt16LE(items.length, 10);
  let off = PAGE_HEADER_SIZE + items.length * ELEMENT_SIZE;
  items.forEach((it, i) => {
    const e = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    p.writeUInt32LE(it.flags, e);
    p.writeUInt32LE(off - e, e + 4);
    p.writeUInt32LE(it.key.length, e + 8);
    p.writeUInt32LE(it.value.length, e + 12);
    it.key.copy(p, off);
    it.value.copy(p, off + it.key.length);
    off += it.key.length + it.value.length;
  });
  return p;
}

export function branchPage(children: { key: Buffer; pgid: number }[]): Buffer {
  const size = PAGE_HEADER_SIZE + children.reduce((n, c) => n + ELEMENT_SIZE + c.key.length, 0);
  const p = Buffer.alloc(size);
  p.writeUInt16LE(PAGE_FLAGS.branch, 8);
  p.writeUInt16LE(children.length, 10);
  let off = PAGE_HEADER_SIZE + children.length * ELEMENT_SIZE;
  children.forEach((c, i) => {
    const e = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    p.writeUInt32LE(off - e, e);
    p.writeUInt32LE(c.key.length, e + 4);
    p.writeBigUInt64LE(BigInt(c.pgid), e + 8);
    c.key.copy(p, off);
    off += c.key.length;
  });
  return p;
}

/** Splits `xs` into runs whose pages stay within a page (a single big element gets its own run). */
export function chunk<T>(xs: T[], size: (x: T) => number, pageSize: number, maxElements: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let used = PAGE_HEADER_SIZE;
  for (const x of xs) {
    const s = size(x);
    if (cur.length > 0 && (used + s > pageSize || cur.length >= maxElements)) {
      out.push(cur);
      cur = [];
      used = PAGE_HEADER_SIZE;
    }
    cur.push(x);
    used += s;
  }
  out.push(cur);
  return out;
}

/** Lays out a bucket's tree and returns its root page id. */
export function writeTree(layout: Layout, items: Item[]): number {
  const runs = chunk(items, (it) => ELEMENT_SIZE + it.key.length + it.value.length, layout.pageSize, layout.maxElements);
  let level = runs.map((run) => ({ key: run[0]?.key ?? Buffer.alloc(0), pgid: layout.place(leafPage(run)) }));
  while (level.length > 1) {
    const groups = chunk(level, (c) => ELEMENT_SIZE + c.key.length, layout.pageSize, layout.maxElements);
    level = groups.map((g) => ({ key: (g[0] as { key: Buffer }).key, pgid: layout.place(branchPage(g)) }));
  }
  return (level[0] as { pgid: number }).pgid;
}

function bucketItems(layout: Layout, entries: WriterEntry[]): Item[] {
  const items = entries.map((e): Item => {
    const key = buf(e.key);
    if (!('bucket' in e)) return { key, value: buf(e.value), flags: 0 };
    const header = Buffer.alloc(BUCKET_HEADER_SIZE);
    header.writeBigUInt64LE(BigInt(e.sequence ?? 0), 8);
    if (e.inline) {
      if (e.bucket.some((c) => 'bucket' in c)) throw new Error(`inline bucket ${key.toString()} cannot hold buckets`);
      return { key, value: Buffer.concat([header, leafPage(sorted(e.bucket.map((c) => ({ key: buf(c.key), value: buf((c as { value: Bytes }).value), flags: 0 }))))]), flags: BUCKET_LEAF_FLAG };
    }
    header.writeBigUInt64LE(BigInt(writeTree(layout, bucketItems(layout, e.bucket))), 0);
    return { key, value: header, flags: BUCKET_LEAF_FLAG };
  });
  return sorted(items);
}

function sorted(items: Item[]): Item[] {
  return items.sort((a, b) => Buffer.compare(a.key, b.key));
}

/** The bytes of a bbolt database holding `root` (the top-level entries, normally buckets). */
export function writeBbolt(root: WriterEntry[], opts: WriterOptions = {}): Buffer {
  const ps = opts.pageSize ?? 4096;
  const freelistId = opts.storedFreelist ? 2 : undefined;
  const layout = new Layout(ps, freelistId === undefined ? 2 : 3, opts.maxElements ?? 0xffff);
  const rootPgid = writeTree(layout, bucketItems(layout, root));
  const free: number[] = [];
  for (let i = 0; i < (opts.freePages ?? 0); i++) free.push(layout.place(Buffer.alloc(PAGE_HEADER_SIZE)));
  if (freelistId !== undefined) {
    const p = Buffer.alloc(ps);
    p.writeBigUInt64LE(BigInt(freelistId), 0);
    p.writeUInt16LE(PAGE_FLAGS.freelist, 8);
    p.writeUInt16LE(free.length, 10);
    free.forEach((id, i) => p.writeBigUInt64LE(BigInt(id), PAGE_HEADER_SIZE + i * 8));
    layout.pages.set(freelistId, p);
  }
  const pgid = layout.next;
  const out = Buffer.alloc(pgid * ps);
  for (const [id, page] of layout.pages) page.copy(out, id * ps);
  const txid = opts.txid ?? 10;
  for (const index of [0, 1]) {
    const o = index * ps;
    out.writeBigUInt64LE(BigInt(index), o);
    out.writeUInt16LE(PAGE_FLAGS.meta, o + 8);
    const m = o + PAGE_HEADER_SIZE;
    out.writeUInt32LE(BBOLT_MAGIC, m);
    out.writeUInt32LE(BBOLT_VERSION, m + 4);
    out.writeUInt32LE(ps, m + 8);
    out.writeBigUInt64LE(BigInt(rootPgid), m + 16);
    out.writeBigUInt64LE(freelistId === undefined ? 0xffffffffffffffffn : BigInt(freelistId), m + 32);
    out.writeBigUInt64LE(BigInt(pgid), m + 40);
    out.writeBigUInt64LE(BigInt(txid - index), m + 48);
    out.writeBigUInt64LE(fnv1a64(out.subarray(m, m + 56)), m + 56);
  }
  return opts.sha256Trailer ? Buffer.concat([out, createHash('sha256').update(out).digest()]) : out;
}

/** Rewrites the checksum of meta `index` after a test changed its fields. */
export function resealMeta(db: Buffer, index: 0 | 1, pageSize = 4096): void {
  const m = index * pageSize + PAGE_HEADER_SIZE;
  db.writeBigUInt64LE(fnv1a64(db.subarray(m, m + 56)), m + 56);
}

/** etcd's revision key: 8-byte big-endian main revision, '_', 8-byte sub revision, 't' for a tombstone. */
export function revKey(main: number, sub = 0, tombstone = false): Buffer {
  const b = Buffer.alloc(tombstone ? 18 : 17);
  b.writeBigUInt64BE(BigInt(main), 0);
  b[8] = 0x5f;
  b.writeBigUInt64BE(BigInt(sub), 9);
  if (tombstone) b[17] = 0x74;
  return b;
}

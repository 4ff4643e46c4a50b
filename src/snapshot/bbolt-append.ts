// Appends to an etcd snapshot file as bbolt itself commits a write transaction: copy-on-write.
// No page of the old database changes; the pages a change touches are written anew after the
// old high-water mark and a new meta points at them:
// - the `key` bucket (revisions only ever grow) gets a new rightmost leaf path: the old rightmost
//   leaf's entries followed by the new ones, split into pages, then the rightmost branch of each
//   level above with its last child replaced by the new pages (split again when it no longer
//   fits a page, a new root when the root splits). Memory follows what is appended, never the
//   size of the file (a handful of pages are read, whatever the depth of the tree);
// - the `lease` and `meta` buckets (small) and the root bucket (the top-level buckets) are
//   rebuilt whole; every other bucket value is copied byte for byte, inline ones included;
// - the pages left unreferenced stay in the file. The new meta stores no freelist (pgid all
//   ones, as etcd's NoFreelistSync writes): bbolt then rebuilds the freelist on open by walking
//   the tree, and its check counts every unreachable page as free.
// The output is written beside it, fsynced and renamed over `output`: the old pages are copied
// in blocks while hashed, so a sha256 trailer costs no second pass. An input trailer is checked
// on the way: a damaged snapshot must not come out with a fresh, valid trailer.
import { createHash, randomBytes } from 'node:crypto';
import { read } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { WardenError } from '../errors.ts';
import { BUCKET_HEADER_SIZE, BUCKET_LEAF_FLAG, BboltCorruptError, BboltReader, ELEMENT_SIZE, META_SIZE, PAGE_FLAGS, PAGE_HEADER_SIZE, fnv1a64, printable, type BucketRef } from './bbolt.ts';
import { Layout, branchPage, chunk, leafPage, revKey, writeTree, type Item } from './bbolt-writer.ts';
import { SnapshotFile, SnapshotHashMismatchError } from './file.ts';

export interface SnapshotEntry {
  key: Buffer;
  value: Buffer;
}

export interface SnapshotChange {
  /** New key-bucket entries, sorted, every key greater than the bucket's current last key. */
  keys: SnapshotEntry[];
  /** Entries to put (insert or replace) in the lease bucket, and lease IDs to delete from it (a missing one is no error, as in bbolt). */
  leases?: { put?: SnapshotEntry[]; delete?: Buffer[] };
  /** Entries to put in the meta bucket. */
  meta?: SnapshotEntry[];
}

export interface AppendResult {
  /** Bytes of the output file (trailer included). */
  size: number;
  /** sha256 of the database part (what the trailer holds), hex. */
  sha256: string;
  /** The new transaction id (the old one + 1). */
  txid: number;
}

const readAt = promisify(read);
/** Reads and writes of the copy: 4 MiB. */
const COPY_BLOCK = 4 * 1024 * 1024;
/** Deeper than any real tree: a page cycle. */
const MAX_DEPTH = 64;
/** bbolt's page count field is a u16. */
const MAX_ELEMENTS = 0xffff;
/** bbolt's meta: freelist pgid (offset 32 in the meta) all ones = no freelist stored. */
const NO_FREELIST = 0xffffffffffffffffn;

const itemSize = (it: Item): number => ELEMENT_SIZE + it.key.length + it.value.length;

/** The elements of a leaf page (copies: `page` may be a reused buffer). */
function leafItems(page: Buffer, where: string): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < page.readUInt16LE(10); i++) {
    const e = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    const k = e + page.readUInt32LE(e + 4);
    const v = k + page.readUInt32LE(e + 8);
    const end = v + page.readUInt32LE(e + 12);
    if (end > page.length) throw new BboltCorruptError(`${where}: element ${i} runs past the end of its page`);
    items.push({ flags: page.readUInt32LE(e), key: Buffer.from(page.subarray(k, v)), value: Buffer.from(page.subarray(v, end)) });
  }
  return items;
}

function branchChildren(page: Buffer, where: string): { key: Buffer; pgid: number }[] {
  const children: { key: Buffer; pgid: number }[] = [];
  for (let i = 0; i < page.readUInt16LE(10); i++) {
    const e = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    const k = e + page.readUInt32LE(e);
    const end = k + page.readUInt32LE(e + 4);
    if (end > page.length) throw new BboltCorruptError(`${where}: element ${i} runs past the end of its page`);
    children.push({ key: Buffer.from(page.subarray(k, end)), pgid: Number(page.readBigUInt64LE(e + 8)) });
  }
  return children;
}

/** bbolt's Bucket.inlineable: one leaf, no nested bucket, at most a quarter page. */
function inlineable(items: Item[], pageSize: number): boolean {
  return items.every((it) => !(it.flags & BUCKET_LEAF_FLAG)) && items.reduce((n, it) => n + itemSize(it), PAGE_HEADER_SIZE) <= pageSize / 4;
}

function bucketHeader(root: number, sequence: bigint): Buffer {
  const h = Buffer.alloc(BUCKET_HEADER_SIZE);
  h.writeBigUInt64LE(BigInt(root), 0);
  h.writeBigUInt64LE(sequence, 8);
  return h;
}

/** A bucket value holding `items`: inline when bbolt would write it inline, else its own pages. */
function rebuiltBucket(layout: Layout, items: Item[], sequence: bigint): Buffer {
  items.sort((a, b) => Buffer.compare(a.key, b.key));
  if (inlineable(items, layout.pageSize)) return Buffer.concat([bucketHeader(0, sequence), leafPage(items)]);
  return bucketHeader(writeTree(layout, items), sequence);
}

/**
 * Places branch pages over `children` and returns the new level. A page never ends with a
 * single child when there is more than one page (bbolt's split keeps two keys per page).
 */
function branchLevel(layout: Layout, children: { key: Buffer; pgid: number }[]): { key: Buffer; pgid: number }[] {
  const groups = chunk(children, (c) => ELEMENT_SIZE + c.key.length, layout.pageSize, layout.maxElements);
  const last = groups[groups.length - 1]!;
  const before = groups[groups.length - 2];
  if (last.length === 1 && before && before.length > 2) last.unshift(before.pop()!);
  return groups.map((g) => ({ key: g[0]!.key, pgid: layout.place(branchPage(g)) }));
}

/**
 * The key bucket with `added` appended: only its rightmost path is read and rewritten. Returns
 * its new bucket value.
 */
function appendToBucket(reader: BboltReader, layout: Layout, bucket: BucketRef, added: Item[]): Buffer {
  // The branch pages from the root down to the rightmost leaf, then that leaf.
  const path: { key: Buffer; pgid: number }[][] = [];
  let leaf = bucket.inline;
  let where = bucket.where;
  for (let id = bucket.root; !leaf; ) {
    const page = reader.readPage(id, where);
    where = `page ${id}`;
    if (page.readUInt16LE(8) & PAGE_FLAGS.leaf) {
      leaf = page;
      break;
    }
    const children = branchChildren(page, where);
    if (!(page.readUInt16LE(8) & PAGE_FLAGS.branch) || children.length === 0) throw new BboltCorruptError(`${where}: expected a branch page with children`);
    if (path.length > MAX_DEPTH) throw new BboltCorruptError(`${where}: the tree is more than ${MAX_DEPTH} levels deep (a page cycle)`);
    path.push(children);
    id = children[children.length - 1]!.pgid;
  }
  if (!(leaf.readUInt16LE(8) & PAGE_FLAGS.leaf)) throw new BboltCorruptError(`${where}: expected a leaf page`);
  const items = leafItems(leaf, where).concat(added);
  checkOrder(items, bucket.where);
  if (path.length === 0 && inlineable(items, layout.pageSize)) return Buffer.concat([bucketHeader(0, bucket.sequence), leafPage(items)]);
  // bbolt fills a page up to its size; a single element larger than a page gets a page of its
  // own with overflow pages (Layout.place sets the overflow count).
  const runs = chunk(items, itemSize, layout.pageSize, layout.maxElements);
  let level = runs.map((run) => ({ key: run[0]?.key ?? Buffer.alloc(0), pgid: layout.place(leafPage(run)) }));
  // Upward: each branch keeps its children but the last, now replaced by the level below.
  for (let d = path.length - 1; d >= 0; d--) level = branchLevel(layout, path[d]!.slice(0, -1).concat(level));
  while (level.length > 1) level = branchLevel(layout, level);
  return bucketHeader(level[0]!.pgid, bucket.sequence);
}

function checkOrder(items: Item[], where: string): void {
  for (let i = 1; i < items.length; i++) {
    if (Buffer.compare(items[i - 1]!.key, items[i]!.key) >= 0) {
      throw new WardenError(`new entries for ${where} must be sorted and come after its last key (${printable(items[i - 1]!.key)} is followed by ${printable(items[i]!.key)})`);
    }
  }
}

/** The entries of a small bucket (copies), to rebuild it whole. */
function bucketEntries(reader: BboltReader, bucket: BucketRef): Item[] {
  const items: Item[] = [];
  reader.forEach(bucket, (k, v, nested) => {
    if (nested) throw new WardenError(`${bucket.where} holds a nested bucket "${printable(k)}": not an etcd snapshot`);
    items.push({ key: Buffer.from(k), value: Buffer.from(v!), flags: 0 });
  });
  return items;
}

/** The whole bucket `bucket` (undefined: a new one) with entries put and deleted. */
function changedBucket(reader: BboltReader, layout: Layout, bucket: BucketRef | undefined, put: SnapshotEntry[], del: Buffer[] = []): Buffer {
  const byKey = new Map<string, Item>();
  for (const it of bucket ? bucketEntries(reader, bucket) : []) byKey.set(it.key.toString('latin1'), it);
  for (const k of del) byKey.delete(k.toString('latin1'));
  for (const e of put) byKey.set(e.key.toString('latin1'), { key: e.key, value: e.value, flags: 0 });
  return rebuiltBucket(layout, [...byKey.values()], bucket?.sequence ?? 0n);
}

/** The meta page bytes: `base` (a meta page of the input) as page `index`, with `set` applied and resealed. */
function metaPage(base: Buffer, index: 0 | 1, set: { root?: number; pgid?: number; txid?: bigint; freelist?: bigint } = {}): Buffer {
  const p = Buffer.from(base);
  p.writeBigUInt64LE(BigInt(index), 0);
  const m = PAGE_HEADER_SIZE;
  if (set.root !== undefined) p.writeBigUInt64LE(BigInt(set.root), m + 16);
  if (set.freelist !== undefined) p.writeBigUInt64LE(set.freelist, m + 32);
  if (set.pgid !== undefined) p.writeBigUInt64LE(BigInt(set.pgid), m + 40);
  if (set.txid !== undefined) p.writeBigUInt64LE(set.txid, m + 48);
  p.writeBigUInt64LE(fnv1a64(p.subarray(m, m + META_SIZE - 8)), m + META_SIZE - 8);
  return p;
}

/**
 * Writes `output`: `input`'s database with `change` committed as one new bbolt transaction, plus
 * a sha256 trailer when the input had one (or `opts.trailer` says so). `output` may be `input`.
 */
export async function appendToSnapshot(input: string, output: string, change: SnapshotChange, opts: { trailer?: boolean } = {}): Promise<AppendResult> {
  const file = SnapshotFile.open(input);
  let tmp: string | undefined;
  try {
    const reader = file.reader();
    const meta = reader.meta;
    const ps = reader.pageSize;
    const layout = new Layout(ps, meta.pgid, MAX_ELEMENTS);

    // The top-level entries, values as stored (a bucket value is its header, then an inline page).
    const top: Item[] = [];
    reader.forEach(reader.rootBucket(), (k, v, open) => {
      if (!open) return top.push({ key: Buffer.from(k), value: Buffer.from(v!), flags: 0 });
      const b = open();
      top.push({ key: Buffer.from(k), value: Buffer.concat([bucketHeader(b.root, b.sequence), b.inline ?? Buffer.alloc(0)]), flags: BUCKET_LEAF_FLAG });
    });
    const existing = (name: string): BucketRef | undefined => {
      const it = top.find((t) => t.key.toString('latin1') === name);
      if (it && !(it.flags & BUCKET_LEAF_FLAG)) throw new WardenError(`top-level key "${name}" is not a bucket: not an etcd snapshot`);
      return it && BboltReader.bucketFromValue(it.value, `bucket "${name}"`);
    };
    const replace = (name: string, value: Buffer): void => {
      const it = top.find((t) => t.key.toString('latin1') === name);
      if (it) it.value = value;
      else top.push({ key: Buffer.from(name, 'latin1'), value, flags: BUCKET_LEAF_FLAG });
    };

    if (change.keys.length > 0) {
      const added = change.keys.map((e): Item => ({ key: e.key, value: e.value, flags: 0 }));
      const keyBucket = existing('key');
      if (keyBucket) {
        replace('key', appendToBucket(reader, layout, keyBucket, added));
      } else {
        checkOrder(added, 'bucket "key"');
        replace('key', rebuiltBucket(layout, added, 0n));
      }
    }
    const { put = [], delete: del = [] } = change.leases ?? {};
    if (put.length > 0 || del.length > 0) replace('lease', changedBucket(reader, layout, existing('lease'), put, del));
    if (change.meta?.length) replace('meta', changedBucket(reader, layout, existing('meta'), change.meta));
    top.sort((a, b) => Buffer.compare(a.key, b.key));
    const root = writeTree(layout, top);

    // The new meta goes where bbolt would write it (txid % 2); the other page keeps the meta
    // the input was read with, which describes the old tree, intact in the new file.
    const oldMeta = Buffer.alloc(ps);
    file.source.read(oldMeta, 0, ps, meta.index * ps);
    const txid = meta.txid + 1n;
    const newIndex = Number(txid % 2n) as 0 | 1;
    const metas = [metaPage(oldMeta, newIndex, { root, pgid: layout.next, txid, freelist: NO_FREELIST }), metaPage(oldMeta, (1 - newIndex) as 0 | 1)];
    if (newIndex === 1) metas.reverse();

    const trailer = opts.trailer ?? file.hasSha256;
    const expected = file.expectedSha256();
    const inHash = expected === undefined ? undefined : createHash('sha256');
    const outHash = createHash('sha256');
    tmp = path.join(path.dirname(output), `.${path.basename(output)}.${randomBytes(6).toString('hex')}.tmp`);
    const out = await fs.open(tmp, 'wx', 0o600);
    try {
      let size = 0;
      const append = async (b: Buffer): Promise<void> => {
        for (let off = 0; off < b.length; ) off += (await out.write(b, off, b.length - off, size + off)).bytesWritten;
        size += b.length;
      };
      const write = (b: Buffer): Promise<void> => {
        outHash.update(b);
        return append(b);
      };
      await write(Buffer.concat(metas));
      // The old pages as they are (the input may hold bytes past its high-water mark: they
      // count for its trailer, not for the new file).
      const oldEnd = meta.pgid * ps;
      const block = Buffer.allocUnsafe(COPY_BLOCK);
      for (let pos = 0; pos < file.dbSize; ) {
        const { bytesRead } = await readAt(file.fd, block, 0, Math.min(COPY_BLOCK, file.dbSize - pos), pos);
        if (bytesRead <= 0) throw new WardenError(`${input} shrank while being read: copy it somewhere stable and try again`);
        const got = block.subarray(0, bytesRead);
        inHash?.update(got);
        const from = Math.max(pos, 2 * ps);
        const to = Math.min(pos + bytesRead, oldEnd);
        if (from < to) await write(got.subarray(from - pos, to - pos));
        pos += bytesRead;
      }
      const actual = inHash?.digest('hex');
      if (actual !== undefined && actual !== expected) throw new SnapshotHashMismatchError(expected!, actual);
      for (const page of layout.pages.values()) await write(page);
      const sha256 = outHash.digest();
      if (trailer) await append(sha256);
      await out.sync();
      await out.close();
      await fs.rename(tmp, output);
      tmp = undefined;
      // The rename itself must survive a crash: fsync the directory.
      const d = await fs.open(path.dirname(output), 'r');
      await d.sync().finally(() => d.close());
      return { size, sha256: sha256.toString('hex'), txid: Number(txid) };
    } finally {
      await out.close().catch(() => undefined);
    }
  } finally {
    file.close();
    if (tmp !== undefined) await fs.rm(tmp, { force: true });
  }
}

/**
 * What etcdutl's `snapshot restore --bump-revision N --mark-compacted` writes: a key-bucket
 * entry at (lastMain + amount, 0) with an empty value, and scheduledCompactRev at that revision,
 * so a restored member resumes a compaction there (watchers from before get "compacted").
 */
export function bumpRevisionChange(lastMain: number, amount: number): SnapshotChange {
  if (!Number.isSafeInteger(lastMain) || !Number.isSafeInteger(amount) || amount <= 0) throw new WardenError(`cannot bump revision ${lastMain} by ${amount}: give a positive amount`);
  const rev = revKey(lastMain + amount);
  return { keys: [{ key: rev, value: Buffer.alloc(0) }], meta: [{ key: Buffer.from('scheduledCompactRev'), value: Buffer.from(rev) }] };
}

/** Protobuf (proto3, as gogo-protobuf marshals: fields in order, zero ones left out). */
class ProtoWriter {
  private readonly parts: Buffer[] = [];
  private varint(v: bigint): void {
    const bytes: number[] = [];
    let u = BigInt.asUintN(64, v); // a negative int64 takes ten bytes, as Go writes it
    for (; u >= 0x80n; u >>= 7n) bytes.push(Number(u & 0x7fn) | 0x80);
    bytes.push(Number(u));
    this.parts.push(Buffer.from(bytes));
  }
  int(field: number, v: number | bigint): this {
    if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new WardenError(`protobuf field ${field}: ${v} is not an integer that can be encoded exactly (pass a bigint)`);
    const n = BigInt(v);
    if (n === 0n) return this;
    if (n !== BigInt.asIntN(64, n)) throw new WardenError(`protobuf field ${field}: ${v} does not fit an int64`);
    this.varint(BigInt(field << 3));
    this.varint(n);
    return this;
  }
  bytes(field: number, b: Buffer | undefined): this {
    if (!b || b.length === 0) return this;
    this.varint(BigInt((field << 3) | 2));
    this.varint(BigInt(b.length));
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * etcd's mvccpb.KeyValue, byte for byte as Go marshals it. A tombstone's value is the key
 * alone. A lease ID is an int64 that often exceeds 2^53: pass it as a bigint.
 */
export function encodeKeyValue(kv: { key: Buffer; createRevision?: number; modRevision?: number; version?: number; value?: Buffer; lease?: number | bigint }): Buffer {
  return new ProtoWriter()
    .bytes(1, kv.key)
    .int(2, kv.createRevision ?? 0)
    .int(3, kv.modRevision ?? 0)
    .int(4, kv.version ?? 0)
    .bytes(5, kv.value)
    .int(6, kv.lease ?? 0)
    .done();
}

/** etcd's leasepb.Lease (what its lessor stores in the lease bucket). */
export function encodeLease(l: { id: number | bigint; ttl: number; remainingTTL?: number }): Buffer {
  return new ProtoWriter()
    .int(1, l.id)
    .int(2, l.ttl)
    .int(3, l.remainingTTL ?? 0)
    .done();
}

/** The lease bucket's key of a lease: its ID as 8 big-endian bytes (etcd's int64ToBytes). */
export function leaseKey(id: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, BigInt(id)));
  return b;
}

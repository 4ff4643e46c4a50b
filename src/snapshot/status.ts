// `snapshot status`: the numbers `etcdctl snapshot status` prints, read by warden itself.
// etcdctl (clientv3/snapshot Status in 3.4, etcdutl in 3.5+) runs bbolt's integrity check, then
// for each top-level bucket in key order feeds a CRC-32C with the bucket name and, for every key
// of the bucket (nested buckets not entered: their key is fed with a nil value), the key and its
// value; every such key counts once in TotalKey; Revision is the main revision of the last key
// of the `key` bucket; TotalSize is bbolt's tx.Size() = high-water mark × page size.
// Beyond etcdctl, a file with etcd's sha256 trailer is checked against it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { BboltReader, BufferSource, printable, readMeta, type ByteSource, type Meta, type PageTracker } from './bbolt.ts';
import { Crc32c } from './crc32c.ts';
import { FileSource, SHA256_SIZE, SnapshotFile, SnapshotHashMismatchError, explain, sha256Range, Sha256Pipe, verifySha256, withSnapshotErrors } from './file.ts';
import { StatusScan } from './scan.ts';
import type { CompactionMeta } from './hashkv.ts';

export interface SnapshotStatus {
  /** CRC-32C as etcdctl computes it (printed in hex by -w simple/table, decimal in JSON). */
  hash: number;
  revision: number;
  totalKey: number;
  /** Bytes: high-water mark × page size. */
  totalSize: number;
}

/** etcd's revision key: 8-byte big-endian main revision, '_', 8-byte sub revision (+ 't'). */
export function mainRevision(key: Uint8Array): number {
  if (key.length < 8) throw new WardenError(`key bucket holds a ${key.length}-byte key, too short for a revision: not an etcd snapshot`);
  // Two 32-bit halves: no BigInt per key (revisions stay far below 2^53).
  const hi = ((key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!) >> 0;
  const lo = ((key[4]! << 24) | (key[5]! << 16) | (key[6]! << 8) | key[7]!) >>> 0;
  return hi * 0x1_0000_0000 + lo;
}

/** Sees every key of every top-level bucket during the status walk (value undefined: a nested bucket). */
export type BucketEntryVisitor = (bucket: string, key: Buffer, value: Buffer | undefined) => void;

/**
 * Walks a reader as etcdctl does; `tracker` makes it run bbolt's integrity check too, and
 * `visit` lets other reports (inspect) ride on the same single pass over the pages.
 */
export function statusOf(reader: BboltReader, tracker: PageTracker | undefined = reader.newTracker(), visit?: BucketEntryVisitor): SnapshotStatus {
  const crc = new Crc32c();
  let revision = 0;
  let totalKey = 0;
  reader.forEach(
    reader.rootBucket(),
    (name, _v, openBucket) => {
      if (!openBucket) throw new WardenError(`top-level key "${printable(name)}" is not a bucket: not an etcd snapshot`);
      const bucket = openBucket();
      const bucketName = name.toString('latin1');
      crc.update(name);
      const isKey = bucketName === 'key';
      reader.forEach(
        bucket,
        (k, v, nested) => {
          crc.update(k);
          if (v) crc.update(v);
          // Like etcdctl, every key sets it: the last one (the highest revision) stays.
          if (isKey) revision = mainRevision(k);
          totalKey++;
          visit?.(bucketName, k, v);
          // Nested buckets are not hashed, but bbolt's check reads their pages too.
          if (nested && tracker) reader.markBucket(nested(), tracker);
        },
        tracker,
      );
    },
    tracker,
  );
  if (tracker) reader.finishCheck(tracker);
  return { hash: crc.digest(), revision, totalKey, totalSize: reader.totalSize };
}

export interface ReadOptions {
  /** Check the sha256 trailer when there is one (default true). */
  verifyHash?: boolean;
  /** From this many bytes the sha256 is computed by a worker beside the scan (default 64 MiB). */
  hashInWorkerFrom?: number;
}

/**
 * Opens the snapshot at `path` and runs `walk` over its database while a worker checks the
 * sha256 trailer; every failure is a one-line WardenError. A sha256 mismatch wins over any
 * structural error, since it explains it.
 */
export async function readSnapshot<T>(path: string, opts: ReadOptions, walk: (reader: BboltReader) => T): Promise<{ result: T; sha256?: string }> {
  const file = SnapshotFile.open(path);
  try {
    const sha = opts.verifyHash === false ? Promise.resolve(undefined) : verifySha256(file);
    sha.catch(() => undefined);
    let result: T;
    try {
      result = walk(file.reader());
    } catch (err) {
      await sha.catch((shaErr: unknown) => {
        if (shaErr instanceof SnapshotHashMismatchError) throw shaErr;
      });
      throw explain(path, err);
    }
    const sha256 = await sha;
    return sha256 ? { result, sha256 } : { result };
  } finally {
    file.close();
  }
}

/** From this size the sha256 runs in a worker beside the scan (measured: a worker starts in ~30 ms). */
const OVERLAP_FROM = 64 * 1024 * 1024;

/** Reads of the sequential pass: 256 KiB (fresh memory is dear; one buffer, reused). */
const SCAN_BLOCK = 256 * 1024;

/** Reads handed to the hashing worker: 4 MiB (a message per read; a pool of four goes back and forth). */
const PIPE_BLOCK = 4 * 1024 * 1024;

/**
 * Status of the snapshot file at `path`, with the sha256 when the file has etcd's trailer: one
 * sequential pass feeds both the sha256 and a StatusScan; a file the scan cannot vouch for is
 * walked page by page, whose errors name the problem. A sha256 mismatch wins over any structural
 * error, since it explains it.
 */
export async function snapshotStatus(path: string, opts: ReadOptions = {}): Promise<SnapshotStatus & { sha256?: string }> {
  const file = SnapshotFile.open(path);
  try {
    const expected = opts.verifyHash === false ? undefined : file.expectedSha256();
    const mismatch = (actual: string): SnapshotHashMismatchError | undefined => (expected !== undefined && actual !== expected ? new SnapshotHashMismatchError(expected, actual) : undefined);
    let reader: BboltReader;
    try {
      reader = file.reader();
    } catch (err) {
      if (expected !== undefined) {
        const wrong = mismatch(sha256Range(path, file.dbSize));
        if (wrong) throw wrong;
      }
      throw err;
    }
    const scan = new StatusScan(reader.meta);
    // A large file is read once, in order, by this thread, which scans each block and hands it
    // to a worker that hashes it on the other core meanwhile; a small one is hashed in this one
    // pass, since a worker's start costs more than its hashing saves.
    const pipe = expected !== undefined && file.dbSize >= (opts.hashInWorkerFrom ?? OVERLAP_FROM) ? new Sha256Pipe(path, file.dbSize, file.fileSize, { chunk: PIPE_BLOCK, buffers: 4 }) : undefined;
    const hash = expected === undefined || pipe ? undefined : createHash('sha256');
    const end = pipe ? file.fileSize : hash ? file.dbSize : scan.bytesNeeded;
    const own = pipe ? undefined : Buffer.allocUnsafe(Math.max(SCAN_BLOCK, reader.pageSize));
    let sha256: string | undefined;
    try {
      for (let pos = 0; pos < end; ) {
        const buf = own ?? (await pipe!.take());
        const want = Math.min(buf.length, end - pos);
        let n = 0;
        while (n < want) {
          const got = fs.readSync(file.fd, buf, n, want - n, pos + n);
          if (got <= 0) throw new WardenError(`${path} shrank while being read: copy it somewhere stable and try again`);
          n += got;
        }
        hash?.update(buf.subarray(0, n));
        if (pos < scan.bytesNeeded) scan.feed(buf.subarray(0, Math.min(n, scan.bytesNeeded - pos)));
        pipe?.give(buf, n);
        pos += n;
      }
      if (pipe) {
        sha256 = (await pipe.result()).digest;
      } else if (hash) {
        sha256 = hash.digest('hex');
      }
    } catch (err) {
      pipe?.close();
      throw err;
    }
    const wrong = sha256 === undefined ? undefined : mismatch(sha256); // before any structural error
    if (wrong) throw wrong;
    const status = scan.finish(reader) ?? withSnapshotErrors(path, () => statusOf(reader));
    return sha256 ? { ...status, sha256 } : status;
  } finally {
    file.close();
  }
}

/**
 * The status of a snapshot file while it is being written: `advance` reads back, from the file
 * itself, what has been written so far and feeds it to a StatusScan (so a backup verifies what
 * is on disk during the stream, in the time the stream leaves the main thread idle), `finish`
 * completes it. Undefined from `finish` when the scan cannot vouch for the file: the caller
 * then runs snapshotStatus on the finished file, whose errors name the problem.
 */
export class StatusFollower {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(SCAN_BLOCK);
  private scan: StatusScan | undefined;
  private pos = 0;
  private failed = false;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'r');
  }

  /** Reads back and scans the file up to byte `written` (whole blocks; the rest at `finish`). */
  advance(written: number, final = false): void {
    if (this.failed) return;
    try {
      if (!this.scan) {
        if (written < 2 * 4096 && !final) return;
        const meta = readMeta(new FileSource(this.fd), written);
        if (meta.pageSize > SCAN_BLOCK || (written < 2 * meta.pageSize && !final)) return;
        this.scan = new StatusScan(meta);
      }
      const scan = this.scan;
      const end = Math.min(written, scan.bytesNeeded);
      while (this.pos < end && (final || end - this.pos >= SCAN_BLOCK)) {
        const want = Math.min(SCAN_BLOCK, end - this.pos);
        const n = fs.readSync(this.fd, this.buf, 0, want, this.pos);
        if (n !== want) throw new Error('short read');
        scan.feed(this.buf.subarray(0, n));
        this.pos += n;
      }
    } catch {
      this.failed = true;
    }
  }

  /** The status of the whole file once written (`dbSize`: its bytes without the sha256 trailer). */
  finish(dbSize: number): SnapshotStatus | undefined {
    this.advance(dbSize, true);
    if (this.failed || !this.scan || this.pos < this.scan.bytesNeeded) return undefined;
    try {
      return this.scan.finish(new BboltReader(new FileSource(this.fd), dbSize, this.scan.meta));
    } catch {
      return undefined;
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * The bytes a finished stream scan still reads through a BboltReader: the meta pages (the
 * first block) and the stored freelist, kept as they went by; anything else reads as zeros,
 * which no valid page is (the scan then cannot vouch for the file).
 */
class KeptPages implements ByteSource {
  constructor(private readonly kept: { at: number; buf: Buffer }[]) {}
  read(buf: Buffer, offset: number, length: number, position: number): number {
    buf.fill(0, offset, offset + length);
    for (const k of this.kept) {
      const from = Math.max(position, k.at);
      const to = Math.min(position + length, k.at + k.buf.length);
      if (from < to) k.buf.copy(buf, offset + from - position, from - k.at, to - k.at);
    }
    return length;
  }
}

/**
 * The status of a snapshot that is never on disk in the clear: fed as a byte stream (the
 * plaintext on its way into age during a backup, or coming out of `age -d`), it runs the same
 * sequential StatusScan as a file read, with the sha256 of the database checked against etcd's
 * trailer (`trailer: true`: the last 32 bytes, when the length says there is one, as
 * `etcdctl snapshot restore` decides). Chunks of any size; one block buffer reused.
 */
export class StreamStatus {
  private readonly block = Buffer.allocUnsafe(SCAN_BLOCK);
  private filled = 0;
  /** Bytes of whole blocks handed to the scan so far. */
  private pos = 0;
  private total = 0;
  private head: Buffer | undefined;
  private meta: Meta | undefined;
  private scan: StatusScan | undefined;
  private failed = false;
  private freelist: { at: number; buf?: Buffer } | undefined;
  private readonly hash;
  /** The last 32 bytes seen, held back from the hash until it is known whether they are the trailer. */
  private held = Buffer.alloc(0);

  constructor(private readonly opts: { trailer: boolean }) {
    this.hash = opts.trailer ? createHash('sha256') : undefined;
  }

  /** Bytes fed so far. */
  get bytes(): number {
    return this.total;
  }

  /** After `finish` returned a status: the meta bucket's compaction revisions (see StatusScan). */
  get compaction(): CompactionMeta | undefined {
    return this.scan?.compaction;
  }

  /**
   * Feeds a chunk. Whole pages are scanned where they lie in the chunk (no copy: the chunk may
   * go on, unchanged, into age); only the first block (the meta pages) and a page split between
   * chunks are gathered in the block buffer.
   */
  update(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.hash) this.hashHeldBack(chunk);
    for (let off = 0; off < chunk.length; ) {
      const ps = this.scan ? this.meta!.pageSize : 0;
      if (ps && this.filled === 0) {
        const whole = chunk.length - off - ((chunk.length - off) % ps);
        if (whole > 0) {
          this.consume(chunk.subarray(off, off + whole));
          off += whole;
          continue;
        }
      }
      const target = ps || SCAN_BLOCK;
      const n = chunk.copy(this.block, this.filled, off, Math.min(chunk.length, off + target - this.filled));
      this.filled += n;
      off += n;
      if (this.filled === target) {
        this.consume(this.block.subarray(0, target));
        this.filled = 0;
      }
    }
  }

  /** After the last byte: scans the partial block left. `finish` calls it too. */
  end(): void {
    if (this.filled === 0) return;
    this.consume(this.block.subarray(0, this.filled));
    this.filled = 0;
  }

  private hashHeldBack(chunk: Buffer): void {
    const hash = this.hash!;
    if (chunk.length >= SHA256_SIZE) {
      hash.update(this.held);
      hash.update(chunk.subarray(0, chunk.length - SHA256_SIZE));
      this.held = Buffer.from(chunk.subarray(chunk.length - SHA256_SIZE));
      return;
    }
    const both = Buffer.concat([this.held, chunk]);
    const out = Math.max(0, both.length - SHA256_SIZE);
    hash.update(both.subarray(0, out));
    this.held = both.subarray(out);
  }

  /** Scans one block (whole pages but at the end) of the database. */
  private consume(block: Buffer): void {
    if (this.failed) return;
    try {
      if (!this.scan) {
        // The meta pages lie in the first block; the scan starts there.
        this.head = Buffer.from(block);
        const meta = readMeta(new BufferSource(this.head), this.head.length);
        if (meta.pageSize > SCAN_BLOCK / 2) throw new Error('page size beyond the stream scan');
        this.meta = meta;
        this.scan = new StatusScan(meta);
        if (meta.freelist !== undefined) this.freelist = { at: meta.freelist * meta.pageSize };
      }
      const scan = this.scan;
      const ps = this.meta!.pageSize;
      const fl = this.freelist;
      if (fl) {
        const end = this.pos + block.length;
        if (!fl.buf && fl.at >= this.pos && fl.at + 16 <= end) fl.buf = Buffer.alloc((1 + block.readUInt32LE(fl.at - this.pos + 12)) * ps);
        if (fl.buf) {
          const from = Math.max(fl.at, this.pos);
          const to = Math.min(fl.at + fl.buf.length, end);
          if (from < to) block.copy(fl.buf, from - fl.at, from - this.pos, to - this.pos);
        }
      }
      if (this.pos < scan.bytesNeeded) scan.feed(block.subarray(0, Math.min(block.length, scan.bytesNeeded - this.pos)));
      this.pos += block.length;
    } catch {
      this.failed = true;
    }
  }

  /**
   * After the last byte: the status (and, with a trailer, the verified sha256), or undefined
   * when the scan cannot vouch for the database (the caller reads it another way, whose errors
   * name the problem). A sha256 that differs from the trailer throws SnapshotHashMismatchError.
   */
  finish(): (SnapshotStatus & { sha256?: string; dbSize: number }) | undefined {
    this.end();
    let sha256: string | undefined;
    let dbSize = this.total;
    if (this.hash) {
      if (this.total % 512 === SHA256_SIZE && this.held.length === SHA256_SIZE) {
        const actual = this.hash.digest('hex');
        const expected = this.held.toString('hex');
        if (actual !== expected) throw new SnapshotHashMismatchError(expected, actual);
        sha256 = actual;
        dbSize -= SHA256_SIZE;
      }
    }
    const scan = this.scan;
    if (this.failed || !scan || !this.meta || this.pos < scan.bytesNeeded) return undefined;
    try {
      const kept = [{ at: 0, buf: this.head! }, ...(this.freelist?.buf ? [{ at: this.freelist.at, buf: this.freelist.buf }] : [])];
      const status = scan.finish(new BboltReader(new KeptPages(kept), dbSize, this.meta));
      if (!status) return undefined;
      return sha256 ? { ...status, sha256, dbSize } : { ...status, dbSize };
    } catch {
      return undefined;
    }
  }
}

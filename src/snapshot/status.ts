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
import { BboltReader, printable, readMeta, type PageTracker } from './bbolt.ts';
import { Crc32c } from './crc32c.ts';
import { FileSource, SnapshotFile, SnapshotHashMismatchError, explain, sha256Range, verifySha256, withSnapshotErrors } from './file.ts';
import { StatusScan } from './scan.ts';

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

/** Reads of the sequential pass: 256 KiB (fresh memory is dear; one buffer, reused). */
const SCAN_BLOCK = 256 * 1024;

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
    const hash = expected === undefined ? undefined : createHash('sha256');
    const end = hash ? file.dbSize : scan.bytesNeeded;
    const block = Math.max(SCAN_BLOCK, reader.pageSize);
    const buf = Buffer.allocUnsafe(block);
    for (let pos = 0; pos < end; ) {
      const want = Math.min(block, end - pos);
      let n = 0;
      while (n < want) {
        const got = fs.readSync(file.fd, buf, n, want - n, pos + n);
        if (got <= 0) throw new WardenError(`${path} shrank while being read: copy it somewhere stable and try again`);
        n += got;
      }
      hash?.update(buf.subarray(0, n));
      if (pos < scan.bytesNeeded) scan.feed(buf.subarray(0, Math.min(n, scan.bytesNeeded - pos)));
      pos += n;
    }
    const sha256 = hash?.digest('hex');
    if (sha256 !== undefined) {
      const wrong = mismatch(sha256);
      if (wrong) throw wrong;
    }
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

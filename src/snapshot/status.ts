// `snapshot status`: the numbers `etcdctl snapshot status` prints, read by warden itself.
// etcdctl (clientv3/snapshot Status in 3.4, etcdutl in 3.5+) runs bbolt's integrity check, then
// for each top-level bucket in key order feeds a CRC-32C with the bucket name and, for every key
// of the bucket (nested buckets not entered: their key is fed with a nil value), the key and its
// value; every such key counts once in TotalKey; Revision is the main revision of the last key
// of the `key` bucket; TotalSize is bbolt's tx.Size() = high-water mark × page size.
// Beyond etcdctl, a file with etcd's sha256 trailer is checked against it.
import { WardenError } from '../errors.ts';
import { BboltReader, printable, type PageTracker } from './bbolt.ts';
import { Crc32c } from './crc32c.ts';
import { SnapshotFile, SnapshotHashMismatchError, explain, verifySha256 } from './file.ts';

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

/** Status of the snapshot file at `path`, with the sha256 when the file has etcd's trailer. */
export async function snapshotStatus(path: string, opts: ReadOptions = {}): Promise<SnapshotStatus & { sha256?: string }> {
  const { result, sha256 } = await readSnapshot(path, opts, (reader) => statusOf(reader));
  return sha256 ? { ...result, sha256 } : result;
}

// etcd's HashKV computed from a snapshot file: CRC-32C over the bucket name "key" and every
// (revision key, value) of the key bucket up to a revision. A member restored from the file
// and asked `hashKV(revision)` must answer the same number: a restore check that needs no
// trust in the member. (Revisions dropped by a finished compaction are already gone from the
// file; an unfinished compaction is not accounted for, and the result says so.)
import { Crc32c } from './crc32c.ts';
import { mainRevision } from './status.ts';
import { readSnapshot } from './status.ts';

export interface SnapshotHashKV {
  hash: number;
  revision: number;
  /** false when a compaction was scheduled but not finished: the member may differ. */
  exact: boolean;
}

export async function snapshotHashKV(path: string, revision?: number): Promise<SnapshotHashKV> {
  const { result } = await readSnapshot(path, { verifyHash: false }, (reader) => {
    const crc = new Crc32c();
    let last = 0;
    let scheduled = 0;
    let finished = 0;
    reader.forEach(reader.rootBucket(), (name, _v, open) => {
      const bucketName = name.toString('latin1');
      if (!open) return;
      if (bucketName === 'meta') {
        reader.forEach(open(), (k, v) => {
          const key = k.toString('latin1');
          if (v && v.length >= 17 && key === 'scheduledCompactRev') scheduled = mainRevision(v);
          if (v && v.length >= 17 && key === 'finishedCompactRev') finished = mainRevision(v);
        });
      }
      if (bucketName !== 'key') return;
      crc.update(Buffer.from('key'));
      reader.forEach(open(), (k, v) => {
        const rev = mainRevision(k);
        if (revision !== undefined && rev > revision) return;
        last = Math.max(last, rev);
        crc.update(k);
        if (v) crc.update(v);
      });
    });
    return { hash: crc.digest(), revision: revision ?? last, exact: scheduled === finished };
  });
  return result;
}

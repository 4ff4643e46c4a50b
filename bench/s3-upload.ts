// Benchmark: S3Store.uploadFile against a bare @aws-sdk/lib-storage Upload of the same ~100 MB
// file to the same local S3-compatible server (s3rver, in this process), same part size (8 MiB)
// and queue size (4), same checksum settings. Runs come in pairs, in alternating order, and
// the ratio is the median of the pairs' ratios, so load from other work on the machine hits
// both sides alike. Target: warden's throughput ≥ 0.9 × the bare Upload's (its extra work: a
// per-upload client for cancellation, metadata checks, a HEAD to verify the stored size).
// Files and the server's folder go to /dev/shm when it exists, so disk writeback is not measured.
//
//   node --import tsx bench/s3-upload.ts [--runs N] [--mb SIZE]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PART_SIZE, QUEUE_SIZE, S3Store } from '../src/backup/s3.ts';
import { S3RVER_KEY_ID, S3RVER_SECRET, startS3 } from '../test/helpers/s3.ts';
import { report, time } from './helpers.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = flag('--runs', 6);
const MB = flag('--mb', 100);
const BUCKET = 'bench';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const shm = '/dev/shm';
const root = fs.existsSync(shm) && fs.statfsSync(shm).bavail * fs.statfsSync(shm).bsize > 4 * MB * 1e6 ? shm : os.tmpdir();
const dir = fs.mkdtempSync(path.join(root, 'warden-bench-s3-'));
const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
process.on('exit', cleanup);

const s3 = await startS3([BUCKET], { root: dir });
const store = new S3Store({ bucket: BUCKET, prefix: 'ours/' }, s3.options);
const raw = new S3Client({
  endpoint: s3.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: S3RVER_KEY_ID, secretAccessKey: S3RVER_SECRET },
  // What S3Store sets for S3-compatible servers; the SDK's default would add CRC32 work.
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

try {
  const file = path.join(dir, 'snapshot.db');
  const size = MB * 1000 * 1000;
  const fd = fs.openSync(file, 'w');
  for (let left = size; left > 0; left -= 1 << 20) fs.writeSync(fd, crypto.randomBytes(Math.min(1 << 20, left)));
  fs.closeSync(fd);

  const ours = async (i: number) => {
    await store.uploadFile(file, `snapshot-${i}.db`, { sha256: 'bench' });
  };
  const bare = async (i: number) => {
    await new Upload({
      client: raw,
      params: { Bucket: BUCKET, Key: `raw/snapshot-${i}.db`, Body: fs.createReadStream(file), Metadata: { sha256: 'bench' } },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
    }).done();
  };
  const remove = async (key: string) => {
    await raw.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  };

  // Warm-up: modules, connection pools, the server's folders.
  await ours(-1);
  await bare(-1);
  const oursMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const order: ['ours' | 'raw', (i: number) => Promise<void>][] = i % 2 === 0 ? [['ours', ours], ['raw', bare]] : [['raw', bare], ['ours', ours]];
    for (const [which, fn] of order) {
      const { ms } = await time(() => fn(i));
      (which === 'ours' ? oursMs : rawMs).push(ms);
      await remove(which === 'ours' ? `ours/snapshot-${i}.db` : `raw/snapshot-${i}.db`);
    }
  }
  const mbps = (ms: number) => size / 1e6 / (ms / 1000);
  const oursMed = median(oursMs);
  const rawMed = median(rawMs);
  // Throughput ratio of each pair = bare time / warden time.
  const ratio = median(oursMs.map((ms, i) => (rawMs[i] as number) / ms));
  report('s3 upload', ratio, '>=0.9',
    `${MB} MB in 8 MiB parts, 4 in flight, ${RUNS} pairs (median of pair ratios): warden ${mbps(oursMed).toFixed(0)} MB/s (median ${oursMed.toFixed(0)} ms), bare lib-storage ${mbps(rawMed).toFixed(0)} MB/s (median ${rawMed.toFixed(0)} ms), s3rver in-process on ${root === shm ? 'tmpfs' : 'disk'}`);
} finally {
  store.close();
  raw.destroy();
  await s3.close();
  cleanup();
}

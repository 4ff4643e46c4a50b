// The S3 backup store against a real S3-compatible server (s3rver in this process, see
// test/helpers/s3.ts): multipart upload and download of a 40 MB file, metadata, backup sets,
// presigned URLs (and an expired one), interrupted uploads, bad input and unreachable stores,
// and that an upload's memory does not grow with the file.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { UsageError, WardenError } from '../../src/errors.ts';
import { archiveName, snapshotName } from '../../src/backup/names.ts';
import { PART_SIZE, S3Store, UploadInterrupted, downloadUrl, parseS3Url, resolveS3Options } from '../../src/backup/s3.ts';
import { freePort } from '../../src/util/ports.ts';
import { waitFor } from '../../src/util/wait.ts';
import { S3RVER_SECRET, startS3, type TestS3 } from '../helpers/s3.ts';

const BUCKET = 'warden-backups';
const MiB = 1024 * 1024;

/** A one-line WardenError whose message matches `re` and shows no secret. */
function assertOneLine(err: unknown, re: RegExp, cls: typeof WardenError = WardenError): true {
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
  assert.match(err.message, re);
  assert.ok(!err.message.includes('\n'), `not one line: ${err.message}`);
  assert.ok(!err.message.includes(S3RVER_SECRET) && !/X-Amz-Signature|X-Amz-Credential/i.test(err.message), `leaks a secret: ${err.message}`);
  return true;
}

function writeRandomFile(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'w');
  const hash = crypto.createHash('sha256');
  try {
    for (let left = bytes; left > 0; left -= MiB) {
      const chunk = crypto.randomBytes(Math.min(MiB, left));
      hash.update(chunk);
      fs.writeSync(fd, chunk);
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

const sha256File = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('parseS3Url and settings (no server)', () => {
  test('accepts s3://bucket[/prefix] and normalises the prefix', () => {
    assert.deepEqual(parseS3Url('s3://my-bucket'), { bucket: 'my-bucket', prefix: '' });
    assert.deepEqual(parseS3Url('s3://my-bucket/'), { bucket: 'my-bucket', prefix: '' });
    assert.deepEqual(parseS3Url('s3://my.bucket-1/etcd'), { bucket: 'my.bucket-1', prefix: 'etcd/' });
    assert.deepEqual(parseS3Url('S3://abc//a///b/ '), { bucket: 'abc', prefix: 'a/b/' });
  });

  test('rejects bad URLs with one UsageError line', () => {
    const bad: [string, RegExp][] = [
      ['', /must look like s3:\/\/bucket\/prefix/],
      ['/backups', /must look like s3:\/\/bucket\/prefix/],
      ['https://bucket/prefix', /must look like s3:\/\/bucket\/prefix/],
      ['s3://', /no bucket name/],
      ['s3:///prefix', /no bucket name/],
      ['s3://Bad_Bucket/x', /invalid S3 bucket name "Bad_Bucket"/],
      ['s3://ab', /invalid S3 bucket name "ab"/],
      ['s3://bucket/a/../b', /"\." and "\.\." are not allowed/],
      ['s3://bucket/a?versionId=1', /must not contain \?/],
      ['s3://bucket/a\nb', /invalid S3 prefix in "s3:\/\/bucket\/a\\nb": .*control characters/],
      ['s3://bu\ncket/a', /invalid S3 bucket name "bu\\ncket"/],
    ];
    for (const [url, re] of bad) {
      assert.throws(() => parseS3Url(url), (err) => assertOneLine(err, re, UsageError), url);
    }
    // Credentials in the URL are refused without being echoed.
    assert.throws(() => parseS3Url('s3://AKIDEXAMPLE:s3cr3t@bucket/x'), (err) => {
      assertOneLine(err, /credentials do not belong in it/, UsageError);
      assert.ok(!(err as Error).message.includes('s3cr3t'));
      return true;
    });
  });

  test('options come from the AWS_* variables; path style with an endpoint', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000/', AWS_DEFAULT_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'tok' };
    assert.deepEqual(resolveS3Options({}, env), {
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: 'tok' },
    });
    assert.deepEqual(resolveS3Options({ region: 'ap-south-1', forcePathStyle: false }, { ...env, AWS_REGION: 'us-west-2' }).region, 'ap-south-1');
    assert.equal(resolveS3Options({}, { ...env, AWS_REGION: 'us-west-2' }).region, 'us-west-2');
    assert.deepEqual(resolveS3Options({}, {}), { endpoint: undefined, region: 'us-east-1', forcePathStyle: false, credentials: undefined });
    assert.throws(() => resolveS3Options({}, { AWS_ACCESS_KEY_ID: 'id' }), (err) => assertOneLine(err, /AWS_SECRET_ACCESS_KEY is missing/, UsageError));
    assert.throws(() => resolveS3Options({ endpoint: 'ftp://x' }, {}), (err) => assertOneLine(err, /invalid S3 endpoint/, UsageError));
    assert.throws(() => resolveS3Options({ endpoint: 'http://id:secret@host' }, {}), (err) => assertOneLine(err, /invalid S3 endpoint/, UsageError));
  });
});

describe('S3Store against s3rver', () => {
  let s3: TestS3;
  let dir: string;
  let store: S3Store;
  let big: string;
  let bigSha: string;
  const stores: S3Store[] = [];
  const open = (prefix: string, opts = s3.options, bucket = BUCKET): S3Store => {
    const s = new S3Store({ bucket, prefix }, opts);
    stores.push(s);
    return s;
  };

  before(async () => {
    s3 = await startS3([BUCKET]);
    dir = fs.mkdtempSync(path.join(process.env.WARDEN_TEST_ROOT ?? os.tmpdir(), 's3-files-'));
    store = open('etcd/');
    big = path.join(dir, 'big.db');
    bigSha = writeRandomFile(big, 40 * 1000 * 1000);
  });

  after(async () => {
    for (const s of stores) s.close();
    await s3?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('checkBucket passes for an existing bucket', async () => {
    await store.checkBucket();
  });

  test('a 40 MB file goes up in 8 MiB parts and comes back with the same sha256', async () => {
    const progress: [number, number][] = [];
    const before = s3.requests.length;
    const r = await store.uploadFile(big, 'snapshot_2024-01-02_030405.db', { sha256: bigSha }, (sent, total) => progress.push([sent, total]));
    assert.deepEqual(r, { key: 'etcd/snapshot_2024-01-02_030405.db', size: 40_000_000 });

    const parts = s3.requests.slice(before).filter((q) => q.method === 'PUT' && q.query.partNumber !== undefined);
    assert.equal(parts.length, Math.ceil(40_000_000 / PART_SIZE), 'one UploadPart per 8 MiB');
    assert.ok(progress.length >= parts.length, 'progress per part');
    assert.deepEqual(progress.at(-1), [40_000_000, 40_000_000]);
    assert.ok(progress.every(([sent], i) => i === 0 || sent >= (progress[i - 1] as [number, number])[0]), 'progress only grows');

    const local = path.join(dir, 'back.db');
    const d = await store.download('snapshot_2024-01-02_030405.db', local);
    assert.deepEqual(d, { size: 40_000_000, sha256: bigSha });
    assert.equal(sha256File(local), bigSha);
    assert.equal(fs.statSync(local).mode & 0o777, 0o600);
    assert.ok(!fs.existsSync(`${local}.part`));
    fs.rmSync(local);
  });

  test('object metadata round-trips through head and list', async () => {
    const f = path.join(dir, 'small.tar.gz');
    const sha = writeRandomFile(f, 10_000);
    const meta = { sha256: sha, 'etcd-version': '3.4.30', Revision: '12345' };
    await store.uploadFile(f, 'static_kuberesources_2024-01-02_030405.tar.gz', meta);
    const h = await store.head('static_kuberesources_2024-01-02_030405.tar.gz');
    assert.equal(h?.size, 10_000);
    assert.deepEqual(h?.metadata, { sha256: sha, 'etcd-version': '3.4.30', revision: '12345' });
    const listed = (await store.list({ metadata: true })).find((o) => o.name === 'static_kuberesources_2024-01-02_030405.tar.gz');
    assert.deepEqual(listed?.metadata, h?.metadata);
    assert.equal(await store.head('snapshot_1999-01-01_000000.db'), undefined);
    await assert.rejects(store.uploadFile(f, 'x.db', { note: 'naïve' }), (err) => assertOneLine(err, /printable ASCII/));
    await assert.rejects(store.uploadFile(f, 'a/b.db', {}), (err) => assertOneLine(err, /invalid backup object name "a\/b\.db"/, UsageError));

    // An empty file is one empty PUT and comes back empty.
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '');
    assert.deepEqual(await store.uploadFile(empty, 'empty.db', { sha256: 'e3b0' }), { key: 'etcd/empty.db', size: 0 });
    const back = path.join(dir, 'empty.back');
    assert.deepEqual(await store.download('empty.db', back), { size: 0, sha256: crypto.createHash('sha256').digest('hex') });
    fs.rmSync(back);
    // The secret is not in what inspecting a store shows.
    assert.ok(!inspect(store, { depth: 5 }).includes(S3RVER_SECRET));
  });

  test('listSets groups by timestamp, newest first; deleteSet removes a whole set', async () => {
    const s = open('sets/team-a/');
    const f = path.join(dir, 'tiny');
    fs.writeFileSync(f, 'x'.repeat(100));
    const names = [
      snapshotName('2024-03-01_000000'), archiveName('2024-03-01_000000'),
      snapshotName('2024-03-02_120000', true), archiveName('2024-03-02_120000', true),
      snapshotName('2024-02-28_235959'), // no archive: an incomplete set
      'README.txt',
    ];
    for (const n of names) await s.uploadFile(f, n, {});
    // Deeper "folders" and other prefixes are not this store's.
    await open('sets/team-a/old/').uploadFile(f, snapshotName('2020-01-01_000000'), {});
    await open('sets/').uploadFile(f, snapshotName('2021-01-01_000000'), {});

    const sets = await s.listSets();
    assert.deepEqual(sets.map((x) => [x.timestamp, x.dirty, !!x.snapshot, !!x.archive, x.size]), [
      ['2024-03-02_120000', true, true, true, 200],
      ['2024-03-01_000000', false, true, true, 200],
      ['2024-02-28_235959', false, true, false, 100],
    ]);
    assert.equal(sets[0]?.snapshot?.key, 'sets/team-a/snapshot_2024-03-02_120000__POSSIBLY_DIRTY__.db');
    assert.equal(sets[0]?.time.toISOString(), '2024-03-02T12:00:00.000Z');
    assert.ok(sets[0]?.archive?.lastModified instanceof Date);
    assert.equal((await s.list()).length, 6);

    await s.deleteSet('2024-03-02_120000');
    assert.deepEqual((await s.listSets()).map((x) => x.timestamp), ['2024-03-01_000000', '2024-02-28_235959']);
    assert.equal((await s.list()).length, 4, 'README.txt and the other sets stay');
    await assert.rejects(s.deleteSet('2024-03-02_120000'), (err) => assertOneLine(err, /no backup set 2024-03-02_120000 in s3:\/\/warden-backups\/sets\/team-a\//));
    await assert.rejects(s.deleteSet('yesterday'), (err) => assertOneLine(err, /invalid backup timestamp/, UsageError));
    assert.equal((await open('sets/team-a/old/').listSets()).length, 1);
  });

  test('a presigned URL downloads by plain HTTP; an expired one is a clear 403', async () => {
    const name = 'snapshot_2024-01-02_030405.db';
    const url = await store.presign(name, 300);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(crypto.createHash('sha256').update(body).digest('hex'), bigSha);

    const local = path.join(dir, 'by-url.db');
    assert.deepEqual(await downloadUrl(url, local), { size: 40_000_000, sha256: bigSha });
    fs.rmSync(local);

    const f = path.join(dir, 'short');
    fs.writeFileSync(f, 'short-lived');
    await store.uploadFile(f, 'short-lived.db', {});
    const short = await store.presign('short-lived.db', 1);
    await waitFor(async () => (await fetch(short, { method: 'HEAD' })).status === 403, { timeoutMs: 15_000, intervalMs: 200, what: 'the presigned URL to expire' });
    await assert.rejects(downloadUrl(short, local), (err) => assertOneLine(err, /HTTP 403 .*AccessDenied.*expired/));
    assert.ok(!fs.existsSync(local) && !fs.existsSync(`${local}.part`), 'nothing left by the failed download');

    await assert.rejects(store.presign('missing.db', 60), (err) => assertOneLine(err, /no object missing\.db in s3:\/\/warden-backups\/etcd\//));
    await assert.rejects(store.presign(name, 0), (err) => assertOneLine(err, /lifetime/, UsageError));
    await assert.rejects(downloadUrl('ftp://x/y', local), (err) => assertOneLine(err, /http:\/\/ or https:\/\//, UsageError));
  });

  test('an interrupted download leaves no file', async () => {
    const local = path.join(dir, 'cut.db');
    const ac = new AbortController();
    const p = store.download('snapshot_2024-01-02_030405.db', local, ac.signal);
    // Abort once bytes are arriving (the .part exists), or at once if that is never seen.
    await waitFor(() => fs.existsSync(`${local}.part`), { timeoutMs: 5000, intervalMs: 1, what: 'the download to start' }).catch(() => undefined);
    ac.abort();
    await assert.rejects(p, (err) => assertOneLine(err, /^interrupted: the download of .* was abandoned and nothing was written$/));
    assert.ok(!fs.existsSync(local) && !fs.existsSync(`${local}.part`));
  });

  test('a missing object or bucket is one clear line and leaves no file', async () => {
    const local = path.join(dir, 'nothing.db');
    await assert.rejects(store.download('snapshot_1999-01-01_000000.db', local), (err) => assertOneLine(err, /no object snapshot_1999-01-01_000000\.db in s3:\/\/warden-backups\/etcd\//));
    assert.ok(!fs.existsSync(local) && !fs.existsSync(`${local}.part`));

    const missing = open('x/', s3.options, 'no-such-bucket');
    const re = new RegExp(`^bucket no-such-bucket does not exist at ${s3.endpoint}: create it or fix --to$`);
    await assert.rejects(missing.checkBucket(), (err) => assertOneLine(err, re));
    await assert.rejects(missing.uploadFile(big, 'snapshot_2024-01-02_030405.db', {}), (err) => assertOneLine(err, re));
    await assert.rejects(missing.head('snapshot_2024-01-02_030405.db'), (err) => assertOneLine(err, re));
    await assert.rejects(missing.listSets(), (err) => assertOneLine(err, re));
    assert.deepEqual(s3.pendingUploads(BUCKET), []);
  });

  test('wrong credentials and an unreachable endpoint are one clear line without secrets', async () => {
    const wrong = open('etcd/', { ...s3.options, accessKeyId: 'NOT-A-KEY', secretAccessKey: S3RVER_SECRET });
    await assert.rejects(wrong.checkBucket(), (err) => assertOneLine(err, /does not know the access key id.*check AWS_ACCESS_KEY_ID/));
    await assert.rejects(wrong.head('snapshot_2024-01-02_030405.db'), (err) => assertOneLine(err, /check AWS_ACCESS_KEY_ID/));

    const port = await freePort();
    const down = open('etcd/', { ...s3.options, endpoint: `http://127.0.0.1:${port}` });
    await assert.rejects(down.checkBucket(), (err) => assertOneLine(err, new RegExp(`^cannot reach S3 endpoint http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\).*check --s3-endpoint`)));
    await assert.rejects(downloadUrl(`http://127.0.0.1:${port}/b/k?X-Amz-Signature=abc`, path.join(dir, 'x')), (err) => assertOneLine(err, /cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/));
  });

  test('an interrupted upload leaves no object and no pending multipart upload', async () => {
    const name = 'snapshot_2024-05-05_050505.db';
    const ac = new AbortController();
    const before = s3.requests.length;
    // Abort once the first part is stored: the upload is well under way, with parts in flight.
    const p = store.uploadFile(big, name, {}, () => ac.abort(), ac.signal);
    await assert.rejects(p, (err) => assertOneLine(err, /^interrupted: the upload of snapshot_2024-05-05_050505\.db to s3:\/\/warden-backups\/etcd\/ was abandoned and nothing was left/, UploadInterrupted));
    const reqs = s3.requests.slice(before);
    assert.ok(reqs.some((q) => q.method === 'POST' && q.query.uploads !== undefined), 'a multipart upload was started');
    assert.ok(reqs.some((q) => q.method === 'DELETE' && q.query.uploadId !== undefined), 'and aborted');
    assert.ok(!reqs.some((q) => q.method === 'POST' && q.query.uploadId !== undefined), 'never completed');

    assert.equal(await store.head(name), undefined);
    assert.ok(!(await store.list()).some((o) => o.name === name));
    assert.deepEqual(s3.pendingUploads(BUCKET), [], 'no parts left on the server');
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: S3RVER_SECRET } });
    try {
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
      assert.deepEqual(listed.Uploads ?? [], []);
    } finally {
      client.destroy();
    }

    // Already aborted: nothing is attempted.
    const n = s3.requests.length;
    await assert.rejects(store.uploadFile(big, name, {}, undefined, AbortSignal.abort()), UploadInterrupted);
    assert.equal(s3.requests.length, n);
  });

  test('upload memory does not grow with the file (streamed, bounded parts in flight)', async (t) => {
    const huge = path.join(dir, 'huge.db');
    const size = 256 * MiB;
    writeRandomFile(huge, size);
    // Warm up (modules, pools, heap) so the measure is the upload's, not the first call's.
    await store.uploadFile(big, 'warm-up.db', {});
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      await store.uploadFile(huge, 'huge.db', {}, () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      });
    } finally {
      clearInterval(timer);
      fs.rmSync(huge);
    }
    const delta = peak - base;
    t.diagnostic(`peak RSS delta ${(delta / MiB).toFixed(1)} MiB while uploading ${size / MiB} MiB`);
    // In flight at most 4 parts of 8 MiB (twice while lib-storage slices them), plus the server's
    // buffers in this same process: far below the file's 256 MiB.
    assert.ok(delta < size / 2, `peak RSS grew by ${(delta / MiB).toFixed(1)} MiB for a ${size / MiB} MiB file`);
    assert.equal((await store.head('huge.db'))?.size, size);
  });
});

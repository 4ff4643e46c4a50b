// Backups shipped to S3-compatible storage (a real s3rver on loopback), presigned URLs, restore
// from a URL, retention in the bucket.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { S3Store } from '../../src/backup/s3.ts';
import { startS3, S3RVER_ENV, type TestS3 } from '../helpers/s3.ts';
import { Background, assertOneErrorLine, etcdctl, startCluster, tempDir, waitUntil } from '../helpers/warden.ts';

const env = S3RVER_ENV;
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('backups in S3', () => {
  let s3: TestS3;
  before(async () => {
    s3 = await startS3(['backups']);
  });
  after(() => s3.close());

  it('uploads a verified set, lists it, presigns a URL that restores the cluster', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const eps = await c.endpoints();
    for (let i = 0; i < 20; i++) await etcdctl(['--endpoints', eps, 'put', `/k/${i}`, `v${i}`]);
    const dir = path.join(tempDir('s3b'), 'b');
    const s3flags = ['--s3-endpoint', s3.endpoint];
    const r = await c.run(['backup', dir, '--to', 's3://backups/etcd', ...s3flags], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /uploaded the set to s3:\/\/backups\/etcd \(s3:\/\/backups\/etcd\/snapshot_/);

    const store = new S3Store({ bucket: 'backups', prefix: 'etcd/' }, s3.options);
    t.after(() => store.close());
    const objects = await store.list({ metadata: true });
    assert.deepEqual(objects.map((o) => o.name).sort(), fs.readdirSync(dir).sort());
    const snapName = fs.readdirSync(dir).find((f) => f.startsWith('snapshot_'))!;
    const snapObj = objects.find((o) => o.name === snapName)!;
    assert.ok(Number(snapObj.metadata?.revision) > 20);
    assert.ok(snapObj.metadata?.['cluster-id']);

    const list = await c.run(['backup', 'list', 's3://backups/etcd', ...s3flags, '-w', 'json'], { env });
    assert.equal(list.code, 0, list.stderr);
    const sets = JSON.parse(list.stdout) as { complete: boolean; revision: number }[];
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.complete, true);

    const url = (await c.run(['backup', 'presign', `s3://backups/etcd/${snapName}`, '--expires', '10m', ...s3flags], { env })).stdout.trim();
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(sha(Buffer.from(await res.arrayBuffer())), sha(fs.readFileSync(path.join(dir, snapName))), 'a plain HTTP GET gives the same bytes');

    // The hosted-cluster flow: restore from the URL, the keys archive given apart.
    const keys = path.join(tempDir('s3k'), 'keys');
    fs.mkdirSync(keys);
    const archive = fs.readdirSync(dir).find((f) => f.startsWith('static_'))!;
    fs.copyFileSync(path.join(dir, archive), path.join(keys, archive));
    await etcdctl(['--endpoints', eps, 'del', '--prefix', '/k/']);
    const restored = await c.run(['restore', '--from-url', url, '--keys-dir', keys]);
    assert.equal(restored.code, 0, restored.stderr);
    const got = await etcdctl(['--endpoints', eps, 'get', '--prefix', '/k/', '--keys-only']);
    assert.equal(got.stdout.split('\n').filter(Boolean).length, 20);
  });

  it('--from-url restores the downloaded snapshot, not a damaged copy of it in --keys-dir, and leaves no download folder', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const eps = await c.endpoints();
    for (let i = 0; i < 20; i++) await etcdctl(['--endpoints', eps, 'put', `/k/${i}`, `v${i}`]);
    const dir = path.join(tempDir('s3c'), 'b');
    const s3flags = ['--s3-endpoint', s3.endpoint];
    assert.equal((await c.run(['backup', dir, '--to', 's3://backups/copy', ...s3flags], { env })).code, 0);
    const snapName = fs.readdirSync(dir).find((f) => f.startsWith('snapshot_'))!;
    const url = (await c.run(['backup', 'presign', `s3://backups/copy/${snapName}`, '--expires', '10m', ...s3flags], { env })).stdout.trim();
    // The keys dir is a copy of the backup dir (the usual case), and its snapshot is damaged.
    const keys = path.join(tempDir('s3c'), 'keys');
    fs.cpSync(dir, keys, { recursive: true });
    const copy = fs.readFileSync(path.join(keys, snapName));
    copy[copy.length - 5000] = (copy[copy.length - 5000] as number) ^ 0xff;
    fs.writeFileSync(path.join(keys, snapName), copy);
    const tmp = tempDir('s3tmp');
    const downloads = () => fs.readdirSync(tmp).filter((f) => f.startsWith('warden-download-'));

    // Failures before and after the download leave no download folder and touch nothing.
    assertOneErrorLine(await c.run(['restore', '--from-url', url.replace(snapName, 'snapshot_2000-01-01_000000.db'), '--keys-dir', keys], { env: { TMPDIR: tmp } }), /HTTP 404/);
    assert.deepEqual(downloads(), []);
    const noArchive = tempDir('s3n');
    assertOneErrorLine(await c.run(['restore', '--from-url', url, '--keys-dir', noArchive], { env: { TMPDIR: tmp } }), /^Error: no static_kuberesources_.* in .*: give the keys archive of this backup/);
    assert.deepEqual(downloads(), []);

    await etcdctl(['--endpoints', eps, 'del', '--prefix', '/k/']);
    const restored = await c.run(['restore', '--from-url', url, '--keys-dir', keys], { env: { TMPDIR: tmp } });
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stderr, /downloaded and verified: revision \d+/);
    const got = await etcdctl(['--endpoints', eps, 'get', '--prefix', '/k/', '--keys-only']);
    assert.equal(got.stdout.split('\n').filter(Boolean).length, 20);
    assert.deepEqual(downloads(), [], 'the download folder is removed after the restore');
  });

  it('a missing bucket is one line and leaves no local files', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const dir = path.join(tempDir('s3m'), 'b');
    const r = await c.run(['backup', dir, '--to', 's3://no-such-bucket/x', '--s3-endpoint', s3.endpoint], { env });
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^Error: bucket no-such-bucket does not exist at .*: create it or fix --to/);
    assert.equal(fs.existsSync(dir) ? fs.readdirSync(dir).length : 0, 0);
  });

  it('scheduled backups ship to the bucket and retention applies there', async (t) => {
    await s3.createBucket('sched');
    const c = await startCluster(t, ['--members', '1']);
    const dir = path.join(tempDir('s3s'), 'b');
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-schedule', '*/2 * * * * *', '--backup-dir', dir, '--backup-retain-count', '2', '--backup-to', 's3://sched/etcd', '--s3-endpoint', s3.endpoint], env);
    t.after(() => op.kill('SIGKILL'));
    await waitUntil('4 scheduled backups', () => (op.out.match(/BackupCompleted/g) ?? []).length >= 4, 60_000);
    op.kill('SIGTERM');
    await op.exited();
    const store = new S3Store({ bucket: 'sched', prefix: 'etcd/' }, s3.options);
    t.after(() => store.close());
    const sets = await store.listSets();
    assert.equal(sets.length, 2, JSON.stringify(sets.map((s) => s.timestamp)));
    assert.ok(sets.every((s) => s.snapshot && s.archive));
  });
});

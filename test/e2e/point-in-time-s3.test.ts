// Point-in-time restore straight from the bucket: the operator records the revision log and
// ships it (and its sets) to S3 (a real s3rver); the local backup dir is then gone, and
// `warden restore --from-url s3://bucket/prefix --to-revision N` (dry run, then for real)
// downloads only what N needs into a private temp folder (removed afterwards) and brings the
// cluster back to exactly what `etcdctl get --rev N` showed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { S3Store } from '../../src/backup/s3.ts';
import { parseSealedName } from '../../src/revlog/format.ts';
import { logChains } from '../../src/revlog/reader.ts';
import { remoteSegments, type RemoteSegment } from '../../src/restore/pit-fetch.ts';
import { startS3, S3RVER_ENV } from '../helpers/s3.ts';
import { assertOneErrorLine, Background, etcdctl, startCluster, tempDir, waitUntil, type TestCluster, revisionNow } from '../helpers/warden.ts';

const env = S3RVER_ENV;

interface JsonKv { key: string; value: string; create_revision: number; mod_revision: number; version: number; lease?: number }

/** The application's keys at `rev` (0: now) with their revisions and version, as etcdctl prints them. */
async function appKeysAt(c: TestCluster, rev = 0): Promise<JsonKv[]> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', '/app/', '--prefix', '-w', 'json', ...(rev ? ['--rev', String(rev)] : [])]);
  assert.equal(r.code, 0, r.stderr);
  return ((JSON.parse(r.stdout) as { kvs?: JsonKv[] }).kvs ?? []).map(({ key, value, create_revision, mod_revision, version, lease }) => ({ key, value, create_revision, mod_revision, version, ...(lease ? { lease } : {}) }));
}


describe('point-in-time restore from the bucket', () => {
  it('--from-url s3://... --to-revision N: only what N needs is downloaded, every key as at N, no temp folder left', async (t) => {
    const s3 = await startS3(['pit']);
    t.after(() => s3.close());
    const c = await startCluster(t, ['--members', '1']);
    const dir = path.join(tempDir('pits3'), 'backups');
    const bucket = 's3://pit/etcd';
    const s3flags = ['--s3-endpoint', s3.endpoint];
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-dir', dir, '--revision-log', '--backup-to', bucket, ...s3flags], {
      ...env,
      // Small segments, sealed a second after their first revision: several of them, shipped soon.
      WARDEN_REVLOG_TUNING: JSON.stringify({ segmentBytes: 1024, segmentMs: 1000, flushMs: 50, markMs: 200, hashMs: 1000 }),
    });
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/revision log: starting after backup \S+ at revision \d+/);
    const eps = await c.endpoints();
    const put = async (k: string, v: string) => assert.equal((await etcdctl(['--endpoints', eps, 'put', k, v])).code, 0);
    const del = async (k: string) => assert.equal((await etcdctl(['--endpoints', eps, 'del', k])).code, 0);

    // Overwrites and deletes across several segments.
    for (let i = 0; i < 24; i++) await put(`/app/${i % 8}`, `a${i}`);
    await del('/app/3');
    const early = await revisionNow(c);
    for (let i = 0; i < 12; i++) await put(`/app/${i % 6}`, `b${i}`);
    // A second set, in the bucket only: a target after it starts from it.
    const backup = await c.run(['backup', '--to', bucket, ...s3flags], { env });
    assert.equal(backup.code, 0, backup.stderr);
    const setRevision = Number(/"revision":\s*(\d+)/.exec(backup.stdout)?.[1]);
    assert.ok(setRevision > early, backup.stdout);
    for (let i = 0; i < 16; i++) await put(`/app/${i % 5}`, `c${i}`);
    await del('/app/1');
    await put('/app/9', 'new');
    const late = await revisionNow(c);
    await waitUntil('the local log to hold it', () => Math.max(0, ...logChains(path.join(dir, 'revlog')).flatMap((x) => x.runs.map((run) => run.last))) >= late || undefined);
    const lateTime = new Date();
    for (let i = 0; i < 6; i++) await put(`/app/${i}`, `after${i}`);
    const end = await revisionNow(c);
    const atEarly = await appKeysAt(c, early);
    const atLate = await appKeysAt(c, late);

    // The bucket's log: wait (bounded) until its sealed segments reach the last revision and both sets are there.
    const stores: S3Store[] = [];
    t.after(() => stores.forEach((s) => s.close()));
    const store = (prefix: string): S3Store => {
      const s = new S3Store({ bucket: 'pit', prefix }, s3.options);
      stores.push(s);
      return s;
    };
    const logRoot = store('etcd/revlog/');
    const bucketLog = async (): Promise<RemoteSegment[]> => {
      const out: RemoteSegment[] = [];
      for (const cluster of await logRoot.listFolders()) out.push(...remoteSegments(await store(`etcd/revlog/${cluster}/`).list()));
      return out;
    };
    const shipped = await waitUntil('the bucket to hold the log up to the last revision', async () => {
      const segs = await bucketLog();
      return Math.max(0, ...segs.map((s) => s.last)) >= end ? segs : undefined;
    }, 45_000);
    assert.ok(shipped.length >= 4, `several segments: ${shipped.map((s) => s.name).join(', ')}`);
    assert.ok(shipped.some((s) => s.last < setRevision), 'segments from before the second set');
    await waitUntil('both sets complete in the bucket', async () => ((await store('etcd/').listSets()).filter((s) => s.snapshot && s.archive).length >= 2) || undefined);

    // Only the bucket can serve it now.
    op.kill('SIGTERM');
    await op.exited();
    fs.rmSync(dir, { recursive: true, force: true });
    const tmp = tempDir('pits3tmp');
    const downloads = () => fs.readdirSync(tmp).filter((f) => f.startsWith('warden-download-'));
    const restore = (args: string[]) => c.run(['restore', '--from-url', bucket, ...s3flags, ...args], { env: { ...env, TMPDIR: tmp } });

    // One line each, and no download folder left.
    assertOneErrorLine(await c.run(['restore', '--from-url', 'https://s3.example.com/pit/etcd/snapshot_2026-01-01_000000.db?X-Amz-Signature=x', '--to-revision', String(late)]),
      /^Error: a presigned URL names one object, and a point in time needs the revision log too: give --from-url s3:\/\/bucket\/prefix/, { only: true });
    assertOneErrorLine(await restore(['--to-revision', String(end + 100_000)]), /^Error: the revision log in s3:\/\/pit\/etcd\/revlog\/ does not reach revision \d+ \(it holds cluster [0-9a-f]+: \d+-\d+\): give a revision it holds/);
    assert.deepEqual(downloads(), []);

    // A dry run far back: from the operator's first set, the log from there.
    const dry = await restore(['--to-revision', String(early), '--dry-run', '--no-bump-revision']);
    assert.equal(dry.code, 0, dry.stderr);
    const dryLine = /downloading (\d+) log segments \(.*\) and backup set (\S+) \(revision (\d+), .*\) from s3:\/\/pit\/etcd\//.exec(dry.stderr);
    assert.ok(dryLine && Number(dryLine[3]) <= early, dry.stderr);
    assert.match(dry.stderr, /replayed \d+ revisions \(\d+ changes\) from \d+ log segments/);
    assert.match(dry.stdout, new RegExp(`^dry run of backup \\S+ replayed to revision ${early}: OK: a member restored from it serves revision ${early}, `));
    assert.deepEqual(downloads(), [], 'the download folder is removed after the dry run');

    // By time: the segments from the set before the time's segment to it, the revision it falls on
    // read from them, then the set (not the whole log).
    const byTime = await restore(['--to-time', lateTime.toISOString(), '--dry-run', '--no-bump-revision']);
    assert.equal(byTime.code, 0, byTime.stderr);
    const timeLine = /downloading (\d+) log segments \(.*\) around \S+ from s3:\/\/pit\/etcd\/revlog\//.exec(byTime.stderr);
    assert.ok(timeLine && Number(timeLine[1]) < shipped.filter((x) => x.firstTime <= lateTime.getTime()).length, `fewer segments than the log holds up to then: ${byTime.stderr}`);
    const fell = Number(/falls on revision (\d+) /.exec(byTime.stderr)?.[1]);
    assert.ok(fell >= late && fell < end, byTime.stderr);
    assert.match(byTime.stderr, new RegExp(`downloading backup set \\S+ \\(revision ${setRevision}, `));
    assert.match(byTime.stdout, new RegExp(`^dry run of backup \\S+ replayed to revision ${fell}: OK`));
    assertOneErrorLine(await restore(['--to-time', new Date(Date.now() + 60_000).toISOString()]), /^Error: the revision log of cluster [0-9a-f]+ ends at \S+ \(revision \d+\), before \S+: changes after that were not recorded/);
    assert.deepEqual(downloads(), []);

    // For real, near the end: the second set, and no segment that ends before it is fetched.
    const before = s3.requests.length;
    const r = await restore(['--to-revision', String(late)]);
    assert.equal(r.code, 0, r.stderr);
    const line = /downloading (\d+) log segments \(.*\) and backup set (\S+) \(revision (\d+), .*\) from s3:\/\/pit\/etcd\//.exec(r.stderr);
    assert.ok(line, r.stderr);
    assert.equal(Number(line[3]), setRevision, 'the newest set at or before the target');
    const fetched = s3.requests.slice(before).filter((q) => q.method === 'GET' && q.path.includes('/revlog/')).map((q) => path.basename(decodeURIComponent(q.path)));
    const segments = fetched.filter((n) => parseSealedName(n));
    assert.equal(segments.length, Number(line[1]), `what was fetched: ${fetched.join(', ')}`);
    assert.equal(fetched.length, 2 * segments.length, 'each with its .sha256');
    assert.ok(segments.every((n) => parseSealedName(n)!.last >= setRevision), `no segment below the set's revision ${setRevision}: ${segments.join(', ')}`);
    assert.ok(Number(line[1]) < shipped.length, 'not the whole log');
    assert.match(r.stdout, new RegExp(`\\(revision ${late}\\) into 1 members`));
    assert.deepEqual(await appKeysAt(c), atLate, 'every key as it was at the target revision');
    assert.notDeepEqual(atLate, atEarly);
    assert.deepEqual(downloads(), [], 'the download folder is removed after the restore');
  });
});

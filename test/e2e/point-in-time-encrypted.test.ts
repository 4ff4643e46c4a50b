// The revision log with encrypted backups (`--backup-encrypt-to`): its sealed segments are
// encrypted to the same age recipients, its open segment lies in the state dir, so no value
// written lies in the clear in the backup dir or the bucket; `restore --to-revision` reads it
// with --identity, across the sealed segments and the open one (and from the bucket, where the
// sets carry their revision only inside their encrypted archive), and says what it needs without.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { S3Store } from '../../src/backup/s3.ts';
import { remoteSegments } from '../../src/restore/pit-fetch.ts';
import { logChains } from '../../src/revlog/reader.ts';
import { listSegments } from '../../src/revlog/store.ts';
import { ageKeygen, assertAgeFile, filesHolding, run } from '../helpers/age.ts';
import { startS3, S3RVER_ENV } from '../helpers/s3.ts';
import { assertOneErrorLine, Background, etcdctl, startCluster, tempDir, waitUntil, type TestCluster, revisionNow } from '../helpers/warden.ts';

interface JsonKv { key: string; value: string; create_revision: number; mod_revision: number; version: number }

async function keysAt(c: TestCluster, rev = 0): Promise<JsonKv[]> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', '/app/', '--prefix', '-w', 'json', ...(rev ? ['--rev', String(rev)] : [])]);
  assert.equal(r.code, 0, r.stderr);
  return ((JSON.parse(r.stdout) as { kvs?: JsonKv[] }).kvs ?? []).map(({ key, value, create_revision, mod_revision, version }) => ({ key, value, create_revision, mod_revision, version }));
}


describe('point-in-time restore from an encrypted revision log', () => {
  it('seals segments with age to the backup recipients, keeps the open one in the state dir, and restores to a revision with --identity', async (t) => {
    const s3 = await startS3(['pit']);
    t.after(() => s3.close());
    const env = S3RVER_ENV;
    const s3flags = ['--s3-endpoint', s3.endpoint];
    const c = await startCluster(t);
    const tmp = tempDir('pitr-age');
    const key = await ageKeygen(tmp, 'backup-key.txt');
    const dir = path.join(tmp, 'backups');
    const openRoot = path.join(c.stateDir, 'revlog');
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-dir', dir, '--revision-log', '--backup-encrypt-to', key.recipient,
      '--backup-to', 's3://pit/etcd', ...s3flags], {
      ...env,
      WARDEN_REVLOG_TUNING: JSON.stringify({ segmentBytes: 2048, flushMs: 50, markMs: 200, hashMs: 1000 }),
    });
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/revision log: starting after backup \S+ at revision \d+/);
    const eps = await c.endpoints();
    const marker = `plaintext-marker-${crypto.randomBytes(12).toString('hex')}`;
    assert.equal((await etcdctl(['--endpoints', eps, 'put', '/app/secret', marker])).code, 0);
    for (let i = 0; i < 40; i++) assert.equal((await etcdctl(['--endpoints', eps, 'put', `/app/${i % 25}`, `v${i}`])).code, 0);
    const logEnd = (): number => Math.max(0, ...logChains(path.join(dir, 'revlog'), openRoot).flatMap((x) => x.runs.map((r) => r.last)));
    const openSegment = (): { path: string; first: number; last: number } | undefined => {
      const chain = logChains(path.join(dir, 'revlog'), openRoot)[0];
      return chain ? listSegments(chain).find((s) => !s.sealed) : undefined;
    };
    // The target lies in the open segment (past at least one sealed one): one more write each
    // round until the log's newest revision is in the open segment.
    let target = 0;
    await waitUntil('the newest revision durable in the open segment', async () => {
      assert.equal((await etcdctl(['--endpoints', eps, 'del', '/app/3'])).code, 0);
      target = await revisionNow(c);
      await waitUntil('the log to hold it', () => logEnd() >= target);
      const open = openSegment();
      return (open && open.first <= target && open.last >= target) || undefined;
    }, 60_000);
    const expected = await keysAt(c, target);
    assert.ok(expected.some((k) => Buffer.from(k.value, 'base64').toString() === marker));
    // The bad change.
    assert.equal((await etcdctl(['--endpoints', eps, 'del', '/app/', '--prefix'])).code, 0);
    await waitUntil('the log to hold the bad change', async () => logEnd() >= (await revisionNow(c)));
    // The bucket gets the sealed segments (never the open one): wait until it holds the last one.
    const lastSealed = Math.max(...listSegments(logChains(path.join(dir, 'revlog'), openRoot)[0]!).filter((x) => x.sealed).map((x) => x.last));
    const cluster = logChains(path.join(dir, 'revlog'), openRoot)[0]!.cluster;
    const bucketLog = new S3Store({ bucket: 'pit', prefix: `etcd/revlog/${cluster}/` }, s3.options);
    t.after(() => bucketLog.close());
    await waitUntil('the bucket to hold every sealed segment', async () => remoteSegments(await bucketLog.list()).some((x) => x.last === lastSealed) || undefined);
    op.kill('SIGTERM');
    await op.exited();

    // Sealed segments: age files, named .age, checked by sha256sum as stored; nothing in the clear.
    const chain = logChains(path.join(dir, 'revlog'), openRoot)[0]!;
    const sealed = fs.readdirSync(chain.dir).filter((f) => !f.endsWith('.sha256')).sort();
    assert.ok(sealed.length >= 1 && sealed.every((f) => f.endsWith('.revlog.gz.age')), `sealed segments: ${sealed.join(', ')}`);
    for (const f of sealed) {
      assertAgeFile(path.join(chain.dir, f));
      const check = await run('sha256sum', ['-c', `${f}.sha256`], { cwd: chain.dir });
      assert.equal(check.code, 0, check.stderr);
    }
    assert.deepEqual(filesHolding(dir, Buffer.from(marker)), [], 'no value in the clear in the backup dir');
    assert.deepEqual(filesHolding(s3.dir, Buffer.from(marker)), [], 'no value in the clear in the bucket');
    const open = openSegment()!;
    assert.equal(path.dirname(open.path), path.join(openRoot, chain.cluster), 'the open segment lies in the state dir');
    assert.equal(fs.statSync(open.path).mode & 0o777, 0o600);

    // From the bucket: the encrypted sets' revision and cluster come from their archives, read
    // with the identity; without it, one line says so.
    const fromBucket = ['restore', '--from-url', 's3://pit/etcd', ...s3flags, '--to-revision', String(lastSealed), '--dry-run', '--no-bump-revision'];
    assertOneErrorLine(await c.run(fromBucket, { env }), /^Error: no complete backup set of cluster [0-9a-f]+ in s3:\/\/pit\/etcd\/ is at or before revision \d+ \(\d+ sets? w(as|ere) not considered: .*give --identity\)/);
    const dry = await c.run([...fromBucket, '--identity', key.file], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`replayed to revision ${lastSealed}: OK`));
    assert.deepEqual(await keysAt(c), [], 'a dry run changes nothing');

    // Without the identity: one line saying what to give, nothing changed.
    const refused = await c.run(['restore', dir, '--to-revision', String(target)]);
    assertOneErrorLine(refused, /^Error: .* is encrypted to age recipients: give --identity FILE/);
    assert.deepEqual(await keysAt(c), []);

    const r = await c.run(['restore', dir, '--to-revision', String(target), '--identity', key.file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /replayed \d+ revisions \(\d+ changes\) from [2-9]\d* log segments/);
    assert.match(r.stderr, /hashKV at revision \d+ matches the source/);
    assert.deepEqual(await keysAt(c), expected, 'every key as it was at the target revision');
  });
});

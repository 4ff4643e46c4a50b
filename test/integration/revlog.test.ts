// The revision log against a real etcd: the recorder (in a process of its own, so it can be
// killed with -9) writes every revision after a full snapshot; the state at the snapshot plus the
// log's revisions up to N must equal what `get --rev N` shows on the source, key for key (value,
// create and mod revision, version, lease), for N inside a segment, at a segment boundary, right
// after the snapshot and at the log's end.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { EtcdClient, op } from '../../src/etcd/client.ts';
import type { KeyValue } from '../../src/etcd/types.ts';
import type { RevisionRecord } from '../../src/revlog/format.ts';
import { logRuns, readRevisions, revisionAtTime } from '../../src/revlog/reader.ts';
import { buildPointInTime } from '../../src/revlog/replay.ts';
import { listSegments, readSegment, sealSegment } from '../../src/revlog/store.ts';
import { pruneRemoteLog, shipLog, waitingSegments } from '../../src/revlog/upload.ts';
import { openStore } from '../../src/backup/ship.ts';
import { encodeRecord, openSegmentName } from '../../src/revlog/format.ts';
import { startS3 } from '../helpers/s3.ts';
import { freePorts, startSingleEtcd, suiteEtcd } from '../helpers/single-etcd.ts';
import { tempDir, waitUntil } from '../helpers/warden.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'recorder-child.ts');

class Recorder {
  readonly child: ChildProcess;
  out = '';
  constructor(endpoint: string, readonly dir: string, snaps: string, opts: object) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CHILD, endpoint, dir, snaps, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
  }
  durable(): number {
    const all = [...this.out.matchAll(/^durable (\d+) \d+$/gm)];
    return Number(all[all.length - 1]?.[1] ?? 0);
  }
  /** Waits until the log holds `revision` durably. */
  async reach(revision: number): Promise<void> {
    await waitUntil(`the log to hold revision ${revision} (output: ${this.out.slice(-400)})`, () => {
      if (this.child.exitCode !== null) throw new Error(`the recorder exited ${this.child.exitCode}: ${this.out.slice(-1000)}`);
      return this.durable() >= revision;
    }, 30_000);
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }
}

/** The one cluster's folder of segments under the log's root. */
function chainOf(root: string): string {
  const subs = fs.readdirSync(root).filter((n) => fs.statSync(path.join(root, n)).isDirectory());
  assert.equal(subs.length, 1, `one cluster's log in ${root}: ${subs.join(', ')}`);
  return path.join(root, subs[0]!);
}

type State = Map<string, { value: string; createRevision: number; modRevision: number; version: number; lease: string }>;

const row = (kv: KeyValue) => ({ value: kv.value.toString('base64'), createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version, lease: kv.lease.toString() });

async function stateAt(client: EtcdClient, revision: number): Promise<State> {
  const r = await client.get('', { prefix: true, revision });
  return new Map(r.kvs.map((kv) => [kv.key.toString('base64'), row(kv)]));
}

/** The state at the snapshot with the log's revisions applied, as etcd applies them. */
function replay(start: State, revisions: RevisionRecord[]): State {
  const s: State = new Map(start);
  for (const r of revisions) {
    for (const e of r.events) {
      const k = e.key.toString('base64');
      if (e.type === 'delete') s.delete(k);
      else s.set(k, { value: e.value.toString('base64'), createRevision: e.createRevision, modRevision: r.revision, version: e.version, lease: e.lease.toString() });
    }
  }
  return s;
}

/** Overwrites, deletes, txns writing several keys in one revision, and keys on leases. */
async function workload(client: EtcdClient, round: number, n = 20): Promise<number> {
  for (let i = 0; i < n; i++) {
    await client.put(`/k/${round}/${i}`, `v${i}`);
    if (i % 3 === 0) await client.put(`/k/${round}/${i}`, `again${i}`);
    if (i % 5 === 0) await client.delete(`/k/${round}/${i}`);
  }
  await client.txn({ compare: [], success: [op.put(`/txn/${round}/a`, 'a'), op.put(`/txn/${round}/b`, 'b'), op.delete(`/k/${round}/1`), op.put(`/k/${round}/2`, 'in-txn')] });
  const lease = await client.leaseGrant(600);
  await client.put(`/leased/${round}`, 'x', { lease });
  const short = await client.leaseGrant(600);
  await client.put(`/leased/${round}/gone`, 'y', { lease: short });
  await client.leaseRevoke(short);
  return (await client.get('/none', { countOnly: true })).header.revision;
}

describe('revision log (real etcd)', () => {
  const suite = suiteEtcd();

  it('the snapshot plus the log equals `get --rev N` for every N; a kill -9 mid-segment resumes with no gap and no duplicate', async (t) => {
    const dir = tempDir('revlog');
    const snaps = tempDir('revlog-snaps');
    await workload(suite.client, 0);
    const opts = { segmentBytes: 2048, flushMs: 50, markMs: 200, hashMs: 500 };
    let rec = new Recorder(suite.etcd.endpoint, dir, snaps, opts);
    t.after(() => rec.stop('SIGKILL'));
    const snap = Number((await waitUntil('the full snapshot', () => /^snapshot \S+ (\d+)$/m.exec(rec.out)?.[1]))!);
    const atSnapshot = await stateAt(suite.client, snap);
    const mid = await workload(suite.client, 1);
    await rec.reach(mid);
    // Killed with writes going on: whatever reached the log stays, and the rest comes again.
    const writing = workload(suite.client, 2, 60);
    await waitUntil('more revisions in the log', () => rec.durable() > mid + 10);
    await rec.stop('SIGKILL');
    await writing;
    rec = new Recorder(suite.etcd.endpoint, dir, snaps, opts);
    const end = await workload(suite.client, 3);
    await rec.reach(end);
    await rec.stop();
    assert.doesNotMatch(rec.out, /^snapshot /m, 'a restarted recorder continues its log: no new snapshot');

    const segments = listSegments(chainOf(dir));
    assert.ok(segments.filter((s) => s.sealed).length >= 3, `several sealed segments (${segments.map((s) => s.name).join(', ')})`);
    assert.deepEqual(logRuns(segments).map((r) => [r.first, r.last]), [[snap + 1, end]], 'one run from the snapshot to the end');
    const boundary = segments.find((s) => s.sealed)!.last;
    const slice = readRevisions(chainOf(dir), snap + 1, end);
    assert.deepEqual(slice.revisions.map((r) => r.revision), Array.from({ length: end - snap }, (_, i) => snap + 1 + i), 'every revision once, in order');
    for (const n of [snap + 1, boundary, boundary + 1, mid, Math.floor((mid + end) / 2), end]) {
      assert.deepEqual(replay(atSnapshot, slice.revisions.filter((r) => r.revision <= n)), await stateAt(suite.client, n), `revision ${n}`);
    }
    // The lease TTL of each key's lease was noted, the revoked one's too (or -1 if it went first).
    assert.equal(slice.leaseTtls.size, 6, "rounds 1 to 3, two leases each");
    // The source's HashKV was recorded, at the revisions of the log.
    assert.ok(slice.hashes.length >= 2);
    for (const h of slice.hashes) assert.equal(h.hash, (await suite.client.members()[0]!.hashKV(h.revision)).hash);
  });

  it('a snapshot and the log replayed to N restore to exactly the source at N: values, revisions, versions, leases and hashKV', async (t) => {
    const dir = tempDir('revlog');
    const snaps = tempDir('revlog-snaps');
    const rec = new Recorder(suite.etcd.endpoint, dir, snaps, { segmentBytes: 2048, flushMs: 50, hashMs: 300 });
    t.after(() => rec.stop('SIGKILL'));
    const [, file, rev] = (await waitUntil('the full snapshot', () => /^snapshot (\S+) (\d+)$/m.exec(rec.out) ?? undefined));
    const snap = Number(rev);
    const mid = await workload(suite.client, 30);
    const end = await workload(suite.client, 31);
    await rec.reach(end);
    await rec.stop();
    const boundary = listSegments(chainOf(dir)).find((s) => s.sealed)!.last;
    for (const n of [snap, snap + 1, boundary, mid, end]) {
      const out = path.join(tempDir('pitr'), 'at.db');
      const pit = await buildPointInTime({ snapshot: file!, log: chainOf(dir), to: n, out });
      assert.equal(pit.revisions, n - snap);
      assert.ok(pit.check && pit.check.revision <= n && pit.check.revision >= snap, `checked against the source's hashKV (${JSON.stringify(pit.check)})`);
      const restored = await startSingleEtcd({ restoreFrom: out });
      const c = new EtcdClient({ endpoints: [restored.endpoint] });
      try {
        const got = await c.get('', { prefix: true });
        assert.equal(got.header.revision, n, `the restored member is at revision ${n}`);
        assert.deepEqual(new Map(got.kvs.map((kv) => [kv.key.toString('base64'), row(kv)])), await stateAt(suite.client, n), `revision ${n}`);
        assert.equal((await c.members()[0]!.hashKV(n)).hash, (await suite.client.members()[0]!.hashKV(n)).hash, `hashKV at ${n}`);
        // Each key's lease exists again and holds it.
        for (const kv of got.kvs.filter((k) => k.lease !== 0n)) {
          const l = await c.leaseTimeToLive(kv.lease, { keys: true });
          assert.ok(l.ttl > 0 && l.keys.some((k) => k.equals(kv.key)), `lease ${kv.lease} holds ${kv.key.toString()}`);
        }
        // The next write continues the source's numbering.
        assert.equal((await c.put('/after', 'x')).header.revision, n + 1);
      } finally {
        c.close();
        await restored.stop();
      }
    }
    // A log that does not match the source (a value changed, its sha256 made again to match):
    // the source's hashKV refuses it, and no file is left.
    const victim = listSegments(chainOf(dir)).find((s) => s.sealed)!;
    const text = zlib.gunzipSync(fs.readFileSync(victim.path)).toString().replace(/"djE="/, '"djk="');
    const gz = zlib.gzipSync(text);
    fs.writeFileSync(victim.path, gz);
    fs.writeFileSync(`${victim.path}.sha256`, `${createHash('sha256').update(gz).digest('hex')}  ${victim.name}\n`);
    const out = path.join(tempDir('pitr'), 'at.db');
    await assert.rejects(buildPointInTime({ snapshot: file!, log: chainOf(dir), to: end, out }), /give hashKV \d+ at revision \d+, but the source had \d+ then: the log does not match the cluster/);
    assert.ok(!fs.existsSync(out));
  });

  it('a time maps to the revision the cluster was at: between two time marks, and between writes', async (t) => {
    const dir = tempDir('revlog');
    const rec = new Recorder(suite.etcd.endpoint, dir, tempDir('revlog-snaps'), { flushMs: 50, markMs: 100 });
    t.after(() => rec.stop('SIGKILL'));
    await waitUntil('the full snapshot', () => /^snapshot /m.test(rec.out) || undefined);
    const a = (await suite.client.put('/time/a', '1')).header.revision;
    await rec.reach(a);
    const quietFrom = Date.now();
    // Quiet for a while: time marks keep saying the cluster is still at `a`.
    await waitUntil('two time marks after the write', () => {
      const open = listSegments(chainOf(dir)).find((s) => !s.sealed)!;
      return readSegment(open).records.filter((r) => r.kind === 'mark' && r.revision === a && r.time > quietFrom).length >= 2 || undefined;
    });
    const quietTo = Date.now();
    const b = (await suite.client.put('/time/b', '2')).header.revision;
    await rec.reach(b);
    await rec.stop();
    assert.equal(revisionAtTime(chainOf(dir), quietFrom + (quietTo - quietFrom) / 2)?.revision, a);
    assert.equal(revisionAtTime(chainOf(dir), Date.now())?.revision, b);
  });

  it('a recorder that falls behind a compaction takes a new snapshot, records the gap, and never leaves a hole unsaid', async (t) => {
    const dir = tempDir('revlog');
    const snaps = tempDir('revlog-snaps');
    const opts = { flushMs: 50 };
    let rec = new Recorder(suite.etcd.endpoint, dir, snaps, opts);
    t.after(() => rec.stop('SIGKILL'));
    await waitUntil('the full snapshot', () => /^snapshot /m.test(rec.out) || undefined);
    const first = await workload(suite.client, 10, 5);
    await rec.reach(first);
    await rec.stop();
    const missed = await workload(suite.client, 11, 5);
    await suite.client.compact(missed);
    rec = new Recorder(suite.etcd.endpoint, dir, snaps, opts);
    const gap = await waitUntil('the gap', () => /^gap (\d+) (\d+)$/m.exec(rec.out) ?? undefined);
    assert.equal(Number(gap[1]), first + 1);
    assert.ok(Number(gap[2]) >= missed);
    const after = await workload(suite.client, 12, 5);
    await rec.reach(after);
    await rec.stop();
    const runs = logRuns(listSegments(chainOf(dir)));
    assert.equal(runs.length, 2, 'two runs: before and after the gap');
    assert.equal(runs[1]!.first, Number(gap[2]) + 1, 'the log starts again right after the new snapshot');
    assert.throws(() => readRevisions(chainOf(dir), first, after), /does not hold revision/);
  });

  it('a changed byte in a sealed segment: reading refuses and names the segment', async () => {
    const dir = tempDir('revlog');
    const snaps = tempDir('revlog-snaps');
    const rec = new Recorder(suite.etcd.endpoint, dir, snaps, { segmentBytes: 1024, flushMs: 50 });
    await waitUntil('the full snapshot', () => /^snapshot /m.test(rec.out) || undefined);
    const end = await workload(suite.client, 20, 40);
    await rec.reach(end);
    await rec.stop();
    const sealed = listSegments(chainOf(dir)).filter((s) => s.sealed);
    assert.ok(sealed.length >= 2, `sealed segments: ${listSegments(chainOf(dir)).map((s) => s.name).join(', ')}; ${rec.out.slice(-600)}`);
    const victim = sealed[1]!;
    const text = zlib.gunzipSync(fs.readFileSync(victim.path));
    text[text.length - 5] = (text[text.length - 5] as number) ^ 1;
    fs.writeFileSync(victim.path, zlib.gzipSync(text));
    assert.throws(() => readRevisions(chainOf(dir), sealed[0]!.first, end), new RegExp(`segment ${victim.name.replace(/\./g, '\\.')} does not match its sha256`));
  });

  it('sealed segments are shipped to S3 with their sha256, once each; an unreachable bucket leaves them queued until it answers', async (t) => {
    const dir = tempDir('revlog');
    const rec = new Recorder(suite.etcd.endpoint, dir, tempDir('revlog-snaps'), { segmentBytes: 1024, flushMs: 50 });
    t.after(() => rec.stop('SIGKILL'));
    await waitUntil('the full snapshot', () => /^snapshot /m.test(rec.out) || undefined);
    await rec.reach(await workload(suite.client, 40, 20));
    await rec.stop();
    const sealed = listSegments(chainOf(dir)).filter((s) => s.sealed);
    assert.ok(sealed.length >= 2);
    const s3 = await startS3(['b']);
    t.after(() => s3.close());
    const target = { url: 's3://b/etcd/', location: { bucket: 'b', prefix: 'etcd/' }, options: s3.options };
    const down = await shipLog(dir, { ...target, options: { ...s3.options, endpoint: `http://127.0.0.1:${(await freePorts(1))[0]}` } });
    assert.deepEqual([down.shipped.length, down.waiting], [0, sealed.length]);
    assert.ok(down.error, 'the failure is said');
    assert.equal(waitingSegments(dir).length, sealed.length, 'queued on disk');
    const up = await shipLog(dir, target);
    assert.deepEqual([up.shipped.length, up.waiting, up.error], [sealed.length, 0, undefined]);
    const cluster = path.basename(chainOf(dir));
    for (const seg of sealed) {
      const stored = path.join(s3.dir, 'b', 'etcd', 'revlog', cluster, seg.name);
      assert.ok(fs.readFileSync(`${stored}._S3rver_object`).equals(fs.readFileSync(seg.path)), `${seg.name} stored as it is`);
      assert.equal(fs.readFileSync(`${stored}.sha256._S3rver_object`, 'utf8'), fs.readFileSync(`${seg.path}.sha256`, 'utf8'));
    }
    assert.deepEqual((await shipLog(dir, target)).shipped, [], 'nothing twice');
  });

  it('a full disk ends the recorder with one line and damages nothing; with space again it goes on with no gap', async (t) => {
    const dir = tempDir('revlog-full');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir]);
    t.after(() => execFileSync('umount', ['-l', dir]));
    const filler = path.join(dir, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(200 * 1024));
    const snaps = tempDir('revlog-snaps');
    const opts = { segmentBytes: 10 * 1024 * 1024, flushMs: 50 };
    let rec = new Recorder(suite.etcd.endpoint, dir, snaps, opts);
    t.after(() => rec.stop('SIGKILL'));
    const snap = Number((await waitUntil('the full snapshot', () => /^snapshot \S+ (\d+)$/m.exec(rec.out)?.[1]))!);
    const big = 'x'.repeat(2000);
    for (let i = 0; i < 2000 && rec.child.exitCode === null; i++) await suite.client.put(`/full/${i % 100}`, big);
    await waitUntil('the recorder to end', () => rec.child.exitCode !== null || undefined);
    assert.notEqual(rec.child.exitCode, 0);
    assert.match(rec.out, /revision log: could not write \S+ \(ENOSPC.*\): free the space or fix the disk; the log continues from revision \d+ when the operator retries/);
    // What is on disk reads back whole: no half line, no hole.
    // (On a busy machine the very first flush may be the one that finds the disk full.)
    const durable = Math.max(snap, rec.durable());
    assert.deepEqual(logRuns(listSegments(chainOf(dir))).map((r) => [r.first, r.last]), durable > snap ? [[snap + 1, durable]] : []);
    fs.rmSync(filler);
    rec = new Recorder(suite.etcd.endpoint, dir, snaps, opts);
    const end = await workload(suite.client, 60, 5);
    await rec.reach(end);
    await rec.stop();
    const slice = readRevisions(chainOf(dir), snap + 1, end);
    assert.equal(slice.revisions.length, end - snap, 'every revision, the ones written while the disk was full too');
    assert.deepEqual(replay(await stateAt(suite.client, snap), slice.revisions), await stateAt(suite.client, end));
  });

  it('retention in the bucket removes the shipped segments no kept set there needs, with their sha256', async (t) => {
    const root = tempDir('revlog');
    const chain = path.join(root, 'c0ffee');
    fs.mkdirSync(chain, { recursive: true });
    const t0 = Date.UTC(2026, 11, 1, 10, 0, 0);
    const names: string[] = [];
    for (const [i, at] of [t0, t0 + 3600_000, t0 + 7200_000].entries()) {
      const file = path.join(chain, openSegmentName(11 + i));
      const rec = { kind: 'revision' as const, record: { revision: 11 + i, time: at, events: [{ type: 'delete' as const, key: Buffer.from('/k') }] } };
      fs.writeFileSync(file, `${JSON.stringify({ v: 1, first: 11 + i })}\n${encodeRecord(rec)}`);
      names.push((await sealSegment(file))!.name);
    }
    const s3 = await startS3(['b']);
    t.after(() => s3.close());
    const target = { url: 's3://b/etcd/', location: { bucket: 'b', prefix: 'etcd/' }, options: s3.options };
    assert.equal((await shipLog(root, target)).shipped.length, 3);
    // The oldest set kept in the bucket was taken at 10:30: the 10:00 segment is needed no more.
    const store = await openStore(target);
    try {
      const empty = path.join(tempDir('set'), 'empty');
      fs.writeFileSync(empty, '');
      for (const n of ['snapshot_2026-12-01_103000.db', 'static_kuberesources_2026-12-01_103000.tar.gz']) await store.uploadFile(empty, n, {});
    } finally {
      store.close();
    }
    assert.deepEqual(await pruneRemoteLog(target), [`c0ffee/${names[0]}`]);
    const left = fs.readdirSync(path.join(s3.dir, 'b', 'etcd', 'revlog', 'c0ffee')).filter((f) => f.endsWith('._S3rver_object')).map((f) => f.replace(/\._S3rver_object$/, '')).sort();
    assert.deepEqual(left, [names[1]!, `${names[1]}.sha256`, names[2]!, `${names[2]}.sha256`].sort());
  });
});


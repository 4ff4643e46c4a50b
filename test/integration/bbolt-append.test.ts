// Appending revisions to a real etcd 3.4 snapshot (src/snapshot/bbolt-append.ts), checked against
// the live member the snapshot came from, which makes the same writes: a member restored from
// the appended file (`etcdctl snapshot restore`, then etcd on it) must answer every revision's
// range and HashKV as the live one does; the file's key and lease buckets must equal those of a
// snapshot the live member saves after the writes; `etcdctl snapshot status` must accept it.
// Then etcdutl's revision bump (restore --bump-revision --mark-compacted) done on the file, and
// a 20 MB snapshot with 10,000 revisions appended.
import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EtcdClient } from '../../src/etcd/client.ts';
import { appendToSnapshot, bumpRevisionChange, encodeKeyValue, encodeLease, leaseKey, type SnapshotEntry } from '../../src/snapshot/bbolt-append.ts';
import { BboltReader, BufferSource, PAGE_FLAGS } from '../../src/snapshot/bbolt.ts';
import { revKey } from '../../src/snapshot/bbolt-writer.ts';
import { snapshotHashKV } from '../../src/snapshot/hashkv.ts';
import { decodeKeyValue } from '../../src/snapshot/inspect.ts';
import { snapshotStatus } from '../../src/snapshot/status.ts';
import { liveEtcdPids, startSingleEtcd, type SingleEtcd } from '../helpers/single-etcd.ts';
import { tempDir } from '../helpers/warden.ts';

const dir = tempDir('bbolt-append');
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(liveEtcdPids(), [], 'every etcd started here was stopped');
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** etcdctl (v3 API) with `input` on stdin; bounded: a hung call fails the test. */
function ctl(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile('etcdctl', args, { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 60_000, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await ctl(args, input);
  assert.equal(r.code, 0, `etcdctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** JSON from etcdctl with int64 IDs (leases, above 2^53) kept as strings. */
const json = <T>(text: string): T => JSON.parse(text.replace(/("(?:lease|id|ID)":)(-?\d+)/g, '$1"$2"')) as T;

interface JsonKv {
  key: string;
  create_revision: number;
  mod_revision: number;
  version: number;
  value?: string;
  lease?: string;
}

async function member(t: TestContext, restoreFrom?: string): Promise<SingleEtcd> {
  const m = await startSingleEtcd(restoreFrom ? { restoreFrom } : {});
  t.after(() => m.stop());
  return m;
}

const at = (m: SingleEtcd): string => `--endpoints=${m.endpoint}`;
const revisionOf = async (m: SingleEtcd): Promise<number> => json<{ header: { revision: number } }>(await ok([at(m), 'get', 'any', '-w', 'json'])).header.revision;
/** Every key at revision `rev`, as etcdctl prints it (the header, which names the member, left out). */
const rangeAt = async (m: SingleEtcd, rev: number): Promise<unknown> => {
  const { kvs = [], count = 0 } = json<{ kvs?: JsonKv[]; count?: number }>(await ok([at(m), 'get', '--prefix', '', `--rev=${rev}`, '-w', 'json']));
  return { kvs, count };
};
/** HashKV(rev) of a member (the header, which names it, left out). */
const hashKV = async (m: SingleEtcd, rev: number): Promise<{ hash: number; compact_revision: number }> => {
  const { hash, compact_revision } = json<{ HashKV: { hash: number; compact_revision: number } }[]>(await ok([at(m), 'endpoint', 'hashkv', `--rev=${rev}`, '-w', 'json']))[0]!.HashKV;
  return { hash, compact_revision };
};

let saved = 0;
async function save(m: SingleEtcd): Promise<string> {
  const f = path.join(dir, `snap-${++saved}.db`);
  await ok([at(m), 'snapshot', 'save', f]);
  return f;
}

type Op = { put: string; value: string; lease?: bigint } | { del: string };

/**
 * The writes made on the live member and the key-bucket entries that record them, encoded here:
 * each revision's ops at sub revisions 0, 1, ...; each key's create revision and version kept
 * as etcd keeps them.
 */
class History {
  readonly entries: SnapshotEntry[] = [];
  private readonly keys = new Map<string, { create: number; version: number }>();
  constructor(
    public rev: number,
    live: JsonKv[],
  ) {
    for (const kv of live) this.keys.set(Buffer.from(kv.key, 'base64').toString(), { create: kv.create_revision, version: kv.version });
  }

  /** Whether `key` is alive now. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Encodes one revision of `ops`. */
  record(ops: Op[]): void {
    const main = ++this.rev;
    ops.forEach((op, sub) => {
      if ('del' in op) {
        this.entries.push({ key: revKey(main, sub, true), value: encodeKeyValue({ key: Buffer.from(op.del) }) });
        this.keys.delete(op.del);
        return;
      }
      const prev = this.keys.get(op.put);
      const st = { create: prev?.create ?? main, version: (prev?.version ?? 0) + 1 };
      this.keys.set(op.put, st);
      const kv = { key: Buffer.from(op.put), createRevision: st.create, modRevision: main, version: st.version, value: Buffer.from(op.value), lease: op.lease ?? 0n };
      this.entries.push({ key: revKey(main, sub), value: encodeKeyValue(kv) });
    });
  }

  /** Makes one revision of `ops` on the live member (a txn for several) and records it. */
  async apply(m: SingleEtcd, ops: Op[]): Promise<void> {
    const line = (op: Op): string => ('del' in op ? `del ${op.del}` : `put ${op.put} ${op.value}${op.lease ? ` --lease=${op.lease.toString(16)}` : ''}`);
    if (ops.length === 1) await ok([at(m), ...line(ops[0]!).split(' ')]);
    else assert.match(await ok([at(m), 'txn'], `\n${ops.map(line).join('\n')}\n\n\n`), /^SUCCESS/);
    this.record(ops);
  }
}

/**
 * The lease field (6) of an mvccpb.KeyValue, exactly: decodeKeyValue gives it as a float, and
 * the IDs one member grants are consecutive integers near 2^62, which a float cannot tell apart.
 */
function leaseOf(value: Buffer): bigint {
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = value[i++];
      if (b === undefined) throw new Error('truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (i < value.length) {
    const tag = Number(varint());
    if ((tag & 7) === 2) {
      const len = Number(varint()); // before `i +=` reads i
      i += len;
    } else if (tag >> 3 === 6) {
      return BigInt.asIntN(64, varint());
    } else {
      varint();
    }
  }
  return 0n;
}

const liveKvs = async (m: SingleEtcd): Promise<JsonKv[]> => json<{ kvs?: JsonKv[] }>(await ok([at(m), 'get', '--prefix', '', '-w', 'json'])).kvs ?? [];
const grant = async (m: SingleEtcd, ttl: number): Promise<bigint> => BigInt(`0x${/lease ([0-9a-f]+) granted/.exec(await ok([at(m), 'lease', 'grant', String(ttl)]))![1]!}`);

/** A bucket's entries as hex, read from a snapshot file. */
function bucketRows(file: string, name: string): string[] {
  const bytes = fs.readFileSync(file);
  const db = bytes.length % 512 === 32 ? bytes.subarray(0, bytes.length - 32) : bytes;
  const r = new BboltReader(new BufferSource(db), db.length);
  const rows: string[] = [];
  const b = r.bucket(name);
  if (b) r.forEach(b, (k, v) => void rows.push(`${k.toString('hex')}=${v!.toString('hex')}`));
  return rows;
}

/** `etcdctl snapshot status` accepts the file and prints what warden computes from it. */
async function statusAgrees(file: string): Promise<{ revision: number; totalKey: number }> {
  const theirs = json<{ hash: number; revision: number; totalKey: number; totalSize: number }>(await ok(['snapshot', 'status', file, '-w', 'json']));
  const mine = await snapshotStatus(file);
  assert.deepEqual(theirs, { hash: mine.hash, revision: mine.revision, totalKey: mine.totalKey, totalSize: mine.totalSize });
  return theirs;
}

/** The restored member and the live one answer the same at every revision in `revs`. */
async function sameHistory(restored: SingleEtcd, live: SingleEtcd, file: string, revs: number[]): Promise<void> {
  for (const rev of revs) {
    assert.deepEqual(await rangeAt(restored, rev), await rangeAt(live, rev), `range at ${rev}`);
    const h = await hashKV(restored, rev);
    assert.deepEqual(h, await hashKV(live, rev), `HashKV(${rev})`);
    assert.equal((await snapshotHashKV(file, rev)).hash, h.hash, `offline HashKV(${rev})`);
  }
}

describe('appending to a real etcd 3.4 snapshot', () => {
  test('appended revisions (puts, tombstones, a txn, a new lease) restore to what the live member holds', async (t) => {
    const live = await member(t);
    await ok([at(live), 'put', 'a', '1']);
    await ok([at(live), 'put', 'b', '2']);
    await ok([at(live), 'put', 'a', '3']);
    await ok([at(live), 'del', 'b']);
    assert.match(await ok([at(live), 'txn'], '\nput c c1\nput d d1\ndel a\n\n\n'), /^SUCCESS/);
    const oldLease = await grant(live, 600);
    await ok([at(live), 'put', 'e', 'e1', `--lease=${oldLease.toString(16)}`]);
    const snap = await save(live);
    const h = new History(await revisionOf(live), await liveKvs(live));
    const snapRev = h.rev;

    // The same writes on the live member and, encoded, in the file.
    await h.apply(live, [{ put: 'a', value: 'a-again' }]); // recreated after its delete
    await h.apply(live, [{ put: 'c', value: 'c2' }]); // version 2
    await h.apply(live, [{ put: 'f', value: 'f1' }, { del: 'd' }, { put: 'g', value: 'g1' }]); // sub revisions 0..2
    await h.apply(live, [{ del: 'e' }]); // the leased key's tombstone
    const newLease = await grant(live, 900);
    await h.apply(live, [{ put: 'h', value: 'h1', lease: newLease }]);
    await h.apply(live, [{ put: 'e', value: 'e2' }]);
    await h.apply(live, [{ put: 'c', value: 'c3' }]);
    const out = path.join(dir, 'appended.db');
    const res = await appendToSnapshot(snap, out, { keys: h.entries, leases: { put: [{ key: leaseKey(newLease), value: encodeLease({ id: newLease, ttl: 900 }) }] } });
    assert.equal(res.size % 512, 32, 'sha256 trailer kept');

    // Byte for byte what etcd wrote for the same writes.
    const after = await save(live);
    assert.deepEqual(bucketRows(out, 'key'), bucketRows(after, 'key'));
    assert.deepEqual(bucketRows(out, 'lease'), bucketRows(after, 'lease'));
    // And every KeyValue etcd wrote re-encodes to its own bytes (lease IDs read exactly).
    for (const row of bucketRows(after, 'key')) {
      const value = Buffer.from(row.split('=')[1]!, 'hex');
      const kv = decodeKeyValue(value);
      assert.ok(encodeKeyValue({ ...kv, lease: leaseOf(value) }).equals(value), row);
    }

    const status = await statusAgrees(out);
    assert.equal(status.revision, h.rev);
    assert.equal(status.totalKey, (await statusAgrees(snap)).totalKey + h.entries.length + 1);

    const restored = await member(t, out);
    assert.equal(await revisionOf(restored), h.rev);
    await sameHistory(restored, live, out, Array.from({ length: h.rev }, (_, i) => i + 1));
    assert.ok(snapRev < h.rev);

    // Both leases survive the restore, each with its key attached.
    const leases = await ok([at(restored), 'lease', 'list']);
    assert.match(leases, new RegExp(newLease.toString(16)));
    assert.match(leases, new RegExp(oldLease.toString(16)));
    const ttl = json<{ id: string; 'granted-ttl': number; keys?: string[] }>(await ok([at(restored), 'lease', 'timetolive', newLease.toString(16), '--keys', '-w', 'json']));
    assert.deepEqual({ id: ttl.id, granted: ttl['granted-ttl'], keys: (ttl.keys ?? []).map((k) => Buffer.from(k, 'base64').toString()) }, { id: newLease.toString(), granted: 900, keys: ['h'] });
    // The old lease lost its key to the delete.
    const oldTtl = json<{ keys?: string[] }>(await ok([at(restored), 'lease', 'timetolive', oldLease.toString(16), '--keys', '-w', 'json']));
    assert.deepEqual(oldTtl.keys ?? [], []);
  });

  test('bump: the revision jumps, older revisions are compacted, the data stays', async (t) => {
    const live = await member(t);
    for (let i = 0; i < 5; i++) await ok([at(live), 'put', `k${i % 3}`, `v${i}`]);
    await ok([at(live), 'del', 'k2']);
    const snap = await save(live);
    const last = await revisionOf(live);

    // Alone, then after appended revisions (made on the live member too).
    const h = new History(last, await liveKvs(live));
    const cases: { name: string; data: unknown; top: number; file: string }[] = [];
    const bumpAlone = path.join(dir, 'bump.db');
    const bump = bumpRevisionChange(last, 1000);
    await appendToSnapshot(snap, bumpAlone, bump);
    cases.push({ name: 'bump alone', data: await rangeAt(live, last), top: last, file: bumpAlone });
    await h.apply(live, [{ put: 'k0', value: 'later' }]);
    await h.apply(live, [{ put: 'k9', value: 'new' }, { del: 'k1' }]);
    const both = path.join(dir, 'append-and-bump.db');
    const bump2 = bumpRevisionChange(h.rev, 1000);
    await appendToSnapshot(snap, both, { keys: [...h.entries, ...bump2.keys], meta: bump2.meta! });
    cases.push({ name: 'appended, then bumped', data: await rangeAt(live, h.rev), top: h.rev, file: both });

    for (const c of cases) {
      const status = await statusAgrees(c.file);
      assert.equal(status.revision, c.top + 1000, c.name);
      const restored = await member(t, c.file);
      const offline = await snapshotHashKV(c.file);
      assert.deepEqual({ current: offline.currentRevision, compact: offline.compactRevision }, { current: c.top + 1000, compact: c.top + 1000 }, c.name);
      assert.equal(await revisionOf(restored), c.top + 1000, c.name);
      assert.deepEqual(await hashKV(restored, 0), { hash: offline.hash, compact_revision: c.top + 1000 }, `${c.name}: HashKV`);
      // The data at the latest revision is what the source had.
      assert.deepEqual(await rangeAt(restored, c.top + 1000), c.data, c.name);
      // A watcher from before the bump is told its revision is gone.
      const w = await ctl([at(restored), 'watch', `--rev=${c.top}`, 'k0']);
      assert.notEqual(w.code, 0, c.name);
      assert.match(w.stderr, /required revision has been compacted/, c.name);
      const put = json<{ header: { revision: number } }>(await ok([at(restored), 'put', 'k0', 'after', '-w', 'json']));
      assert.equal(put.header.revision, c.top + 1001, c.name);
      await restored.stop();
    }
  });

  test('a 20 MB snapshot with branch levels takes 10,000 appended revisions', { timeout: 300_000 }, async (t) => {
    const live = await member(t, undefined);
    const client = new EtcdClient({ endpoints: [live.endpoint], commandTimeoutMs: 30_000 });
    t.after(() => client.close());
    // 4,000 keys of 5 KB, written 16 at a time (their order does not matter here).
    const big = Buffer.alloc(5000, 'x');
    for (let i = 0; i < 4000; i += 16) await Promise.all(Array.from({ length: 16 }, (_, j) => client.put(`/big/${String(i + j).padStart(5, '0')}`, big)));
    const snap = await save(live);
    const snapBytes = fs.statSync(snap).size;
    assert.ok(snapBytes > 20_000_000, `${snapBytes} bytes`);
    // The key bucket has branch pages above its leaves, and they above others.
    const db = fs.readFileSync(snap);
    const r = new BboltReader(new BufferSource(db), db.length - 32);
    let levels = 0;
    for (let id = r.bucket('key')!.root; ; levels++) {
      const p = r.readPage(id, 'test');
      if (p.readUInt16LE(8) & PAGE_FLAGS.leaf) break;
      id = Number(p.readBigUInt64LE(16 + (p.readUInt16LE(10) - 1) * 16 + 8));
    }
    assert.ok(levels >= 2, `${levels} branch levels`);

    // 10,000 revisions, one at a time on the live member: overwrites, new keys, deletes.
    const h = new History(await revisionOf(live), (await client.get('/big/', { prefix: true, keysOnly: true })).kvs.map((kv) => ({ key: kv.key.toString('base64'), create_revision: kv.createRevision, mod_revision: kv.modRevision, version: kv.version })));
    const started = Date.now();
    for (let i = 0; i < 10_000; i++) {
      const victim = `/big/${String((i * 7) % 4000).padStart(5, '0')}`;
      const op: Op = i % 10 === 9 && h.has(victim) ? { del: victim } : i % 3 === 0 ? { put: `/new/${i}`, value: `n${i}` } : { put: `/big/${String(i % 4000).padStart(5, '0')}`, value: `v${i}` };
      if ('del' in op) await client.delete(op.del);
      else await client.put(op.put, op.value);
      h.record([op]);
    }
    t.diagnostic(`10,000 writes on the live member: ${Date.now() - started} ms`);

    const out = path.join(dir, 'big-appended.db');
    let peakHeap = 0;
    let peakRss = 0;
    const base = process.memoryUsage();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
      peakRss = Math.max(peakRss, m.rss);
    }, 2);
    const t0 = Date.now();
    const res = await appendToSnapshot(snap, out, { keys: h.entries });
    clearInterval(sampler);
    const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
    t.diagnostic(
      `append: ${Date.now() - t0} ms, ${mb(snapBytes)} -> ${mb(res.size)}; heap+buffers before ${mb(base.heapUsed + base.arrayBuffers)}, peak ${mb(peakHeap)}; rss before ${mb(base.rss)}, peak ${mb(peakRss)}`,
    );
    // What etcd itself wrote for the same revisions; and each of its values re-encodes to itself.
    const rows = bucketRows(await save(live), 'key');
    assert.deepEqual(bucketRows(out, 'key'), rows);
    for (const row of rows) {
      const value = Buffer.from(row.split('=')[1]!, 'hex');
      assert.ok(encodeKeyValue({ ...decodeKeyValue(value), lease: leaseOf(value) }).equals(value), row);
    }
    assert.equal((await statusAgrees(out)).revision, h.rev);

    const restored = await member(t, out);
    const last = await revisionOf(live);
    assert.equal(await revisionOf(restored), last);
    for (const rev of [h.rev - 10_000, h.rev - 5000, last]) {
      assert.deepEqual(await hashKV(restored, rev), await hashKV(live, rev), `HashKV(${rev})`);
      assert.equal((await snapshotHashKV(out, rev)).hash, (await hashKV(restored, rev)).hash, `offline HashKV(${rev})`);
    }
    for (const prefix of ['/new/', '/big/0']) {
      const [a, b] = await Promise.all([ok([at(restored), 'get', '--prefix', prefix, '-w', 'json']), ok([at(live), 'get', '--prefix', prefix, '-w', 'json'])]);
      assert.deepEqual(json<{ kvs: unknown }>(a).kvs, json<{ kvs: unknown }>(b).kvs, prefix);
    }
    // bbolt goes on from the file: more writes into the new rightmost leaf, then a defrag that
    // reads every page; the member's own snapshot then passes etcdctl's check.
    const rc = new EtcdClient({ endpoints: [restored.endpoint], commandTimeoutMs: 30_000 });
    t.after(() => rc.close());
    for (let i = 0; i < 200; i++) await rc.put(`/after/${i}`, 'x');
    await ok([at(restored), 'defrag']);
    assert.equal((await statusAgrees(await save(restored))).revision, last + 200);
  });
});

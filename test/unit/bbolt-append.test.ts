// Appending to a snapshot copy-on-write (src/snapshot/bbolt-append.ts) on files built with the
// fixture writer: inline and multi-level key buckets, overflow values, appends that split the
// root, lease and meta changes. Read back, the file must hold every old and new entry in order,
// pass bbolt's checks (and the key-order checks of newer bbolt), keep the old pages byte for
// byte, and give the same `snapshot status` and HashKV as a file written whole with the same
// entries. Plus the protobuf encodings, byte for byte.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../../src/errors.ts';
import { appendToSnapshot, bumpRevisionChange, encodeKeyValue, encodeLease, leaseKey, type SnapshotChange } from '../../src/snapshot/bbolt-append.ts';
import { BboltReader, BufferSource, ELEMENT_SIZE, PAGE_FLAGS, PAGE_HEADER_SIZE, readMeta, type BucketRef } from '../../src/snapshot/bbolt.ts';
import { revKey, writeBbolt, type WriterEntry, type WriterOptions } from '../../src/snapshot/bbolt-writer.ts';
import { SnapshotHashMismatchError } from '../../src/snapshot/file.ts';
import { hashKVOf } from '../../src/snapshot/hashkv.ts';
import { decodeKeyValue } from '../../src/snapshot/inspect.ts';
import { snapshotStatus, statusOf } from '../../src/snapshot/status.ts';
import { tempDir } from '../helpers/warden.ts';

const dir = tempDir('bbolt-append');
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (bytes?: Buffer): string => {
  const f = path.join(dir, `f${++files}.db`);
  if (bytes) fs.writeFileSync(f, bytes);
  return f;
};

interface Entry {
  key: Buffer;
  value: Buffer;
}

/** Revision `main` of etcd key `/k/<i % 50>`, its value `size` bytes. */
function revision(main: number, size = 10): Entry {
  const name = Buffer.from(`/k/${main % 50}`);
  return { key: revKey(main), value: encodeKeyValue({ key: name, createRevision: Math.max(2, main - 50), modRevision: main, version: 1 + Math.floor(main / 50), value: Buffer.alloc(size, main & 0xff) }) };
}
const revisions = (from: number, to: number, size?: (main: number) => number): Entry[] => Array.from({ length: to - from + 1 }, (_, i) => revision(from + i, size?.(from + i)));

/** An etcd-shaped database: the ten buckets, `keys` in the key bucket (inline with `inlineKeys`). */
function etcdLike(keys: WriterEntry[], o: { inlineKeys?: boolean; leases?: WriterEntry[]; meta?: WriterEntry[]; noKeyBucket?: boolean } = {}): WriterEntry[] {
  const inline = (name: string, bucket: WriterEntry[] = []): WriterEntry => ({ key: name, bucket, inline: true });
  const meta = o.meta ?? [{ key: Buffer.from('consistent_index'), value: Buffer.from('0000000000000009', 'hex') }];
  return [
    inline('alarm'),
    inline('auth', [{ key: 'authEnabled', value: Buffer.from([0]) }]),
    inline('authRoles'),
    inline('authUsers'),
    inline('cluster', [{ key: 'clusterVersion', value: '3.4.0' }]),
    ...(o.noKeyBucket ? [] : [{ key: 'key', bucket: keys, inline: o.inlineKeys }]),
    { key: 'lease', bucket: o.leases ?? [], inline: (o.leases ?? []).length < 3 },
    inline('members', [{ key: '8e9e05c52164694d', value: '{"id":10276657743932975437,"peerURLs":["http://localhost:2380"]}' }]),
    inline('members_removed'),
    { key: 'meta', bucket: meta, inline: true },
  ];
}

/** Every bucket's entries, in order, as hex (nested buckets: none in these files). */
function dump(r: BboltReader): Map<string, string[]> {
  const out = new Map<string, string[]>();
  r.forEach(r.rootBucket(), (name, _v, open) => {
    const rows: string[] = [];
    r.forEach(open!(), (k, v) => void rows.push(`${k.toString('hex')}=${v!.toString('hex')}`));
    out.set(name.toString(), rows);
  });
  return out;
}
const rows = (entries: Entry[]): string[] => entries.map((e) => `${e.key.toString('hex')}=${e.value.toString('hex')}`);

/** The database part of a snapshot file (without its sha256 trailer) and a reader over it. */
function open(f: string): { db: Buffer; r: BboltReader } {
  const bytes = fs.readFileSync(f);
  const db = bytes.length % 512 === 32 ? bytes.subarray(0, bytes.length - 32) : bytes;
  return { db, r: new BboltReader(new BufferSource(db), db.length) };
}

/**
 * What newer bbolt's check adds to page reachability: keys strictly increasing across the whole
 * tree, each page's first key at or above the branch key pointing to it, every key below the
 * next branch key; branch pages never empty; each page's header matches its span.
 */
function checkKeyOrder(r: BboltReader, bucket: BucketRef): void {
  if (bucket.inline) return;
  let prev: Buffer | undefined;
  const walk = (id: number, min: Buffer | undefined, maxOpen: Buffer | undefined): void => {
    const p = r.readPage(id, 'test');
    assert.equal(Number(p.readBigUInt64LE(0)), id);
    const count = p.readUInt16LE(10);
    const isLeaf = (p.readUInt16LE(8) & PAGE_FLAGS.leaf) !== 0;
    // The page's span is as small as its content allows.
    let end = PAGE_HEADER_SIZE + count * ELEMENT_SIZE;
    const keys: { key: Buffer; child?: number }[] = [];
    for (let i = 0; i < count; i++) {
      const e = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      const k = e + p.readUInt32LE(e + (isLeaf ? 4 : 0));
      const klen = p.readUInt32LE(e + (isLeaf ? 8 : 4));
      const vlen = isLeaf ? p.readUInt32LE(e + 12) : 0;
      end = Math.max(end, k + klen + vlen);
      keys.push(isLeaf ? { key: p.subarray(k, k + klen) } : { key: p.subarray(k, k + klen), child: Number(p.readBigUInt64LE(e + 8)) });
    }
    assert.equal(p.readUInt32LE(12), Math.ceil(end / r.pageSize) - 1, `page ${id}: overflow count`);
    if (!isLeaf) assert.ok(count > 0, `page ${id}: empty branch`);
    keys.forEach(({ key, child }, i) => {
      if (i === 0 && min) assert.ok(Buffer.compare(min, key) <= 0, `page ${id}: first key below its branch key`);
      if (maxOpen) assert.ok(Buffer.compare(key, maxOpen) < 0, `page ${id}: key at or above the next branch key`);
      if (child === undefined) {
        if (prev) assert.ok(Buffer.compare(prev, key) < 0, `page ${id}: keys out of order`);
        prev = Buffer.from(key);
      } else {
        walk(child, Buffer.from(key), i + 1 < keys.length ? Buffer.from(keys[i + 1]!.key) : maxOpen);
      }
    });
  };
  walk(bucket.root, undefined, undefined);
}

/**
 * Appends `change` to a file written from `before` and checks the result against a file written
 * whole from `after`: entries, status numbers, HashKV, bbolt's checks, untouched old pages, metas.
 */
async function appendAndCheck(before: WriterEntry[], change: SnapshotChange, afterEntries: WriterEntry[], opts: WriterOptions = {}): Promise<{ out: string; r: BboltReader; db: Buffer }> {
  const input = file(writeBbolt(before, { ...opts, sha256Trailer: true }));
  const out = file();
  const old = open(input);
  const res = await appendToSnapshot(input, out, change);
  const { db, r } = open(out);
  const whole = file(writeBbolt(afterEntries, { ...opts, sha256Trailer: true }));
  // The entries, bbolt's check (statusOf with a tracker), key order.
  assert.deepEqual(dump(r), dump(open(whole).r));
  const status = statusOf(r);
  for (const name of ['key', 'lease', 'meta']) {
    const b = r.bucket(name);
    if (b) checkKeyOrder(r, b);
  }
  // etcdctl's numbers (apart from the size, which the copy-on-write grows) and HashKV.
  const mine = await snapshotStatus(out);
  const theirs = await snapshotStatus(whole);
  assert.deepEqual({ ...mine, totalSize: 0, sha256: '' }, { ...theirs, totalSize: 0, sha256: '' });
  assert.deepEqual({ ...status, sha256: res.sha256 }, mine);
  assert.equal(mine.totalSize, r.meta.pgid * r.pageSize);
  if (r.bucket('key')) assert.deepEqual(hashKVOf(r), hashKVOf(open(whole).r));
  // The result: size, trailer, txid.
  const bytes = fs.readFileSync(out);
  assert.equal(res.size, bytes.length);
  assert.equal(bytes.length % 512, 32);
  assert.equal(res.sha256, createHash('sha256').update(db).digest('hex'));
  assert.equal(bytes.subarray(db.length).toString('hex'), res.sha256);
  assert.equal(BigInt(res.txid), old.r.meta.txid + 1n);
  // Copy-on-write: every old page but the metas is unchanged, the new ones come after them.
  const ps = r.pageSize;
  assert.ok(db.subarray(2 * ps, old.r.meta.pgid * ps).equals(old.db.subarray(2 * ps, old.r.meta.pgid * ps)));
  assert.equal(db.length, r.meta.pgid * ps);
  // The new meta in page txid % 2, no freelist; the other page keeps the old meta, and the old
  // tree it points to still reads as the input did.
  assert.equal(r.meta.index, res.txid % 2);
  assert.equal(r.meta.freelist, undefined);
  const other = Buffer.from(db);
  other.fill(0xff, r.meta.index * ps + 16, r.meta.index * ps + 24); // break the new meta's magic
  const fallback = readMeta(new BufferSource(other), other.length);
  assert.equal(fallback.txid, old.r.meta.txid);
  assert.equal(fallback.root, old.r.meta.root);
  assert.deepEqual(dump(new BboltReader(new BufferSource(other), other.length, fallback)), dump(old.r));
  return { out, r, db };
}

const toEntries = (es: Entry[]): WriterEntry[] => es.map((e) => ({ key: e.key, value: e.value }));

describe('appendToSnapshot: the key bucket', () => {
  test('an inline key bucket that stays inline', async () => {
    const old = revisions(2, 3);
    const add = revisions(4, 4);
    const { r } = await appendAndCheck(etcdLike(toEntries(old), { inlineKeys: true }), { keys: add }, etcdLike(toEntries([...old, ...add])));
    assert.ok(r.bucket('key')!.inline, 'small enough to stay inline, as bbolt writes it');
  });

  test('an inline key bucket that outgrows a quarter page gets pages of its own', async () => {
    const old = revisions(2, 4);
    const add = revisions(5, 300);
    const { r } = await appendAndCheck(etcdLike(toEntries(old), { inlineKeys: true }), { keys: add }, etcdLike(toEntries([...old, ...add])));
    const b = r.bucket('key')!;
    assert.equal(b.inline, undefined);
    assert.equal(r.readPage(b.root, 'test').readUInt16LE(8), PAGE_FLAGS.branch);
  });

  test('an empty key bucket, and none at all', async () => {
    const add = revisions(2, 40);
    await appendAndCheck(etcdLike([]), { keys: add }, etcdLike(toEntries(add)));
    await appendAndCheck(etcdLike([], { noKeyBucket: true }), { keys: add }, etcdLike(toEntries(add)));
    // No new keys: the key bucket value is copied as it is.
    await appendAndCheck(etcdLike(toEntries(add)), { keys: [] }, etcdLike(toEntries(add)));
  });

  test('a multi-level tree (small pages per level): only the rightmost path is rewritten', async () => {
    const old = revisions(2, 2000);
    const add = revisions(2001, 2010);
    const input = etcdLike(toEntries(old));
    const oldFile = writeBbolt(input, { maxElements: 4 });
    const oldPages = new BboltReader(new BufferSource(oldFile), oldFile.length).meta.pgid;
    const { r } = await appendAndCheck(input, { keys: add }, etcdLike(toEntries([...old, ...add])), { maxElements: 4 });
    // 4 children per page: 2000 keys are 500 leaves under a tree of 5 branch levels above them;
    // the new pages are that path (the leaves and each level's last page split in two at
    // most: ~12 pages), the root bucket: well below a whole rewrite.
    assert.ok(r.meta.pgid - oldPages < 20, `${r.meta.pgid - oldPages} new pages`);
  });

  test('overflow values: in the old rightmost leaf and among the new entries', async () => {
    const big = (main: number): number => (main % 3 === 0 ? 9000 : 100);
    const old = revisions(2, 60, big);
    const add = revisions(61, 90, big);
    const { r, db } = await appendAndCheck(etcdLike(toEntries(old)), { keys: add }, etcdLike(toEntries([...old, ...add])));
    // A page of its own per big value, with overflow pages: 9000 bytes span 3 pages of 4 KiB.
    // (Every page span of these files, old or new, starts with a header: walk them in order.)
    let overflowed = 0;
    const oldPgid = open(file(writeBbolt(etcdLike(toEntries(old))))).r.meta.pgid;
    for (let id = oldPgid; id < r.meta.pgid; ) {
      const over = db.readUInt32LE(id * r.pageSize + 12);
      assert.equal(Number(db.readBigUInt64LE(id * r.pageSize)), id);
      if (over === 2) overflowed++;
      id += 1 + over;
    }
    assert.ok(overflowed >= 10, `${overflowed} pages with overflow`);
  });

  test('appending many entries splits the root, again and again (1 KiB and 512-byte pages)', async () => {
    for (const pageSize of [1024, 512]) {
      const old = revisions(2, 30);
      const add = revisions(31, 6000, (main) => (main % 97 === 0 ? 3000 : 20));
      const { r } = await appendAndCheck(etcdLike(toEntries(old)), { keys: add }, etcdLike(toEntries([...old, ...add])), { pageSize });
      let depth = 0;
      for (let id = r.bucket('key')!.root; ; depth++) {
        const p = r.readPage(id, 'test');
        if (p.readUInt16LE(8) & PAGE_FLAGS.leaf) break;
        id = Number(p.readBigUInt64LE(PAGE_HEADER_SIZE + (p.readUInt16LE(10) - 1) * ELEMENT_SIZE + 8));
      }
      assert.ok(depth >= 2, `page size ${pageSize}: ${depth} branch levels`);
    }
  });

  test('several appends in a row, each one transaction', async () => {
    let entries = revisions(2, 500);
    let f = file(writeBbolt(etcdLike(toEntries(entries)), { maxElements: 8 }));
    for (let round = 0; round < 5; round++) {
      const add = revisions(501 + round * 100, 600 + round * 100);
      const out = file();
      const res = await appendToSnapshot(f, out, { keys: add });
      entries = [...entries, ...add];
      const { r } = open(out);
      assert.equal(BigInt(res.txid), 11n + BigInt(round));
      assert.deepEqual(dump(r).get('key'), rows(entries));
      statusOf(r);
      checkKeyOrder(r, r.bucket('key')!);
      f = out;
    }
  });

  test('keys out of order, or not after the last key, are refused and nothing is written', async () => {
    const input = file(writeBbolt(etcdLike(toEntries(revisions(2, 10)))));
    const out = path.join(dir, 'refused.db');
    const before = fs.readdirSync(dir).length;
    await assert.rejects(appendToSnapshot(input, out, { keys: revisions(10, 10) }), (e: unknown) => e instanceof WardenError && /must be sorted and come after its last key/.test(e.message));
    await assert.rejects(appendToSnapshot(input, out, { keys: [...revisions(12, 12), ...revisions(11, 11)] }), WardenError);
    assert.equal(fs.existsSync(out), false);
    assert.equal(fs.readdirSync(dir).length, before, 'no temp file left');
  });
});

describe('appendToSnapshot: lease and meta buckets, the file', () => {
  const lease = (id: bigint, ttl: number): Entry => ({ key: leaseKey(id), value: encodeLease({ id, ttl }) });

  test('leases put, replaced and deleted; meta put; inline while small, pages when not', async () => {
    const keys = toEntries(revisions(2, 20));
    const old = [lease(1n, 60), lease(0x694d7c9e3a8c1f05n, 600)];
    const change: SnapshotChange = {
      keys: revisions(21, 22),
      leases: { put: [lease(0x694d7c9e3a8c1f05n, 900), lease(7n, 30)], delete: [leaseKey(1n), leaseKey(12345n)] },
      meta: [{ key: Buffer.from('scheduledCompactRev'), value: revKey(15) }],
    };
    const expectedLeases = [lease(7n, 30), lease(0x694d7c9e3a8c1f05n, 900)];
    const expectedMeta = [{ key: Buffer.from('consistent_index'), value: Buffer.from('0000000000000009', 'hex') }, { key: Buffer.from('scheduledCompactRev'), value: revKey(15) }];
    const { r } = await appendAndCheck(etcdLike(keys, { leases: toEntries(old) }), change, etcdLike([...keys, ...toEntries(revisions(21, 22))], { leases: toEntries(expectedLeases), meta: expectedMeta }));
    assert.ok(r.bucket('lease')!.inline && r.bucket('meta')!.inline);
    // 200 leases do not fit in a quarter page: the bucket gets pages.
    const many = Array.from({ length: 200 }, (_, i) => lease(BigInt(1000 + i), 60));
    const big = await appendAndCheck(etcdLike(keys, { leases: toEntries(old) }), { keys: [], leases: { put: many } }, etcdLike(keys, { leases: toEntries([...old, ...many]) }));
    assert.equal(big.r.bucket('lease')!.inline, undefined);
  });

  test('other buckets are copied byte for byte (inline values included)', async () => {
    const keys = toEntries(revisions(2, 20));
    const input = file(writeBbolt(etcdLike(keys)));
    const out = file();
    await appendToSnapshot(input, out, { keys: revisions(21, 21), leases: { put: [lease(5n, 5)] } });
    const raw = (f: string): Map<string, string> => {
      const { r } = open(f);
      const m = new Map<string, string>();
      r.forEach(r.rootBucket(), (k, _v, o) => {
        const b = o!();
        if (b.inline) m.set(k.toString(), b.inline.toString('hex'));
      });
      return m;
    };
    const [a, b] = [raw(input), raw(out)];
    for (const name of ['alarm', 'auth', 'authRoles', 'authUsers', 'cluster', 'members', 'members_removed', 'meta']) assert.equal(b.get(name), a.get(name), name);
    assert.notEqual(b.get('lease'), a.get('lease'));
  });

  test('trailer: kept when the input has one, or asked for; none otherwise; output mode 0600', async () => {
    const plain = file(writeBbolt(etcdLike(toEntries(revisions(2, 5)))));
    const out = file();
    const res = await appendToSnapshot(plain, out, { keys: revisions(6, 6) });
    assert.equal(fs.statSync(out).size, res.size);
    assert.equal(res.size % 4096, 0, 'no trailer');
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    const withTrailer = await appendToSnapshot(plain, out, { keys: revisions(6, 6) }, { trailer: true });
    assert.equal(withTrailer.size % 512, 32);
    assert.equal((await snapshotStatus(out)).sha256, withTrailer.sha256);
  });

  test('in place: output may be the input', async () => {
    const f = file(writeBbolt(etcdLike(toEntries(revisions(2, 50))), { sha256Trailer: true }));
    await appendToSnapshot(f, f, { keys: revisions(51, 60) });
    assert.deepEqual(open(f).r.lastKey(open(f).r.bucket('key')!), revKey(60));
    assert.equal((await snapshotStatus(f)).revision, 60);
  });

  test('an input whose sha256 trailer does not match is refused: no fresh trailer over damage', async () => {
    const bytes = writeBbolt(etcdLike(toEntries(revisions(2, 50))), { sha256Trailer: true });
    const at = bytes.length - 40; // the last page's unused end: only the sha256 can tell
    bytes.writeUInt8(bytes.readUInt8(at) ^ 1, at);
    const input = file(bytes);
    const out = path.join(dir, 'damaged-out.db');
    await assert.rejects(appendToSnapshot(input, out, { keys: revisions(51, 51) }), SnapshotHashMismatchError);
    assert.equal(fs.existsSync(out), false);
  });

  test('bumpRevisionChange: an empty value at last + amount and scheduledCompactRev there', async () => {
    const change = bumpRevisionChange(40, 1000);
    assert.deepEqual(change, { keys: [{ key: revKey(1040), value: Buffer.alloc(0) }], meta: [{ key: Buffer.from('scheduledCompactRev'), value: revKey(1040) }] });
    assert.throws(() => bumpRevisionChange(40, 0), WardenError);
    const old = toEntries(revisions(2, 40));
    const meta = [{ key: Buffer.from('consistent_index'), value: Buffer.from('0000000000000009', 'hex') }, { key: Buffer.from('scheduledCompactRev'), value: revKey(1040) }];
    const { r } = await appendAndCheck(etcdLike(old), change, etcdLike([...old, { key: revKey(1040), value: Buffer.alloc(0) }], { meta }));
    // A restored member resumes that compaction: it is at 1040, compacted at 1040.
    const h = hashKVOf(r);
    assert.equal(h.currentRevision, 1040);
    assert.equal(h.compactRevision, 1040);
  });
});

describe('encodings', () => {
  test('mvccpb.KeyValue as gogo-protobuf marshals it', () => {
    const kv = encodeKeyValue({ key: Buffer.from('foo'), createRevision: 2, modRevision: 300, version: 1, value: Buffer.from('bar'), lease: 0 });
    assert.equal(kv.toString('hex'), '0a03666f6f100218ac02200' + '12a03626172');
    // A tombstone: the key alone (zero numbers and an empty value left out).
    assert.equal(encodeKeyValue({ key: Buffer.from('k'), createRevision: 0, modRevision: 0, version: 0, value: Buffer.alloc(0), lease: 0 }).toString('hex'), '0a016b');
    // Lease IDs beyond 2^53 as bigints; negative int64s take ten bytes.
    assert.equal(encodeKeyValue({ key: Buffer.from('k'), lease: 0x694d7c9e3a8c1f05n }).toString('hex'), '0a016b3085beb0d4e393dfa669');
    assert.equal(encodeKeyValue({ key: Buffer.from('k'), version: -1 }).toString('hex'), '0a016b20ffffffffffffffffff01');
    assert.throws(() => encodeKeyValue({ key: Buffer.from('k'), lease: 2 ** 60 }), WardenError);
    assert.throws(() => encodeKeyValue({ key: Buffer.from('k'), lease: 1n << 63n }), WardenError);
    // A value of 200 bytes: a two-byte length.
    const long = encodeKeyValue({ key: Buffer.from('k'), value: Buffer.alloc(200, 1) });
    assert.equal(long.subarray(0, 6).toString('hex'), '0a016b2ac801');
  });

  test('decodeKeyValue reads back what encodeKeyValue writes, and re-encoding gives the same bytes', () => {
    let x = 7;
    const rnd = (n: number): number => (x = (x * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 500; i++) {
      const kv = { key: Buffer.alloc(1 + rnd(300), rnd(256)), createRevision: rnd(2) * rnd(2 ** 30), modRevision: rnd(2 ** 31), version: rnd(3) * rnd(1000), value: Buffer.alloc(rnd(3) * rnd(20_000), rnd(256)), lease: rnd(2) * rnd(2 ** 31) };
      const bytes = encodeKeyValue(kv);
      const back = decodeKeyValue(bytes);
      assert.deepEqual({ ...back, key: Buffer.from(back.key), value: Buffer.from(back.value) }, kv);
      assert.ok(encodeKeyValue(back).equals(bytes));
    }
  });

  test('leasepb.Lease and the lease bucket key', () => {
    assert.equal(encodeLease({ id: 0x694d7c9e3a8c1f05n, ttl: 600 }).toString('hex'), '0885beb0d4e393dfa66910d804');
    assert.equal(encodeLease({ id: 5, ttl: 60, remainingTTL: 30 }).toString('hex'), '0805103c181e');
    assert.equal(leaseKey(0x694d7c9e3a8c1f05n).toString('hex'), '694d7c9e3a8c1f05');
    assert.equal(leaseKey(5).toString('hex'), '0000000000000005');
  });
});

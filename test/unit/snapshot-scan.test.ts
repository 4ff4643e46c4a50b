// The sequential status scan against the page-by-page walk (statusOf, itself checked against
// etcdctl's numbers): the same hash, revision, key count and size on every shape the writer
// makes, whatever the read block size; undefined (so the walk names the problem) for damage;
// pages no tree reaches (stale copies, value bytes that look like a page header) never counted;
// and the follower a backup uses, reading a file back while it is being appended to.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { BboltReader, BufferSource } from '../../src/snapshot/bbolt.ts';
import { revKey, writeBbolt, type WriterEntry, type WriterOptions } from '../../src/snapshot/bbolt-writer.ts';
import { StatusScan } from '../../src/snapshot/scan.ts';
import { SnapshotHashMismatchError } from '../../src/snapshot/file.ts';
import { StatusFollower, StreamStatus, snapshotStatus, statusOf } from '../../src/snapshot/status.ts';

const dir = fs.mkdtempSync(path.join(process.env.WARDEN_TEST_ROOT ?? os.tmpdir(), 'snapshot-scan-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const readerOf = (db: Buffer) => new BboltReader(new BufferSource(db), db.length);

/** The scan fed in blocks of `block` bytes. */
function scanOf(db: Buffer, block: number) {
  const reader = readerOf(db);
  const scan = new StatusScan(reader.meta);
  for (let pos = 0; pos < scan.bytesNeeded; pos += block) scan.feed(db.subarray(pos, Math.min(pos + block, scan.bytesNeeded)));
  return scan.finish(reader);
}

const value = (n: number, seed: number) => Buffer.alloc(n, `v${seed}-`);
const keyBucket = (n: number, size = 40): WriterEntry => ({ key: 'key', bucket: Array.from({ length: n }, (_, i) => ({ key: revKey(i + 2, 0, i % 11 === 0), value: value(size + (i % 7) * 13, i) })) });

const shapes: [string, WriterEntry[], WriterOptions][] = [
  ['an empty database', [], {}],
  ['etcd-like buckets over several branch levels', [{ key: 'meta', bucket: [{ key: 'consistent_index', value: Buffer.alloc(8, 1) }] }, keyBucket(600), { key: 'alarm', bucket: [] }, { key: 'members', bucket: [{ key: 'm1', value: '{"id":1}' }] }], { maxElements: 5 }],
  [
    'nested, inline and doubly nested buckets',
    [
      { key: 'a', bucket: [{ key: 'x', value: '1' }, { key: 'n', bucket: [{ key: 'in1', value: 'v' }, { key: 'deep', bucket: Array.from({ length: 40 }, (_, i) => ({ key: `d${i}`, value: value(100, i) })) }] }, { key: 'i', inline: true, bucket: [{ key: 'z', value: 'q' }] }] },
      { key: 'inl', inline: true, bucket: [{ key: 'k', value: 'v' }, { key: 'l', value: 'w' }] },
      { key: 'outer', bucket: [{ key: 'k', value: 'v' }, { key: 'nested-inline', inline: true, bucket: [{ key: 'a', value: 'b' }] }] },
      keyBucket(30),
    ],
    { maxElements: 4 },
  ],
  ['values spanning many overflow pages (10 KB to 1 MB)', [keyBucket(3), { key: 'big', bucket: [10_000, 100_000, 300_000, 1_000_000, 5].map((n, i) => ({ key: `b${i}`, value: value(n, i) })) }], {}],
  ['a stored freelist with free pages', [keyBucket(200)], { storedFreelist: true, freePages: 5, maxElements: 8 }],
  ['16 KiB pages', [keyBucket(400, 900), { key: 'big', bucket: [{ key: 'b', value: value(70_000, 1) }] }], { pageSize: 16384, maxElements: 9 }],
];

describe('sequential status scan', () => {
  for (const [name, entries, opts] of shapes) {
    test(`${name}: the walk's numbers, in any block size`, () => {
      const db = writeBbolt(entries, opts);
      const want = statusOf(readerOf(db));
      const ps = opts.pageSize ?? 4096;
      for (const block of [ps, 3 * ps, 64 * 1024, 256 * 1024, db.length]) assert.deepEqual(scanOf(db, block), want, `block ${block}`);
    });
  }

  test('damage: undefined, so the page-by-page walk names it', () => {
    const db = writeBbolt([keyBucket(100)], { maxElements: 4 });
    // A branch pointing twice at the same child (bbolt: "multiple references").
    const reader = readerOf(db);
    const twice = Buffer.from(db);
    const ps = reader.pageSize;
    const findBranch = (buf: Buffer): number => {
      for (let id = 2; id < reader.meta.pgid; id++) if (buf.readUInt16LE(id * ps + 8) === 0x01 && buf.readUInt16LE(id * ps + 10) >= 2) return id;
      throw new Error('no branch page');
    };
    const b = findBranch(twice) * ps;
    twice.writeBigUInt64LE(twice.readBigUInt64LE(b + 16 + 8), b + 32 + 8);
    assert.throws(() => statusOf(readerOf(twice)), /multiple references|unreachable/);
    assert.equal(scanOf(twice, 256 * 1024), undefined);
    // A revision key too short, and a plain key at the top level.
    for (const bad of [writeBbolt([{ key: 'key', bucket: [{ key: 'short', value: 'x' }, { key: revKey(5), value: 'y' }] }]), writeBbolt([{ key: 'stray', value: 'x' }])]) {
      assert.throws(() => statusOf(readerOf(bad)));
      assert.equal(scanOf(bad, 4096), undefined);
    }
  });

  test('pages no tree reaches are not counted: a stale copy of a leaf, value bytes shaped like a page header', () => {
    const db = writeBbolt([keyBucket(50, 60), { key: 'big', bucket: [{ key: 'b', value: value(50_000, 3) }] }], { freePages: 3 });
    const reader = readerOf(db);
    const ps = reader.pageSize;
    const pgid = reader.meta.pgid;
    const leaves: number[] = [];
    for (let id = 2; id < pgid; id++) if (db.readBigUInt64LE(id * ps) === BigInt(id) && db.readUInt16LE(id * ps + 8) === 0x02) leaves.push(id);
    const stale = Buffer.from(db);
    // The free pages are the last three: one becomes a copy of a live leaf, with its own id.
    const free = pgid - 1;
    db.copy(stale, free * ps, leaves[0]! * ps, (leaves[0]! + 1) * ps);
    stale.writeBigUInt64LE(BigInt(free), free * ps);
    stale.writeUInt32LE(0, free * ps + 12);
    // The big value's overflow pages: the second one starts with bytes that read as a leaf header.
    const big = leaves.find((id) => db.readUInt32LE(id * ps + 12) > 3)!;
    const fake = (big + 2) * ps;
    stale.writeBigUInt64LE(BigInt(big + 2), fake);
    stale.writeUInt16LE(0x02, fake + 8);
    stale.writeUInt16LE(1, fake + 10);
    stale.writeUInt32LE(0, fake + 12);
    const want = statusOf(readerOf(stale));
    assert.notDeepEqual(want, statusOf(readerOf(db)), 'the fake header changed the big value, so the hash');
    for (const block of [ps, 2 * ps, 256 * 1024]) assert.deepEqual(scanOf(stale, block), want);
  });

  test('memory stays bounded: the scan keeps none of the blocks it is fed (30 MB of 50 KB values)', async () => {
    const db = writeBbolt([keyBucket(3), { key: 'big', bucket: Array.from({ length: 600 }, (_, i) => ({ key: `b${String(i).padStart(4, '0')}`, value: value(50_000, i) })) }]);
    assert.ok(db.length > 30e6);
    const reader = readerOf(db);
    const scan = new StatusScan(reader.meta);
    const fed: WeakRef<Buffer>[] = [];
    // A fresh copy per block, as a file read gives (values cross blocks: those are collected).
    const feedCopy = (pos: number): void => {
      const block = Buffer.from(db.subarray(pos, Math.min(pos + 256 * 1024, scan.bytesNeeded)));
      fed.push(new WeakRef(block));
      scan.feed(block);
    };
    for (let pos = 0; pos < scan.bytesNeeded; pos += 256 * 1024) feedCopy(pos);
    // Weak references hold their targets until the current job ends; then a full collection.
    await new Promise((resolve) => setImmediate(resolve));
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
    const kept = fed.filter((r) => r.deref() !== undefined).length;
    assert.equal(kept, 0, `${kept} of ${fed.length} blocks still reachable`);
    assert.deepEqual(scan.finish(reader), statusOf(readerOf(db)));
  });

  test('snapshotStatus uses the scan and reports what the walk reports, sha256 included', async () => {
    const db = writeBbolt([keyBucket(300), { key: 'big', bucket: [{ key: 'b', value: value(700_000, 9) }] }], { sha256Trailer: true, maxElements: 6 });
    const file = path.join(dir, 'scan.db');
    fs.writeFileSync(file, db);
    const s = await snapshotStatus(file);
    assert.deepEqual({ ...s, sha256: undefined }, { ...statusOf(new BboltReader(new BufferSource(db), db.length - 32)), sha256: undefined });
    assert.equal(s.sha256, db.subarray(db.length - 32).toString('hex'));
  });
});

describe('status follower (a backup reading its file back as it is written)', () => {
  test('fed while the file grows in uneven pieces, it finishes with the walk\'s numbers', () => {
    const db = writeBbolt([keyBucket(500), { key: 'big', bucket: [{ key: 'b', value: value(600_000, 2) }, { key: 'c', value: value(20_000, 4) }] }], { maxElements: 7 });
    const file = path.join(dir, 'growing.db');
    const fd = fs.openSync(file, 'w');
    const follower = new StatusFollower(file);
    try {
      let written = 0;
      for (const piece of [100, 9000, 70_000, 333_333, 1_000_000]) {
        const n = Math.min(piece, db.length - written);
        fs.writeSync(fd, db, written, n, written);
        written += n;
        follower.advance(written);
      }
      fs.writeSync(fd, db, written, db.length - written, written);
      assert.deepEqual(follower.finish(db.length), statusOf(readerOf(db)));
    } finally {
      follower.close();
      fs.closeSync(fd);
    }
  });

  test('a file that is not bbolt, or damaged: undefined (the caller then walks it for the error)', () => {
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, Buffer.alloc(64 * 1024, 7));
    const f1 = new StatusFollower(junk);
    f1.advance(64 * 1024);
    assert.equal(f1.finish(64 * 1024), undefined);
    f1.close();
    const db = writeBbolt([{ key: 'stray', value: 'x' }]);
    const stray = path.join(dir, 'stray.db');
    fs.writeFileSync(stray, db);
    const f2 = new StatusFollower(stray);
    assert.equal(f2.finish(db.length), undefined);
    f2.close();
  });
});

describe('stream status (a snapshot that is never on disk in the clear: going into age, or out of age -d)', () => {
  const streamOf = (bytes: Buffer, chunks: number[], trailer: boolean) => {
    const s = new StreamStatus({ trailer });
    let pos = 0;
    for (let i = 0; pos < bytes.length; i++) {
      const n = Math.min(chunks[i % chunks.length]!, bytes.length - pos);
      s.update(bytes.subarray(pos, pos + n));
      pos += n;
    }
    return s.finish();
  };

  for (const [name, entries, opts] of shapes) {
    test(`${name}: the walk's numbers and the trailer's sha256, in any chunk sizes`, () => {
      const db = writeBbolt(entries, { ...opts, sha256Trailer: true });
      const plain = db.subarray(0, db.length - 32);
      const want = statusOf(readerOf(plain));
      const sha256 = db.subarray(db.length - 32).toString('hex');
      for (const chunks of [[1, 31, 4096], [65_536], [7, 1_000_003], [db.length]]) {
        assert.deepEqual(streamOf(db, chunks, true), { ...want, sha256, dbSize: plain.length }, `chunks ${chunks.join(',')}`);
        assert.deepEqual(streamOf(plain, chunks, false), { ...want, dbSize: plain.length }, `no trailer, chunks ${chunks.join(',')}`);
      }
    });
  }

  test('a flipped byte: the sha256 mismatch; junk or a truncated stream: undefined', () => {
    const db = writeBbolt([keyBucket(300)], { sha256Trailer: true, maxElements: 6 });
    const flipped = Buffer.from(db);
    flipped[5000] = (flipped[5000] as number) ^ 1;
    assert.throws(() => streamOf(flipped, [65_536], true), SnapshotHashMismatchError);
    assert.equal(streamOf(Buffer.alloc(300_000, 7), [65_536], false), undefined);
    assert.equal(streamOf(db.subarray(0, 3 * 4096), [4096], false), undefined);
  });
});

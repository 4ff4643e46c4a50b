// snapshot status on crafted files: etcdctl's hash, revision and counts computed independently
// from the entries, nested buckets treated as etcdctl treats them, the sha256 trailer checked
// (and preferred as the explanation when a flipped byte also breaks the structure), and the
// one-line errors for files that are missing, directories, truncated or not bbolt at all.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WardenError } from '../../src/errors.ts';
import { BboltReader, BufferSource } from '../../src/snapshot/bbolt.ts';
import { writeBbolt, type WriterEntry, revKey } from '../../src/snapshot/bbolt-writer.ts';
import { crc32c } from '../../src/snapshot/crc32c.ts';
import { Sha256Pipe, SnapshotFile, SnapshotHashMismatchError, verifySha256AndFileDigest } from '../../src/snapshot/file.ts';
import { mainRevision, snapshotStatus, statusOf } from '../../src/snapshot/status.ts';
import { statusRendering } from '../../src/cli/commands/snapshot.ts';
import { render } from '../../src/cli/printer.ts';

const dir = fs.mkdtempSync(path.join(process.env.WARDEN_TEST_ROOT ?? os.tmpdir(), 'snapshot-status-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));


const etcdLike: WriterEntry[] = [
  { key: 'meta', bucket: [{ key: 'consistent_index', value: Buffer.from([0, 0, 0, 0, 0, 0, 0, 42]) }] },
  { key: 'key', bucket: Array.from({ length: 300 }, (_, i) => ({ key: revKey(i + 2, 0, i === 299), value: `kv-${i}`.repeat(5) })) },
  { key: 'alarm', bucket: [] },
  { key: 'members', bucket: [{ key: '8e9e05c52164694d', value: '{"id":10276657743932975437,"peerURLs":["http://localhost:2380"],"name":"default"}' }] },
];

/** etcdctl's hash and count, computed here from the description itself. */
function expected(entries: WriterEntry[]): { hash: number; totalKey: number } {
  const b = (x: string | Uint8Array): Buffer => (typeof x === 'string' ? Buffer.from(x) : Buffer.from(x));
  const sorted = <T extends { key: string | Uint8Array }>(xs: T[]): T[] => [...xs].sort((x, y) => Buffer.compare(b(x.key), b(y.key)));
  let hash = 0;
  let totalKey = 0;
  for (const top of sorted(entries)) {
    if (!('bucket' in top)) throw new Error('top-level entries are buckets');
    hash = crc32c(hash, b(top.key));
    for (const e of sorted(top.bucket)) {
      hash = crc32c(hash, b(e.key));
      if (!('bucket' in e)) hash = crc32c(hash, b(e.value));
      totalKey++;
    }
  }
  return { hash, totalKey };
}

const statusOfBytes = (db: Buffer) => statusOf(new BboltReader(new BufferSource(db), db.length));

describe('status numbers', () => {
  test('hash, revision, total keys and size as etcdctl computes them', () => {
    const db = writeBbolt(etcdLike, { maxElements: 16 });
    const s = statusOfBytes(db);
    assert.deepEqual(s, { ...expected(etcdLike), revision: 301, totalSize: db.length });
    assert.equal(s.totalKey, 302);
  });

  test('a nested bucket counts as one key hashed without a value; its contents are not counted', () => {
    const entries: WriterEntry[] = [
      { key: 'a', bucket: [{ key: 'x', value: '1' }, { key: 'n', bucket: [{ key: 'in1', value: 'v' }, { key: 'in2', value: 'w' }] }, { key: 'i', inline: true, bucket: [{ key: 'z', value: 'q' }] }] },
    ];
    const s = statusOfBytes(writeBbolt(entries));
    assert.deepEqual({ hash: s.hash, totalKey: s.totalKey }, expected(entries));
    assert.equal(s.totalKey, 3);
    assert.equal(s.revision, 0);
  });

  test('an empty database, and a key outside any bucket at the top', () => {
    assert.deepEqual(statusOfBytes(writeBbolt([])), { hash: 0, revision: 0, totalKey: 0, totalSize: 3 * 4096 });
    assert.throws(() => statusOfBytes(writeBbolt([{ key: 'stray', value: 'x' }])), (e: unknown) => e instanceof WardenError && e.message === 'top-level key "stray" is not a bucket: not an etcd snapshot');
  });

  test('revision keys: 8-byte big-endian main revision first', () => {
    assert.equal(mainRevision(revKey(13, 4)), 13);
    assert.equal(mainRevision(revKey(2 ** 40 + 5, 0, true)), 2 ** 40 + 5);
    assert.throws(() => mainRevision(Buffer.from('short')), /too short for a revision/);
  });

  test('printed as etcdctl prints it: %x hash, go-humanize size, Go JSON field order', () => {
    const r = statusRendering({ hash: 0x8e9e6b79, revision: 13, totalKey: 20, totalSize: 24576 });
    assert.equal(render('simple', r), '8e9e6b79, 13, 20, 25 kB');
    assert.equal(render('json', r), '{"hash":2392746873,"revision":13,"totalKey":20,"totalSize":24576}');
    assert.equal(render('simple', statusRendering({ hash: 0xabc, revision: 1, totalKey: 2, totalSize: 1_056_768 })), 'abc, 1, 2, 1.1 MB');
    assert.equal(
      render('table', r),
      [
        '+----------+----------+------------+------------+',
        '|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |',
        '+----------+----------+------------+------------+',
        '| 8e9e6b79 |       13 |         20 |      25 kB |',
        '+----------+----------+------------+------------+',
      ].join('\n'),
    );
  });
});

describe('snapshot files', () => {
  const write = (name: string, bytes: Buffer): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, bytes);
    return p;
  };
  const hashed = writeBbolt(etcdLike, { sha256Trailer: true, maxElements: 16 });

  // Small files are hashed in the scan's pass, large ones (64 MiB+) by a worker beside it: both ways here.
  const ways = [{ name: 'in one pass', opts: {} }, { name: 'hashed by a worker beside the scan', opts: { hashInWorkerFrom: 0 } }];
  for (const { name, opts } of ways) {
    test(`${name}: the digest of a file with a trailer, the same numbers; a flipped byte is a mismatch`, async () => {
      const s = await snapshotStatus(write(`good-${name}.db`, hashed), opts);
      assert.equal(s.sha256, hashed.subarray(hashed.length - 32).toString('hex'));
      assert.deepEqual({ hash: s.hash, totalKey: s.totalKey, totalSize: s.totalSize }, { ...expected(etcdLike), totalSize: hashed.length - 32 });
      const bad = Buffer.from(hashed);
      const at = bad.indexOf('kv-100');
      bad.writeUInt8(bad.readUInt8(at) ^ 0x01, at);
      await assert.rejects(snapshotStatus(write(`flip-${name}.db`, bad), opts), SnapshotHashMismatchError);
      // A flip that also breaks a page the scan reads: the sha256 still explains it.
      const broken = Buffer.from(hashed);
      broken.fill(0xff, 2 * 4096, 3 * 4096);
      await assert.rejects(snapshotStatus(write(`broken-${name}.db`, broken), opts), SnapshotHashMismatchError);
    });
  }

  // Over 1 MiB: the read that reaches the trailer is not the first one.
  const big = writeBbolt([
    ...etcdLike.filter((e) => e.key !== 'key'),
    { key: 'key', bucket: Array.from({ length: 400 }, (_, i) => ({ key: revKey(i + 2, 0, i === 399), value: Buffer.alloc(8000, i) })) },
  ], { sha256Trailer: true });
  for (const inWorker of [false, true]) {
    test(`the whole file's sha256 comes from the same read as the trailer check (${inWorker ? 'in a worker' : 'in process'})`, async () => {
      assert.ok(big.length > 2 * (1 << 20));
      for (const [name, bytes] of [['small', hashed], ['big', big]] as const) {
        const file = SnapshotFile.open(write(`digests-${name}-${inWorker}.db`, bytes));
        try {
          const d = await verifySha256AndFileDigest(file, { inWorker });
          assert.deepEqual(d, {
            sha256: bytes.subarray(bytes.length - 32).toString('hex'),
            fileSha256: crypto.createHash('sha256').update(bytes).digest('hex'),
          }, name);
        } finally {
          file.close();
        }
      }
      const plain = SnapshotFile.open(write(`digests-plain-${inWorker}.db`, hashed.subarray(0, hashed.length - 32)));
      try {
        assert.equal(await verifySha256AndFileDigest(plain, { inWorker }), undefined, 'no trailer: nothing to check');
      } finally {
        plain.close();
      }
      const bad = Buffer.from(hashed);
      bad.writeUInt8(bad.readUInt8(bad.indexOf('kv-100')) ^ 0x01, bad.indexOf('kv-100'));
      const badFile = SnapshotFile.open(write(`digests-bad-${inWorker}.db`, bad));
      try {
        await assert.rejects(verifySha256AndFileDigest(badFile, { inWorker }), SnapshotHashMismatchError);
      } finally {
        badFile.close();
      }
    });
  }

  test('the hashing worker fed by the reader: the same digests in chunks of any size, however far the reader runs ahead', async () => {
    // Two buffers of 4 KiB + 3 bytes for a file of hundreds of chunks: the reader waits for the
    // worker to give buffers back, and the database's end falls inside a chunk.
    for (const chunk of [4099, 1 << 20]) {
      const pipe = new Sha256Pipe('big.db', big.length - 32, big.length, { buffers: 2, chunk });
      let waited = 0;
      for (let pos = 0; pos < big.length; ) {
        const taken = pipe.take();
        if (taken instanceof Promise) waited++;
        const buf = await taken;
        const n = big.copy(buf, 0, pos, Math.min(big.length, pos + buf.length));
        pipe.give(buf, n);
        pos += n;
      }
      assert.deepEqual(await pipe.result(), {
        digest: crypto.createHash('sha256').update(big.subarray(0, big.length - 32)).digest('hex'),
        fileDigest: crypto.createHash('sha256').update(big).digest('hex'),
      }, `chunks of ${chunk} bytes`);
      if (chunk < 10_000) assert.ok(waited > 0, 'the pool of two ran dry at least once');
    }
  });

  test('a file with etcd\'s sha256 trailer is checked and reports the digest; one without is fine', async () => {
    const s = await snapshotStatus(write('good.db', hashed));
    assert.equal(s.sha256, hashed.subarray(hashed.length - 32).toString('hex'));
    assert.equal(s.totalSize, hashed.length - 32);
    assert.deepEqual({ hash: s.hash, totalKey: s.totalKey }, expected(etcdLike));
    const plain = await snapshotStatus(write('plain.db', hashed.subarray(0, hashed.length - 32)));
    assert.equal(plain.sha256, undefined);
    assert.equal(plain.hash, s.hash);
  });

  test('a flipped byte in a value: sha256 mismatch, in exactly the words users see', async () => {
    const bad = Buffer.from(hashed);
    const at = bad.indexOf('kv-100');
    bad.writeUInt8(bad.readUInt8(at) ^ 0x01, at);
    const expectedSha = hashed.subarray(hashed.length - 32).toString('hex');
    await assert.rejects(snapshotStatus(write('flip.db', bad)), (e: unknown) => {
      assert.ok(e instanceof SnapshotHashMismatchError);
      assert.match(e.message, new RegExp(`^snapshot sha256 mismatch: expected ${expectedSha}, got [0-9a-f]{64}: the file is corrupted$`));
      return true;
    });
    // Without the check, the file reads, with another hash (as etcdctl would print).
    const s = await snapshotStatus(path.join(dir, 'flip.db'), { verifyHash: false });
    assert.notEqual(s.hash, expected(etcdLike).hash);
  });

  test('a flipped byte that also breaks the structure is still explained by the sha256', async () => {
    const bad = Buffer.from(hashed);
    bad.writeUInt8(bad.readUInt8(16) ^ 0xff, 16); // meta 0's magic
    bad.writeUInt8(bad.readUInt8(4096 + 16) ^ 0xff, 4096 + 16); // and meta 1's
    await assert.rejects(snapshotStatus(write('flip-meta.db', bad)), SnapshotHashMismatchError);
    await assert.rejects(snapshotStatus(path.join(dir, 'flip-meta.db'), { verifyHash: false }), /not a bbolt database \(bad magic\)/);
  });

  test('missing, a directory, truncated, not bbolt: one line each', async () => {
    const cases: [string, RegExp][] = [
      [path.join(dir, 'nope.db'), /^snapshot file .*nope\.db does not exist: check the path$/],
      [dir, /is a directory, not a snapshot file: give the snapshot \.db file itself$/],
      [write('short.db', hashed.subarray(0, 5 * 4096 + 100)), /^truncated: page 5 lies beyond the end of the file \(size 20580\): .*short\.db is incomplete; copy or save the snapshot again$/],
      [write('text.db', Buffer.alloc(10_000, 'not a database ')), /^not a bbolt database \(bad magic\): .*text\.db is not an etcd snapshot or db file$/],
      [write('empty.db', Buffer.alloc(0)), /^not a bbolt database \(file too small: 0 bytes\)/],
    ];
    for (const [p, re] of cases) {
      await assert.rejects(snapshotStatus(p), (e: unknown) => {
        assert.ok(e instanceof WardenError, `${p}: ${String(e)}`);
        assert.match(e.message, re);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    }
  });
});

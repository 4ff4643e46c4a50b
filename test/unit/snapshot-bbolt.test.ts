// The bbolt reader on crafted files: meta selection and its failures, key order across branch
// pages, overflow values, nested and inline buckets, and each structural check (bbolt's
// tx.Check) failing with one line that names the page.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BboltChecksumError,
  BboltCorruptError,
  BboltReader,
  BboltTruncatedError,
  BboltVersionError,
  BufferSource,
  NotBboltError,
  PAGE_FLAGS,
  fnv1a64,
  readMeta,
  type BucketRef,
  type ByteSource,
} from '../../src/snapshot/bbolt.ts';
import { resealMeta, writeBbolt, type WriterEntry } from '../../src/snapshot/bbolt-writer.ts';

const PS = 4096;
const open = (db: Buffer, size = db.length): BboltReader => new BboltReader(new BufferSource(db), size);

/** Every key/value of a bucket and its nested buckets, depth-first, as text. */
function dump(r: BboltReader, bucket: BucketRef = r.rootBucket(), indent = '', tracker = r.newTracker()): string[] {
  const out: string[] = [];
  r.forEach(
    bucket,
    (k, v, nested) => {
      if (nested) {
        out.push(`${indent}${k.toString()}/`);
        out.push(...dump(r, nested(), `${indent}  `, tracker));
      } else {
        out.push(`${indent}${k.toString()}=${(v as Buffer).length > 20 ? `<${(v as Buffer).length} bytes>` : (v as Buffer).toString()}`);
      }
    },
    tracker,
  );
  return out;
}

const keys = (n: number, prefix = 'k'): WriterEntry[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${String(i).padStart(4, '0')}`, value: `v${i}` }));

describe('meta pages', () => {
  test('FNV-1a 64 is Go hash/fnv New64a', () => {
    assert.equal(fnv1a64(Buffer.alloc(0)), 0xcbf29ce484222325n);
    assert.equal(fnv1a64(Buffer.from('a')), 0xaf63dc4c8601ec8cn);
    assert.equal(fnv1a64(Buffer.from('foobar')), 0x85944171f73967e8n);
  });

  test('the valid meta with the higher txid is used', () => {
    const db = writeBbolt([{ key: 'b', bucket: keys(3) }], { txid: 20 });
    assert.equal(readMeta(new BufferSource(db), db.length).index, 0);
    // Give meta 1 the higher txid: it wins.
    db.writeBigUInt64LE(30n, PS + 16 + 48);
    resealMeta(db, 1);
    const m = readMeta(new BufferSource(db), db.length);
    assert.equal(m.index, 1);
    assert.equal(m.txid, 30n);
  });

  test('a meta with a bad checksum falls back to the other one', () => {
    const db = writeBbolt([{ key: 'b', bucket: keys(3) }], { txid: 20 });
    db[16 + 48] = 99; // meta 0's txid changed without resealing
    const m = readMeta(new BufferSource(db), db.length);
    assert.equal(m.index, 1);
    assert.equal(m.txid, 19n);
    assert.deepEqual(dump(open(db)), ['b/', '  k0000=v0', '  k0001=v1', '  k0002=v2']);
  });

  test('both checksums bad, bad magic, a wrong version and a tiny file are named', () => {
    const db = writeBbolt([{ key: 'b', bucket: keys(3) }]);
    const bothBad = Buffer.from(db);
    bothBad[16 + 40] = 77;
    bothBad[PS + 16 + 40] = 77;
    assert.throws(() => open(bothBad), (e: unknown) => e instanceof BboltChecksumError && e.message === 'both meta pages have bad checksums');

    const text = Buffer.alloc(3 * PS, 'hello world, not a database\n');
    assert.throws(() => open(text), (e: unknown) => e instanceof NotBboltError && e.message === 'not a bbolt database (bad magic)');

    const v3 = Buffer.from(db);
    for (const i of [0, 1] as const) {
      v3.writeUInt32LE(3, i * PS + 16 + 4);
      resealMeta(v3, i);
    }
    assert.throws(() => open(v3), (e: unknown) => e instanceof BboltVersionError && /unsupported bbolt version 3/.test(e.message));

    assert.throws(() => open(Buffer.from('tiny')), (e: unknown) => e instanceof NotBboltError && e.message === 'not a bbolt database (file too small: 4 bytes)');

    const mixed = Buffer.from(db);
    mixed.writeUInt32LE(0, 16); // meta 0: no magic
    mixed[PS + 16 + 40] = 77; // meta 1: bad checksum
    assert.throws(() => open(mixed), (e: unknown) => e instanceof BboltChecksumError && e.message === 'both meta pages are invalid (meta 0: bad magic, meta 1: bad checksum)');
  });

  test('a page size other than 4096 is read from meta 0', () => {
    const db = writeBbolt([{ key: 'b', bucket: keys(200) }], { pageSize: 1024 });
    const r = open(db);
    assert.equal(r.pageSize, 1024);
    assert.equal(dump(r).length, 201);
    // With meta 0 destroyed, meta 1 is still found at the OS page size only: 1024 is not tried.
    const broken = Buffer.from(db);
    broken.fill(0, 0, 1024);
    assert.throws(() => open(broken), NotBboltError);
  });
});

describe('walking buckets', () => {
  test('keys come in key order across branch pages, whatever order they were given in', () => {
    const entries = keys(500).reverse();
    const db = writeBbolt([{ key: 'b', bucket: entries }], { maxElements: 4 });
    const r = open(db);
    const seen: string[] = [];
    const tracker = r.newTracker();
    r.forEach(r.rootBucket(), (_k, _v, nested) => r.forEach(nested!(), (k) => seen.push(k.toString()), tracker), tracker);
    assert.equal(seen.length, 500);
    assert.deepEqual(seen, [...seen].sort());
    r.finishCheck(tracker);
    // Every page of the file was read once: nothing read twice, nothing skipped.
    assert.equal(r.pagesRead, db.length / PS - 2);
  });

  test('values larger than a page come back whole from overflow pages', () => {
    const big = Buffer.alloc(3 * PS + 123, 0);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const db = writeBbolt([{ key: 'b', bucket: [{ key: 'a', value: 'small' }, { key: 'big', value: big }, { key: 'c', value: 'after' }] }]);
    const r = open(db);
    const got = new Map<string, Buffer>();
    r.forEach(r.rootBucket(), (_k, _v, nested) => r.forEach(nested!(), (k, v) => got.set(k.toString(), Buffer.from(v!))));
    assert.ok(got.get('big')!.equals(big));
    assert.equal(got.get('c')!.toString(), 'after');
  });

  test('nested and inline buckets: a nested bucket has no value and opens on demand', () => {
    const db = writeBbolt([
      {
        key: 'top',
        bucket: [
          { key: 'x', value: '1' },
          { key: 'nest', bucket: [{ key: 'deep', value: '2' }, { key: 'deeper', bucket: keys(30, 'd') }] },
          { key: 'inl', inline: true, bucket: [{ key: 'i', value: '3' }] },
        ],
      },
      { key: 'empty', bucket: [] },
      { key: 'emptyInline', inline: true, bucket: [] },
    ], { maxElements: 5 });
    const r = open(db);
    const lines = dump(r);
    assert.deepEqual(lines.slice(0, 6), ['empty/', 'emptyInline/', 'top/', '  inl/', '    i=3', '  nest/']);
    assert.equal(lines.filter((l) => l.startsWith('      d')).length, 30);
    assert.equal(lines.at(-1), '  x=1');
    const values: (string | undefined)[] = [];
    r.forEach(r.rootBucket(), (_k, _v, top) => r.forEach(top!(), (_kk, v) => values.push(v?.toString())));
    assert.deepEqual(values, [undefined, undefined, '1']);
  });

  test('reused read blocks never change pages still being walked (nested walks across many blocks)', () => {
    const fill = (key: string): Buffer => Buffer.alloc(1800, key.length * 31 + key.charCodeAt(key.length - 1));
    const bucket = (prefix: string, n: number): WriterEntry[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: fill(`${prefix}${i}`) }));
    const entries: WriterEntry[] = Array.from({ length: 6 }, (_, b) => ({
      key: `b${b}`,
      // each nested bucket alone is bigger than the whole block cache (16 × 256 KiB)
      bucket: [{ key: 'nested', bucket: bucket(`n${b}-`, 2500) }, ...bucket(`k${b}-`, 50)],
    }));
    const db = writeBbolt(entries);
    const r = open(db);
    let checked = 0;
    const tracker = r.newTracker();
    r.forEach(
      r.rootBucket(),
      (name, _v, top) => {
        const topName = name.toString();
        r.forEach(
          top!(),
          (k, v, nested) => {
            const key = k.toString();
            if (nested) {
              r.forEach(nested(), (nk, nv) => assert.ok(nv!.equals(fill(nk.toString())), `${topName}/nested/${nk.toString()}`), tracker);
              checked++;
              return;
            }
            assert.ok(v!.equals(fill(key)), `${topName}/${key}`);
            checked++;
          },
          tracker,
        );
        // The root leaf's next entries must still be intact after all that reading.
        assert.match(topName, /^b\d$/);
      },
      tracker,
    );
    r.finishCheck(tracker);
    assert.equal(checked, 6 * 51);
  });

  test('the whole file is never read at once: reads are bounded blocks', () => {
    const db = writeBbolt([{ key: 'b', bucket: Array.from({ length: 3000 }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}`, value: Buffer.alloc(1500, i) })) }]);
    let largest = 0;
    let total = 0;
    const inner = new BufferSource(db);
    const src: ByteSource = {
      read(buf, off, len, pos) {
        largest = Math.max(largest, len);
        total += len;
        return inner.read(buf, off, len, pos);
      },
    };
    const r = new BboltReader(src, db.length);
    let n = 0;
    r.forEach(r.rootBucket(), (_k, _v, nested) => r.forEach(nested!(), () => n++));
    assert.equal(n, 3000);
    assert.ok(db.length > 4 * 1024 * 1024, 'the file is bigger than a read block');
    assert.ok(largest <= 256 * 1024, `largest read ${largest}`);
    assert.ok(total <= db.length + 256 * 1024, `read ${total} bytes of ${db.length}`);
  });
});

describe('damage is reported in one line naming the page', () => {
  const base = (): Buffer => writeBbolt([{ key: 'b', bucket: keys(60) }], { maxElements: 4 });
  const fullWalk = (db: Buffer): void => {
    const r = open(db);
    const t = r.newTracker();
    r.markBucket(r.rootBucket(), t);
    r.finishCheck(t);
  };
  /** The root page of bucket "b" (a branch page, given maxElements 4). */
  const bucketRoot = (db: Buffer): number => {
    const r = open(db);
    let root = 0;
    r.forEach(r.rootBucket(), (_k, _v, nested) => (root = nested!().root));
    return root;
  };

  test('a truncated file', () => {
    const db = base();
    const cut = db.subarray(0, db.length - PS - 100);
    assert.throws(() => open(cut), (e: unknown) => e instanceof BboltTruncatedError && e.message === `truncated: page ${Math.floor(cut.length / PS)} lies beyond the end of the file (size ${cut.length})`);
  });

  test('a branch element pointing outside the database', () => {
    const db = base();
    const root = bucketRoot(db);
    const pgid = db.length / PS;
    db.writeBigUInt64LE(BigInt(pgid + 5), root * PS + 16 + 8);
    assert.throws(() => fullWalk(db), (e: unknown) => e instanceof BboltCorruptError && e.message === `page ${root}: points to page ${pgid + 5}, outside the database (pages 2 to ${pgid - 1})`);
  });

  test('a page referenced twice, and a cycle', () => {
    const db = base();
    const root = bucketRoot(db);
    const first = Number(db.readBigUInt64LE(root * PS + 16 + 8));
    db.writeBigUInt64LE(BigInt(first), root * PS + 16 + 16 + 8);
    assert.throws(() => fullWalk(db), (e: unknown) => e instanceof BboltCorruptError && e.message.startsWith(`page ${first}: multiple references`));

    const cyc = base();
    cyc.writeBigUInt64LE(BigInt(root), root * PS + 16 + 8);
    assert.throws(() => fullWalk(cyc), (e: unknown) => e instanceof BboltCorruptError && e.message.startsWith(`page ${root}: multiple references`));
    // Without the tracker, the depth limit still stops the cycle.
    const r = open(cyc);
    assert.throws(() => r.forEach(r.rootBucket(), (_k, _v, nested) => r.forEach(nested!(), () => {})), /more than 64 levels deep/);
  });

  test('a page of the wrong type, a wrong page id, an element past its page', () => {
    const db = base();
    // Down the first branch elements to a leaf and its parent.
    let root = bucketRoot(db);
    let leaf = Number(db.readBigUInt64LE(root * PS + 16 + 8));
    while (db.readUInt16LE(leaf * PS + 8) === PAGE_FLAGS.branch) {
      root = leaf;
      leaf = Number(db.readBigUInt64LE(leaf * PS + 16 + 8));
    }
    const typ = Buffer.from(db);
    typ.writeUInt16LE(PAGE_FLAGS.freelist, leaf * PS + 8);
    assert.throws(() => fullWalk(typ), (e: unknown) => e instanceof BboltCorruptError && e.message === `page ${leaf}: invalid type (flags 0x10), expected a branch or leaf page (from page ${root})`);

    const id = Buffer.from(db);
    id.writeBigUInt64LE(999n, leaf * PS);
    assert.throws(() => fullWalk(id), (e: unknown) => e instanceof BboltCorruptError && e.message === `page ${leaf}: its header says page 999`);

    const elem = Buffer.from(db);
    elem.writeUInt32LE(100_000, leaf * PS + 16 + 12);
    assert.throws(() => fullWalk(elem), (e: unknown) => e instanceof BboltCorruptError && e.message === `page ${leaf}: element 0 runs past the end of its page`);
  });

  test('with a stored freelist: unreachable pages and freed pages in use', () => {
    const db = writeBbolt([{ key: 'b', bucket: keys(40) }], { storedFreelist: true, freePages: 2, maxElements: 8 });
    fullWalk(db);
    const freelist = 2;
    const lost = Buffer.from(db);
    const lostId = Number(lost.readBigUInt64LE(freelist * PS + 16 + 8));
    lost.writeUInt16LE(1, freelist * PS + 10); // forget the second free page
    assert.throws(() => fullWalk(lost), (e: unknown) => e instanceof BboltCorruptError && e.message === `page ${lostId}: unreachable unfreed`);

    const used = Buffer.from(db);
    used.writeBigUInt64LE(3n, freelist * PS + 16); // page 3 is a leaf in use
    assert.throws(() => fullWalk(used), (e: unknown) => e instanceof BboltCorruptError && e.message === 'page 3: reachable freed');
  });

  test('meta pointing at a root outside the database', () => {
    const db = base();
    for (const i of [0, 1] as const) {
      db.writeBigUInt64LE(100_000n, i * PS + 16 + 16);
      resealMeta(db, i);
    }
    assert.throws(() => open(db), (e: unknown) => e instanceof BboltCorruptError && /root page 100000 is outside the database/.test(e.message));
  });
});

test('lastKey reads a bucket\'s last key from the rightmost path, at any depth and inline', () => {
  const many = Array.from({ length: 500 }, (_, i) => ({ key: `k${String(i).padStart(4, '0')}`, value: `v${i}` }));
  for (const perPage of [4, 16, 1000]) {
    const r = open(writeBbolt([
      { key: 'big', bucket: many },
      { key: 'small', bucket: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], inline: true },
      { key: 'empty', bucket: [] },
    ], { maxElements: perPage }));
    let viaWalk = '';
    r.forEach(r.bucket('big')!, (k) => (viaWalk = k.toString()));
    assert.equal(viaWalk, 'k0499');
    assert.equal(r.lastKey(r.bucket('big')!)?.toString(), 'k0499', `${perPage} elements per page`);
    assert.equal(r.lastKey(r.bucket('small')!)?.toString(), 'b');
    assert.equal(r.lastKey(r.bucket('empty')!), undefined);
    assert.equal(r.bucket('nosuch'), undefined);
  }
});

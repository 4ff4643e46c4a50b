// Shapes etcd never writes but bbolt allows, read by warden and by the real `etcdctl snapshot
// status`: nested buckets (not entered by etcdctl's hash: their key is hashed with a nil value
// and counted once), inline buckets, empty buckets, a stored freelist, a 1 KiB page size, the
// fallback to meta 1. Both must print the same bytes in every format.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { revKey, writeBbolt, type WriterEntry, type WriterOptions } from '../../src/snapshot/bbolt-writer.ts';
import { snapshotStatus } from '../../src/snapshot/status.ts';
import { statusRendering } from '../../src/cli/commands/snapshot.ts';
import { render, type OutputFormat } from '../../src/cli/printer.ts';
import { cli, etcdctl, tempDir } from '../helpers/warden.ts';

const dir = tempDir('snapshot-crafted');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const rev = (main: number): Buffer => revKey(main);
const many = (n: number, size = 20): WriterEntry[] => Array.from({ length: n }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}`, value: Buffer.alloc(size + (i % 7), i) }));

const cases: Record<string, [WriterEntry[], WriterOptions?]> = {
  'nested buckets': [
    [
      { key: 'a', bucket: [{ key: 'sub', bucket: [{ key: 'deep', value: 'v' }, { key: 'deeper', bucket: many(50) }] }, { key: 'x', value: 'y' }] },
      { key: 'b', bucket: many(300) },
    ],
    { maxElements: 7 },
  ],
  'inline buckets': [[{ key: 'a', inline: true, bucket: [{ key: 'x', value: 'y' }] }, { key: 'b', bucket: [{ key: 'in', inline: true, bucket: many(3) }, { key: 'z', value: Buffer.alloc(10_000, 7) }] }]],
  'empty buckets': [[{ key: 'a', bucket: [] }, { key: 'b', inline: true, bucket: [] }]],
  'stored freelist with free pages': [[{ key: 'key', bucket: Array.from({ length: 200 }, (_, i) => ({ key: rev(i + 2), value: `v${i}` })) }], { storedFreelist: true, freePages: 4, maxElements: 16 }],
  'page size 1024': [[{ key: 'key', bucket: Array.from({ length: 500 }, (_, i) => ({ key: rev(i * 3 + 2), value: Buffer.alloc(100 + (i % 1500), i) })) }], { pageSize: 1024 }],
  'sha256 trailer': [[{ key: 'meta', bucket: many(40) }], { sha256Trailer: true }],
};

describe('crafted bbolt files: warden and etcdctl agree', () => {
  for (const [name, [entries, opts]] of Object.entries(cases)) {
    test(name, async () => {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.db`);
      fs.writeFileSync(file, writeBbolt(entries, opts));
      const status = await snapshotStatus(file);
      for (const format of ['json', 'simple', 'table'] as OutputFormat[]) {
        const e = await etcdctl(['snapshot', 'status', file, '-w', format]);
        assert.equal(e.code, 0, e.stderr);
        assert.equal(`${render(format, statusRendering(status))}\n`, e.stdout, `${name} -w ${format}`);
      }
    });
  }

  test('an empty database', async () => {
    const file = path.join(dir, 'empty.db');
    fs.writeFileSync(file, writeBbolt([]));
    const e = await etcdctl(['snapshot', 'status', file, '-w', 'json']);
    assert.equal(`${render('json', statusRendering(await snapshotStatus(file)))}\n`, e.stdout);
  });

  test('a stored freelist that forgets a page: both refuse the file, naming the same page', async () => {
    const db = writeBbolt([{ key: 'a', bucket: many(100) }], { storedFreelist: true, freePages: 2, maxElements: 10 });
    const lost = Number(db.readBigUInt64LE(2 * 4096 + 16 + 8));
    db.writeUInt16LE(1, 2 * 4096 + 10);
    const file = path.join(dir, 'lost-page.db');
    fs.writeFileSync(file, db);
    const [w, e] = await Promise.all([cli(['snapshot', 'status', file]), etcdctl(['snapshot', 'status', file])]);
    assert.notEqual(e.code, 0);
    assert.match(e.stderr, new RegExp(`page ${lost}: unreachable unfreed`));
    assert.notEqual(w.code, 0);
    assert.equal(w.stderr, `Error: corrupted bbolt database: page ${lost}: unreachable unfreed: use another snapshot\n`);
  });

  test('meta 0 damaged: both fall back to meta 1 (txid - 1, same tree)', async () => {
    const db = writeBbolt([{ key: 'a', bucket: many(100) }]);
    db.writeUInt8(db.readUInt8(16 + 40) ^ 0xff, 16 + 40); // meta 0's pgid, checksum not updated
    const file = path.join(dir, 'meta0.db');
    fs.writeFileSync(file, db);
    const [w, e] = await Promise.all([cli(['snapshot', 'status', file, '-w', 'json']), etcdctl(['snapshot', 'status', file, '-w', 'json'])]);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(w.stdout, e.stdout);
  });
});

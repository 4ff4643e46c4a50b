// The revision log's pure parts: its lines, a torn open segment, runs and gaps, the window
// `backup list` shows, and the entries a replay writes for each revision.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { encodeLease } from '../../src/snapshot/bbolt-append.ts';
import { decodeKeyValue } from '../../src/snapshot/inspect.ts';
import { decodeRecord, encodeRecord, groupByRevision, openSegmentName, parseSealedName, sealedSegmentName, type LogRecord } from '../../src/revlog/format.ts';
import { pruneLog } from '../../src/revlog/retention.ts';
import { logRuns } from '../../src/revlog/reader.ts';
import { replayPlan, sourceHashFor, UNKNOWN_LEASE_TTL } from '../../src/revlog/replay.ts';
import { targetRevision } from '../../src/restore/point-in-time.ts';
import { parseSegment, sealSegment, type SegmentInfo } from '../../src/revlog/store.ts';
import { recoverableWindows } from '../../src/revlog/window.ts';

const put = (key: string, value: string, createRevision: number, version: number, lease = 0n) => ({ type: 'put' as const, key: Buffer.from(key), value: Buffer.from(value), createRevision, version, lease });
const del = (key: string) => ({ type: 'delete' as const, key: Buffer.from(key) });

describe('revision log format', () => {
  it('every record reads back as written, binary keys and big lease IDs included', () => {
    const records: LogRecord[] = [
      { kind: 'revision', record: { revision: 7, time: 1_700_000_000_123, events: [put('a\0\xff', '\x00\x01binary', 3, 2, 0x7fff_ffff_ffff_fff0n), del('b')] } },
      { kind: 'mark', revision: 7, time: 1_700_000_001_000 },
      { kind: 'hash', revision: 7, hash: 4_000_000_000, compactRevision: -1 },
      { kind: 'lease', id: 0x694d_8a9c_0000_0001n, ttl: -1 },
    ];
    for (const r of records) assert.deepEqual(decodeRecord(encodeRecord(r).trimEnd()), r);
  });

  it('a sealed name holds its first and last revision and times, and sorts by revision', () => {
    const name = sealedSegmentName({ first: 42, last: 1_000_000_000_001, firstTime: Date.UTC(2026, 11, 1, 17, 5, 2, 900), lastTime: Date.UTC(2026, 11, 1, 17, 15, 0) });
    assert.equal(name, '000000000042-1000000000001_20261201T170502Z-20261201T171500Z.revlog.gz');
    assert.deepEqual(parseSealedName(name), { first: 42, last: 1_000_000_000_001, firstTime: '20261201T170502Z', lastTime: '20261201T171500Z' });
  });

  it('an open segment killed mid-line loses that line only; a sealed one with a bad line is refused by name', () => {
    const head = `${JSON.stringify({ v: 1, first: 5 })}\n`;
    const r5 = encodeRecord({ kind: 'revision', record: { revision: 5, time: 1, events: [put('k', 'v', 5, 1)] } });
    const r6 = encodeRecord({ kind: 'revision', record: { revision: 6, time: 2, events: [put('k', 'w', 5, 2)] } });
    const torn = Buffer.from(head + r5 + r6.slice(0, 10));
    const seg = parseSegment(torn, 'open-000000000005.revlog', true);
    assert.equal(seg.torn, true);
    assert.equal(seg.records.length, 1);
    assert.equal(seg.validBytes, Buffer.byteLength(head + r5));
    assert.throws(() => parseSegment(Buffer.from(`${head}${r5}{"r":6,"t":2,"e":[["x"]]}\n${r6}`), 'seg.revlog.gz', false), /segment seg\.revlog\.gz is damaged at line 3/);
    assert.throws(() => parseSegment(Buffer.from(head + r6), 'seg.revlog.gz', false), /revision 6 where 5 comes next/);
  });

  it('a watch response with several revisions is split into whole revisions, in order', () => {
    const kv = (key: string, mod: number) => ({ key: Buffer.from(key), value: Buffer.from('v'), createRevision: mod, modRevision: mod, version: 1, lease: 0n });
    const out = groupByRevision([{ type: 'put', kv: kv('a', 3) }, { type: 'put', kv: kv('b', 3) }, { type: 'delete', kv: kv('c', 4) }], 99);
    assert.deepEqual(out.map((r) => [r.revision, r.events.length]), [[3, 2], [4, 1]]);
    assert.throws(() => groupByRevision([{ type: 'put', kv: kv('a', 4) }, { type: 'put', kv: kv('b', 3) }], 1), /out of order/);
  });
});

describe('runs, gaps and the recoverable window', () => {
  const seg = (first: number, last: number, lastTime?: number): SegmentInfo => ({ name: `${first}-${last}`, path: '', sealed: true, first, last, ...(lastTime ? { lastTime } : {}) });

  it('consecutive segments are one run; a hole starts another; overlapping ones are refused', () => {
    assert.deepEqual(logRuns([seg(11, 20), seg(21, 30), seg(51, 60)]).map((r) => [r.first, r.last]), [[11, 30], [51, 60]]);
    assert.throws(() => logRuns([seg(11, 20), seg(15, 30)]), /overlap/);
  });

  it('the window reaches back to the oldest set the log continues; the revisions between runs are a gap', () => {
    const chains = [{ cluster: 'c1', dir: '', runs: logRuns([seg(11, 30, 1000), seg(51, 60, 2000)]) }];
    const sets = [
      { timestamp: 't0', clusterId: 'c1', revision: 10 },
      { timestamp: 't1', clusterId: 'c1', revision: 25 },
      { timestamp: 't2', clusterId: 'c1', revision: 50 },
      { timestamp: 'other', clusterId: 'c2', revision: 12 },
    ];
    const w = recoverableWindows(chains, sets);
    assert.deepEqual(w.windows, [
      { cluster: 'c1', from: 10, to: 30, backup: 't0', toTime: 1000 },
      { cluster: 'c1', from: 50, to: 60, backup: 't2', toTime: 2000 },
    ]);
    assert.deepEqual(w.gaps, [{ cluster: 'c1', from: 31, to: 49 }]);
    // Without the set the first run continues, it reaches nothing.
    assert.deepEqual(recoverableWindows(chains, sets.slice(1)).windows.map((x) => x.from), [25, 50]);
  });
});

describe('replay plan', () => {
  it('each event becomes the entry etcd wrote: sub-revisions in order, tombstones, the KeyValue with the revision as its mod revision', () => {
    const plan = replayPlan([
      { revision: 11, time: 0, events: [put('/a', '1', 11, 1), put('/b', '2', 11, 1), del('/c')] },
      { revision: 12, time: 0, events: [put('/a', '3', 11, 2)] },
    ], new Set(), new Map());
    assert.deepEqual(plan.change.keys.map((e) => e.key.toString('hex')), [
      '000000000000000b5f0000000000000000', '000000000000000b5f0000000000000001', '000000000000000b5f000000000000000274', '000000000000000c5f0000000000000000',
    ]);
    const a = decodeKeyValue(plan.change.keys[3]!.value);
    assert.deepEqual([a.key.toString(), a.value.toString(), a.createRevision, a.modRevision, a.version], ['/a', '3', 11, 12, 2]);
    assert.deepEqual(decodeKeyValue(plan.change.keys[2]!.value).key.toString(), '/c');
    assert.equal(plan.events, 4);
    assert.equal(plan.change.leases, undefined);
  });

  it('a lease still holding a key at the end is granted again with its recorded TTL (60 s unknown); one the snapshot holds, or no key holds any more, is not', () => {
    const plan = replayPlan([
      { revision: 11, time: 0, events: [put('/l1', 'x', 11, 1, 101n), put('/l2', 'x', 11, 1, 102n), put('/l3', 'x', 11, 1, 103n), put('/gone', 'x', 11, 1, 104n), put('/snap', 'x', 11, 1, 105n)] },
      { revision: 12, time: 0, events: [del('/gone')] },
    ], new Set([105n]), new Map([[101n, 30], [102n, -1], [104n, 9]]));
    assert.deepEqual(plan.leases, { recorded: 1, unknown: 2 });
    assert.deepEqual((plan.change.leases?.put ?? []).map((e) => [e.key.readBigUInt64BE(0), e.value]), [
      [101n, encodeLease({ id: 101n, ttl: 30 })],
      [102n, encodeLease({ id: 102n, ttl: UNKNOWN_LEASE_TTL })],
      [103n, encodeLease({ id: 103n, ttl: UNKNOWN_LEASE_TTL })],
    ]);
  });
});

describe('revision log retention', () => {
  it('removes the sealed segments seen before the oldest kept set, and a cluster folder left empty; keeps the rest and the open segment', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revlog-retain-'));
    try {
      const t = (h: number, m: number) => Date.UTC(2026, 11, 1, h, m);
      // The kept sets: 10:00 and 12:00 (a set's files: snapshot and archive of one timestamp).
      for (const ts of ['2026-12-01_100000', '2026-12-01_120000']) {
        fs.writeFileSync(path.join(dir, `snapshot_${ts}.db`), '');
        fs.writeFileSync(path.join(dir, `static_kuberesources_${ts}.tar.gz`), '');
      }
      const seg = (cluster: string, first: number, last: number, from: number, to: number): string => {
        const d = path.join(dir, 'revlog', cluster);
        fs.mkdirSync(d, { recursive: true });
        const name = sealedSegmentName({ first, last, firstTime: from, lastTime: to });
        fs.writeFileSync(path.join(d, name), '');
        fs.writeFileSync(path.join(d, `${name}.sha256`), '');
        return `${cluster}/${name}`;
      };
      const old = seg('aa', 1, 10, t(8, 0), t(9, 0)); // a cluster replaced before the oldest set
      const before = seg('bb', 11, 20, t(9, 30), t(9, 59));
      const across = seg('bb', 21, 30, t(9, 59), t(10, 30));
      const after = seg('bb', 31, 40, t(10, 30), t(11, 0));
      fs.writeFileSync(path.join(dir, 'revlog', 'bb', openSegmentName(41)), `${JSON.stringify({ v: 1, first: 41 })}\n`);
      assert.deepEqual(pruneLog(dir).sort(), [old, before].sort());
      assert.ok(!fs.existsSync(path.join(dir, 'revlog', 'aa')), 'the emptied cluster folder is gone');
      const left = fs.readdirSync(path.join(dir, 'revlog', 'bb')).sort();
      assert.deepEqual(left, [across.split('/')[1], `${across.split('/')[1]}.sha256`, after.split('/')[1], `${after.split('/')[1]}.sha256`, openSegmentName(41)].sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('point in time: which hash, which revision', () => {
  it('the source hashKV checked is the newest up to the target taken after the snapshot\'s compaction, the last recorded of equals', () => {
    const h = (revision: number, compactRevision: number, hash: number) => ({ revision, compactRevision, hash });
    const hashes = [h(100, 50, 1), h(120, 60, 2), h(120, 90, 3), h(150, 90, 4), h(90, 90, 5)];
    // From a snapshot at 100 compacted at 80: 120's older answer (compacted at 60) hashed revisions the snapshot lacks.
    assert.deepEqual(sourceHashFor(hashes, 100, 80, 140), h(120, 90, 3));
    assert.deepEqual(sourceHashFor(hashes, 100, 80, 200), h(150, 90, 4));
    assert.equal(sourceHashFor(hashes, 100, 95, 200), undefined, 'none taken after the snapshot\'s compaction: sha256 only');
    assert.equal(sourceHashFor(hashes, 130, -1, 140), undefined, 'none between the snapshot and the target');
  });

  it('a time in a stretch the recorder did not watch, or past the log\'s end, is refused; a time it watched gives its revision', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revlog-time-'));
    try {
      const chain = path.join(dir, 'revlog', 'c1');
      fs.mkdirSync(chain, { recursive: true });
      const t0 = Date.UTC(2026, 11, 1, 10, 0, 0);
      const segment = async (first: number, lines: LogRecord[]): Promise<void> => {
        const file = path.join(chain, openSegmentName(first));
        fs.writeFileSync(file, `${JSON.stringify({ v: 1, first })}\n${lines.map(encodeRecord).join('')}`);
        await sealSegment(file);
      };
      const rev = (revision: number, time: number): LogRecord => ({ kind: 'revision', record: { revision, time, events: [put('/k', String(revision), 11, revision - 10)] } });
      const mark = (revision: number, time: number): LogRecord => ({ kind: 'mark', revision, time });
      // Watched 10:00:00-10:00:05 (a write, then quiet marks each second), then not until 11:00.
      await segment(11, [rev(11, t0), mark(11, t0 + 1000), mark(11, t0 + 2000), rev(12, t0 + 2500), mark(12, t0 + 3500), mark(12, t0 + 4500)]);
      await segment(13, [rev(13, t0 + 3600_000), mark(13, t0 + 3601_000)]);
      assert.equal(targetRevision(dir, { time: new Date(t0 + 2200) }).revision, 11);
      assert.equal(targetRevision(dir, { time: new Date(t0 + 4000) }).revision, 12);
      assert.throws(() => targetRevision(dir, { time: new Date(t0 + 1800_000) }), /saw nothing from 2026-12-01T10:00:04\.500Z \(revision 12\) to 2026-12-01T10:30:00\.000Z: its recorder was not running/);
      assert.throws(() => targetRevision(dir, { time: new Date(t0 + 7200_000) }), /ends at 2026-12-01T11:00:01\.000Z \(revision 13\), before 2026-12-01T12:00:00\.000Z/);
      assert.throws(() => targetRevision(dir, { time: new Date(t0 - 1000) }), /begins after/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

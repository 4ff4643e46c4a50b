// etcd's HashKV computed from a snapshot file against what real etcd 3.4 answers: the live
// member the snapshot was taken from, and a member restored from the file, at every revision
// they can hash, on histories with compactions at several points (at the current revision, in
// the middle, after many deletes, followed by more writes, a key deleted and recreated across
// the boundary, several in a row), on an empty store, and on snapshots taken while a compaction
// was still running (crafted from a real one: etcd resumes such a compaction on restore).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../../src/errors.ts';
import { EtcdClient, op } from '../../src/etcd/client.ts';
import { dryRunRestore } from '../../src/restore/dry-run.ts';
import { BboltReader, BufferSource } from '../../src/snapshot/bbolt.ts';
import { writeBbolt, type WriterEntry } from '../../src/snapshot/bbolt-writer.ts';
import { inspectAndHashKV, restoredRevisions, snapshotHashKV } from '../../src/snapshot/hashkv.ts';
import { decodeKeyValue, inspectSnapshot } from '../../src/snapshot/inspect.ts';
import { mainRevision, snapshotStatus, StreamStatus } from '../../src/snapshot/status.ts';
import { liveEtcdPids, startSingleEtcd, type SingleEtcd } from '../helpers/single-etcd.ts';
import { tempDir } from '../helpers/warden.ts';

const dir = tempDir('snapshot-hashkv');
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(liveEtcdPids(), [], 'every etcd started here was stopped');
});

interface Member {
  etcd: SingleEtcd;
  client: EtcdClient;
}

async function member(opts: { restoreFrom?: string } = {}): Promise<Member> {
  const etcd = await startSingleEtcd(opts);
  return { etcd, client: new EtcdClient({ endpoints: [etcd.endpoint], commandTimeoutMs: 10_000 }) };
}

async function stop(m: Member): Promise<void> {
  m.client.close();
  await m.etcd.stop();
}

/** A member with `history` applied; stopped after the test. */
async function withHistory(t: { after: (fn: () => Promise<void>) => void }, history: (c: EtcdClient) => Promise<void>): Promise<Member> {
  const m = await member();
  t.after(() => stop(m));
  await history(m.client);
  return m;
}

const revisionOf = async (c: EtcdClient): Promise<number> => (await c.get('any', { countOnly: true })).header.revision;

let saved = 0;
async function save(m: Member): Promise<string> {
  const file = path.join(dir, `snap-${++saved}.db`);
  await m.etcd.etcdctl(['snapshot', 'save', file]);
  return file;
}

/**
 * The file-side HashKV equals `member`'s HashKV RPC at revision 0 and at every revision it can
 * hash; both refuse a compacted revision.
 */
async function agrees(file: string, m: Member, label: string): Promise<void> {
  const mc = m.client.member(m.etcd.endpoint);
  const live = await mc.hashKV(0);
  const mine = await snapshotHashKV(file);
  assert.deepEqual(
    { hash: mine.hash, revision: mine.revision, currentRevision: mine.currentRevision, compactRevision: mine.compactRevision },
    { hash: live.hash, revision: live.header.revision, currentRevision: live.header.revision, compactRevision: live.compactRevision },
    `${label}: HashKV(0)`,
  );
  // The dry run's single walk (inspect and HashKV sharing the live keys) gives the same.
  const both = await inspectAndHashKV(file);
  assert.deepEqual(both.hashKV, mine, `${label}: HashKV(0) in the walk shared with inspect`);
  assert.deepEqual(both.report, await inspectSnapshot(file, { verifyHash: false }), `${label}: inspect in the shared walk`);
  for (let r = Math.max(1, live.compactRevision + 1); r <= live.header.revision; r++) {
    assert.equal((await snapshotHashKV(file, r)).hash, (await mc.hashKV(r)).hash, `${label}: HashKV(${r})`);
  }
  if (live.compactRevision >= 1) {
    await assert.rejects(mc.hashKV(live.compactRevision), /compacted/, `${label}: etcd refuses the compacted revision`);
    await assert.rejects(snapshotHashKV(file, live.compactRevision), /has been compacted/, `${label}: so does the file`);
  }
  await assert.rejects(snapshotHashKV(file, live.header.revision + 1), /beyond this snapshot's current revision/);
}

/** Snapshot of `m` now: the file agrees with `m` and with a member restored from it. */
async function checkSnapshot(m: Member, label: string): Promise<string> {
  const file = await save(m);
  // etcdctl's own view of the live member, once.
  const ctl = JSON.parse(await m.etcd.etcdctl(['endpoint', 'hashkv', '-w', 'json']))[0].HashKV as { hash: number };
  assert.equal((await snapshotHashKV(file)).hash, ctl.hash, `${label}: etcdctl endpoint hashkv`);
  await agrees(file, m, `${label} (live member)`);
  // An encrypted backup reads the snapshot only as it streams into age: the stream scan alone
  // says where a member restored from it stands (where the revision log starts after it).
  const stream = new StreamStatus({ trailer: true });
  stream.update(fs.readFileSync(file));
  const streamed = stream.finish();
  assert.ok(streamed, `${label}: the stream scan vouches for the file`);
  assert.equal(restoredRevisions(streamed.revision, stream.compaction ?? {}).current, (await revisionOf(m.client)),
    `${label}: the restored revision from the stream scan is the member's revision`);
  const restored = await member({ restoreFrom: file });
  try {
    await agrees(file, restored, `${label} (restored member)`);
  } finally {
    await stop(restored);
  }
  return file;
}

const keys = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

async function putAll(c: EtcdClient, names: string[], value: string): Promise<void> {
  for (const k of names) await c.put(k, `${value}-${k}`);
}

describe('HashKV from a snapshot file equals etcd\'s', () => {
  test('an empty store (revision 1, nothing to hash but the bucket name)', async (t) => {
    const m = await withHistory(t, async () => {});
    await checkSnapshot(m, 'empty');
  });

  test('no compaction: puts, overwrites, deletes, a multi-key transaction', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 20), 'v1');
      await putAll(c, keys('/a/', 5), 'v2');
      await c.delete('/a/01', { prefix: true });
      await c.txn({ compare: [], success: [op.put('/t/x', '1'), op.put('/t/y', '2'), op.delete('/a/002')] });
    });
    await checkSnapshot(m, 'fresh');
  });

  test('compacted at the current revision (kube-apiserver on a quiet cluster)', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 20), 'v1');
      await putAll(c, keys('/a/', 8), 'v2');
      await c.delete('/a/019');
      await c.compact(await revisionOf(c), { physical: true });
    });
    await checkSnapshot(m, 'compacted at current');
  });

  test('compacted, then more writes: overwrites, deletes and new keys above the boundary', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 20), 'v1');
      await putAll(c, keys('/a/', 6), 'v2');
      await c.compact(await revisionOf(c), { physical: true });
      await putAll(c, keys('/a/', 3), 'v3');
      await c.delete('/a/015');
      await c.delete('/a/005');
      await putAll(c, keys('/b/', 4), 'v1');
    });
    await checkSnapshot(m, 'compacted then writes');
  });

  test('compacted in the middle of the history', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 15), 'v1');
      await putAll(c, keys('/a/', 5), 'v2');
      await c.delete('/a/012');
      const middle = await revisionOf(c);
      await putAll(c, keys('/a/', 4), 'v3');
      await c.delete('/a/010');
      await putAll(c, keys('/c/', 3), 'v1');
      await c.compact(middle, { physical: true });
    });
    await checkSnapshot(m, 'compacted in the middle');
  });

  test('many keys deleted, then compacted (no key left at the current revision), then writes', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/keep/', 10), 'v1');
      await putAll(c, keys('/gone/', 60), 'v1');
      for (const k of keys('/gone/', 60)) await c.delete(k);
      await c.delete('/keep/00', { prefix: true }); // one revision, sub revisions per key
      await c.compact(await revisionOf(c), { physical: true });
    });
    await checkSnapshot(m, 'deleted then compacted');
    await putAll(m.client, keys('/keep/', 3), 'v2');
    await checkSnapshot(m, 'deleted, compacted, then writes');
  });

  test('a key deleted and recreated across the compaction boundary', async (t) => {
    const m = await withHistory(t, async (c) => {
      await c.put('/x/below', '1'); // deleted and recreated below the boundary
      await c.delete('/x/below');
      await c.put('/x/below', '2');
      await c.put('/x/across', '1'); // put below, deleted and recreated above
      await c.put('/x/across', '2');
      await c.put('/x/gone', '1'); // put below, deleted above, never recreated
      await c.put('/x/dead', '1'); // deleted below, recreated above
      await c.delete('/x/dead');
      await c.compact(await revisionOf(c), { physical: true });
      await c.delete('/x/across');
      await c.put('/x/across', '3');
      await c.delete('/x/gone');
      await c.put('/x/dead', '2');
    });
    await checkSnapshot(m, 'across the boundary');
  });

  test('every key deleted after the compaction (etcd then skips nothing below it)', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 5), 'v1');
      await putAll(c, keys('/a/', 2), 'v2');
      await c.compact(await revisionOf(c), { physical: true });
      await c.delete('/a/', { prefix: true });
    });
    await checkSnapshot(m, 'all deleted after compaction');
  });

  test('several compactions with writes between (a long-lived cluster)', async (t) => {
    const m = await withHistory(t, async (c) => {
      for (let round = 0; round < 4; round++) {
        await putAll(c, keys('/a/', 12 - round * 2), `r${round}`);
        await c.delete(`/a/00${round}`);
        await putAll(c, keys(`/r${round}/`, 3), 'v');
        await c.compact((await revisionOf(c)) - 2, { physical: true });
      }
    });
    await checkSnapshot(m, 'several compactions');
  });
});

/** The entries of every top-level bucket of a snapshot, to rewrite it. */
function buckets(file: string): Map<string, { key: Buffer; value: Buffer }[]> {
  const bytes = fs.readFileSync(file);
  const reader = new BboltReader(new BufferSource(bytes), bytes.length - 32);
  const out = new Map<string, { key: Buffer; value: Buffer }[]>();
  reader.forEach(reader.rootBucket(), (name, _v, open) => {
    const entries: { key: Buffer; value: Buffer }[] = [];
    reader.forEach(open!(), (k, v) => entries.push({ key: Buffer.from(k), value: Buffer.from(v!) }));
    out.set(name.toString('latin1'), entries);
  });
  return out;
}

function writeSnapshot(file: string, all: Map<string, { key: Buffer; value: Buffer }[]>): void {
  const root: WriterEntry[] = [...all].map(([name, entries]) => ({ key: name, bucket: entries }));
  fs.writeFileSync(file, writeBbolt(root, { sha256Trailer: true }));
}

const revBytes = (main: number): Buffer => {
  const b = Buffer.alloc(17);
  b.writeBigUInt64BE(BigInt(main), 0);
  b[8] = 0x5f;
  return b;
};

/** Revisions a compaction at `at` deletes: all at or below it but the latest put of each key alive there. */
function compactedAway(entries: { key: Buffer; value: Buffer }[], at: number): Set<number> {
  const latest = new Map<string, number>();
  entries.forEach((e, i) => {
    if (mainRevision(e.key) > at) return;
    const name = decodeKeyValue(e.value).key.toString('latin1');
    if (e.key.length === 18) latest.delete(name);
    else latest.set(name, i);
  });
  const kept = new Set(latest.values());
  return new Set(entries.map((_, i) => i).filter((i) => mainRevision(entries[i]!.key) <= at && !kept.has(i)));
}

describe('a snapshot taken while a compaction ran: etcd resumes it on restore, and so does the file-side hash', () => {
  async function history(t: { after: (fn: () => Promise<void>) => void }): Promise<{ file: string; middle: number }> {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 12), 'v1');
      await putAll(c, keys('/a/', 6), 'v2');
      await c.put('/d/x', '1');
      await c.delete('/d/x');
      await c.delete('/a/003');
    });
    const middle = await revisionOf(m.client);
    await putAll(m.client, keys('/a/', 2), 'v3');
    await m.client.delete('/a/004');
    return { file: await save(m), middle };
  }

  async function restoredAgrees(file: string, label: string, expect: { compactRevision: number }): Promise<void> {
    const restored = await member({ restoreFrom: file });
    try {
      await agrees(file, restored, label);
      assert.equal((await snapshotHashKV(file)).compactRevision, expect.compactRevision, `${label}: compact revision`);
    } finally {
      await stop(restored);
    }
  }

  test('scheduled, nothing deleted yet', async (t) => {
    const { file, middle } = await history(t);
    const all = buckets(file);
    all.get('meta')!.push({ key: Buffer.from('scheduledCompactRev'), value: revBytes(middle) });
    all.get('meta')!.sort((a, b) => Buffer.compare(a.key, b.key));
    const crafted = path.join(dir, 'scheduled.db');
    writeSnapshot(crafted, all);
    await restoredAgrees(crafted, 'scheduled', { compactRevision: middle });
  });

  test('scheduled, half of its deletes saved', async (t) => {
    const { file, middle } = await history(t);
    const all = buckets(file);
    const away = [...compactedAway(all.get('key')!, middle)];
    const gone = new Set(away.filter((_, j) => j % 2 === 0));
    all.set('key', all.get('key')!.filter((_, i) => !gone.has(i)));
    all.get('meta')!.push({ key: Buffer.from('scheduledCompactRev'), value: revBytes(middle) });
    all.get('meta')!.sort((a, b) => Buffer.compare(a.key, b.key));
    const crafted = path.join(dir, 'half.db');
    writeSnapshot(crafted, all);
    await restoredAgrees(crafted, 'half compacted', { compactRevision: middle });
  });

  test('scheduled, and every key deleted since (etcd then hashes all that the compaction keeps)', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 8), 'v1');
      await putAll(c, keys('/a/', 4), 'v2');
    });
    const middle = await revisionOf(m.client);
    await m.client.delete('/a/', { prefix: true });
    const all = buckets(await save(m));
    all.get('meta')!.push({ key: Buffer.from('scheduledCompactRev'), value: revBytes(middle) });
    all.get('meta')!.sort((a, b) => Buffer.compare(a.key, b.key));
    const crafted = path.join(dir, 'scheduled-all-deleted.db');
    writeSnapshot(crafted, all);
    await restoredAgrees(crafted, 'scheduled, all deleted since', { compactRevision: middle });
  });

  test('scheduled above the revisions left (its tombstones already deleted): etcd does not resume it', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 6), 'v1');
      await putAll(c, keys('/a/', 3), 'v2');
      await c.delete('/a/', { prefix: true });
    });
    const file = await save(m);
    const top = await revisionOf(m.client);
    const all = buckets(file);
    all.set('key', all.get('key')!.filter((e) => mainRevision(e.key) < top));
    all.get('meta')!.push({ key: Buffer.from('scheduledCompactRev'), value: revBytes(top) });
    all.get('meta')!.sort((a, b) => Buffer.compare(a.key, b.key));
    const crafted = path.join(dir, 'future.db');
    writeSnapshot(crafted, all);
    await restoredAgrees(crafted, 'scheduled above the last revision', { compactRevision: -1 });
  });
});

describe('the dry run on such files', () => {
  test('a snapshot taken while a compaction ran restores: the dry run says so', async (t) => {
    const m = await withHistory(t, async (c) => {
      await putAll(c, keys('/a/', 10), 'v1');
      await putAll(c, keys('/a/', 5), 'v2');
      await c.delete('/a/009');
    });
    const middle = await revisionOf(m.client);
    await putAll(m.client, keys('/a/', 2), 'v3');
    const file = await save(m);
    const all = buckets(file);
    all.get('meta')!.push({ key: Buffer.from('scheduledCompactRev'), value: revBytes(middle) });
    all.get('meta')!.sort((a, b) => Buffer.compare(a.key, b.key));
    const crafted = path.join(dir, 'dry-run-scheduled.db');
    writeSnapshot(crafted, all);
    // The live member, once it has run the same compaction, is where the restored one must be.
    await m.client.compact(middle, { physical: true });
    const live = await m.client.member(m.etcd.endpoint).hashKV(0);
    const r = await dryRunRestore(crafted, (await snapshotStatus(crafted)).revision, () => {});
    assert.deepEqual(r, { revision: live.header.revision, compactRevision: middle, keys: 9, hashKV: live.hash, restoredWith: 'etcdctl' });
  });

  test('a snapshot etcd cannot restore (a value that is not a key-value): refused in one line', async (t) => {
    const m = await withHistory(t, async (c) => putAll(c, keys('/a/', 5), 'v1'));
    const all = buckets(await save(m));
    const entries = all.get('key')!;
    entries[2] = { key: entries[2]!.key, value: Buffer.from([0x0a, 0x7f, 0x01]) };
    const crafted = path.join(dir, 'dry-run-bad-value.db');
    writeSnapshot(crafted, all);
    await assert.rejects(dryRunRestore(crafted, (await snapshotStatus(crafted)).revision, () => {}), (err: Error) => {
      assert.ok(err instanceof WardenError, String(err));
      assert.doesNotMatch(err.message, /\n/);
      assert.match(err.message, /cannot be restored: .*not an etcd key-value.*use another backup set$|snapshot restore failed/);
      return true;
    });
  });
});

describe('the dry run on a snapshot etcd restores but cannot start from', () => {
  test('an alarm etcd cannot decode: refused when etcd exits, with its own words (not after waiting 30 s for it to serve)', async (t) => {
    const m = await withHistory(t, async (c) => putAll(c, keys('/a/', 3), 'v1'));
    const all = buckets(await save(m));
    // etcdctl snapshot restore leaves the alarm bucket alone; etcd reads it when it starts.
    all.set('alarm', [{ key: Buffer.from([0x0a, 0x7f]), value: Buffer.alloc(0) }]);
    const crafted = path.join(dir, 'dry-run-bad-alarm.db');
    writeSnapshot(crafted, all);
    await assert.rejects(dryRunRestore(crafted, (await snapshotStatus(crafted)).revision, () => {}), (err: Error) => {
      assert.ok(err instanceof WardenError, String(err));
      assert.match(err.message, /^etcd could not start from the restored snapshot \(exit .*\): do not restore this set$/, err.message);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  });
});

// The file-side HashKV's bookkeeping, over random histories: HashKVBuilder (one running CRC, the
// entries left out below the compact revision cut out afterwards) must equal the CRC-32C of the
// plain concatenation of the entries etcd's rule keeps; and where a restored member stands.
// (That the rule is etcd's is checked against real members in test/integration/snapshot-hashkv.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { revKey } from '../../src/snapshot/bbolt-writer.ts';
import { crc32c } from '../../src/snapshot/crc32c.ts';
import { HashKVBuilder, restoredRevisions } from '../../src/snapshot/hashkv.ts';

interface Entry {
  key: Buffer;
  value: Buffer;
  name: string;
  main: number;
  tombstone: boolean;
}

/** mvccpb.KeyValue with the key (field 1) and, for a put, a value (field 5). */
function keyValue(name: string, value?: Buffer): Buffer {
  const k = Buffer.from(name);
  return Buffer.concat([Buffer.from([0x0a, k.length]), k, ...(value ? [Buffer.from([0x2a, value.length]), value] : [])]);
}

/** A seeded random history of puts and deletes over a few keys, one or more per revision. */
function history(seed: number, revisions: number): Entry[] {
  let x = seed;
  const rnd = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  const alive = new Set<string>();
  const out: Entry[] = [];
  for (let main = 2; main <= revisions; main++) {
    const ops = 1 + (rnd(4) === 0 ? rnd(3) : 0);
    const used = new Set<string>();
    for (let sub = 0; sub < ops; sub++) {
      const name = `/k/${rnd(6)}`;
      if (used.has(name)) continue;
      used.add(name);
      const del = alive.has(name) && rnd(3) === 0;
      if (del) alive.delete(name);
      else alive.add(name);
      out.push({ key: revKey(main, sub, del), value: keyValue(name, del ? undefined : Buffer.alloc(rnd(40), main)), name, main, tombstone: del });
    }
  }
  return out;
}

/** Latest put at or below `at` of each key alive there, as entry indexes. */
function keepAt(entries: Entry[], at: number): Set<number> {
  const latest = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.main > at) return;
    if (e.tombstone) latest.delete(e.name);
    else latest.set(e.name, i);
  });
  return new Set(latest.values());
}

/** The rule, applied the plain way: filter, concatenate, hash. */
function reference(entries: Entry[], revision: number, compact: number, resumed?: number): number {
  const keptByCompaction = resumed !== undefined ? keepAt(entries, resumed) : undefined;
  const present = entries.filter((e, i) => !keptByCompaction || e.main > compact || keptByCompaction.has(i));
  const keep = keepAt(present, revision);
  const parts: Buffer[] = [Buffer.from('key')];
  present.forEach((e, i) => {
    if (e.main > revision) return;
    if (e.main <= compact && keep.size > 0 && !keep.has(i)) return;
    parts.push(e.key, e.value);
  });
  return crc32c(0, Buffer.concat(parts));
}

function built(entries: Entry[], revision: number, compact: number, resumed?: number): number {
  const b = new HashKVBuilder(revision, compact, resumed);
  for (const e of entries) b.add(e.key, e.value);
  return b.digest();
}

/** The same with the live keys kept by the caller after each add, as `snapshot inspect`'s walk does in a dry run. */
function builtShared(entries: Entry[], revision: number, compact: number, resumed?: number): number {
  const live = new Map<string, number>();
  const b = new HashKVBuilder(revision, compact, resumed, live);
  entries.forEach((e, i) => {
    b.add(e.key, e.value, e.name);
    if (e.tombstone) live.delete(e.name);
    else live.set(e.name, i);
  });
  return b.digest();
}

describe('HashKVBuilder', () => {
  test('equals the plain concatenation of what etcd keeps, over random histories and boundaries', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const all = history(seed, 60);
      for (const compact of [-1, 5, 20, 37, 59, 60]) {
        // What a finished compaction leaves in the file.
        const kept = compact > 0 ? keepAt(all, compact) : new Set<number>();
        const file = all.filter((e, i) => compact < 0 || e.main > compact || kept.has(i));
        for (const revision of [Math.max(compact + 1, 2), 45, 60].filter((r) => r > compact && r <= 60)) {
          assert.equal(built(file, revision, compact), reference(file, revision, compact), `seed ${seed}, compacted at ${compact}, at ${revision}`);
        }
        const last = file.at(-1)?.main ?? 0;
        if (last > compact) assert.equal(builtShared(file, last, compact), reference(file, last, compact), `seed ${seed}, compacted at ${compact}, live keys shared`);
      }
      for (const resumed of [10, 30, 50]) {
        // A compaction scheduled at `resumed`, not run yet: the file still holds everything.
        assert.equal(built(all, 60, resumed, resumed), reference(all, 60, resumed, resumed), `seed ${seed}, resuming ${resumed}`);
        assert.equal(builtShared(all, 60, resumed, resumed), reference(all, 60, resumed, resumed), `seed ${seed}, resuming ${resumed}, live keys shared`);
      }
    }
  });

  test('no key alive at the revision: nothing below the boundary is skipped', () => {
    const e = (main: number, name: string, del = false): Entry => ({ key: revKey(main, 0, del), value: keyValue(name, del ? undefined : Buffer.from('v')), name, main, tombstone: del });
    // Compacted at 3 (a@2 and b@3 kept), both deleted above: keep(5) is empty, so a@2 and b@3 count.
    const file = [e(2, 'a'), e(3, 'b'), e(4, 'a', true), e(5, 'b', true)];
    assert.equal(built(file, 5, 3), crc32c(0, Buffer.concat([Buffer.from('key'), ...file.flatMap((x) => [x.key, x.value])])));
    // With b still alive, a@2 (no longer a latest put) is left out.
    const alive = file.slice(0, 3);
    assert.equal(built(alive, 4, 3), crc32c(0, Buffer.concat([Buffer.from('key'), ...alive.slice(1).flatMap((x) => [x.key, x.value])])));
  });

  test('a value that is not a key-value is refused in one line', () => {
    const b = new HashKVBuilder(10, -1);
    assert.throws(() => b.add(revKey(2), Buffer.from([0x0a, 0x7f, 0x01])), /^WardenError: the key bucket's value at revision 2 is not an etcd key-value .*: etcd cannot restore this snapshot; use another backup set$/);
    assert.throws(() => b.add(Buffer.from('short'), Buffer.alloc(0)), /5-byte key, not a revision/);
  });
});

describe('where a member restored from a snapshot stands', () => {
  test('empty: revision 1, never compacted', () => {
    assert.deepEqual(restoredRevisions(0, {}), { current: 1, compact: -1 });
  });
  test('a compaction right after deletes: the current revision is the compact revision', () => {
    assert.deepEqual(restoredRevisions(17, { finished: 39, scheduled: 39 }), { current: 39, compact: 39 });
  });
  test('an unfinished compaction is resumed, unless it lies beyond the current revision', () => {
    assert.deepEqual(restoredRevisions(50, { finished: 10, scheduled: 30 }), { current: 50, compact: 30, resumed: 30 });
    assert.deepEqual(restoredRevisions(50, { scheduled: 50 }), { current: 50, compact: 50, resumed: 50 });
    assert.deepEqual(restoredRevisions(45, { finished: 10, scheduled: 50 }), { current: 45, compact: 10 });
  });
});

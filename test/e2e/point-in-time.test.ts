// Point-in-time recovery end to end: the operator records the revision log beside its backups;
// a bad change is made; `warden restore DIR --to-revision N` (and `--to-time`) brings the
// 3-member cluster back to exactly what `etcdctl get --rev N` showed before, checked against
// the source's hashKV; the log goes on for the restored cluster (a new cluster ID) after a new
// full snapshot.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { logChains } from '../../src/revlog/reader.ts';
import { assertOneErrorLine, Background, etcdctl, startCluster, tempDir, waitUntil, type TestCluster, revisionNow } from '../helpers/warden.ts';

interface JsonKv { key: string; value: string; create_revision: number; mod_revision: number; version: number; lease?: number }

/** Every key at `rev` (0: now) with its revisions, version and lease, as etcdctl prints them. */
async function keysAt(c: TestCluster, rev = 0): Promise<JsonKv[]> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', '', '--prefix', '-w', 'json', ...(rev ? ['--rev', String(rev)] : [])]);
  assert.equal(r.code, 0, r.stderr);
  return ((JSON.parse(r.stdout) as { kvs?: JsonKv[] }).kvs ?? []).map(({ key, value, create_revision, mod_revision, version, lease }) => ({ key, value, create_revision, mod_revision, version, ...(lease ? { lease } : {}) }));
}

const name = (k: JsonKv): string => Buffer.from(k.key, 'base64').toString();
const appKeys = (kvs: JsonKv[]): JsonKv[] => kvs.filter((k) => name(k).startsWith('/app/'));


/** The last revision the log holds durably, over all of its clusters. */
function logEnd(dir: string): number {
  return Math.max(0, ...logChains(path.join(dir, 'revlog')).flatMap((c) => c.runs.map((r) => r.last)));
}

describe('point-in-time restore', () => {
  it('to just before a bad change, by revision and by time: every key as it was, checked against the source; the log goes on after', async (t) => {
    const c = await startCluster(t);
    const dir = path.join(tempDir('pitr'), 'backups');
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-dir', dir, '--revision-log'], {
      WARDEN_REVLOG_TUNING: JSON.stringify({ segmentBytes: 2048, flushMs: 50, markMs: 200, hashMs: 1000 }),
    });
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/revision log: starting after backup \S+ at revision \d+/);
    const eps = await c.endpoints();
    // Overwrites and a key on a lease.
    for (let i = 0; i < 40; i++) assert.equal((await etcdctl(['--endpoints', eps, 'put', `/app/${i % 25}`, `v${i}`])).code, 0);
    const lease = /lease ([0-9a-f]+) granted/.exec((await etcdctl(['--endpoints', eps, 'lease', 'grant', '3600'])).stdout)?.[1];
    assert.ok(lease);
    assert.equal((await etcdctl(['--endpoints', eps, 'put', '/app/leased', 'x', '--lease', lease])).code, 0);
    const good = await revisionNow(c);
    const before = await keysAt(c, good);
    await waitUntil('the log to hold the good revision', () => logEnd(dir) >= good);
    const goodTime = new Date();

    // The bad change, and more after it.
    assert.equal((await etcdctl(['--endpoints', eps, 'del', '/app/', '--prefix'])).code, 0);
    for (let i = 0; i < 10; i++) assert.equal((await etcdctl(['--endpoints', eps, 'put', `/after/${i}`, 'x'])).code, 0);
    const end = await revisionNow(c);
    await waitUntil('the log to hold the last revision', () => logEnd(dir) >= end);
    const list = await c.run(['backup', 'list', dir]);
    const window = /cluster [0-9a-f]+: revisions (\d+) to (\d+) \(.*\), from backup \S+/.exec(list.stdout);
    assert.ok(window && Number(window[1]) < good && Number(window[2]) >= end, `backup list shows the window:\n${list.stdout}`);

    // One changed byte in a sealed segment: refused with one line naming it, before anything stops.
    const chainDir = logChains(path.join(dir, 'revlog'))[0]!.dir;
    const victim = path.join(chainDir, fs.readdirSync(chainDir).filter((f) => f.endsWith('.revlog.gz')).sort()[0]!);
    const original = fs.readFileSync(victim);
    const changed = Buffer.from(original);
    changed[changed.length - 10] = (changed[changed.length - 10] as number) ^ 1;
    fs.writeFileSync(victim, changed);
    const refused = await c.run(['restore', dir, '--to-revision', String(good)]);
    assertOneErrorLine(refused, new RegExp(`^Error: revision log segment ${path.basename(victim).replace(/\./g, '\\.')} does not match its sha256`));
    assert.equal((await keysAt(c)).filter((k) => name(k).startsWith('/after/')).length, 10, 'nothing was changed');
    fs.writeFileSync(victim, original);

    const r = await c.run(['restore', dir, '--to-revision', String(good), '--bump-revision', '5000']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /replayed \d+ revisions \(\d+ changes\) from \d+ log segments/);
    assert.match(r.stderr, /hashKV at revision \d+ matches the source/);
    assert.match(r.stdout, new RegExp(`\\(revision ${good}\\) into 3 members`));
    // The application's keys as `get --rev` showed them at the good revision (warden's own keys
    // move on: the restore records its own state).
    assert.deepEqual(appKeys(await keysAt(c)), appKeys(before), 'every key as it was at the good revision');
    assert.equal((await keysAt(c)).filter((k) => name(k).startsWith('/after/')).length, 0, 'nothing after it');
    // Bumped (as asked) and marked compacted: a reader of an old revision is told to re-list.
    assert.match(r.stderr, /bumped the revision by 5000 and marked it compacted \(as asked\)/);
    const old = await etcdctl(['--endpoints', await c.endpoints(), 'get', '/app/1', '--rev', String(good)]);
    assert.match(old.stderr, /required revision has been compacted/);
    assert.ok((await revisionNow(c)) > good + 5000);

    // The operator's log goes on for the restored cluster, after a new full snapshot.
    await waitUntil('two clusters in the log', () => logChains(path.join(dir, 'revlog')).length === 2 || undefined, 60_000);
    // The old cluster's log ends sealed (kept, shipped and pruned like the rest).
    const oldChain = logChains(path.join(dir, 'revlog')).find((x) => x.dir === chainDir)!;
    await waitUntil('the old cluster\'s open segment sealed', () => !fs.readdirSync(oldChain.dir).some((f) => f.startsWith('open-')) || undefined);
    op.kill('SIGTERM');
    await op.exited();

    // A time the log has not reached (the operator stopped): refused, nothing changed.
    const later = await c.run(['restore', dir, '--to-time', new Date(Date.now() + 60_000).toISOString()]);
    assertOneErrorLine(later, /^Error: the revision log of cluster [0-9a-f]+ ends at \S+ \(revision \d+\), before \S+: changes after that were not recorded; restore to revision \d+ with --to-revision if that is what you want$/);

    // By time: the same state.
    const byTime = await c.run(['restore', dir, '--to-time', goodTime.toISOString()]);
    assert.equal(byTime.code, 0, byTime.stderr);
    assert.match(byTime.stderr, new RegExp(`falls on revision ${good} `));
    assert.deepEqual(appKeys(await keysAt(c)), appKeys(before));
  });
});

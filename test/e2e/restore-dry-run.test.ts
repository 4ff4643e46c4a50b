// `restore --dry-run` says "would succeed" exactly when the real restore does: sets of compacted
// clusters (kube-apiserver compacts every 5 minutes, so on a quiet cluster the backup is taken at
// the compact revision), of an empty cluster and of a long-lived cluster (compacted right after
// many deletes, restored, written to again). Each dry run passes, then the real restore of the
// same set succeeds and every member serves, at the revision the dry run announced, its hashKV and
// key count (the restore's own audit entry is written after it, one revision later).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EtcdClient } from '../../src/etcd/client.ts';
import { startSingleEtcd } from '../helpers/single-etcd.ts';
import { etcdctl, startCluster, tempDir, waitUntil, type TestCluster } from '../helpers/warden.ts';

async function revision(c: TestCluster): Promise<number> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'endpoint', 'status', '-w', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return Math.max(...(JSON.parse(r.stdout) as { Status: { header: { revision: number } } }[]).map((s) => s.Status.header.revision));
}

async function ctl(c: TestCluster, args: string[]): Promise<string> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), ...args]);
  assert.equal(r.code, 0, `etcdctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Writes through a client of its own (hundreds of etcdctl processes would load the machine). */
async function putKeys(c: TestCluster, prefix: string, n: number, value: string): Promise<void> {
  const client = new EtcdClient({ endpoints: (await c.endpoints()).split(','), commandTimeoutMs: 30_000 });
  try {
    for (let i = 0; i < n; i += 40) {
      await Promise.all(Array.from({ length: Math.min(40, n - i) }, (_, j) => client.put(`${prefix}${String(i + j).padStart(4, '0')}`, `${value}-${i + j}`)));
    }
  } finally {
    client.close();
  }
}

async function backup(c: TestCluster, name: string): Promise<string> {
  const dir = path.join(tempDir(name), 'b');
  const r = await c.run(['backup', dir]);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

/** The same bump for the dry run and the real restore (the default follows the cluster's revision, which moves). */
const BUMP = 1000;

interface DryRun {
  revision: number;
  compactRevision: number;
  keys: number;
  hashKV: number;
}

async function dryRun(c: TestCluster, dir: string): Promise<DryRun> {
  const json = await c.run(['restore', dir, '--dry-run', '--bump-revision', String(BUMP), '-w', 'json']);
  assert.equal(json.code, 0, `the dry run refused a good set: ${json.stderr}`);
  return JSON.parse(json.stdout) as DryRun;
}

/** Keys in the cluster (at revision `rev`, or now). */
async function keyCount(c: TestCluster, rev?: number): Promise<number> {
  return (JSON.parse(await ctl(c, ['get', '', '--prefix', '--keys-only', '-w', 'json', ...(rev ? ['--rev', String(rev)] : [])])) as { count?: number }).count ?? 0;
}

/**
 * The real restore succeeds, its members agreeing on the revision and hashKV the dry run
 * announced (measured by the restore before it records itself in the audit trail, one revision
 * later); etcd itself then shows every member alike and the dry run's key count at its revision.
 */
async function restoreMatches(c: TestCluster, dir: string, dry: DryRun): Promise<void> {
  const r = await c.run(['restore', dir, '--bump-revision', String(BUMP)]);
  assert.equal(r.code, 0, `the real restore failed: ${r.stderr}`);
  const agreed = /all \d+ members agree: revision (\d+), hashKV (\d+)/.exec(r.stderr);
  assert.ok(agreed, r.stderr);
  assert.deepEqual({ revision: Number(agreed[1]), hash: Number(agreed[2]) }, { revision: dry.revision, hash: dry.hashKV }, 'the restored members, as the restore measured them');
  // A follower may apply the restore's audit entry a moment after the others.
  let now = new Set<string>();
  await waitUntil('every member alike after the restore', async () => {
    now = new Set<string>();
    for (const m of await c.status()) {
      const out = await etcdctl(['--endpoints', m.clientURL, 'endpoint', 'hashkv', '-w', 'json']);
      assert.equal(out.code, 0, out.stderr);
      const h = (JSON.parse(out.stdout) as { HashKV: { header: { revision: number }; hash: number; compact_revision: number } }[])[0]!.HashKV;
      assert.equal(h.compact_revision, dry.compactRevision, `member ${m.name}'s compact revision`);
      now.add(`${h.header.revision}/${h.hash}`);
    }
    return now.size === 1;
  }, 20_000).catch(() => assert.fail(`the members differ after the restore: ${[...now].join(', ')}`));
  assert.equal(await keyCount(c, dry.revision), dry.keys);
}

describe('restore --dry-run agrees with the real restore', () => {
  it('a set taken at its compact revision (etcdctl compact <current revision>)', async (t) => {
    const c = await startCluster(t);
    await putKeys(c, '/oracle/', 60, 'v1');
    await putKeys(c, '/oracle/', 20, 'v2');
    await ctl(c, ['del', '/oracle/0007']);
    const rev = await revision(c);
    await ctl(c, ['compact', String(rev)]);
    const keys = await keyCount(c); // 59 under /oracle/, and warden's audit entries
    const dir = await backup(c, 'compacted');
    const simple = await c.run(['restore', dir, '--dry-run']);
    assert.equal(simple.code, 0, `the dry run refused a good set: ${simple.stderr}`);
    assert.match(simple.stdout.trim(), /^dry run of backup .*: OK: a member restored from it serves revision \d+, \d+ keys, hashKV \d+ \(matches the snapshot\); nothing else was touched$/);
    const dry = await dryRun(c, dir);
    // The restore bumps the revision and marks it compacted: the dry run rehearses that.
    assert.deepEqual([dry.revision, dry.compactRevision, dry.keys], [rev + BUMP, rev + BUMP, keys]);
    await restoreMatches(c, dir, dry);
  });

  it('a backup of an empty cluster', async (t) => {
    // A cluster warden did not make (`cluster up` records itself in the audit trail): nothing written.
    const empty = await startSingleEtcd();
    t.after(() => empty.stop());
    const status = JSON.parse(await empty.etcdctl(['endpoint', 'status', '-w', 'json'])) as { Status: { header: { revision: number } } }[];
    assert.equal(status[0]!.Status.header.revision, 1, 'nothing was written');
    const c = await startCluster(t);
    const dir = path.join(tempDir('empty'), 'b');
    const b = await c.run(['--endpoints', empty.endpoint, 'backup', dir]);
    assert.equal(b.code, 0, b.stderr);
    const dry = await dryRun(c, dir);
    assert.deepEqual([dry.revision, dry.compactRevision, dry.keys], [1 + BUMP, 1 + BUMP, 0]);
    await restoreMatches(c, dir, dry);
  });

  it('a long-lived cluster: 200 keys deleted then compacted, restored, written to again', async (t) => {
    const c = await startCluster(t);
    await putKeys(c, '/keep/', 50, 'v1');
    await putKeys(c, '/gone/', 200, 'v1');
    await putKeys(c, '/keep/', 10, 'v2');
    await ctl(c, ['del', '--prefix', '/gone/']);
    await ctl(c, ['compact', String(await revision(c))]);
    const first = await backup(c, 'long-lived-1');
    const restored = await c.run(['restore', first]);
    assert.equal(restored.code, 0, restored.stderr);
    await putKeys(c, '/keep/', 5, 'v3');
    await ctl(c, ['del', '/keep/0040']);
    await putKeys(c, '/new/', 10, 'v1');
    const keys = await keyCount(c); // 59 under /keep/ and /new/, and warden's audit entries
    const second = await backup(c, 'long-lived-2');
    const dry = await dryRun(c, second);
    assert.equal(dry.keys, keys);
    await restoreMatches(c, second, dry);
  });
});

// `snapshot inspect` on real etcd snapshots: a member added and removed is listed as removed,
// not as a member; after a restore (etcd 3.4's snapshot restore keeps the replaced cluster's
// entries in the members bucket) the recorded members that share a peer URL are shown apart,
// with how many members the cluster can have had.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { etcdctl, startCluster, tempDir, waitUntil, type TestCluster } from '../helpers/warden.ts';

interface InspectJson {
  members: { hexID: string; name: string; peerURLs: string[] }[];
  removedMembers: string[];
  sharedPeerURLs: { peerURLs: string[]; hexIDs: string[] }[];
  currentMembersAtMost: number;
}

async function memberIDs(c: TestCluster): Promise<string[]> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'member', 'list']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => l.split(',')[0] as string);
}

/** Adds a learner (etcd refuses until the cluster has been connected for 5 s) and removes it; its hex ID. */
async function addAndRemoveLearner(c: TestCluster): Promise<string> {
  const endpoints = await c.endpoints();
  const added = await waitUntil('etcd to accept a new learner', async () => {
    const r = await etcdctl(['--endpoints', endpoints, 'member', 'add', 'temp', '--peer-urls=http://127.0.0.1:1', '--learner']);
    return r.code === 0 ? r.stdout : undefined;
  });
  // etcdctl prints the ID with %16x: one with a leading zero digit comes space-padded.
  const id = /Member\s+([0-9a-f]+) added/.exec(added)?.[1];
  assert.ok(id, added);
  const rm = await etcdctl(['--endpoints', endpoints, 'member', 'remove', id]);
  assert.equal(rm.code, 0, rm.stderr);
  return id;
}

async function backupAndInspect(c: TestCluster): Promise<{ json: InspectJson; text: string }> {
  const dir = tempDir('backup');
  const b = await c.run(['backup', dir]);
  assert.equal(b.code, 0, b.stderr);
  const file = path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('snapshot_') && f.endsWith('.db')) as string);
  const j = await c.run(['snapshot', 'inspect', file, '-w', 'json']);
  assert.equal(j.code, 0, j.stderr);
  const t = await c.run(['snapshot', 'inspect', file]);
  assert.equal(t.code, 0, t.stderr);
  return { json: JSON.parse(j.stdout) as InspectJson, text: t.stdout };
}

describe('snapshot inspect: members', () => {
  it('removed members apart from current ones, also after a restore kept the old cluster\'s entries', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const removed = await addAndRemoveLearner(c);
    const [first] = await memberIDs(c);

    const before = await backupAndInspect(c);
    assert.deepEqual(before.json.members.map((m) => m.hexID), [first]);
    assert.deepEqual(before.json.removedMembers, [removed]);
    assert.deepEqual(before.json.sharedPeerURLs, []);
    assert.match(before.text, /^members: 1$/m);
    assert.match(before.text, new RegExp(`^removed members: 1 \\(${removed}\\)$`, 'm'));

    // A restore gives the member a new ID; etcd 3.4 keeps the old one's entry beside it.
    const dir = tempDir('set');
    assert.equal((await c.run(['backup', dir])).code, 0);
    const restore = await c.run(['restore', dir]);
    assert.equal(restore.code, 0, restore.stderr);
    const [now] = await memberIDs(c);
    assert.notEqual(now, first);

    const after = await backupAndInspect(c);
    assert.deepEqual(after.json.members.map((m) => m.hexID).sort(), [first, now].sort());
    assert.deepEqual(after.json.removedMembers, [removed]);
    assert.equal(after.json.sharedPeerURLs.length, 1);
    assert.deepEqual([...(after.json.sharedPeerURLs[0]?.hexIDs ?? [])].sort(), [first, now].sort());
    assert.equal(after.json.currentMembersAtMost, 1);
    assert.match(after.text, /^members: at most 1 current, 2 recorded: a restore left the replaced clusters' entries/m);
    assert.match(after.text, new RegExp(`^  ${now}, etcd-1, .* \\(shares its peer URL with ${first}\\)$`, 'm'));
    assert.match(after.text, new RegExp(`^removed members: 1 \\(${removed}\\)$`, 'm'));
  });
});

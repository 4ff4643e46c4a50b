// `warden member replace` on the local cluster (the runbook "replace an unhealthy etcd member"):
// the member comes back with an empty data dir, its old one kept aside; refused with one line
// when removing it would lose quorum. Across agents: test/e2e/agents.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { quorumAfterRemoval } from '../../src/restore/replace.ts';
import { startCluster } from '../helpers/warden.ts';

describe('member replace', () => {
  it('quorum after a removal (pure): 3 members tolerate replacing one while the other two are healthy', () => {
    assert.equal(quorumAfterRemoval(3, 2, 'etcd-2'), undefined);
    assert.equal(quorumAfterRemoval(5, 3, 'etcd-5'), undefined);
    assert.match(quorumAfterRemoval(3, 1, 'etcd-2') ?? '', /^removing etcd-2 would leave 1 healthy of 2 members, below their quorum of 2: /);
    assert.match(quorumAfterRemoval(1, 0, 'etcd-1') ?? '', /^removing etcd-1 would leave 0 healthy of 0 members/);
  });

  it('on the local cluster: a member whose data dir is broken comes back empty and catches up; refused while quorum would be lost', async (t) => {
    const c = await startCluster(t, ['--members', '3']);
    assert.equal((await c.run(['put', '/replace/a', 'kept'])).code, 0);
    assert.equal((await c.run(['cluster', 'stop-member', 'etcd-2'])).code, 0);
    assert.equal((await c.run(['cluster', 'stop-member', 'etcd-3'])).code, 0);
    const refused = await c.run(['member', 'replace', 'etcd-2']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr.trim(), /^Error: nothing was changed: removing etcd-2 would leave 0 healthy of 2 members, below their quorum of 2: bring the other members back first, or recover with `warden quorum restore`$/);
    assert.deepEqual(c.movedAside(), []);
    assert.equal((await c.run(['cluster', 'start-member', 'etcd-3'])).code, 0);

    // etcd-2's data is corrupted: it cannot start any more.
    fs.writeFileSync(`${c.stateDir}/agents/etcd-2/members/etcd-2/member/snap/db`, 'not a bbolt file');
    const res = await c.run(['member', 'replace', 'etcd-2']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^replaced member etcd-2 on 127\.0\.0\.1:\d+: 3 healthy members agree at revision \d+ \(hashKV \d+\)$/m);
    assert.match(res.stdout, /^its old data dir is kept at .*\/moved-aside\/[^/]+\/etcd-2$/m);
    assert.equal((await c.run(['get', '/replace/a', '--print-value-only'])).stdout.trim(), 'kept');
    assert.match((await c.run(['status'])).stdout, /^Cluster: 3 of 3 members healthy/m);
    const rows = await c.status();
    assert.deepEqual(rows.map((r) => r.state), ['running', 'running', 'running']);
  });
});

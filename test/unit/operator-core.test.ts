import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextCondition } from '../../src/operator/conditions.ts';
import type { MemberView } from '../../src/defrag/policy.ts';
import { clusterVerdict, healthCondition } from '../../src/operator/health.ts';
import { alarmLines, clusterLine } from '../../src/cli/commands/status.ts';

function view(name: string, over: Partial<MemberView> = {}): MemberView {
  return { id: BigInt(`0x${name.replace(/\D/g, '') || '1'}00aa`), name, endpoint: `http://127.0.0.1:2${name.replace(/\D/g, '')}379`, isLeader: false, isLearner: false, dbSize: 1, dbSizeInUse: 1, raftAppliedIndex: 1, healthy: true, ...over };
}

/** A member added to the member list but never started: no name, no client URL. */
function unstarted(id: bigint, peerURL: string, isLearner: boolean): MemberView {
  return { id, name: '', endpoint: '', peerURL, isLeader: false, isLearner, dbSize: 0, dbSizeInUse: 0, raftAppliedIndex: 0, healthy: false, error: 'not started' };
}

describe('conditions', () => {
  it('keeps lastTransitionTime while the status stays, and moves it when the status changes', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t1 = new Date('2026-01-01T00:05:00Z');
    const a = nextCondition(undefined, { type: 'X', status: 'True', reason: 'R', message: 'm' }, t0);
    const b = nextCondition(a, { type: 'X', status: 'True', reason: 'R2', message: 'm2' }, t1);
    assert.equal(b.lastTransitionTime, t0.toISOString());
    const c = nextCondition(b, { type: 'X', status: 'False', reason: 'R3', message: 'm3' }, t1);
    assert.equal(c.lastTransitionTime, t1.toISOString());
  });

  it('tells a lost member with quorum kept from lost quorum', () => {
    const all = clusterVerdict([view('etcd-1', { isLeader: true }), view('etcd-2'), view('etcd-3')]);
    assert.deepEqual(healthCondition(all), { type: 'ClusterHealthy', status: 'True', reason: 'AllMembersHealthy', message: '3 of 3 members healthy, quorum 2 kept' });
    const one = healthCondition(clusterVerdict([view('etcd-1', { isLeader: true }), view('etcd-2', { healthy: false, error: 'refused' }), view('etcd-3')]));
    assert.equal(one.reason, 'MembersUnhealthy');
    assert.equal(one.message, '2 of 3 members healthy, quorum 2 kept; unhealthy: etcd-2 (refused)');
    const two = healthCondition(clusterVerdict([view('a', { healthy: false, error: 'x' }), view('b', { healthy: false, error: 'x' }), view('c')]));
    assert.equal(two.reason, 'QuorumLost');
    assert.equal(two.message, '1 of 3 members healthy, quorum 2 LOST: run `warden quorum restore`; unhealthy: a (x), b (x)');
  });

  it('one verdict for `warden status` and ClusterHealthy: a member that never started counts, shown by its ID and peer URL', () => {
    const members = [view('etcd-1', { isLeader: true }), view('etcd-2'), view('etcd-3'), unstarted(0x8e9e05c52164694dn, 'http://127.0.0.1:23800', true)];
    const v = clusterVerdict(members);
    assert.equal(v.members, 4);
    assert.equal(v.healthy, 3);
    assert.equal(v.quorum, 2, 'learners do not vote');
    assert.equal(v.quorumKept, true);
    const cond = healthCondition(v);
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'MembersUnhealthy');
    assert.equal(cond.message, '3 of 4 members healthy, quorum 2 kept; unhealthy: 8e9e05c52164694d (learner, not started; peer URL http://127.0.0.1:23800)');
    assert.equal(clusterLine(v), 'Cluster: 3 of 4 members healthy, quorum 2 kept; leader etcd-1 (100aa); unhealthy: 8e9e05c52164694d (learner, not started; peer URL http://127.0.0.1:23800)');
    // A voting member that never started counts for quorum too.
    const voter = clusterVerdict([view('etcd-1', { isLeader: true }), unstarted(0xabcn, 'http://127.0.0.1:23900', false)]);
    assert.equal(voter.quorum, 2);
    assert.equal(voter.quorumKept, false);
    assert.equal(healthCondition(voter).message, '1 of 2 members healthy, quorum 2 LOST: run `warden quorum restore`; unhealthy: abc (not started; peer URL http://127.0.0.1:23900)');
  });
});

describe('status: alarms', () => {
  const members = [{ ID: 0x2dc5ca3ffd54fdecn, name: 'etcd-1' }, { ID: 0x126282975fbb9da6n, name: 'etcd-2' }, { ID: 0x77n, name: '' }];
  it('names the members under each active alarm and says what to do', () => {
    assert.deepEqual(alarmLines([], members), []);
    assert.deepEqual(alarmLines([{ memberID: 0x2dc5ca3ffd54fdecn, alarm: 'NOSPACE' }, { memberID: 0x126282975fbb9da6n, alarm: 'NOSPACE' }], members), [
      'Alarms: NOSPACE on etcd-1 (2dc5ca3ffd54fdec), etcd-2 (126282975fbb9da6): etcd refuses every write until the space is recovered: run `warden space recover`',
    ]);
    assert.deepEqual(alarmLines([{ memberID: 0x77n, alarm: 'CORRUPT' }, { memberID: 0x99n, alarm: 'NOSPACE' }], members), [
      'Alarms: NOSPACE on 99 (not in the member list): etcd refuses every write until the space is recovered: run `warden space recover`',
      "Alarms: CORRUPT on 77: its data differs from the other members' (etcd's corruption check), and etcd refuses writes: replace that member (warden member remove, then add it back with an empty data dir) or restore a backup, then `warden alarm disarm`",
    ]);
  });
});

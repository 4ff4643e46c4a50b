// The pure defragmentation policy: fragmentation, who qualifies, the order (leader last), who
// takes over leadership, when the controller is degraded; plus flag parsing and output lines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finishedLine } from '../../src/cli/commands/defrag.ts';
import { defragResultJson as resultJson } from '../../src/defrag/json.ts';
import { defragmentedMessage, failedMessage } from '../../src/defrag/controller.ts';
import { parsePercent } from '../../src/defrag/options.ts';
import { parseDuration } from '../../src/util/duration.ts';
import { parseSize } from '../../src/util/size.ts';
import {
  autoDefragPlan,
  chooseTransferTarget,
  DEFAULT_THRESHOLDS,
  degradedCondition,
  fragmentationPercent,
  MiB,
  noTransferTargetReason,
  qualifiesForDefrag,
  rollingOrder,
  type MemberView,
} from '../../src/defrag/policy.ts';
import { unhealthyMessage } from '../../src/defrag/rolling.ts';
import { UsageError } from '../../src/errors.ts';

function member(name: string, over: Partial<MemberView> = {}): MemberView {
  return {
    id: BigInt(`0x${name.replace(/\D/g, '') || '1'}00aa`),
    name,
    endpoint: `http://127.0.0.1:2${name.replace(/\D/g, '')}379`,
    isLeader: false,
    isLearner: false,
    dbSize: 200 * MiB,
    dbSizeInUse: 80 * MiB,
    raftAppliedIndex: 1000,
    healthy: true,
    ...over,
  };
}

describe('defrag policy', () => {
  it('fragmentation is the share of the DB file not in use', () => {
    assert.equal(fragmentationPercent(200, 80), 60);
    assert.equal(fragmentationPercent(100, 100), 0);
    assert.equal(fragmentationPercent(0, 0), 0);
    assert.equal(fragmentationPercent(100, 120), 0, 'never negative');
  });

  it('qualifies at >= 45% fragmented and >= 100 MiB, both inclusive', () => {
    const t = DEFAULT_THRESHOLDS;
    assert.equal(qualifiesForDefrag({ dbSize: 100 * MiB, dbSizeInUse: 55 * MiB }, t), true);
    assert.equal(qualifiesForDefrag({ dbSize: 100 * MiB, dbSizeInUse: 56 * MiB }, t), false, '44% fragmented');
    assert.equal(qualifiesForDefrag({ dbSize: 100 * MiB - 1, dbSizeInUse: 10 * MiB }, t), false, 'just under 100 MiB');
    assert.equal(qualifiesForDefrag({ dbSize: 2 * MiB, dbSizeInUse: 0.5 * MiB }, { minFragmentationPercent: 45, minDbSizeBytes: MiB }), true, 'configurable');
  });

  it('orders followers first (in the given order) and the leader last', () => {
    const a = member('etcd-1', { isLeader: true });
    const b = member('etcd-2');
    const c = member('etcd-3');
    assert.deepEqual(rollingOrder([a, b, c]).map((m) => m.name), ['etcd-2', 'etcd-3', 'etcd-1']);
    assert.deepEqual(rollingOrder([b, a, c]).map((m) => m.name), ['etcd-2', 'etcd-3', 'etcd-1']);
    assert.deepEqual(rollingOrder([b, c]).map((m) => m.name), ['etcd-2', 'etcd-3'], 'no leader among the targets');
  });

  it('the controller defragments only qualifying voting members, leader last, and skips learners', () => {
    const members = [
      member('etcd-1', { isLeader: true }),
      member('etcd-2', { dbSizeInUse: 190 * MiB }), // 5% fragmented
      member('etcd-3'),
      member('etcd-4', { isLearner: true }),
    ];
    const plan = autoDefragPlan(members, DEFAULT_THRESHOLDS);
    assert.equal(plan.skip, undefined);
    assert.deepEqual(plan.members.map((m) => m.name), ['etcd-3', 'etcd-1']);
    assert.deepEqual(plan.skippedLearners.map((m) => m.name), ['etcd-4']);
  });

  it('the controller does nothing on a single-member or unhealthy cluster', () => {
    assert.match(autoDefragPlan([member('etcd-1', { isLeader: true })], DEFAULT_THRESHOLDS).skip ?? '', /single member/);
    const unhealthy = autoDefragPlan([member('etcd-1', { isLeader: true }), member('etcd-2', { healthy: false, error: 'connection refused' }), member('etcd-3')], DEFAULT_THRESHOLDS);
    assert.match(unhealthy.skip ?? '', /unhealthy \(etcd-2: connection refused\)/);
    assert.deepEqual(unhealthy.members, []);
    // An unhealthy learner does not block the voting members.
    const learner = autoDefragPlan([member('etcd-1', { isLeader: true }), member('etcd-2'), member('etcd-3', { isLearner: true, healthy: false })], DEFAULT_THRESHOLDS);
    assert.equal(learner.skip, undefined);
    assert.match(autoDefragPlan([member('etcd-1'), member('etcd-2')], DEFAULT_THRESHOLDS).skip ?? '', /no member reports being the leader/);
  });

  it('hands leadership to the most caught-up healthy voting follower', () => {
    const leader = member('etcd-1', { isLeader: true, raftAppliedIndex: 5000 });
    const behind = member('etcd-2', { raftAppliedIndex: 4990 });
    const ahead = member('etcd-3', { raftAppliedIndex: 4999 });
    assert.equal(chooseTransferTarget(leader, [leader, behind, ahead])?.name, 'etcd-3');
    // Equal progress: the smaller (already defragmented) DB wins, then the given order.
    const small = member('etcd-4', { raftAppliedIndex: 4999, dbSize: 10 * MiB });
    assert.equal(chooseTransferTarget(leader, [leader, ahead, small])?.name, 'etcd-4');
    assert.equal(chooseTransferTarget(leader, [leader, member('etcd-5', { raftAppliedIndex: 4999 }), member('etcd-6', { raftAppliedIndex: 4999 })])?.name, 'etcd-5');
  });

  it('never hands leadership to a learner, an unhealthy member or one too far behind', () => {
    const leader = member('etcd-1', { isLeader: true, raftAppliedIndex: 5000 });
    const members = [
      leader,
      member('etcd-2', { isLearner: true, raftAppliedIndex: 5000 }),
      member('etcd-3', { healthy: false, error: 'deadline exceeded', raftAppliedIndex: 5000 }),
      member('etcd-4', { raftAppliedIndex: 3000 }),
    ];
    assert.equal(chooseTransferTarget(leader, members, 1000), undefined);
    assert.equal(noTransferTargetReason(leader, members, 1000), 'etcd-2 is a learner; etcd-3 is unhealthy (deadline exceeded); etcd-4 trails by 2000 applied entries (at most 1000)');
    assert.equal(chooseTransferTarget(leader, members, 2000)?.name, 'etcd-4');
    assert.equal(chooseTransferTarget(leader, [leader]), undefined);
    assert.equal(noTransferTargetReason(leader, [leader]), 'it is the only member');
  });

  it('is degraded after 3 failed passes in a row, AsExpected otherwise', () => {
    assert.deepEqual(degradedCondition(0, undefined), { type: 'DefragControllerDegraded', status: 'False', reason: 'AsExpected', message: 'defragmentation passes succeed' });
    assert.equal(degradedCondition(2, 'boom').status, 'False');
    assert.equal(degradedCondition(2, 'boom').reason, 'AsExpected');
    const d = degradedCondition(3, 'deadline exceeded');
    assert.equal(d.status, 'True');
    assert.equal(d.reason, 'DefragFailed');
    assert.match(d.message, /3 defragmentation passes failed in a row; last error: deadline exceeded/);
  });

  it('says which members are unhealthy and whether quorum holds', () => {
    assert.equal(unhealthyMessage([member('etcd-1'), member('etcd-2')]), undefined);
    assert.equal(unhealthyMessage([member('etcd-1'), member('etcd-2'), member('etcd-3', { healthy: false, error: 'refused' })]),
      'cluster is unhealthy: 2 of 3 members healthy, quorum kept (etcd-3: refused)');
    assert.match(unhealthyMessage([member('etcd-1', { healthy: false }), member('etcd-2', { healthy: false }), member('etcd-3')]) ?? '', /1 of 3 members healthy, QUORUM LOST/);
  });
});

describe('defrag output and flags', () => {
  it("prints etcdctl's line with go-humanize sizes", () => {
    assert.equal(finishedLine({ endpoint: 'https://localhost:2379', before: 104_000_000, after: 41_000_000 }), 'Finished defragmenting etcd member[https://localhost:2379] (DB size 104 MB -> 41 MB)');
    const json = resultJson({ endpoint: 'e', name: 'etcd-1', id: 0x9ac311f93915cc79n, before: 10, after: 5, durationMs: 12.6, wasLeader: true, leaderMovedTo: { name: 'etcd-2', id: 0x1n } });
    assert.deepEqual(json, { endpoint: 'e', name: 'etcd-1', id: '9ac311f93915cc79', before: 10, after: 5, durationMs: 13, wasLeader: true, leaderMovedTo: { name: 'etcd-2', id: '1' } });
  });

  it('events name the member and its hex ID', () => {
    assert.equal(defragmentedMessage('etcd-2', 0x264c7c58ecbdabeen), 'etcd member has been defragmented: etcd-2, memberID: 264c7c58ecbdabee');
    assert.equal(failedMessage('etcd-2', 0x264c7c58ecbdabeen, 'context deadline exceeded'), 'failed defrag on member: etcd-2, memberID: 264c7c58ecbdabee: context deadline exceeded');
  });

  it('parses waits (0 allowed), percentages and sizes, with one-line errors', () => {
    const wait = (v: string) => parseDuration(v, '--wait', { allowZero: true });
    assert.equal(wait('0'), 0);
    assert.equal(wait('0s'), 0);
    assert.equal(wait('1m'), 60_000);
    assert.equal(wait('36s'), 36_000);
    assert.throws(() => wait('soon'), (e: unknown) => e instanceof UsageError && /invalid duration "soon" for --wait/.test(e.message));
    assert.throws(() => wait('-5s'), UsageError);
    assert.throws(() => parseDuration('0s', '--wait'), UsageError, '0 only where allowed');
    assert.equal(parsePercent('45', '--p'), 45);
    assert.equal(parsePercent('12.5%', '--p'), 12.5);
    assert.throws(() => parsePercent('101', '--defrag-min-fragmentation'), /--defrag-min-fragmentation must be a percentage from 0 to 100 \(got "101"\)/);
    assert.throws(() => parsePercent('lots', '--p'), UsageError);
    assert.equal(parseSize('100MiB', '--s'), 100 * MiB);
    assert.equal(parseSize('1GB', '--s'), 1e9);
    assert.throws(() => parseSize('big', '--defrag-min-db-size'), /invalid size "big" for --defrag-min-db-size: use a form like 100MiB/);
  });
});

// The rolling defrag executor against a scripted in-memory cluster: the order of calls (the
// leader's leadership moved before its own defrag), refusal on an unhealthy cluster, the
// minimum interval, learners, failures and the timeout message.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { EtcdClient, Member } from '../../src/etcd/client.ts';
import { EtcdError, EtcdTimeoutError, EtcdUnavailableError } from '../../src/etcd/errors.ts';
import { ClusterUnhealthyError, rollingDefrag, type RollingEvent, type RollingOptions } from '../../src/defrag/rolling.ts';
import { defragController } from '../../src/defrag/controller.ts';
import type { Condition, WardenEvent } from '../../src/operator/conditions.ts';
import type { ReconcileContext } from '../../src/operator/controller.ts';
import { OperatorMetrics } from '../../src/operator/metrics.ts';

class FakeCluster {
  leader: bigint;
  log: string[] = [];
  times: number[] = [];
  readonly members: FakeMember[];
  constructor(names: string[], leader = 0) {
    this.members = names.map((n, i) => new FakeMember(this, n, BigInt(i + 1) * 0x1111n, `http://127.0.0.1:${2379 + i * 10}`));
    this.leader = this.members[leader]!.id;
  }
  byId(id: bigint): FakeMember {
    return this.members.find((m) => m.id === id)!;
  }
  /** The keys the controller's defragmentation lock writes (the only keys it writes). */
  keys = new Map<string, { value: Buffer; lease: bigint }>();
  private leases = 0n;
  client(): EtcdClient {
    const fake = {
      leaseGrant: async () => ++this.leases,
      leaseKeepAlive: () => Object.assign(new EventEmitter(), { stop: () => undefined }),
      leaseRevoke: async (id: bigint) => {
        for (const [k, v] of this.keys) if (v.lease === id) this.keys.delete(k);
      },
      get: async (key: string) => ({ kvs: this.keys.has(key) ? [{ value: this.keys.get(key)!.value }] : [], count: this.keys.has(key) ? 1 : 0 }),
      txn: async (t: { compare: { key: Buffer }[]; success: { key: string; value: string; options: { lease: bigint } }[] }) => {
        const key = t.compare[0]!.key.toString();
        if (this.keys.has(key)) return { succeeded: false, responses: [{ type: 'get', kvs: [{ value: this.keys.get(key)!.value }] }] };
        const put = t.success[0]!;
        this.keys.set(key, { value: Buffer.from(put.value), lease: put.options.lease });
        return { succeeded: true, responses: [] };
      },
      memberList: async () => ({ members: this.members.map((m): Member => ({ ID: m.id, name: m.name, peerURLs: [], clientURLs: [m.url], isLearner: m.learner })) }),
      member: (url: string) => this.members.find((m) => m.url === url || m.url.endsWith(url))!,
    };
    return fake as unknown as EtcdClient;
  }
}

class FakeMember {
  down = false;
  learner = false;
  fail?: Error;
  dbSize = 100_000_000;
  dbSizeInUse = 30_000_000;
  constructor(readonly cluster: FakeCluster, readonly name: string, readonly id: bigint, readonly url: string) {}
  get endpoint(): string {
    return this.url.replace('http://', '');
  }
  private check(): void {
    if (this.down) throw new EtcdUnavailableError(this.endpoint, 'unreachable (connection refused)', 'check --endpoints', false);
  }
  async status() {
    this.check();
    return { header: { member_id: this.id, cluster_id: 1n, revision: 1, raft_term: 2 }, version: '3.4.23', dbSize: this.dbSize, dbSizeInUse: this.dbSizeInUse, leader: this.cluster.leader, raftIndex: 100, raftTerm: 2, raftAppliedIndex: 100, errors: [], isLearner: this.learner };
  }
  async get() {
    this.check();
    return { header: {}, kvs: [], count: 0, more: false };
  }
  async defragment() {
    this.check();
    this.cluster.log.push(`defrag ${this.name}${this.cluster.leader === this.id ? ' (leader)' : ''}`);
    this.cluster.times.push(Date.now());
    if (this.fail) throw this.fail;
    this.dbSize = this.dbSizeInUse;
  }
  async moveLeader(target: bigint) {
    if (this.cluster.leader !== this.id) throw new EtcdError(`${this.endpoint}: etcdserver: not leader`, this.endpoint);
    this.cluster.log.push(`move ${this.name} -> ${this.cluster.byId(target).name}`);
    this.cluster.leader = target;
  }
}

function options(c: FakeCluster, over: Partial<RollingOptions> = {}): RollingOptions {
  return { client: c.client(), defragTimeoutMs: 30_000, waitMs: 0, healthTimeoutMs: 2000, ...over };
}

describe('rolling defrag', () => {
  it('defragments followers first, then moves leadership and defragments the old leader as a follower', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    const events: RollingEvent[] = [];
    const out = await rollingDefrag(options(c, { on: (e) => events.push(e) }));
    assert.deepEqual(c.log, ['defrag etcd-2', 'defrag etcd-3', 'move etcd-1 -> etcd-2', 'defrag etcd-1']);
    assert.deepEqual(out.results.map((r) => [r.name, r.wasLeader, r.before, r.after]), [
      ['etcd-2', false, 100_000_000, 30_000_000],
      ['etcd-3', false, 100_000_000, 30_000_000],
      ['etcd-1', true, 100_000_000, 30_000_000],
    ]);
    assert.equal(out.results[2]!.leaderMovedTo?.name, 'etcd-2');
    assert.deepEqual(events.map((e) => e.kind), ['defragmenting', 'defragmented', 'defragmenting', 'defragmented', 'leader-moved', 'defragmenting', 'defragmented']);
  });

  it("--no-move-leader keeps the seeds' order: the leader last, in place", async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 1);
    await rollingDefrag(options(c, { moveLeader: false }));
    assert.deepEqual(c.log, ['defrag etcd-1', 'defrag etcd-3', 'defrag etcd-2 (leader)']);
  });

  it('only the given members, still leader last', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 2);
    const [m1, , m3] = c.members;
    await rollingDefrag(options(c, { targets: [{ label: 'https://localhost:2379', member: m3 as never }, { label: m1!.url, member: m1 as never }] }));
    assert.deepEqual(c.log, ['defrag etcd-1', 'move etcd-3 -> etcd-1', 'defrag etcd-3']);
  });

  it('waits at least the interval between members', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    await rollingDefrag(options(c, { waitMs: 150 }));
    const gaps = c.times.slice(1).map((t, i) => t - c.times[i]!);
    assert.equal(gaps.length, 2);
    for (const g of gaps) assert.ok(g >= 145, `gap ${g} ms`);
  });

  it('refuses an unhealthy cluster before touching any member', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    c.members[2]!.down = true;
    await assert.rejects(rollingDefrag(options(c)), (err: unknown) => {
      assert.ok(err instanceof ClusterUnhealthyError);
      assert.match(err.message, /^cluster is unhealthy: 2 of 3 members healthy, quorum kept \(etcd-3: .*connection refused.*\): refusing to defragment/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
    assert.deepEqual(c.log, []);
  });

  it('a timed-out defrag names --command-timeout', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    c.members[1]!.fail = new EtcdTimeoutError('127.0.0.1:2389: no answer within 30000 ms (deadline exceeded)', '127.0.0.1:2389');
    await assert.rejects(rollingDefrag(options(c)), (err: unknown) => /^defragmenting etcd member\[http:\/\/127\.0\.0\.1:2389\] timed out after 30s: raise --command-timeout \(e\.g\. --command-timeout 2m0s\)/.test((err as Error).message));
    assert.deepEqual(c.log, ['defrag etcd-2'], 'stops at the first failure');
  });

  it('with continueOnError a failed member is reported and the others still run', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    c.members[1]!.fail = new EtcdError('127.0.0.1:2389: disk full', '127.0.0.1:2389');
    const out = await rollingDefrag(options(c, { continueOnError: true }));
    assert.deepEqual(c.log, ['defrag etcd-2', 'defrag etcd-3', 'move etcd-1 -> etcd-3', 'defrag etcd-1']);
    assert.deepEqual(out.failures.map((f) => [f.name, f.error.message]), [['etcd-2', 'failed to defragment etcd member[http://127.0.0.1:2389]: 127.0.0.1:2389: disk full']]);
    assert.equal(out.results.length, 2);
  });

  it('skips learners (etcd 3.4 refuses Defragment on them) and never makes one leader', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    c.members[1]!.learner = true;
    const skipped: string[] = [];
    await rollingDefrag(options(c, { on: (e) => e.kind === 'skipped' && skipped.push(e.member.name) }));
    assert.deepEqual(skipped, ['etcd-2']);
    assert.deepEqual(c.log, ['defrag etcd-3', 'move etcd-1 -> etcd-3', 'defrag etcd-1']);
  });

  it('a single member is defragmented in place', async () => {
    const c = new FakeCluster(['etcd-1'], 0);
    await rollingDefrag(options(c));
    assert.deepEqual(c.log, ['defrag etcd-1 (leader)']);
  });
});

function controllerContext(c: FakeCluster) {
  const conditions = new Map<string, Omit<Condition, 'lastTransitionTime'>>();
  const events: Omit<WardenEvent, 'time'>[] = [];
  const ctx = {
    client: c.client(),
    conditions: {
      get: async (type: string) => conditions.get(type),
      set: async (cond: Omit<Condition, 'lastTransitionTime'>) => {
        const prev = conditions.get(cond.type);
        conditions.set(cond.type, cond);
        return !prev || prev.status !== cond.status || prev.reason !== cond.reason || prev.message !== cond.message;
      },
    },
    events: { record: async (e: Omit<WardenEvent, 'time'>) => void events.push(e) },
    metrics: new OperatorMetrics(),
    log: () => undefined,
    signal: new AbortController().signal,
  };
  return { ctx: ctx as unknown as ReconcileContext, conditions, events, metrics: ctx.metrics };
}

describe('defrag controller', () => {
  it('defragments qualifying members leader last, with the seeds\' event lines', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    c.members[2]!.dbSizeInUse = 90_000_000; // 10% fragmented: left alone
    const { ctx, conditions, events, metrics } = controllerContext(c);
    await defragController({ minDbSizeBytes: 1, waitMs: 0 }).reconcile(ctx);
    assert.deepEqual(c.log, ['defrag etcd-2', 'move etcd-1 -> etcd-2', 'defrag etcd-1']);
    assert.deepEqual(events.map((e) => e.message), [
      'etcd member has been defragmented: etcd-2, memberID: 2222',
      'moved etcd leadership from etcd-1 (memberID: 1111) to etcd-2 (memberID: 2222) before defragmenting etcd-1',
      'etcd member has been defragmented: etcd-1, memberID: 1111',
    ]);
    assert.equal(conditions.get('DefragControllerDegraded')?.reason, 'AsExpected');
    assert.match(await metrics.registry.metrics(), /^warden_defrag_total\{member="etcd-1",result="success"\} 1$/m);
    // Nothing qualifies any more: the next pass does nothing.
    await defragController({ minDbSizeBytes: 1, waitMs: 0 }).reconcile(ctx);
    assert.equal(c.log.length, 3);
  });

  it('leaves the cluster alone while another run holds the defragmentation lock, and defragments once it is free', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    c.keys.set('/warden/locks/defrag', { value: Buffer.from(JSON.stringify({ holder: 'warden defrag --cluster', pid: 7, host: 'h', since: '2026-01-01T00:00:00.000Z' })), lease: 999n });
    const lines: string[] = [];
    const { ctx, conditions } = controllerContext(c);
    const controller = defragController({ minDbSizeBytes: 1, waitMs: 0, identity: 'op-a' });
    await controller.reconcile({ ...ctx, log: (l: string) => lines.push(l) });
    assert.deepEqual(c.log, []);
    assert.deepEqual(lines, ['defrag: not defragmenting: another defragmentation holds the lock: warden defrag --cluster (pid 7 on h, since 2026-01-01T00:00:00.000Z)']);
    assert.equal(conditions.get('DefragControllerDegraded'), undefined, 'not a failed pass');
    c.keys.clear();
    await controller.reconcile(ctx);
    assert.deepEqual(c.log, ['defrag etcd-2', 'defrag etcd-3', 'move etcd-1 -> etcd-2', 'defrag etcd-1']);
    assert.equal(c.keys.size, 0, 'the lock was released');
  });

  it('does nothing on a single-member cluster', async () => {
    const c = new FakeCluster(['etcd-1'], 0);
    const { ctx } = controllerContext(c);
    await defragController({ minDbSizeBytes: 1, waitMs: 0 }).reconcile(ctx);
    assert.deepEqual(c.log, []);
  });

  it('is Degraded after 3 failed passes in a row, and AsExpected again after a good one', async () => {
    const c = new FakeCluster(['etcd-1', 'etcd-2', 'etcd-3'], 0);
    c.members[1]!.fail = new EtcdError('127.0.0.1:2389: disk full', '127.0.0.1:2389');
    const { ctx, conditions, events } = controllerContext(c);
    const controller = defragController({ minDbSizeBytes: 1, waitMs: 0 });
    for (let pass = 1; pass <= 3; pass++) {
      await controller.reconcile(ctx);
      assert.equal(conditions.get('DefragControllerDegraded')?.status, pass < 3 ? 'False' : 'True', `after pass ${pass}`);
    }
    assert.match(conditions.get('DefragControllerDegraded')!.message, /^3 defragmentation passes failed in a row; last error: failed to defragment etcd member\[http:\/\/127\.0\.0\.1:2389\]: 127\.0\.0\.1:2389: disk full$/);
    assert.equal(events.filter((e) => e.message === 'failed defrag on member: etcd-2, memberID: 2222: failed to defragment etcd member[http://127.0.0.1:2389]: 127.0.0.1:2389: disk full').length, 3);
    assert.ok(events.some((e) => e.reason === 'DefragControllerDegraded'));
    c.members[1]!.fail = undefined;
    await controller.reconcile(ctx);
    assert.equal(conditions.get('DefragControllerDegraded')?.status, 'False');
    assert.equal(conditions.get('DefragControllerDegraded')?.reason, 'AsExpected');
  });
});

// The console's overview: the members (health, leader, learner, version, DB size and in use
// against the quota, fragmentation, how far each lags the leader's applied index), the cluster's
// verdict, its conditions and alarms, which operator leads, and what runs now (running.ts). The page asks for it every
// couple of seconds; every member is asked afresh each time, with short deadlines, so a member
// that stops shows as unhealthy within one round.
import type { MemberRow, Overview, Role } from './api.ts';
import { hexId, type MemberView } from '../defrag/policy.ts';
import { memberViews } from '../defrag/rolling.ts';
import type { QuotaCache } from '../defrag/quota.ts';
import type { EtcdClient } from '../etcd/client.ts';
import type { Condition } from '../operator/conditions.ts';
import { currentLeader } from '../operator/election.ts';
import { clusterVerdict } from '../operator/health.ts';
import { readRunning, type Operations } from './running.ts';

/** Pure: the rows of the member table. */
export function memberRows(views: MemberView[], quotas: Map<string, number>): MemberRow[] {
  const leader = views.find((v) => v.isLeader);
  return views.map((v) => ({
    id: hexId(v.id),
    name: v.name,
    endpoint: v.endpoint,
    healthy: v.healthy,
    ...(v.error ? { error: v.error } : {}),
    leader: v.isLeader,
    learner: v.isLearner,
    ...(v.version ? { version: v.version } : {}),
    dbSize: v.dbSize,
    dbSizeInUse: v.dbSizeInUse,
    ...(quotas.has(v.endpoint) ? { quota: quotas.get(v.endpoint) as number } : {}),
    fragmentation: v.dbSize > 0 ? Math.round((1 - v.dbSizeInUse / v.dbSize) * 1000) / 10 : 0,
    raftAppliedIndex: v.raftAppliedIndex,
    ...(leader && v.dbSize > 0 ? { lag: Math.max(0, leader.raftAppliedIndex - v.raftAppliedIndex) } : {}),
  }));
}

export interface OverviewSource {
  client: EtcdClient;
  identity: string;
  isLeader: boolean;
  conditions: { list(opts?: { serializable?: boolean }): Promise<Condition[]> };
  quotas: QuotaCache;
  operations: Operations;
  restoreRecordFile: string;
}

/** The overview now, as `you` may see it (nothing in it is secret: no key material, no values). */
export async function readOverview(src: OverviewSource, you: { name: string; role: Role }): Promise<Overview> {
  const { members } = await src.client.memberList();
  const [views, conditions, alarms, leader, running] = await Promise.all([
    memberViews(src.client, members),
    // Member-local reads: a leader lost (an election running) does not hold the page up.
    src.conditions.list({ serializable: true }).catch(() => []),
    src.client.alarmList().catch(() => []),
    currentLeader(src.client, { serializable: true }).catch(() => undefined),
    readRunning(src.client, src.operations, src.restoreRecordFile),
  ]);
  const quotas = new Map<string, number>();
  await Promise.all(views.filter((v) => v.endpoint && v.healthy).map(async (v) => {
    const q = await src.quotas.get(v.endpoint).catch(() => undefined);
    if (q?.known) quotas.set(v.endpoint, q.bytes);
  }));
  const verdict = clusterVerdict(views);
  const byId = new Map(views.map((v) => [v.id, v.name]));
  return {
    time: new Date().toISOString(),
    you,
    operator: { identity: src.identity, leading: src.isLeader, ...(leader ? { leader: leader.identity } : {}) },
    cluster: {
      members: verdict.members, healthy: verdict.healthy, quorum: verdict.quorum, quorumKept: verdict.quorumKept, reason: verdict.reason,
      ...(verdict.leader ? { leader: verdict.leader.name } : {}),
    },
    members: memberRows(views, quotas).sort((a, b) => a.name.localeCompare(b.name)),
    conditions,
    alarms: alarms.map((a) => ({ member: byId.get(a.memberID) ?? hexId(a.memberID), alarm: a.alarm })),
    running,
  };
}

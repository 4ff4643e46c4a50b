// The ClusterHealthy controller: asks every member for its status and health, publishes the
// member gauges, and keeps the ClusterHealthy condition (quorum, unreachable members) current.
import { checkEndpointHealth } from '../etcd/health-check.ts';
import type { Controller, ReconcileContext } from './controller.ts';

export interface HealthSummary {
  total: number;
  healthy: number;
  unhealthy: { name: string; endpoint: string; error: string }[];
}

/** Pure: the condition for a health summary. */
export function healthCondition(s: HealthSummary): { type: string; status: 'True' | 'False'; reason: string; message: string } {
  const quorum = Math.floor(s.total / 2) + 1;
  if (s.unhealthy.length === 0) {
    return { type: 'ClusterHealthy', status: 'True', reason: 'AllMembersHealthy', message: `${s.healthy} of ${s.total} members healthy` };
  }
  const names = s.unhealthy.map((u) => `${u.name || u.endpoint} (${u.error})`).join(', ');
  if (s.healthy >= quorum) {
    return { type: 'ClusterHealthy', status: 'False', reason: 'MembersUnhealthy', message: `${s.healthy} of ${s.total} members healthy, quorum kept; unhealthy: ${names}` };
  }
  return { type: 'ClusterHealthy', status: 'False', reason: 'QuorumLost', message: `${s.healthy} of ${s.total} members healthy, quorum (${quorum}) lost: run \`warden quorum restore\`; unhealthy: ${names}` };
}

export function healthController(intervalMs = 10_000): Controller {
  return {
    name: 'cluster-health',
    intervalMs,
    async reconcile(ctx: ReconcileContext) {
      const { members } = await ctx.client.memberList();
      const summary: HealthSummary = { total: members.length, healthy: 0, unhealthy: [] };
      await Promise.all(members.map(async (m) => {
        const url = m.clientURLs[0];
        if (!url) {
          summary.unhealthy.push({ name: m.name, endpoint: '-', error: 'not started' });
          return;
        }
        const member = ctx.client.member(url);
        const h = await checkEndpointHealth(member);
        ctx.metrics.memberUp.set({ member: m.name, endpoint: url }, h.health ? 1 : 0);
        if (h.health) summary.healthy++;
        else summary.unhealthy.push({ name: m.name, endpoint: url, error: h.error ?? 'unhealthy' });
        try {
          const st = await member.status();
          ctx.metrics.dbTotal.set({ member: m.name }, st.dbSize);
          ctx.metrics.dbInUse.set({ member: m.name }, st.dbSizeInUse);
          ctx.metrics.isMemberLeader.set({ member: m.name }, st.leader === st.header.member_id ? 1 : 0);
        } catch {
          /* reflected by memberUp and the condition */
        }
      }));
      ctx.metrics.healthyMembers.set(summary.healthy);
      ctx.metrics.totalMembers.set(summary.total);
      const cond = healthCondition(summary);
      if (ctx.signal.aborted) return;
      if (await ctx.conditions.set(cond)) {
        await ctx.events.record({ type: cond.status === 'True' ? 'Normal' : 'Warning', reason: cond.reason, message: cond.message, source: 'cluster-health' });
      }
    },
  };
}

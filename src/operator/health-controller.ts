// The ClusterHealthy controller: asks every member for its status and health (memberViews, as
// `warden status` does), publishes the member gauges, and keeps the ClusterHealthy condition
// current from the shared verdict (health.ts), and reports the cluster's revision.
import { memberViews } from '../defrag/rolling.ts';
import type { Controller, ReconcileContext } from './controller.ts';
import { clusterVerdict, healthCondition } from './health.ts';

/**
 * `onRevision`: told the cluster's revision each round (the operator notes the highest, which
 * sizes a restore's revision bump).
 */
export function healthController(opts: { intervalMs?: number; onRevision?: (revision: number, clusterId: string) => void } = {}): Controller {
  return {
    name: 'cluster-health',
    intervalMs: opts.intervalMs ?? 10_000,
    async reconcile(ctx: ReconcileContext) {
      const { members } = await ctx.client.memberList();
      if (opts.onRevision) {
        const { header } = await ctx.client.get('\0', { countOnly: true }).catch(() => ({ header: undefined }));
        try {
          if (header?.revision) opts.onRevision(header.revision, header.cluster_id.toString(16));
        } catch (err) {
          ctx.log(`could not note the cluster's revision: ${(err as Error).message}`); // the health check goes on
        }
      }
      const views = await memberViews(ctx.client, members);
      for (const v of views) {
        ctx.metrics.memberUp.set({ member: v.name, endpoint: v.endpoint || v.peerURL || '-' }, v.healthy ? 1 : 0);
        if (!v.endpoint || v.dbSize === 0) continue; // no status answer
        ctx.metrics.dbTotal.set({ member: v.name }, v.dbSize);
        ctx.metrics.dbInUse.set({ member: v.name }, v.dbSizeInUse);
        ctx.metrics.isMemberLeader.set({ member: v.name }, v.isLeader ? 1 : 0);
      }
      const verdict = clusterVerdict(views);
      ctx.metrics.healthyMembers.set(verdict.healthy);
      ctx.metrics.totalMembers.set(verdict.members);
      const cond = healthCondition(verdict);
      if (ctx.signal.aborted) return;
      if (await ctx.conditions.set(cond)) {
        await ctx.events.record({ type: cond.status === 'True' ? 'Normal' : 'Warning', reason: cond.reason, message: cond.message, source: 'cluster-health' });
      }
    },
  };
}

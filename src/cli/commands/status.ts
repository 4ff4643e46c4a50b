// `warden status`: the state of the whole thing on one screen — member health and quorum, the
// raft leader, which operator leads, and every condition the controllers keep under /warden/.
import type { Command } from 'commander';
import { WardenError } from '../../errors.ts';
import { hexId } from '../../defrag/policy.ts';
import { memberViews } from '../../defrag/rolling.ts';
import { ConditionStore, type Condition } from '../../operator/conditions.ts';
import { currentLeader, type LeaderRecord } from '../../operator/election.ts';
import type { Context } from '../context.ts';
import { humanBytes, renderTable, toJson } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

export interface ClusterSummary {
  members: number;
  healthy: number;
  quorum: number;
  quorumKept: boolean;
  leader: { name: string; id: string; endpoint: string } | null;
  unhealthy: { name: string; endpoint: string; error: string }[];
}

export function clusterLine(s: ClusterSummary): string {
  const leader = s.leader ? `leader ${s.leader.name} (${s.leader.id})` : 'no leader';
  const bad = s.unhealthy.length ? `; unhealthy: ${s.unhealthy.map((u) => `${u.name || u.endpoint} (${u.error})`).join(', ')}` : '';
  return `Cluster: ${s.healthy} of ${s.members} members healthy, quorum ${s.quorum} ${s.quorumKept ? 'kept' : 'LOST'}; ${leader}${bad}`;
}

export function operatorLine(l: LeaderRecord | undefined): string {
  return l ? `Operator: ${l.identity} leads (pid ${l.pid}, since ${l.since})` : 'Operator: none leads (start one with `warden operator` or `warden run`)';
}

export function conditionLine(c: Condition): string {
  return `  ${c.type}=${c.status} (${c.reason}): ${c.message}`;
}

export function registerStatus(program: Command, ctx: Ctx): void {
  program
    .command('status')
    .description('cluster health and quorum, the raft leader, the leading operator and every condition')
    .addHelpText('after', '\nExamples:\n  warden status\n  warden status -w json')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      await c.withClient(async (client) => {
        const { members } = await client.memberList();
        const views = await memberViews(client, members);
        const voting = views.filter((v) => !v.isLearner);
        const quorum = Math.floor(voting.length / 2) + 1;
        const healthy = voting.filter((v) => v.healthy).length;
        const leader = views.find((v) => v.isLeader);
        const summary: ClusterSummary = {
          members: voting.length,
          healthy,
          quorum,
          quorumKept: healthy >= quorum,
          leader: leader ? { name: leader.name, id: hexId(leader.id), endpoint: leader.endpoint } : null,
          unhealthy: voting.filter((v) => !v.healthy).map((v) => ({ name: v.name, endpoint: v.endpoint, error: v.error ?? 'unhealthy' })),
        };
        let operator: LeaderRecord | undefined;
        let conditions: Condition[];
        try {
          [operator, conditions] = await Promise.all([currentLeader(client), new ConditionStore(client).list()]);
        } catch (err) {
          if (format !== 'json') c.print(clusterLine(summary));
          else c.print(toJson({ cluster: summary, operator: null, conditions: null }, 2));
          throw new WardenError(`cannot read the operator leader and conditions (${(err as Error).message}): ${summary.quorumKept ? 'retry' : 'quorum is lost; restore it first'}`);
        }
        conditions.sort((a, b) => a.type.localeCompare(b.type));
        const memberRows = views.map((v) => [v.name, v.endpoint, v.isLearner ? 'learner' : v.isLeader ? 'leader' : 'follower', v.healthy ? 'healthy' : `unhealthy: ${v.error ?? ''}`, humanBytes(v.dbSize), humanBytes(v.dbSizeInUse)]);
        if (format === 'json') {
          c.print(toJson({ cluster: summary, members: views.map((v) => ({ name: v.name, id: hexId(v.id), endpoint: v.endpoint, isLeader: v.isLeader, isLearner: v.isLearner, healthy: v.healthy, dbSize: v.dbSize, dbSizeInUse: v.dbSizeInUse, ...(v.error ? { error: v.error } : {}) })), operator: operator ?? null, conditions }, 2));
        } else if (format === 'table') {
          c.print([
            clusterLine(summary),
            renderTable(['name', 'endpoint', 'role', 'health', 'db size', 'in use'], memberRows),
            operatorLine(operator),
            conditions.length
              ? renderTable(['type', 'status', 'reason', 'message', 'last transition'], conditions.map((x) => [x.type, x.status, x.reason, x.message, x.lastTransitionTime]))
              : 'Conditions: none yet (no operator has run against this cluster)',
          ].join('\n'));
        } else {
          c.print([
            clusterLine(summary),
            operatorLine(operator),
            conditions.length ? 'Conditions:' : 'Conditions: none yet (no operator has run against this cluster)',
            ...conditions.map(conditionLine),
          ].join('\n'));
        }
      });
    });
}

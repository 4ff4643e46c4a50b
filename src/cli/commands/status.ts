// `warden status`: the state of the whole thing on one screen — member health and quorum, the
// raft leader, which operator leads, and every condition the controllers keep under /warden/.
import type { Command } from 'commander';
import { WardenError } from '../../errors.ts';
import { DEFRAG_LOCK_KEY } from '../../defrag/lock.ts';
import { hexId } from '../../defrag/policy.ts';
import { memberViews } from '../../defrag/rolling.ts';
import { EtcdPermissionError, type AlarmMember, type Member } from '../../etcd/client.ts';
import { holderText, readLock, type LockRecord } from '../../etcd/lock.ts';
import { ConditionStore, type Condition } from '../../operator/conditions.ts';
import { currentLeader, type LeaderRecord } from '../../operator/election.ts';
import { clusterVerdict, describeMember, healthSummary, unhealthySuffix, type ClusterVerdict } from '../../operator/health.ts';
import type { Context } from '../context.ts';
import { humanBytes, renderTable, toJson } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

/** The cluster line, from the verdict the operator's ClusterHealthy condition uses too. */
export function clusterLine(v: ClusterVerdict): string {
  const leader = v.leader ? `leader ${v.leader.name} (${hexId(v.leader.id)})` : 'no leader';
  return `Cluster: ${healthSummary(v)}; ${leader}${unhealthySuffix(v)}`;
}

function summaryJson(v: ClusterVerdict): Record<string, unknown> {
  return {
    members: v.members,
    healthy: v.healthy,
    voting: v.voting,
    quorum: v.quorum,
    quorumKept: v.quorumKept,
    leader: v.leader ? { name: v.leader.name, id: hexId(v.leader.id), endpoint: v.leader.endpoint } : null,
    unhealthy: v.unhealthy.map((u) => ({ name: u.name, id: hexId(u.id), endpoint: u.endpoint, ...(u.peerURL && !u.endpoint ? { peerURL: u.peerURL } : {}), isLearner: u.isLearner, error: u.error ?? 'unhealthy', description: describeMember(u) })),
  };
}

const ALARM_ADVICE: Record<string, string> = {
  NOSPACE: 'etcd refuses every write until the space is recovered: run `warden space recover`',
  CORRUPT: "its data differs from the other members' (etcd's corruption check), and etcd refuses writes: replace that member (warden member remove, then add it back with an empty data dir) or restore a backup, then `warden alarm disarm`",
};

/** One line per active alarm type, naming its members and what to do (none when no alarm). */
export function alarmLines(alarms: AlarmMember[], members: Pick<Member, 'ID' | 'name'>[]): string[] {
  const types = [...new Set(alarms.map((a) => a.alarm))].sort((a, b) => (a === 'NOSPACE' ? -1 : b === 'NOSPACE' ? 1 : a.localeCompare(b)));
  return types.map((type) => {
    const who = alarms.filter((a) => a.alarm === type).map((a) => {
      const m = members.find((x) => x.ID === a.memberID);
      if (!m) return `${hexId(a.memberID)} (not in the member list)`;
      return m.name ? `${m.name} (${hexId(m.ID)})` : hexId(m.ID);
    });
    return `Alarms: ${type} on ${who.join(', ')}: ${ALARM_ADVICE[type] ?? 'see `warden alarm list`, then `warden alarm disarm` once its cause is fixed'}`;
  });
}

/** Who defragments now, when anyone holds the defragmentation lock. */
export function defragLine(holder: LockRecord | undefined): string | undefined {
  return holder ? `Defragmentation: ${holderText(holder)} holds the lock` : undefined;
}

export function operatorLine(l: LeaderRecord | undefined): string {
  return l ? `Operator: ${l.identity} leads (pid ${l.pid} on ${l.host}, since ${l.since})` : 'Operator: none leads (start one with `warden operator` or `warden run`)';
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
        const [views, alarms] = await Promise.all([memberViews(client, members), client.alarmList().catch(() => undefined)]);
        const verdict = clusterVerdict(views);
        const alarmText = alarms ? alarmLines(alarms, members) : ['Alarms: unknown (the alarm list could not be read)'];
        const alarmJson = alarms?.map((a) => ({ memberID: a.memberID, id: hexId(a.memberID), name: members.find((m) => m.ID === a.memberID)?.name ?? null, alarm: a.alarm })) ?? null;
        let operator: LeaderRecord | undefined;
        let conditions: Condition[];
        let defrag: LockRecord | undefined;
        try {
          [operator, conditions, defrag] = await Promise.all([currentLeader(client), new ConditionStore(client).list(), readLock(client, DEFRAG_LOCK_KEY)]);
        } catch (err) {
          if (format !== 'json') c.print([clusterLine(verdict), ...alarmText].join('\n'));
          else c.print(toJson({ cluster: summaryJson(verdict), alarms: alarmJson, operator: null, conditions: null }, 2));
          // A login or permission refusal says what to pass or grant; retrying would not help.
          if (err instanceof EtcdPermissionError) throw err;
          throw new WardenError(`cannot read the operator leader and conditions (${(err as Error).message}): ${verdict.quorumKept ? 'retry' : 'quorum is lost; restore it first'}`);
        }
        conditions.sort((a, b) => a.type.localeCompare(b.type));
        const defragText = defragLine(defrag);
        const memberRows = views.map((v) => [v.name, v.endpoint || (v.peerURL ? `(peer ${v.peerURL})` : ''), v.isLearner ? 'learner' : v.isLeader ? 'leader' : 'follower', v.healthy ? 'healthy' : `unhealthy: ${v.error ?? ''}`, humanBytes(v.dbSize), humanBytes(v.dbSizeInUse)]);
        if (format === 'json') {
          c.print(toJson({
            cluster: summaryJson(verdict),
            members: views.map((v) => ({ name: v.name, id: hexId(v.id), endpoint: v.endpoint, ...(v.peerURL ? { peerURL: v.peerURL } : {}), isLeader: v.isLeader, isLearner: v.isLearner, healthy: v.healthy, dbSize: v.dbSize, dbSizeInUse: v.dbSizeInUse, ...(v.error ? { error: v.error } : {}) })),
            alarms: alarmJson,
            defragmentation: defrag ?? null,
            operator: operator ?? null,
            conditions,
          }, 2));
        } else if (format === 'table') {
          c.print([
            clusterLine(verdict),
            ...alarmText,
            renderTable(['name', 'endpoint', 'role', 'health', 'db size', 'in use'], memberRows),
            ...(defragText ? [defragText] : []),
            operatorLine(operator),
            conditions.length
              ? renderTable(['type', 'status', 'reason', 'message', 'last transition'], conditions.map((x) => [x.type, x.status, x.reason, x.message, x.lastTransitionTime]))
              : 'Conditions: none yet (no operator has run against this cluster)',
          ].join('\n'));
        } else {
          c.print([
            clusterLine(verdict),
            ...alarmText,
            ...(defragText ? [defragText] : []),
            operatorLine(operator),
            conditions.length ? 'Conditions:' : 'Conditions: none yet (no operator has run against this cluster)',
            ...conditions.map(conditionLine),
          ].join('\n'));
        }
      });
    });
}

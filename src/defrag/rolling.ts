// Rolling defragmentation: one member at a time, followers first and the leader last. Before
// the leader is defragmented, leadership moves to a healthy, caught-up follower (MoveLeader on
// the leader), so the old leader is defragmented as a follower: a defragmenting member blocks
// its own reads and applies, and on the leader that stalls every write in the cluster. After
// each member we wait until it answers a linearizable read again (it has applied what it missed)
// and at least the configured interval before the next. Used by `warden defrag`, `warden space
// recover` and the operator's controllers.
import { WardenError } from '../errors.ts';
import type { EtcdClient, Member, MemberClient } from '../etcd/client.ts';
import { EtcdTimeoutError } from '../etcd/errors.ts';
import { checkEndpointHealth } from '../etcd/health-check.ts';
import { formatDuration } from '../util/duration.ts';
import { delay, waitFor, WaitTimeoutError } from '../util/wait.ts';
import { chooseTransferTarget, DEFAULT_MAX_APPLY_LAG, describeUnhealthy, hexId, noTransferTargetReason, rollingOrder, type MemberView } from './policy.ts';

export interface DefragTarget {
  /** The endpoint as the user (or the member list) spelled it: printed as etcdctl prints it. */
  label: string;
  member: MemberClient;
}

export interface DefragResult {
  endpoint: string;
  name: string;
  id: bigint;
  /** DB size in bytes before and after. */
  before: number;
  after: number;
  durationMs: number;
  /** It led the cluster when its turn came. */
  wasLeader: boolean;
  /** Where leadership went before it was defragmented. */
  leaderMovedTo?: { id: bigint; name: string };
}

export type RollingEvent =
  | { kind: 'leader-moved'; from: MemberView; to: MemberView; tookMs: number }
  | { kind: 'defragmenting'; member: MemberView; label: string }
  | { kind: 'defragmented'; result: DefragResult }
  | { kind: 'failed'; member: MemberView; label: string; error: Error }
  | { kind: 'skipped'; member: MemberView; label: string; reason: string }
  | { kind: 'waiting'; ms: number; next: MemberView };

export interface RollingOptions {
  client: EtcdClient;
  /** The members to defragment; undefined means every member in the member list. */
  targets?: DefragTarget[];
  /** Move leadership away from the leader before defragmenting it (default true). */
  moveLeader?: boolean;
  /** Deadline of each Defragment call. */
  defragTimeoutMs: number;
  /** The flag that sets defragTimeoutMs, named in the timeout error. */
  timeoutFlag?: string;
  /** Least time from the end of one member's defrag to the start of the next. */
  waitMs: number;
  /** Bound on every wait for a condition: health, a caught-up follower, the new leader. */
  healthTimeoutMs: number;
  maxApplyLag?: number;
  /** Go on with the next member after a failure once the cluster is healthy again (controller). */
  continueOnError?: boolean;
  signal?: AbortSignal;
  on?: (e: RollingEvent) => void;
}

export interface RollingOutcome {
  results: DefragResult[];
  failures: { name: string; id: bigint; label: string; error: Error }[];
}

/** The cluster is not healthy enough to take a member out: nothing was defragmented. */
export class ClusterUnhealthyError extends WardenError {
  override readonly name = 'ClusterUnhealthyError';
}

/** Status and health of every member in the member list (health skipped for learners). */
export async function memberViews(client: EtcdClient, members: Member[], clientFor: (m: Member) => MemberClient | undefined = (m) => (m.clientURLs[0] ? client.member(m.clientURLs[0]) : undefined)): Promise<MemberView[]> {
  return Promise.all(members.map(async (m): Promise<MemberView> => {
    // A member added but never started has no name and no client URL yet: its ID names it.
    const base = { id: m.ID, name: m.name || hexId(m.ID), endpoint: m.clientURLs[0] ?? '', ...(m.peerURLs[0] ? { peerURL: m.peerURLs[0] } : {}), isLearner: m.isLearner };
    const mc = clientFor(m);
    if (!mc) return { ...base, isLeader: false, dbSize: 0, dbSizeInUse: 0, raftAppliedIndex: 0, healthy: false, error: 'not started' };
    const [st, health] = await Promise.all([
      mc.status().catch((err: unknown) => err as Error),
      // etcd 3.4 serves no linearizable read on a learner; its status call is its health.
      m.isLearner ? Promise.resolve(undefined) : checkEndpointHealth(mc),
    ]);
    if (st instanceof Error) return { ...base, isLeader: false, dbSize: 0, dbSizeInUse: 0, raftAppliedIndex: 0, healthy: false, error: st.message };
    const healthy = health ? health.health : true;
    return {
      ...base,
      isLeader: st.leader === m.ID,
      dbSize: st.dbSize,
      dbSizeInUse: st.dbSizeInUse,
      raftAppliedIndex: st.raftAppliedIndex,
      version: st.version,
      raftTerm: st.raftTerm,
      healthy,
      ...(health && !health.health ? { error: health.error ?? 'unhealthy' } : {}),
    };
  }));
}

/** One line on why the cluster is not healthy, or undefined when every voting member is. */
export function unhealthyMessage(views: MemberView[]): string | undefined {
  const voting = views.filter((v) => !v.isLearner);
  const bad = voting.filter((v) => !v.healthy);
  if (bad.length === 0) return undefined;
  const quorum = Math.floor(voting.length / 2) + 1;
  const healthy = voting.length - bad.length;
  return `cluster is unhealthy: ${healthy} of ${voting.length} members healthy, ${healthy >= quorum ? 'quorum kept' : 'QUORUM LOST'} (${describeUnhealthy(bad)})`;
}

export async function rollingDefrag(opts: RollingOptions): Promise<RollingOutcome> {
  const { client } = opts;
  const moveLeader = opts.moveLeader ?? true;
  const maxLag = opts.maxApplyLag ?? DEFAULT_MAX_APPLY_LAG;
  const emit = (e: RollingEvent) => opts.on?.(e);
  const { members } = await client.memberList();

  const byUrl = (m: Member) => (m.clientURLs[0] ? client.member(m.clientURLs[0]) : undefined);
  const initial = await memberViews(client, members, byUrl);
  const unhealthy = unhealthyMessage(initial);
  if (unhealthy) {
    throw new ClusterUnhealthyError(`${unhealthy}: refusing to defragment, since a member stops serving while it is defragmented; bring every member back first (see \`warden endpoint health --cluster\`)`);
  }

  // Which member each target is: its status names it.
  const labels = new Map<bigint, DefragTarget>();
  if (opts.targets) {
    const ids = await Promise.all(opts.targets.map(async (t) => {
      const st = await t.member.status().catch((err: unknown) => {
        throw new ClusterUnhealthyError(`cannot reach etcd member[${t.label}] (${(err as Error).message}): refusing to defragment; check --endpoints and \`warden endpoint health --cluster\``);
      });
      const id = st.header.member_id;
      if (!members.some((m) => m.ID === id)) {
        throw new WardenError(`etcd member[${t.label}] (ID ${hexId(id)}) is not in this cluster's member list: check --endpoints`);
      }
      return id;
    }));
    opts.targets.forEach((t, i) => {
      const id = ids[i] as bigint;
      if (!labels.has(id)) labels.set(id, t);
    });
  } else {
    for (const m of members) {
      const url = m.clientURLs[0];
      if (url) labels.set(m.ID, { label: url, member: client.member(url) });
    }
  }
  const clientFor = (m: Member) => labels.get(m.ID)?.member ?? byUrl(m);
  const views = () => memberViews(client, members, clientFor);

  const planned = rollingOrder(initial.filter((v) => labels.has(v.id)));
  const outcome: RollingOutcome = { results: [], failures: [] };
  let lastEnd: number | undefined;
  let current = initial;
  for (const p of planned) {
    if (opts.signal?.aborted) break;
    const target = labels.get(p.id) as DefragTarget;
    if (p.isLearner) {
      emit({ kind: 'skipped', member: p, label: target.label, reason: 'learners cannot be defragmented in etcd 3.4 (rpc not supported for learner): promote it first' });
      continue;
    }
    try {
      if (lastEnd !== undefined) current = await betweenMembers(opts, lastEnd, p, views, emit);
      if (opts.signal?.aborted) break;
      const result = await defragOne(opts, target, p.id, current, views, moveLeader, maxLag, emit);
      lastEnd = Date.now();
      outcome.results.push(result);
      emit({ kind: 'defragmented', result });
    } catch (err) {
      if (opts.signal?.aborted) break;
      const error = err as Error;
      outcome.failures.push({ name: p.name, id: p.id, label: target.label, error });
      emit({ kind: 'failed', member: p, label: target.label, error });
      if (!opts.continueOnError || err instanceof ClusterUnhealthyError) throw err;
      lastEnd = Date.now();
    }
  }
  return outcome;
}

/** Waits out the rest of the interval, then until every voting member is healthy; returns their views. */
async function betweenMembers(opts: RollingOptions, lastEnd: number, next: MemberView, views: () => Promise<MemberView[]>, emit: (e: RollingEvent) => void): Promise<MemberView[]> {
  const remaining = opts.waitMs - (Date.now() - lastEnd);
  if (remaining > 0) {
    emit({ kind: 'waiting', ms: remaining, next });
    // A minimum interval, not synchronisation: health is waited on below.
    await delay(remaining, opts.signal);
  }
  let last: string | undefined;
  try {
    return await waitFor(async () => {
      const now = await views();
      last = unhealthyMessage(now);
      return last === undefined || opts.signal?.aborted ? now : undefined;
    }, { timeoutMs: opts.healthTimeoutMs, intervalMs: 100, what: 'a healthy cluster' });
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    throw new ClusterUnhealthyError(`${last ?? 'cluster is unhealthy'} ${formatDuration(opts.healthTimeoutMs)} after the last defragmentation: stopped before ${next.name}; check the members' logs`);
  }
}

async function defragOne(opts: RollingOptions, target: DefragTarget, id: bigint, now: MemberView[], views: () => Promise<MemberView[]>, moveLeader: boolean, maxLag: number, emit: (e: RollingEvent) => void): Promise<DefragResult> {
  const me = now.find((v) => v.id === id) as MemberView;
  const wasLeader = me.isLeader;
  let movedTo: MemberView | undefined;
  if (wasLeader && moveLeader && now.filter((v) => !v.isLearner).length > 1) {
    movedTo = await moveLeadershipAway(opts, target, me, now, views, maxLag, emit);
  }
  const before = me.dbSize;
  emit({ kind: 'defragmenting', member: me, label: target.label });
  const t0 = performance.now();
  try {
    await target.member.defragment({ timeoutMs: opts.defragTimeoutMs });
  } catch (err) {
    if (err instanceof EtcdTimeoutError) {
      const flag = opts.timeoutFlag ?? '--command-timeout';
      const suggest = formatDuration(Math.max(opts.defragTimeoutMs * 4, 120_000));
      throw new WardenError(`defragmenting etcd member[${target.label}] timed out after ${formatDuration(opts.defragTimeoutMs)}: raise ${flag} (e.g. ${flag} ${suggest}), large databases take longer; etcd finishes this defragmentation in the background, so wait until \`warden endpoint health --cluster\` passes before running it again`);
    }
    throw new WardenError(`failed to defragment etcd member[${target.label}]: ${(err as Error).message}`);
  }
  const durationMs = performance.now() - t0;
  const after = await waitFor(async () => {
    const [h, st] = await Promise.all([checkEndpointHealth(target.member), target.member.status()]);
    return h.health ? st.dbSize : undefined;
  }, { timeoutMs: opts.healthTimeoutMs, intervalMs: 100, what: `etcd member[${target.label}] to be healthy after its defragmentation` }).catch((err: unknown) => {
    throw new ClusterUnhealthyError(`etcd member[${target.label}] was defragmented but is not healthy ${formatDuration(opts.healthTimeoutMs)} later (${(err as Error).message}): check its log; the remaining members were left alone`);
  });
  return {
    endpoint: target.label,
    name: me.name,
    id,
    before,
    after,
    durationMs,
    wasLeader,
    ...(movedTo ? { leaderMovedTo: { id: movedTo.id, name: movedTo.name } } : {}),
  };
}

/**
 * Hands leadership from `leader` to the best caught-up follower and waits until both see the
 * new leader. Returns the new leader, or undefined if leadership had already moved on.
 */
async function moveLeadershipAway(opts: RollingOptions, target: DefragTarget, leader: MemberView, now: MemberView[], views: () => Promise<MemberView[]>, maxLag: number, emit: (e: RollingEvent) => void): Promise<MemberView | undefined> {
  let reason = '';
  let first: MemberView[] | undefined = now;
  const pick = await waitFor(async () => {
    const current = first ?? (await views());
    first = undefined;
    const me = current.find((v) => v.id === leader.id) as MemberView;
    if (!me.isLeader) return { already: true as const };
    const to = chooseTransferTarget(me, current, maxLag);
    if (!to) reason = noTransferTargetReason(me, current, maxLag);
    return to ? { already: false as const, to } : undefined;
  }, { timeoutMs: opts.healthTimeoutMs, intervalMs: 250, what: 'a caught-up follower' }).catch(() => {
    throw new WardenError(`cannot move leadership away from ${leader.name} before defragmenting it (${reason || 'no healthy follower'}): wait until the followers are healthy and caught up, or pass --no-move-leader to defragment the leader in place`);
  });
  if (pick.already) return undefined;
  const to = pick.to;
  const t0 = performance.now();
  // etcd answers MoveLeader only at its next tick (100 ms) after the transfer; the members'
  // status shows the new leader within milliseconds, so watch that instead of waiting.
  const rpc: { error?: Error } = {};
  void target.member.moveLeader(to.id, { timeoutMs: opts.healthTimeoutMs }).catch((err: unknown) => {
    rpc.error = err as Error;
  });
  const toClient = opts.client.member(to.endpoint);
  const newLeaderId = await waitFor(async () => {
    const [a, b] = await Promise.all([target.member.status(), toClient.status().catch(() => undefined)]);
    // Seen by both: the old leader follows someone else, and that member says it leads.
    if (a.leader !== leader.id && a.leader !== 0n && (a.leader !== to.id || b?.leader === to.id)) return { moved: true as const, id: a.leader };
    return rpc.error ? { moved: false as const, error: rpc.error } : undefined;
  }, { timeoutMs: opts.healthTimeoutMs, intervalMs: 10, what: `the new leader after moving leadership to ${to.name}` }).catch((err: unknown) => {
    throw new WardenError(`leadership did not move from ${leader.name} to ${to.name}: ${(err as Error).message}`);
  });
  if (!newLeaderId.moved) {
    throw new WardenError(`moving leadership from ${leader.name} to ${to.name} (${hexId(to.id)}) failed: ${newLeaderId.error.message}`);
  }
  const newLeader = now.find((v) => v.id === newLeaderId.id) ?? to;
  // Announced as soon as it happened, so whoever follows leadership moves on now; the requests
  // already on their way to the old leader are then given time to finish before its defrag.
  emit({ kind: 'leader-moved', from: leader, to: newLeader, tookMs: performance.now() - t0 });
  await drainOldLeader(opts, target, opts.client.member(newLeader.endpoint));
  return newLeader;
}

/** How long requests that reached the old leader during the hand-over get to finish. */
export const HANDOVER_SETTLE_MS = 100;

/**
 * Requests the old leader accepted around the hand-over are answered only once it has applied
 * them; its defragmentation would hold them for its whole duration. So wait a moment for them to
 * be committed, then until it has applied everything the new leader had by then.
 */
async function drainOldLeader(opts: RollingOptions, old: DefragTarget, newLeader: MemberClient): Promise<void> {
  await delay(HANDOVER_SETTLE_MS, opts.signal);
  const committed = await newLeader.status().then((s) => s.raftIndex).catch(() => 0);
  await waitFor(async () => (await old.member.status()).raftAppliedIndex >= committed, {
    timeoutMs: opts.healthTimeoutMs,
    intervalMs: 10,
    what: `etcd member[${old.label}] to apply what was committed during the hand-over`,
  }).catch(() => undefined);
}

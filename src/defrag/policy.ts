// Defragmentation policy (pure): how fragmented a member is, which members the automatic
// controller defragments, in which order a rolling defrag visits members (followers first, the
// leader last), and which follower takes over leadership before the leader is defragmented.
// Everything here works on plain member views, so it is tested without any etcd.

export const MiB = 1024 * 1024;

/** One member as the policy sees it: identity, role, sizes and health at one moment. */
export interface MemberView {
  id: bigint;
  name: string;
  /** The endpoint used to reach it (as given, or its first client URL); '' when it never started. */
  endpoint: string;
  /** Its first peer URL: how a member that never started (no name, no client URL) is shown. */
  peerURL?: string;
  isLeader: boolean;
  isLearner: boolean;
  dbSize: number;
  dbSizeInUse: number;
  raftAppliedIndex: number;
  /** The etcd version it runs, and its raft term (one more at each election), when its status answered. */
  version?: string;
  raftTerm?: number;
  /** Answered a linearizable read (etcdctl's endpoint health). */
  healthy: boolean;
  /** Why it is unhealthy, for messages. */
  error?: string;
}

export interface DefragThresholds {
  /** Fragmentation (1 − in use / DB size) in percent at or above which a member qualifies. */
  minFragmentationPercent: number;
  /** DB size in bytes at or above which a member qualifies. */
  minDbSizeBytes: number;
}

/** The OpenShift defrag controller's thresholds: 45 % fragmented and a DB of 100 MiB. */
export const DEFAULT_THRESHOLDS: DefragThresholds = { minFragmentationPercent: 45, minDbSizeBytes: 100 * MiB };

/**
 * How far a follower's applied index may trail the leader's and still take over leadership.
 * A follower that just came back from a defrag (or a restart) applies a backlog first; as
 * leader it would stall writes until that backlog is applied.
 */
export const DEFAULT_MAX_APPLY_LAG = 1000;

/** etcdctl prints member IDs in hex (member list, endpoint status); events and messages do too. */
export function hexId(id: bigint): string {
  return id.toString(16);
}

/** Fragmentation in percent: the share of the DB file not in use (0 for an empty file). */
export function fragmentationPercent(dbSize: number, dbSizeInUse: number): number {
  if (dbSize <= 0) return 0;
  return Math.max(0, (1 - dbSizeInUse / dbSize) * 100);
}

export function qualifiesForDefrag(m: Pick<MemberView, 'dbSize' | 'dbSizeInUse'>, t: DefragThresholds): boolean {
  // (size − in use) / size ≥ p/100, in integers: 1 − 55/100 is 0.4499… in floating point.
  return m.dbSize > 0 && m.dbSize >= t.minDbSizeBytes && (m.dbSize - m.dbSizeInUse) * 100 >= t.minFragmentationPercent * m.dbSize;
}

/** Followers in the given order, then the leader: the leader is always last. */
export function rollingOrder<T extends Pick<MemberView, 'isLeader'>>(members: T[]): T[] {
  return [...members.filter((m) => !m.isLeader), ...members.filter((m) => m.isLeader)];
}

export interface AutoDefragPlan {
  /** Set when the controller must not act now (not a failure). */
  skip?: string;
  /** Members to defragment, in order (followers first, the leader last). */
  members: MemberView[];
  /** Learners that would qualify but are skipped (etcd 3.4 refuses maintenance calls on them). */
  skippedLearners: MemberView[];
}

/**
 * What the automatic controller does with the cluster as it is now: nothing on a single-member
 * cluster (defragmenting it blocks every request) or an unhealthy one; otherwise every voting
 * member past both thresholds, followers first and the leader last.
 */
export function autoDefragPlan(members: MemberView[], t: DefragThresholds): AutoDefragPlan {
  if (members.length <= 1) return { skip: 'the cluster has a single member: defragmenting it would block every request', members: [], skippedLearners: [] };
  const voting = members.filter((m) => !m.isLearner);
  const unhealthy = voting.filter((m) => !m.healthy);
  if (unhealthy.length > 0) {
    return { skip: `the cluster is unhealthy (${describeUnhealthy(unhealthy)})`, members: [], skippedLearners: [] };
  }
  if (!voting.some((m) => m.isLeader)) return { skip: 'no member reports being the leader', members: [], skippedLearners: [] };
  return {
    members: rollingOrder(voting.filter((m) => qualifiesForDefrag(m, t))),
    skippedLearners: members.filter((m) => m.isLearner && qualifiesForDefrag(m, t)),
  };
}

export function describeUnhealthy(unhealthy: Pick<MemberView, 'name' | 'endpoint' | 'error'>[]): string {
  return unhealthy.map((m) => `${m.name || m.endpoint}: ${m.error ?? 'unhealthy'}`).join('; ');
}

/**
 * The follower to hand leadership to before the leader is defragmented: a healthy voting member
 * whose applied index is within `maxLag` of the leader's; the most caught-up one, then the
 * smaller DB (already defragmented), then the given order. undefined when none fits.
 */
export function chooseTransferTarget(leader: MemberView, members: MemberView[], maxLag = DEFAULT_MAX_APPLY_LAG): MemberView | undefined {
  const candidates = members
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m.id !== leader.id && !m.isLearner && m.healthy && leader.raftAppliedIndex - m.raftAppliedIndex <= maxLag);
  candidates.sort((a, b) => b.m.raftAppliedIndex - a.m.raftAppliedIndex || a.m.dbSize - b.m.dbSize || a.i - b.i);
  return candidates[0]?.m;
}

/** Why no follower can take over, for the error message. */
export function noTransferTargetReason(leader: MemberView, members: MemberView[], maxLag = DEFAULT_MAX_APPLY_LAG): string {
  const others = members.filter((m) => m.id !== leader.id);
  if (others.length === 0) return 'it is the only member';
  const why = others.map((m) => {
    if (m.isLearner) return `${m.name} is a learner`;
    if (!m.healthy) return `${m.name} is unhealthy (${m.error ?? 'no answer'})`;
    return `${m.name} trails by ${leader.raftAppliedIndex - m.raftAppliedIndex} applied entries (at most ${maxLag})`;
  });
  return why.join('; ');
}

/** The DefragControllerDegraded condition after `failedPasses` failed passes in a row. */
export function degradedCondition(failedPasses: number, lastError: string | undefined, maxFailures = 3): { type: string; status: 'True' | 'False'; reason: string; message: string } {
  if (failedPasses >= maxFailures) {
    return { type: 'DefragControllerDegraded', status: 'True', reason: 'DefragFailed', message: `${failedPasses} defragmentation passes failed in a row; last error: ${lastError ?? 'unknown'}` };
  }
  return { type: 'DefragControllerDegraded', status: 'False', reason: 'AsExpected', message: failedPasses ? `${failedPasses} failed pass(es) in a row (degraded at ${maxFailures}); last error: ${lastError ?? 'unknown'}` : 'defragmentation passes succeed' };
}

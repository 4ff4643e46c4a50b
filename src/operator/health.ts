// The cluster health verdict (pure), shared by `warden status` and the operator's ClusterHealthy
// condition so that both always say the same: every member in the member list counts, learners
// and members that never started included; quorum counts the voting members only. A member that
// never started has no name and no client URL yet, so it is shown by its ID and peer URL.
import { hexId, type MemberView } from '../defrag/policy.ts';

export interface ClusterVerdict {
  /** Every member in the member list. */
  members: number;
  healthy: number;
  /** Voting members (not learners), and how many of them must be healthy. */
  voting: number;
  quorum: number;
  quorumKept: boolean;
  leader: MemberView | undefined;
  unhealthy: MemberView[];
  reason: 'AllMembersHealthy' | 'MembersUnhealthy' | 'QuorumLost';
}

export function clusterVerdict(views: MemberView[]): ClusterVerdict {
  const voting = views.filter((v) => !v.isLearner);
  const quorum = Math.floor(voting.length / 2) + 1;
  const quorumKept = voting.filter((v) => v.healthy).length >= quorum;
  const unhealthy = views.filter((v) => !v.healthy);
  return {
    members: views.length,
    healthy: views.length - unhealthy.length,
    voting: voting.length,
    quorum,
    quorumKept,
    leader: views.find((v) => v.isLeader),
    unhealthy,
    reason: unhealthy.length === 0 ? 'AllMembersHealthy' : quorumKept ? 'MembersUnhealthy' : 'QuorumLost',
  };
}

/** `etcd-3 (connection refused)`, `8e9e05c52164694d (learner, not started; peer URL http://...)` */
export function describeMember(v: MemberView): string {
  const name = v.name || hexId(v.id);
  const where = !v.endpoint && v.peerURL ? `; peer URL ${v.peerURL}` : '';
  return `${name} (${v.isLearner ? 'learner, ' : ''}${v.healthy ? 'healthy' : v.error ?? 'unhealthy'}${where})`;
}

/** `2 of 3 members healthy, quorum 2 kept` */
export function healthSummary(v: ClusterVerdict): string {
  return `${v.healthy} of ${v.members} members healthy, quorum ${v.quorum} ${v.quorumKept ? 'kept' : 'LOST'}`;
}

/** `; unhealthy: a (x), b (y)`, or '' when every member is healthy. */
export function unhealthySuffix(v: ClusterVerdict): string {
  return v.unhealthy.length ? `; unhealthy: ${v.unhealthy.map(describeMember).join(', ')}` : '';
}

/** The ClusterHealthy condition for a verdict. */
export function healthCondition(v: ClusterVerdict): { type: string; status: 'True' | 'False'; reason: string; message: string } {
  const todo = v.quorumKept ? '' : ': run `warden quorum restore`';
  return { type: 'ClusterHealthy', status: v.reason === 'AllMembersHealthy' ? 'True' : 'False', reason: v.reason, message: `${healthSummary(v)}${todo}${unhealthySuffix(v)}` };
}

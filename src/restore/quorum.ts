// `warden quorum restore` (seed 001): when a majority of members is lost, rebuild the cluster
// from the surviving member with the most data: copy its data dir aside, restart it with
// --force-new-cluster (a one-member cluster that keeps its data), restart it normally, remove
// the lost members and add fresh ones one at a time, then check that all agree. Each step runs
// on the members' hosts (quorum-hosts.ts).
import { WardenError } from '../errors.ts';
import { requireInventory } from '../cluster/inventory.ts';
import type { StateLayout } from '../cluster/layout.ts';
import type { Credentials } from '../etcd/connection.ts';
import type { Agreement, Log } from './members.ts';

export interface QuorumSummary {
  /** True when this run only finished an interrupted one (adding members back). */
  resumed: boolean;
  survivor: string;
  copiedTo: string;
  removed: string[];
  agreement: Agreement;
}

interface Seen {
  name: string;
  healthy: boolean;
  raftIndex?: number;
}

/** Pure: the member to rebuild from: the named one, or the answering member with the highest raft index. */
export function chooseSurvivor(seen: Seen[], named?: string): string {
  if (named) {
    const s = seen.find((x) => x.name === named);
    if (!s) throw new WardenError(`no member named "${named}": members are ${seen.map((x) => x.name).join(', ')}`);
    if (s.raftIndex === undefined) throw new WardenError(`member ${named} is not running: start it with \`warden cluster start-member ${named}\` (it need not be healthy) or name another with --member`);
    return named;
  }
  const alive = seen.filter((x) => x.raftIndex !== undefined).sort((a, b) => (b.raftIndex ?? 0) - (a.raftIndex ?? 0));
  if (!alive[0]) throw new WardenError('no member is running: start the member with the newest data with `warden cluster start-member NAME`, then run quorum restore again');
  return alive[0].name;
}

/** `auth`: the etcd user (default: root's stored credentials); the survivor's auth store stays as it was. */
export async function quorumRestore(layout: StateLayout, opts: { member?: string; auth?: Credentials; log: Log }): Promise<QuorumSummary> {
  return (await import('./quorum-hosts.ts')).quorumAcrossAgents(layout, requireInventory(layout), opts);
}

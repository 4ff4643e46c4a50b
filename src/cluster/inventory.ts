// inventory.json in the admin's state dir: the agents of a cluster made by `cluster init`, the
// member each runs and its URLs. It is how the CLI reaches the cluster (and its agents) and
// the fallback when etcd has no quorum to ask.
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import type { StateLayout } from './layout.ts';
import { writeFileAtomic } from '../util/fsutil.ts';

export interface InventoryAgent {
  /** host:port the agent serves on. */
  address: string;
  hostname: string;
  member: string;
  clientURL: string;
  peerURL: string;
  /**
   * The agent's state dir when warden runs the agent itself on this machine (the embedded
   * default, under <state>/agents/): `cluster up` starts it and `cluster down` stops it.
   */
  stateDir?: string;
}

export interface Inventory {
  kind: 'WardenInventory';
  /** "starting" until every member was healthy once; `cluster init` finishes it when run again. */
  phase: 'starting' | 'ready';
  tls: boolean;
  /** Extra etcd flags every member runs with (`cluster init --etcd-arg`). */
  etcdArgs?: string[];
  agents: InventoryAgent[];
}

export function readInventory(layout: StateLayout): Inventory | undefined {
  let text: string;
  try {
    text = fs.readFileSync(layout.inventoryFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new WardenError(`the state dir ${layout.root} is not a directory: pass --state-dir (or WARDEN_STATE_DIR) a directory`);
    }
    return undefined;
  }
  try {
    return JSON.parse(text) as Inventory;
  } catch (err) {
    throw new WardenError(`${layout.inventoryFile} is not valid JSON (${(err as Error).message}): restore it from a copy, or run \`warden cluster init\` again with the same agents`);
  }
}

export function writeInventory(layout: StateLayout, inv: Inventory): void {
  writeFileAtomic(layout.inventoryFile, `${JSON.stringify(inv, null, 2)}\n`, 0o600);
}

/** The agent that runs `member`, or one line naming the members there are. */
export function agentOfMember(inv: Inventory, member: string): InventoryAgent {
  const a = inv.agents.find((x) => x.member === member);
  if (!a) throw new WardenError(`no member named "${member}" in the inventory: members are ${inv.agents.map((x) => x.member).join(', ')}`);
  return a;
}

/**
 * The inventory of the cluster in this state dir, or one line saying why there is none: every
 * cluster warden makes has one (the embedded default's too); a state dir with only cluster.json
 * was made by a warden from before the agents.
 */
export function requireInventory(layout: StateLayout): Inventory {
  const inv = readInventory(layout);
  if (inv) return inv;
  if (fs.existsSync(layout.clusterFile)) {
    throw new WardenError(`${layout.root} holds a cluster made by an earlier warden (members supervised without agents): take a backup with \`warden backup\`, then create a new cluster in another --state-dir and restore it there`);
  }
  throw new WardenError(`no warden cluster in ${layout.root}: run \`warden cluster up\`, or pass --state-dir / --endpoints`);
}

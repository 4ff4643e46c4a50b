// A member on its agent's host, as the orchestrations over hosts see it (src/restore/hosts.ts).
import type { Inventory, InventoryAgent } from '../cluster/inventory.ts';
import type { StateLayout } from '../cluster/layout.ts';
import type { MemberHost, RunSettings } from '../restore/hosts.ts';
import type { AgentClient } from './client.ts';
import { agentClient } from './init.ts';

/** How long an agent may take to stop or start its member's process. */
const PROCESS_TIMEOUT_MS = 30_000;

export class AgentHost implements MemberHost {
  readonly name: string;
  readonly clientURL: string;
  readonly peerURL: string;
  readonly where: string;
  readonly client: AgentClient;

  constructor(
    layout: StateLayout,
    private readonly inv: Inventory,
    readonly agent: InventoryAgent,
  ) {
    this.name = agent.member;
    this.clientURL = agent.clientURL;
    this.peerURL = agent.peerURL;
    this.where = `agent ${agent.address}`;
    this.client = agentClient(layout, agent.address);
  }

  async stop(): Promise<void> {
    await this.client.stopMember(PROCESS_TIMEOUT_MS);
  }

  async run(s: RunSettings): Promise<void> {
    const args = [...(this.inv.etcdArgs ?? []), ...(s.extraArgs ?? [])];
    await this.client.putMember({
      name: this.name, initialCluster: s.initialCluster, initialClusterState: s.initialClusterState, initialClusterToken: s.token, tls: this.inv.tls,
      ...(args.length ? { args } : {}),
    }, PROCESS_TIMEOUT_MS);
  }

  async restart(): Promise<void> {
    await this.client.stopMember(PROCESS_TIMEOUT_MS);
    await this.client.startMember(PROCESS_TIMEOUT_MS);
  }

  async down(): Promise<string | undefined> {
    const m = (await this.client.status()).member;
    if (m?.state === 'exited') return `exited: ${m.error ?? 'it logged nothing'}`;
    if (m?.state === 'failed') return `could not start: ${m.error ?? 'no reason recorded'}`;
    return undefined;
  }

  moveAside(stamp: string, label?: string): Promise<string | undefined> {
    return this.client.moveAside(stamp, label);
  }

  copyAside(stamp: string, label: string): Promise<string> {
    return this.client.copyAside(stamp, label);
  }

  listAside(stamp: string): Promise<string[]> {
    return this.client.listAside(stamp);
  }

  async lastRaftIndex(): Promise<number | undefined> {
    const seen = (await this.client.status()).member?.lastSeen;
    return seen ? Number(seen.raftIndex) : undefined;
  }
}

export function agentHosts(layout: StateLayout, inv: Inventory): AgentHost[] {
  return inv.agents.map((a) => new AgentHost(layout, inv, a));
}

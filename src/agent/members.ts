// The members of a cluster across agents, as `cluster status`, `stop-member`, `start-member`
// and `logs` see them: each asked of the agent that runs it (as registered in etcd, or the
// inventory says when etcd cannot answer).
import type { MemberRow } from '../cluster/control.ts';
import { agentOfMember, type Inventory, type InventoryAgent } from '../cluster/inventory.ts';
import { storedCredentials } from '../cluster/credentials.ts';
import { EtcdClient } from '../etcd/client.ts';
import { registeredAgents } from './registry.ts';
import { StateLayout } from '../cluster/layout.ts';
import { agentClient, etcdTls, waitMembersHealthy } from './init.ts';
import { localAgentPid } from './embedded.ts';

/** The agents registered in etcd, or the inventory's when etcd does not answer (no quorum). */
export async function knownAgents(layout: StateLayout, inv: Inventory): Promise<InventoryAgent[]> {
  const tls = etcdTls(layout, inv);
  const auth = storedCredentials(layout);
  const client = new EtcdClient({ endpoints: inv.agents.map((a) => a.clientURL), ...(tls ? { tls } : {}), ...(auth ? { auth } : {}), commandTimeoutMs: 2000, dialTimeoutMs: 1000 });
  try {
    return (await registeredAgents(client)) ?? inv.agents;
  } finally {
    client.close();
  }
}

/** One row per agent; an agent that does not answer is a row that says so. */
export async function agentMemberRows(layout: StateLayout, inv: Inventory): Promise<MemberRow[]> {
  // With every agent of the embedded default stopped, etcd has nothing to say.
  const allDown = inv.agents.every((a) => a.stateDir && !localAgentPid(a.stateDir));
  const agents = allDown ? inv.agents : await knownAgents(layout, inv);
  return Promise.all(agents.map(async (a): Promise<MemberRow> => {
    const base = { name: a.member, host: a.address, clientURL: a.clientURL, peerURL: a.peerURL, logFile: '-' };
    if (a.stateDir && !localAgentPid(a.stateDir)) {
      // The embedded default's agent, stopped with its member by `cluster down`.
      const local = new StateLayout(a.stateDir);
      return { ...base, logFile: local.memberLog(a.member), pid: null, dataDir: local.dataDir(a.member), running: false, state: 'stopped', manifest: 'active', error: 'its agent is not running: `warden cluster up` starts it' };
    }
    try {
      const st = await agentClient(layout, a.address, 5000).status();
      const m = st.member;
      return {
        ...base, logFile: m?.logFile ?? new StateLayout(st.agent.stateDir).memberLog(a.member), pid: m?.pid ?? null, dataDir: m?.dataDir ?? '-', running: m?.state === 'running',
        state: !m || m.state === 'none' ? 'pending' : m.state, manifest: m?.manifest ?? 'active',
        ...(m?.error && m.state !== 'running' ? { error: m.error } : {}),
      };
    } catch (err) {
      return { ...base, pid: null, dataDir: '-', running: false, state: 'unreachable', manifest: 'active', error: (err as Error).message };
    }
  }));
}

export async function stopAgentMember(layout: StateLayout, inv: Inventory, name: string, timeoutMs: number): Promise<string> {
  const a = agentOfMember(inv, name);
  await agentClient(layout, a.address).stopMember(timeoutMs);
  return a.address;
}

export async function startAgentMember(layout: StateLayout, inv: Inventory, name: string, timeoutMs: number): Promise<string> {
  const a = agentOfMember(inv, name);
  await agentClient(layout, a.address).startMember(Math.min(timeoutMs, 30_000));
  await waitMembersHealthy(layout, inv, timeoutMs, [name]);
  return a.address;
}

export async function agentMemberLog(layout: StateLayout, inv: Inventory, name: string, lines: number): Promise<string> {
  return agentClient(layout, agentOfMember(inv, name).address).log(lines);
}

/** Stops every member on its host, followers first and the leader last; `cluster start-member` starts each again. */
export async function stopAgentMembers(layout: StateLayout, inv: Inventory, log: (line: string) => void): Promise<void> {
  const { agentHosts } = await import('./host.ts');
  const { stopAll } = await import('../restore/hosts.ts');
  const tls = etcdTls(layout, inv);
  const auth = storedCredentials(layout);
  const client = new EtcdClient({ endpoints: inv.agents.map((a) => a.clientURL), ...(tls ? { tls } : {}), ...(auth ? { auth } : {}), commandTimeoutMs: 2000, dialTimeoutMs: 1000 });
  try {
    await stopAll(agentHosts(layout, inv), log, client);
  } finally {
    client.close();
  }
}

/** Starts every member on its host at once, then waits until all are healthy (one alone has no quorum to be healthy with). */
export async function startAgentMembers(layout: StateLayout, inv: Inventory, timeoutMs: number): Promise<void> {
  await Promise.all(inv.agents.map((a) => agentClient(layout, a.address).startMember(Math.min(timeoutMs, 30_000))));
  await waitMembersHealthy(layout, inv, timeoutMs);
}

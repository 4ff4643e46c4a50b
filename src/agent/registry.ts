// The agents of a cluster, registered in etcd under /warden/agents/<member> (one JSON value
// each), so that every admin and operator that reaches etcd finds them. The admin's
// inventory.json is the fallback when etcd cannot answer (no quorum: exactly when the agents
// are needed most).
import type { EtcdClient } from '../etcd/client.ts';
import { op } from '../etcd/txn.ts';
import type { InventoryAgent } from '../cluster/inventory.ts';

export const AGENTS_PREFIX = '/warden/agents/';

/** Replaces the registered agents with `agents`, in one transaction (etcd refuses a txn that deletes a range it also writes into). */
export async function registerAgents(client: EtcdClient, agents: InventoryAgent[]): Promise<void> {
  const keep = new Set(agents.map((a) => `${AGENTS_PREFIX}${a.member}`));
  const old = (await client.get(AGENTS_PREFIX, { prefix: true, keysOnly: true })).kvs.map((kv) => kv.key.toString('utf8')).filter((k) => !keep.has(k));
  await client.txn({
    compare: [],
    success: [...old.map((k) => op.delete(k)), ...agents.map((a) => op.put(`${AGENTS_PREFIX}${a.member}`, JSON.stringify(a)))],
  });
}

/** The registered agents, in member order; undefined when etcd does not answer or holds none. */
export async function registeredAgents(client: EtcdClient): Promise<InventoryAgent[] | undefined> {
  try {
    const res = await client.get(AGENTS_PREFIX, { prefix: true });
    const agents = res.kvs.map((kv) => JSON.parse(kv.value.toString('utf8')) as InventoryAgent);
    return agents.length ? agents.sort((a, b) => a.member.localeCompare(b.member, undefined, { numeric: true })) : undefined;
  } catch {
    return undefined;
  }
}

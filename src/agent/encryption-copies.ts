// Every host's copy of the EncryptionConfiguration. kube-apiserver on each control-plane host
// reads its own file, so a key may write values only once every host holds it: the encryption
// controller publishes each configuration to every agent before it takes its next step (a host
// that does not answer holds the step back, and it is retried), a restore puts the set's
// configuration back on every host, and a backup takes the configuration from a host when the
// admin's state dir has none (a cluster whose kube-apiservers were configured by hand).
import crypto from 'node:crypto';
import { WardenError } from '../errors.ts';
import { readInventory, type Inventory } from '../cluster/inventory.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { agentClient } from './init.ts';

/** Copies `config` to every agent of the inventory (each rewrites its file only when it differs). */
export async function publishEncryptionConfig(layout: StateLayout, inv: Inventory, config: string): Promise<void> {
  const results = await Promise.allSettled(inv.agents.map((a) => agentClient(layout, a.address, 10_000).putEncryptionConfig(config)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${inv.agents[i]?.member} on ${inv.agents[i]?.address} (${(r.reason as Error).message})`] : []));
  if (failed.length) {
    throw new WardenError(`the EncryptionConfiguration could not be copied to ${failed.join('; ')}: kube-apiserver there would not read values written with a new key, so the next step waits until every host holds it`);
  }
}

/** How long a configuration copied to every agent counts as still there (a rebuilt host gets it again after this). */
const RECHECK_MS = 30_000;

/**
 * What the encryption controller calls with each configuration it is about to rely on: copies it
 * to the agents of the state dir's inventory, read at each call (members move, and `warden run`
 * makes the inventory after wiring the operator). The same configuration for the same agents is
 * copied again only after RECHECK_MS (each agent rewrites its file only when it differs). With
 * no inventory (a cluster reached by --endpoints) there are no hosts to copy to.
 */
export function encryptionPublisher(layout: StateLayout): (config: string) => Promise<void> {
  let published = '';
  let at = 0;
  return async (config) => {
    const inv = readInventory(layout);
    if (!inv) return;
    const key = crypto.createHash('sha256').update(config).update(inv.agents.map((a) => a.address).join(',')).digest('hex');
    if (key === published && Date.now() - at < RECHECK_MS) return;
    await publishEncryptionConfig(layout, inv, config);
    published = key;
    at = Date.now();
  };
}

/** The configuration a host holds (the first agent that answers with one), for a backup whose admin has none. */
export async function fetchEncryptionConfig(layout: StateLayout, inv: Inventory): Promise<string | undefined> {
  for (const a of inv.agents) {
    const got = await agentClient(layout, a.address, 5000).encryptionConfig().catch(() => undefined);
    if (got) return got.config;
  }
  return undefined;
}

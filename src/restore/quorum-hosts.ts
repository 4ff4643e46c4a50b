// `warden quorum restore` for a cluster across agents: the same runbook as on one machine
// (src/restore/quorum.ts), each step on the host of the member it concerns. Every agent must
// answer first: a host that does not may still run its member behind a partition.
import { WardenError } from '../errors.ts';
import type { Inventory } from '../cluster/inventory.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { readClusterConfig } from '../cluster/cluster-config.ts';
import { agentHosts } from '../agent/host.ts';
import { registerAgents } from '../agent/registry.ts';
import { etcdTls } from '../agent/init.ts';
import type { Credentials } from '../etcd/connection.ts';
import { checkEndpointHealth } from '../etcd/health-check.ts';
import { addBack, startAloneOn, stopAll } from './hosts.ts';
import { embeddedClient, verifyAgreement, type Log } from './members.ts';
import { chooseSurvivor, type QuorumSummary } from './quorum.ts';

export async function quorumAcrossAgents(layout: StateLayout, inv: Inventory, opts: { member?: string; auth?: Credentials; log: Log }): Promise<QuorumSummary> {
  const { log } = opts;
  const hosts = agentHosts(layout, inv);
  await Promise.all(hosts.map(async (h) => {
    try {
      await h.client.status();
    } catch (err) {
      throw new WardenError(`nothing was changed: every agent must answer before a quorum restore (a host that does not may still run its member), and ${h.name}'s does not: ${(err as Error).message}`);
    }
  }));
  const tls = etcdTls(layout, inv);
  const token = readClusterConfig(layout)?.token ?? 'warden';
  const client = embeddedClient(layout, opts.auth);
  try {
    const seen = await Promise.all(hosts.map(async (h) => {
      const mc = client.member(h.clientURL);
      const [st, health] = await Promise.all([mc.status().catch(() => undefined), checkEndpointHealth(mc)]);
      return { name: h.name, healthy: health.health, ...(st ? { raftIndex: st.raftIndex } : {}) };
    }));
    const healthy = seen.filter((s) => s.healthy).length;
    const quorum = Math.floor(hosts.length / 2) + 1;
    // A member that serves a linearizable read belongs to a cluster that has its quorum: either
    // it never lost it, or an interrupted quorum restore rebuilt it (its membership is smaller
    // than the inventory). Never force a new cluster again then.
    if (healthy > 0) {
      // Quorum is back but members are missing: an interrupted quorum restore; finish it.
      const listed = (await client.memberList()).members;
      const missing = hosts.filter((h) => !listed.some((x) => x.peerURLs.includes(h.peerURL) && !x.isLearner && x.name === h.name));
      if (missing.length && listed.length < hosts.length + 1) {
        log(`quorum is back; adding the missing members ${missing.map((h) => h.name).join(', ')}`);
        await addBack(client, missing, token, new Date().toISOString().replace(/[:.]/g, '-'), log, { ...(tls ? { tls } : {}) });
        const agreement = await verifyAgreement(client);
        log(`all ${agreement.members.length} members agree: revision ${agreement.revision}, hashKV ${agreement.hash}`);
        return { resumed: true, survivor: '', copiedTo: '', removed: [], agreement };
      }
      throw new WardenError(`the cluster still has quorum (${healthy} of ${hosts.length} members healthy): quorum restore is only for lost quorum; restart lost members with \`warden cluster start-member\``);
    }
    const survivorName = chooseSurvivor(seen, opts.member);
    const survivor = hosts.find((h) => h.name === survivorName)!;
    if (!opts.member) {
      // A member that is not running may hold newer data than every running one: its agent kept
      // the raft index it last answered with. Rebuilding from an older one would drop commits.
      const chosen = seen.find((x) => x.name === survivorName)?.raftIndex ?? 0;
      for (const h of hosts.filter((x) => seen.find((y) => y.name === x.name)?.raftIndex === undefined)) {
        const last = await h.lastRaftIndex();
        if (last !== undefined && last > chosen) {
          throw new WardenError(`nothing was changed: ${h.name} is not running but last saw raft index ${last}, newer than ${survivorName}'s ${chosen}: start it (\`warden cluster start-member ${h.name}\`) and run quorum restore again, or name the survivor with --member`);
        }
      }
    }
    log(`quorum lost (${healthy} of ${hosts.length} healthy, ${quorum} needed): rebuilding from ${survivorName} on ${survivor.where} (raft index ${seen.find((s) => s.name === survivorName)?.raftIndex})`);
    await stopAll(hosts, log);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const copiedTo = await survivor.copyAside(stamp, `${survivorName}-before-quorum-restore`);
    log(`copied the data dir of ${survivorName} to ${copiedTo} on ${survivor.where}`);
    await startAloneOn(client, survivor, token, log, ['--force-new-cluster']);
    // Once is enough: a later restart with --force-new-cluster would drop members added since.
    await survivor.stop();
    await startAloneOn(client, survivor, token, log);
    const removed: string[] = [];
    for (const m of (await client.memberList()).members.filter((x) => x.name !== survivorName)) {
      await client.memberRemove(m.ID);
      removed.push(m.name || m.ID.toString(16));
    }
    if (removed.length) log(`removed lost members: ${removed.join(', ')}`);
    await addBack(client, hosts.filter((h) => h !== survivor), token, stamp, log, { ...(tls ? { tls } : {}) });
    const agreement = await verifyAgreement(client);
    await registerAgents(client, inv.agents);
    log(`all ${agreement.members.length} members agree: revision ${agreement.revision}, hashKV ${agreement.hash}`);
    return { resumed: false, survivor: survivorName, copiedTo: `${survivor.agent.address}:${copiedTo}`, removed, agreement };
  } finally {
    client.close();
  }
}

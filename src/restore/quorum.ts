// `warden quorum restore` (seed 001): when a majority of members is lost, rebuild the cluster
// from the surviving member with the most data: copy its data dir aside, restart it with
// --force-new-cluster (a one-member cluster that keeps its data), restart it normally, remove
// the lost members and add fresh ones one at a time, then check that all agree.
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { readClusterConfig, readManifests, requireClusterConfig } from '../cluster/cluster-config.ts';
import { readInventory } from '../cluster/inventory.ts';
import { startSupervisorDetached, supervisorPid } from '../cluster/control.ts';
import type { StateLayout } from '../cluster/layout.ts';
import type { Credentials } from '../etcd/connection.ts';
import { checkEndpointHealth } from '../etcd/health-check.ts';
import { addMembersBack, embeddedClient, placeManifest, startAlone, stopAllMembers, verifyAgreement, waitStopped, type Agreement, type Log } from './members.ts';

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
  const { log } = opts;
  requireClusterConfig(layout);
  const inv = readInventory(layout);
  if (inv) return (await import('./quorum-hosts.ts')).quorumAcrossAgents(layout, inv, opts);
  if (!supervisorPid(layout)) {
    await startSupervisorDetached(layout);
    log('started the supervisor');
  }
  const manifests = readManifests(layout).map((e) => e.manifest);
  const client = embeddedClient(layout, opts.auth);
  try {
    const seen: Seen[] = await Promise.all(manifests.map(async (m) => {
      const mc = client.member(m.clientURL);
      const [st, h] = await Promise.all([mc.status().catch(() => undefined), checkEndpointHealth(mc)]);
      return { name: m.name, healthy: h.health, ...(st ? { raftIndex: st.raftIndex } : {}) };
    }));
    const healthy = seen.filter((s) => s.healthy).length;
    const quorum = Math.floor(manifests.length / 2) + 1;
    if (healthy >= quorum) {
      // Quorum is back but members are missing: an earlier quorum restore was interrupted while
      // adding members back; finish that.
      const listed = (await client.memberList()).members;
      const missing = manifests.filter((m) => !listed.some((x) => x.peerURLs.includes(m.peerURL) && !x.isLearner && x.name === m.name));
      if (missing.length && listed.length < manifests.length + 1) {
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const token = readClusterConfig(layout)?.token ?? manifests[0]?.initialClusterToken ?? 'warden';
        log(`quorum is back; adding the missing members ${missing.map((m) => m.name).join(', ')}`);
        await addMembersBack(layout, client, missing, token, stamp, log);
        const agreement = await verifyAgreement(client);
        log(`all ${agreement.members.length} members agree: revision ${agreement.revision}, hashKV ${agreement.hash}`);
        return { resumed: true, survivor: '', copiedTo: '', removed: [], agreement };
      }
      throw new WardenError(`the cluster still has quorum (${healthy} of ${manifests.length} members healthy): quorum restore is only for lost quorum; restart lost members with \`warden cluster start-member\`, or replace them with \`warden member remove/add\``);
    }
    const survivorName = chooseSurvivor(seen, opts.member);
    const survivor = manifests.find((m) => m.name === survivorName)!;
    log(`quorum lost (${healthy} of ${manifests.length} healthy, ${quorum} needed): rebuilding from ${survivorName} (raft index ${seen.find((s) => s.name === survivorName)?.raftIndex})`);

    await stopAllMembers(layout, log);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const copiedTo = `${layout.root}/moved-aside/${stamp}/${survivorName}-before-quorum-restore`;
    fs.mkdirSync(`${layout.root}/moved-aside/${stamp}`, { recursive: true, mode: 0o700 });
    fs.cpSync(survivor.dataDir, copiedTo, { recursive: true });
    log(`copied the data dir of ${survivorName} to ${copiedTo}`);

    const token = readClusterConfig(layout)?.token ?? survivor.initialClusterToken;
    await startAlone(layout, survivor, token, log, ['--force-new-cluster']);
    // Once is enough: a later restart with --force-new-cluster would drop members added since.
    placeManifest(layout, { ...survivor }, false);
    await waitStopped(layout, survivor);
    await startAlone(layout, survivor, token, log);

    const removed: string[] = [];
    const { members } = await client.memberList();
    for (const m of members.filter((x) => x.name !== survivorName)) {
      await client.memberRemove(m.ID);
      removed.push(m.name || m.ID.toString(16));
    }
    if (removed.length) log(`removed lost members: ${removed.join(', ')}`);
    await addMembersBack(layout, client, manifests.filter((x) => x.name !== survivorName), token, stamp, log);
    const agreement = await verifyAgreement(client);
    log(`all ${agreement.members.length} members agree: revision ${agreement.revision}, hashKV ${agreement.hash}`);
    return { resumed: false, survivor: survivorName, copiedTo, removed, agreement };
  } finally {
    client.close();
  }
}

// Membership steps shared by restore and quorum recovery on the local cluster: stopping every
// member (manifests moved out), starting one member alone, adding the others back one at a
// time as learners (promoted once caught up), and checking that all members agree.
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { embeddedConnection, readManifests, type ManifestEntry } from '../cluster/cluster-config.ts';
import { waitHealthy } from '../cluster/control.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { serializeManifest, type MemberManifest } from '../cluster/manifest.ts';
import { isMemberProcess, readRunStatus } from '../cluster/supervisor.ts';
import { EtcdClient } from '../etcd/client.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { waitFor } from '../util/wait.ts';

export type Log = (line: string) => void;

export function embeddedClient(layout: StateLayout, endpoints?: string[]): EtcdClient {
  const conn = embeddedConnection(layout);
  return new EtcdClient({ endpoints: endpoints ?? conn.endpoints, ...(conn.tls ? { tls: conn.tls } : {}), commandTimeoutMs: 5000 });
}

export function memberEntry(layout: StateLayout, name: string): ManifestEntry {
  const e = readManifests(layout).find((x) => x.manifest.name === name);
  if (!e) throw new WardenError(`no member named "${name}" in ${layout.root}`);
  return e;
}

/** Writes a manifest into manifests/ (active) or stopped/, removing it from the other folder. */
export function placeManifest(layout: StateLayout, m: MemberManifest, active: boolean): void {
  const to = active ? layout.manifestFile(m.name) : layout.stoppedManifestFile(m.name);
  const other = active ? layout.stoppedManifestFile(m.name) : layout.manifestFile(m.name);
  writeFileAtomic(to, serializeManifest(m), 0o600);
  fs.rmSync(other, { force: true });
}

export async function waitStopped(layout: StateLayout, m: MemberManifest, timeoutMs = 30_000): Promise<void> {
  await waitFor(() => !isMemberProcess(readRunStatus(layout, m.name)?.pid, m.dataDir), { timeoutMs, what: `member ${m.name} to stop` });
}

/** Moves every manifest out and waits until no member runs. */
export async function stopAllMembers(layout: StateLayout, log: Log): Promise<void> {
  const entries = readManifests(layout);
  for (const e of entries.filter((x) => x.active)) fs.renameSync(e.file, layout.stoppedManifestFile(e.manifest.name));
  await Promise.all(entries.map((e) => waitStopped(layout, e.manifest)));
  log(`stopped every member (${entries.map((e) => e.manifest.name).join(', ')}): manifests moved to ${layout.stoppedDir}`);
}

/** Moves a data dir aside (never deletes it); returns where it went, or undefined if absent/empty. */
export function moveAside(layout: StateLayout, dataDir: string, name: string, stamp: string): string | undefined {
  if (!fs.existsSync(dataDir) || fs.readdirSync(dataDir).length === 0) return undefined;
  const dest = `${layout.root}/moved-aside/${stamp}/${name}`;
  let target = dest;
  for (let i = 1; fs.existsSync(target); i++) target = `${dest}.${i}`;
  fs.mkdirSync(`${layout.root}/moved-aside/${stamp}`, { recursive: true, mode: 0o700 });
  fs.renameSync(dataDir, target);
  return target;
}

/** Starts one member as a one-member cluster (its data dir must hold the restored data). */
export async function startAlone(layout: StateLayout, m: MemberManifest, token: string, log: Log, extraArgs: string[] = [], timeoutMs = 60_000): Promise<MemberManifest> {
  const alone: MemberManifest = {
    ...m, initialCluster: `${m.name}=${m.peerURL}`, initialClusterState: 'new', initialClusterToken: token,
    args: [...(m.args ?? []).filter((a) => a !== '--force-new-cluster'), ...extraArgs],
  };
  if (!alone.args?.length) delete alone.args;
  placeManifest(layout, alone, true);
  await waitHealthy(layout, timeoutMs, [m.name]);
  log(`member ${m.name} runs alone${extraArgs.length ? ` (${extraArgs.join(' ')})` : ''} and is healthy`);
  return alone;
}

/**
 * Adds a stopped member back with an empty data dir: member add as learner (on the running
 * cluster), manifest with initial-cluster-state existing, start, promote once in sync.
 */
export async function addMemberBack(layout: StateLayout, client: EtcdClient, m: MemberManifest, token: string, stamp: string, log: Log, timeoutMs = 90_000): Promise<void> {
  const { members } = await client.memberList();
  const existing = members.find((x) => x.peerURLs.includes(m.peerURL));
  if (existing && existing.name === m.name && !existing.isLearner) {
    log(`member ${m.name} is already a voting member`);
    return;
  }
  if (existing) {
    // Added by an earlier, interrupted attempt: start over with it.
    await client.memberRemove(existing.ID);
  }
  const aside = moveAside(layout, m.dataDir, m.name, stamp);
  if (aside) log(`moved the old data dir of ${m.name} aside to ${aside}`);
  // etcd refuses a member add until the cluster has been connected for a while after a change
  // ("unhealthy cluster"), so it is retried within the bound.
  const added = await waitFor(async () => {
    try {
      return await client.memberAdd([m.peerURL], { isLearner: true });
    } catch (err) {
      if (/unhealthy cluster/i.test((err as Error).message)) return undefined;
      throw err;
    }
  }, { timeoutMs, intervalMs: 500, what: `the cluster to accept ${m.name} as a new member` });
  const initial = added.members
    .map((x) => (x.ID === added.member.ID ? `${m.name}=${m.peerURL}` : x.name ? `${x.name}=${x.peerURLs[0]}` : undefined))
    .filter(Boolean)
    .join(',');
  const joined: MemberManifest = { ...m, initialCluster: initial, initialClusterState: 'existing', initialClusterToken: token };
  if (joined.args) joined.args = joined.args.filter((a) => a !== '--force-new-cluster');
  if (joined.args && joined.args.length === 0) delete joined.args;
  placeManifest(layout, joined, true);
  log(`member ${m.name} added as a learner (ID ${added.member.ID.toString(16)}), starting it`);
  // Promote only once the learner has published its name: a promotion racing its publish
  // proposal makes etcd drop the publish and the member serves clients only 7 s later.
  await waitFor(async () => (await client.memberList()).members.some((x) => x.ID === added.member.ID && x.name === m.name) || undefined, {
    timeoutMs, intervalMs: 100, what: `learner ${m.name} to start and publish itself`,
  });
  await waitFor(async () => {
    try {
      await client.memberPromote(added.member.ID);
      return true;
    } catch (err) {
      if (/in sync|not ready|learner/i.test((err as Error).message)) return undefined;
      throw err;
    }
  }, { timeoutMs, intervalMs: 250, what: `learner ${m.name} to catch up and be promoted` });
  await waitHealthy(layout, timeoutMs, [m.name]);
  log(`member ${m.name} promoted to a voting member and healthy`);
}

export interface Agreement {
  revision: number;
  hash: number;
  members: { name: string; endpoint: string; hash: number; revision: number }[];
}

/** Every member answers hashKV at one revision with the same hash. */
export async function verifyAgreement(client: EtcdClient, timeoutMs = 30_000): Promise<Agreement> {
  const { members } = await client.memberList();
  const mcs = members.map((m) => ({ name: m.name, endpoint: m.clientURLs[0] ?? '', c: client.member(m.clientURLs[0] ?? '') }));
  const revision = Math.max(...(await Promise.all(mcs.map(async (m) => (await m.c.status()).header.revision))));
  const results = await waitFor(async () => {
    const rs = await Promise.all(mcs.map(async (m) => {
      const st = await m.c.status();
      if (st.header.revision < revision) return undefined;
      const h = await m.c.hashKV(revision);
      return { name: m.name, endpoint: m.endpoint, hash: h.hash, revision };
    }));
    return rs.every(Boolean) ? (rs as Agreement['members']) : undefined;
  }, { timeoutMs, intervalMs: 200, what: 'every member to reach the same revision' });
  const hashes = new Set(results.map((r) => r.hash));
  if (hashes.size !== 1) {
    throw new WardenError(`members disagree at revision ${revision}: ${results.map((r) => `${r.name} hashKV ${r.hash}`).join(', ')}: do not use this cluster; restore again`);
  }
  return { revision, hash: results[0]?.hash ?? 0, members: results };
}

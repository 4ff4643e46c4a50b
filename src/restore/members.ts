// Membership steps shared by restore and quorum recovery on the local cluster: stopping every
// member (manifests moved out), starting one member alone, adding the others back one at a
// time as learners (promoted once caught up), and checking that all members agree.
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { embeddedConnection, readManifests, type ManifestEntry } from '../cluster/cluster-config.ts';
import { waitHealthy } from '../cluster/control.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { serializeManifest, type MemberManifest } from '../cluster/manifest.ts';
import { isMemberProcess, manifestStamp, readRunStatus } from '../cluster/supervisor.ts';
import { authEnabled } from '../cluster/auth.ts';
import { storedCredentials } from '../cluster/credentials.ts';
import { EtcdClient } from '../etcd/client.ts';
import type { Credentials } from '../etcd/connection.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { waitFor } from '../util/wait.ts';
import { holdsOwnAttributes, servesClients, type ClientTls } from './hosts.ts';

export type Log = (line: string) => void;

/** A client of the local cluster as `auth` (default: root's stored credentials, if any). */
export function embeddedClient(layout: StateLayout, auth?: Credentials): EtcdClient {
  const conn = embeddedConnection(layout);
  const user = auth ?? conn.auth;
  return new EtcdClient({ endpoints: conn.endpoints, ...(conn.tls ? { tls: conn.tls } : {}), ...(user ? { auth: user } : {}), commandTimeoutMs: 5000 });
}

/**
 * Said after a restore that used credentials into a cluster whose auth is now off: the set was
 * taken before authentication was enabled, so its auth store (users, roles, the switch) is off.
 */
export async function warnIfAuthOff(layout: StateLayout, auth: Credentials | undefined, log: Log): Promise<void> {
  if (!(auth ?? storedCredentials(layout))) return;
  const conn = embeddedConnection(layout);
  const anonymous = new EtcdClient({ endpoints: conn.endpoints, ...(conn.tls ? { tls: conn.tls } : {}), commandTimeoutMs: 5000 });
  try {
    if (!(await authEnabled(anonymous))) {
      log('warning: the restored cluster has no authentication (the backup was taken before it was enabled): anyone who reaches its client URLs can read and write; run `warden cluster up --auth` to enable it again');
    }
  } finally {
    anonymous.close();
  }
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

/** Where one restore (named by its stamp) moves data dirs aside. */
export function movedAsideDir(layout: StateLayout, stamp: string): string {
  return `${layout.root}/moved-aside/${stamp}`;
}

/** Moves a data dir aside (never deletes it); returns where it went, or undefined if absent/empty. */
export function moveAside(layout: StateLayout, dataDir: string, name: string, stamp: string): string | undefined {
  if (!fs.existsSync(dataDir) || fs.readdirSync(dataDir).length === 0) return undefined;
  const dest = `${movedAsideDir(layout, stamp)}/${name}`;
  let target = dest;
  for (let i = 1; fs.existsSync(target); i++) target = `${dest}.${i}`;
  fs.mkdirSync(movedAsideDir(layout, stamp), { recursive: true, mode: 0o700 });
  fs.renameSync(dataDir, target);
  return target;
}

/**
 * Everything moved aside under one stamp, by every run of that restore (an interrupted one and
 * its resumption, and whatever step moved it): the folder is the record, so nothing moved is
 * left out of the list, even when a run was killed right after a move.
 */
export function listMovedAside(layout: StateLayout, stamp: string): string[] {
  const dir = movedAsideDir(layout, stamp);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort().map((d) => `${dir}/${d}`);
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
 * Adds stopped members back one at a time with empty data dirs (see addMemberBack), then waits
 * until every one of them serves clients.
 */
export async function addMembersBack(layout: StateLayout, client: EtcdClient, ms: MemberManifest[], token: string, stamp: string, log: Log, timeoutMs = 90_000): Promise<void> {
  for (const [i, m] of ms.entries()) await addMemberBack(layout, client, m, token, stamp, log, { more: i < ms.length - 1, timeoutMs });
  if (ms.length > 1) {
    await waitHealthy(layout, timeoutMs, ms.map((m) => m.name));
    log(`members ${ms.map((m) => m.name).join(', ')} are healthy`);
  }
}

/**
 * Adds a stopped member back with an empty data dir: member add as learner (on the running
 * cluster), manifest with initial-cluster-state existing, start, promote once in sync. With
 * `more` (another member follows) it returns once promoted, without waiting for the member to
 * serve clients: that can take etcd ~7 s (see waitLearnerServing), and etcd refuses the next add
 * until its leader has been connected to this member for 5 s anyway, so the two waits run side
 * by side. Restarting the learner instead would start those 5 s over. The caller then waits
 * for all of them to be healthy.
 */
export async function addMemberBack(layout: StateLayout, client: EtcdClient, m: MemberManifest, token: string, stamp: string, log: Log, opts: { more?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
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
  // etcd refuses a member add ("unhealthy cluster") until the leader has been connected to every
  // voting member for 5 s (its HealthInterval), so it is retried within the bound; often, as
  // after the first learner this wait is most of a restore.
  const added = await waitFor(async () => {
    try {
      return await client.memberAdd([m.peerURL], { isLearner: true });
    } catch (err) {
      if (/unhealthy cluster/i.test((err as Error).message)) return undefined;
      throw err;
    }
  }, { timeoutMs, intervalMs: 100, what: `the cluster to accept ${m.name} as a new member` });
  const initial = added.members
    .map((x) => (x.ID === added.member.ID ? `${m.name}=${m.peerURL}` : x.name ? `${x.name}=${x.peerURLs[0]}` : undefined))
    .filter(Boolean)
    .join(',');
  const joined: MemberManifest = { ...m, initialCluster: initial, initialClusterState: 'existing', initialClusterToken: token };
  if (joined.args) joined.args = joined.args.filter((a) => a !== '--force-new-cluster');
  if (joined.args && joined.args.length === 0) delete joined.args;
  placeManifest(layout, joined, true);
  log(`member ${m.name} added as a learner (ID ${added.member.ID.toString(16)}), starting it`);
  if (!opts.more) await waitLearnerServing(layout, joined, log, timeoutMs);
  await waitFor(async () => {
    try {
      await client.memberPromote(added.member.ID);
      return true;
    } catch (err) {
      if (/in sync|not ready|learner/i.test((err as Error).message)) return undefined;
      throw err;
    }
  }, { timeoutMs, intervalMs: 100, what: `learner ${m.name} to catch up and be promoted` });
  if (opts.more) {
    log(`member ${m.name} promoted to a voting member`);
    return;
  }
  await waitHealthy(layout, timeoutMs, [m.name]);
  log(`member ${m.name} promoted to a voting member and healthy`);
}

/** The TLS a probe of this member uses: the cluster's client certificate, its own for the peer port. */
function probeTls(layout: StateLayout, m: MemberManifest): { client?: ClientTls; peer?: ClientTls } {
  const conn = embeddedConnection(layout);
  const peer = m.tls && m.peerURL.startsWith('https:')
    ? { ca: fs.readFileSync(m.tls.trustedCAFile), cert: fs.readFileSync(m.tls.certFile), key: fs.readFileSync(m.tls.keyFile) }
    : undefined;
  return { ...(conn.tls ? { client: conn.tls } : {}), ...(peer ? { peer } : {}) };
}

/**
 * Waits until a learner just started with an empty data dir serves clients, restarting it once
 * when etcd 3.4 would otherwise keep it waiting ~7 s. The learner proposes its "publish" (name
 * and client URLs) as soon as it hears the leader's first heartbeat. A learner's vote is not
 * needed to commit, so the leader commits and applies that proposal at once, and the raft
 * snapshot it then sends the learner (an empty member always needs one) is taken at its applied
 * index, so it already holds the publish. The learner never applies the publish entry itself,
 * which is the only thing that wakes its waiting publish: it gives up after etcd's request
 * timeout (5 s + 2 election timeouts) and only its retry gets through. A member started again
 * publishes at once, through the log. So when the learner's own state already holds its
 * client URLs but it still does not answer, it is restarted (a learner, so no quorum changes;
 * its data dir is kept). When it cannot be judged, etcd's own retry still ends the wait.
 */
async function waitLearnerServing(layout: StateLayout, m: MemberManifest, log: Log, timeoutMs: number): Promise<void> {
  for (let restarted = false; ;) {
    // The member's last status may be left from before (e.g. it died): only one about this very
    // manifest file says it exited.
    const placed = manifestStamp(fs.statSync(layout.manifestFile(m.name)));
    let heldSince: number | undefined;
    const outcome = await waitFor(async () => {
      const st = readRunStatus(layout, m.name);
      if (st && st.manifestStamp === placed && (st.state === 'exited' || st.state === 'failed')) return st;
      const asked = Date.now();
      const tls = probeTls(layout, m);
      const [held, serving] = await Promise.all([!restarted && holdsOwnAttributes(m, tls.peer), servesClients(m, tls.client)]);
      if (serving) return 'serving';
      if (!held) return undefined;
      heldSince ??= asked;
      // Published through the log, a member serves within milliseconds of applying it, so
      // holding its attributes for a while without serving means it waits on etcd's timeout.
      return Date.now() - heldSince >= 150 ? 'stalled' : undefined;
    }, { timeoutMs, intervalMs: 50, what: `learner ${m.name} to start and serve clients` });
    if (outcome === 'serving') return;
    if (outcome !== 'stalled') {
      throw new WardenError(`member ${m.name} ${outcome.state === 'failed' ? 'could not start' : 'exited'}: ${outcome.error ?? 'no reason logged'}; see ${layout.memberLog(m.name)}`);
    }
    log(`learner ${m.name} got its own publish inside the leader's snapshot and would wait ~7 s for etcd to retry it: restarting it`);
    placeManifest(layout, m, false);
    await waitStopped(layout, m);
    placeManifest(layout, m, true);
    restarted = true;
  }
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
      // HashKV refuses a revision at or below the compact revision, which is where a set taken
      // at its compact revision restores to: there, "now" (0) is the only way to ask.
      const now = await m.c.hashKV(0);
      if (now.header.revision < revision) return undefined;
      const h = now.header.revision === revision ? now : await m.c.hashKV(revision);
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

// Membership steps over hosts: stopping every member, starting one alone, adding the others
// back one at a time as learners (promoted once caught up), whatever runs each member. A
// `MemberHost` is one member on its host (an agent, src/agent/host.ts); these steps talk to
// etcd through an EtcdClient and to hosts only through that interface.
import { WardenError } from '../errors.ts';
import { EtcdTimeoutError } from '../etcd/errors.ts';
import { EtcdClient, MemberClient } from '../etcd/client.ts';
import type { EtcdApi } from '../etcd/api.ts';
import type { MemberAddResult } from '../etcd/types.ts';
import { checkEndpointHealth } from '../etcd/health-check.ts';
import { EndWait, waitFor, WaitTimeoutError } from '../util/wait.ts';
import type { Log } from './members.ts';

/** How a member is to run: alone or joining, with which cluster token, and extra etcd flags. */
export interface RunSettings {
  initialCluster: string;
  initialClusterState: 'new' | 'existing';
  token: string;
  /** Flags for this run only (--force-new-cluster), on top of the member's own. */
  extraArgs?: string[];
}

export interface ClientTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface MemberHost {
  readonly name: string;
  readonly clientURL: string;
  readonly peerURL: string;
  /** Where the member runs, for messages: "agent 10.0.0.12:7700". */
  readonly where: string;
  /** Stops the member (its manifest moved out); resolves once its process is gone. */
  stop(): Promise<void>;
  /** Places the member's manifest with these settings and starts it; resolves once its process runs. */
  run(settings: RunSettings): Promise<void>;
  /** Stops the member and starts it again as it was (same manifest, same data). */
  restart(): Promise<void>;
  /** Why the member does not run (it exited, or could not start), or undefined while it runs. */
  down(): Promise<string | undefined>;
  /** Moves the stopped member's data dir aside under `stamp`; undefined when it was absent or empty. */
  moveAside(stamp: string, label?: string): Promise<string | undefined>;
  /** Copies the stopped member's data dir aside under `stamp` as `label`. */
  copyAside(stamp: string, label: string): Promise<string>;
  /** Everything moved or copied aside under `stamp`, by any run. */
  listAside(stamp: string): Promise<string[]>;
  /** The raft index the member last answered with (kept by its host while it is down). */
  lastRaftIndex(): Promise<number | undefined>;
}

/**
 * Stops every member: followers first, the leader last. A leader stopped while its followers
 * run hands leadership over first; stopped with them, it tries to hand over to one that is
 * itself stopping and waits ~7 s for it.
 */
export async function stopAll(hosts: MemberHost[], log: Log, client?: EtcdClient): Promise<void> {
  const leader = client ? await leaderOf(client, hosts) : undefined;
  await Promise.all(hosts.filter((h) => h !== leader).map((h) => h.stop()));
  if (leader) await leader.stop();
  log(`stopped every member (${hosts.map((h) => `${h.name} on ${h.where}`).join(', ')}): manifests moved out`);
}

/** The host whose member leads, asked with a short timeout; undefined when none answers as leader. */
export async function leaderOf<H extends MemberHost>(client: EtcdClient, hosts: H[]): Promise<H | undefined> {
  const found = await Promise.all(hosts.map(async (h) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const st = await Promise.race([
      client.member(h.clientURL).status().catch(() => undefined),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 1500))),
    ]).finally(() => clearTimeout(timer));
    return st && st.leader === st.header.member_id ? h : undefined;
  }));
  return found.find(Boolean);
}

/** Waits until each member answers a linearizable read; one that goes down meanwhile ends the wait with why. */
export async function waitServing(client: EtcdClient, hosts: MemberHost[], timeoutMs: number): Promise<void> {
  let failed = false;
  await Promise.all(hosts.map(async (h) => {
    try {
      // Every 50 ms: a member that serves is seen within moments of it.
      await waitFor(async () => {
        if (failed) return true;
        const why = await h.down();
        if (why) throw new EndWait(new WardenError(`member ${h.name} on ${h.where} ${why}`));
        return (await checkEndpointHealth(client.member(h.clientURL))).health;
      }, { timeoutMs, intervalMs: 50, what: `member ${h.name} on ${h.where} to become healthy` });
    } catch (err) {
      failed = true;
      if (err instanceof WaitTimeoutError) throw new WardenError(`member ${h.name} on ${h.where} was not healthy within ${Math.round(timeoutMs / 1000)}s: see \`warden cluster logs ${h.name}\``);
      throw err;
    }
  }));
}

/**
 * Removes a member. etcd refuses ("unhealthy cluster") while the members that would remain have
 * not all been connected to the leader for a few seconds (right after a restore or a start),
 * so that is retried within the bound, as the member add is.
 */
export async function removeMember(client: EtcdClient, id: bigint, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => {
    try {
      await client.memberRemove(id);
      return true;
    } catch (err) {
      if (/unhealthy cluster/i.test((err as Error).message)) return undefined;
      throw new EndWait(err);
    }
  }, { timeoutMs, intervalMs: 200, what: `the cluster to accept the removal of member ${id.toString(16)}` });
}


/** Starts one member as a one-member cluster (its data dir holds the data it is to serve). */
export async function startAloneOn(client: EtcdClient, h: MemberHost, token: string, log: Log, extraArgs: string[] = [], timeoutMs = 60_000): Promise<void> {
  await h.run({ initialCluster: `${h.name}=${h.peerURL}`, initialClusterState: 'new', token, extraArgs });
  await waitServing(client, [h], timeoutMs);
  log(`member ${h.name} runs alone on ${h.where}${extraArgs.length ? ` (${extraArgs.join(' ')})` : ''} and is healthy`);
}

/** Adds stopped members back one at a time with empty data dirs, then waits until all serve. */
export async function addBack(client: EtcdClient, hosts: MemberHost[], token: string, stamp: string, log: Log, o: { tls?: ClientTls; timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 90_000;
  for (const [i, h] of hosts.entries()) await addOneBack(client, h, token, stamp, log, { ...o, more: i < hosts.length - 1, timeoutMs });
  if (hosts.length > 1) {
    await waitServing(client, hosts, timeoutMs);
    log(`members ${hosts.map((h) => h.name).join(', ')} are healthy`);
  }
}

/**
 * A new learner with this peer URL, member add retried while etcd refuses it for a moment
 * ("unhealthy cluster", right after a start or another change).
 *
 * etcd (3.4) names a new member after its peer URLs and the current second. Added again within
 * the second in which a member just removed was added (a resumed restore or replace), it gets the
 * removed member's ID: etcd drops the change and answers "member not found". Such an add is
 * tried again: in the next second, it is a new member. An add that got no answer in time is
 * not a failure either: the member it may have made is looked for before each new try.
 */
export async function addLearner(client: EtcdApi, peerURL: string, name: string, timeoutMs: number): Promise<MemberAddResult> {
  // After an add that got no answer in time (a leader busy sending a raft snapshot of GBs, a
  // disk writing it back), etcd may still apply it: each try then first looks for the member.
  let unanswered = false;
  return waitFor(async () => {
    try {
      if (unanswered) {
        const list = await client.memberList();
        const member = list.members.find((x) => x.peerURLs.includes(peerURL) && !x.name);
        if (member) return { ...list, member };
      }
      const a = await client.memberAdd([peerURL], { isLearner: true });
      return a.members.some((x) => x.ID === a.member.ID) ? a : undefined;
    } catch (err) {
      if (/unhealthy cluster|member not found/i.test((err as Error).message)) return undefined;
      // Tried again (the last error is named if the bound runs out). Both of etcd's answers to an
      // add made already: "Peer URLs already exists", "member ID already exist" (the same second).
      if (err instanceof EtcdTimeoutError || (unanswered && /already exist/i.test((err as Error).message))) {
        unanswered = true;
        throw err;
      }
      throw new EndWait(err);
    }
  }, { timeoutMs, intervalMs: 100, what: `the cluster to accept ${name} as a new member` });
}

/**
 * One member back as a learner with an empty data dir: member add (on the running cluster), its
 * manifest with initial-cluster-state existing, start, promote once in sync. With `more` (others
 * follow) it is not waited for to serve clients nor restarted when its publish stalls: etcd
 * refuses the next add until it has been connected for 5 s anyway, and a restart would start
 * that over (docs/ARCHITECTURE.md).
 */
async function addOneBack(client: EtcdClient, h: MemberHost, token: string, stamp: string, log: Log, o: { more: boolean; timeoutMs: number; tls?: ClientTls }): Promise<void> {
  const { members } = await retryUnanswered(() => client.memberList(), o.timeoutMs, 'the member list');
  const existing = members.find((x) => x.peerURLs.includes(h.peerURL));
  if (existing && existing.name === h.name && !existing.isLearner) {
    log(`member ${h.name} is already a voting member`);
    return;
  }
  if (existing) await removeMember(client, existing.ID); // added by an interrupted attempt: start over
  await h.stop();
  const aside = await h.moveAside(stamp);
  if (aside) log(`moved the old data dir of ${h.name} aside to ${aside} on ${h.where}`);
  // A member that joins before the cluster has decided its version (a few seconds after a
  // member started alone) exits with "incompatible with current running cluster": etcd finds no
  // version to check its own against.
  const voters = members.filter((x) => !x.isLearner && x.peerURLs[0]).map((x) => x.peerURLs[0] as string);
  await waitFor(async () => (await Promise.all(voters.map((u) => clusterVersionOf(u, o.tls)))).some(Boolean) || undefined, {
    timeoutMs: o.timeoutMs, intervalMs: 100, what: 'the cluster to decide its version (etcd refuses a new member before)',
  });
  const added = await addLearner(client, h.peerURL, h.name, o.timeoutMs);
  const initialCluster = added.members
    .map((x) => (x.ID === added.member.ID ? `${h.name}=${h.peerURL}` : x.name ? `${x.name}=${x.peerURLs[0]}` : undefined))
    .filter(Boolean)
    .join(',');
  await h.run({ initialCluster, initialClusterState: 'existing', token });
  const startedAt = Date.now();
  log(`member ${h.name} added as a learner (ID ${added.member.ID.toString(16)}) on ${h.where}, starting it`);
  if (o.more) {
    await promoteWhenInSync(client, h, added.member.ID, o.timeoutMs);
    log(`member ${h.name} promoted to a voting member`);
    return;
  }
  // The last one is promoted as soon as etcd lets it, while its start is watched (a stalled
  // publish is restarted): the two waits overlap, as the runbook's promote retried by hand does.
  // A restart waits for a promotion in flight and holds the next one back. With 3 or more
  // voters after it, a member restarted once promoted leaves the others their quorum; with
  // fewer, it is promoted only once it serves, so a restart never costs the quorum.
  const race: Race = { ended: false, promoting: false, restarting: false };
  try {
    if (voters.length + 1 >= 3) await Promise.all([promoteWhenInSync(client, h, added.member.ID, o.timeoutMs, race), waitLearnerServing(h, startedAt, log, o.timeoutMs, o.tls, race)]);
    else {
      await waitLearnerServing(h, startedAt, log, o.timeoutMs, o.tls, race);
      await promoteWhenInSync(client, h, added.member.ID, o.timeoutMs, race);
    }
  } finally {
    race.ended = true;
  }
  await waitServing(client, [h], o.timeoutMs);
  log(`member ${h.name} promoted to a voting member and healthy`);
}

/** `call` asked again while etcd gives no answer in time (a read: asking again is safe). */
function retryUnanswered<T>(call: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return waitFor(async () => {
    try {
      return await call();
    } catch (err) {
      if (err instanceof EtcdTimeoutError) throw err; // asked again; named if the bound runs out
      throw new EndWait(err);
    }
  }, { timeoutMs, intervalMs: 100, what });
}

/** What the promotion and the watch of the last learner's start share. */
interface Race {
  ended: boolean;
  promoting: boolean;
  restarting: boolean;
}

/** Promotes a learner once etcd lets it (it refuses one not yet in sync with the leader). */
async function promoteWhenInSync(client: EtcdClient, h: MemberHost, id: bigint, timeoutMs: number, race?: Race): Promise<void> {
  await waitFor(async () => {
    if (race?.ended) return true;
    if (race?.restarting) return undefined;
    if (race) race.promoting = true;
    try {
      await client.memberPromote(id);
      return true;
    } catch (err) {
      // No answer in time: applied or not, the next try tells ("can only promote a learner").
      if (err instanceof EtcdTimeoutError) throw err;
      if (!/in sync|not ready|learner/i.test((err as Error).message)) throw new EndWait(err);
      // "can only promote a learner member": promoted already (an answer lost on the way).
      const m = (await client.memberList()).members.find((x) => x.ID === id);
      return m && !m.isLearner ? true : undefined;
    } finally {
      if (race) race.promoting = false;
    }
  }, { timeoutMs, intervalMs: 50, what: `learner ${h.name} to catch up and be promoted` });
}

/** Whether a member answers clients (Status, which etcd 3.4 also serves on a learner), on a fresh channel. */
export async function servesClients(h: Pick<MemberHost, 'clientURL'>, tls?: ClientTls): Promise<boolean> {
  const probe = new MemberClient(h.clientURL, { ...(tls ? { tls } : {}), commandTimeoutMs: 200, dialTimeoutMs: 200 });
  try {
    await probe.status();
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

/** A member's peer URL answers `path` (/members, /version) with JSON; undefined when it does not, or with something else. */
async function peerJson<T>(peerURL: string, path: string, tls: ClientTls | undefined, timeoutMs: number): Promise<T | undefined> {
  const url = new URL(path, peerURL);
  const { get } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    const req = get(url, { timeout: timeoutMs, ...(tls && url.protocol === 'https:' ? tls : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** The cluster version a member reports on its peer URL (`/version`), once decided; undefined before or when it does not answer. */
export async function clusterVersionOf(peerURL: string, tls?: ClientTls): Promise<string | undefined> {
  const v = (await peerJson<{ etcdcluster?: string }>(peerURL, '/version', tls, 500))?.etcdcluster;
  return v && /^\d+\.\d+\.\d+/.test(v) ? v : undefined;
}

/** Whether the member's own applied state holds its client URLs, read from its peer port (/members). */
export async function holdsOwnAttributes(h: Pick<MemberHost, 'peerURL'>, tls?: ClientTls): Promise<boolean> {
  const ms = await peerJson<{ peerURLs?: string[]; clientURLs?: string[] }[]>(h.peerURL, '/members', tls, 300);
  return Array.isArray(ms) && ms.some((x) => x.peerURLs?.includes(h.peerURL) && (x.clientURLs?.length ?? 0) > 0);
}

/** How often etcd 3.4 retries a publish that got no answer: 5 s plus two election timeouts (1 s each by default). */
const PUBLISH_RETRY_MS = 7000;

/**
 * Waits until a learner started (at `startedAt`) with an empty data dir serves clients,
 * restarting it once when etcd 3.4 would keep it waiting for its own publish (docs/ARCHITECTURE.md
 * says why): unless etcd's own retry comes sooner than the time the learner took to get here
 * (a rough bound of what a restart costs: a start, and catching up on what arrived meanwhile;
 * a large snapshot takes seconds to arrive).
 */
async function waitLearnerServing(h: MemberHost, startedAt: number, log: Log, timeoutMs: number, tls: ClientTls | undefined, race: Race): Promise<void> {
  let retryDueAt = 0; // while etcd's own retry is awaited, the stall is not looked at again
  let toRetry = 0;
  for (let restarted = false; ;) {
    let heldSince: number | undefined;
    const outcome = await waitFor(async () => {
      if (race.ended) return 'ended';
      const asked = Date.now();
      const waiting = Date.now() < retryDueAt + 500;
      const [why, held, serving] = await Promise.all([h.down(), !restarted && !waiting && holdsOwnAttributes(h, tls), servesClients(h, tls)]);
      if (serving) return 'serving';
      if (why) throw new EndWait(new WardenError(`member ${h.name} on ${h.where} ${why}`));
      if (!held) {
        if (!waiting) heldSince = undefined;
        return undefined;
      }
      // Its publish applied through the log would have let it serve within milliseconds.
      heldSince ??= asked;
      if (Date.now() - heldSince < 100) return undefined;
      if (race.promoting) return undefined; // decided once etcd has answered
      const sinceStart = Date.now() - startedAt;
      toRetry = PUBLISH_RETRY_MS - (sinceStart % PUBLISH_RETRY_MS);
      if (toRetry > sinceStart) {
        race.restarting = true; // in the same tick: no promotion starts during the restart
        return 'stalled';
      }
      log(`member ${h.name} got its own publish inside the leader's snapshot: etcd retries it in ${(toRetry / 1000).toFixed(1)}s, sooner than a restart would take`);
      retryDueAt = Date.now() + toRetry;
      heldSince = undefined;
      return undefined;
    }, { timeoutMs, intervalMs: 50, what: `learner ${h.name} to start and serve clients` });
    if (outcome !== 'stalled') return;
    log(`member ${h.name} got its own publish inside the leader's snapshot and would wait ${(toRetry / 1000).toFixed(1)}s for etcd to retry it: restarting it`);
    try {
      await h.restart();
    } finally {
      race.restarting = false;
    }
    restarted = true;
  }
}

// What restore, quorum restore and member replace share besides the hosts (hosts.ts): a client
// of the cluster, moving data dirs aside on a host, and checking that all members agree.
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { embeddedConnection } from '../cluster/cluster-config.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { authEnabled } from '../cluster/auth.ts';
import { storedCredentials } from '../cluster/credentials.ts';
import { EtcdClient } from '../etcd/client.ts';
import type { Credentials } from '../etcd/connection.ts';
import { waitFor } from '../util/wait.ts';

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
  try {
    fs.renameSync(dataDir, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EBUSY') throw err;
    moveContents(dataDir, target);
  }
  return target;
}

/**
 * For a data dir that cannot be renamed: a mount point of its own (EBUSY), as /var/lib/etcd
 * often is, or one on another filesystem than the state dir (EXDEV). Its contents go (copied
 * first when the filesystems differ; the copy is renamed into place only when whole), and the
 * dir itself stays, empty. Killed midway, nothing is lost: the data dir still holds everything
 * not yet in place, and a rerun moves it again.
 */
function moveContents(dataDir: string, target: string): void {
  // A run killed midway left some entries here: those moved by rename are only here now (kept);
  // a copy of one still in the data dir may be incomplete (the data dir's is taken again).
  const partial = `${target}.partial`;
  fs.mkdirSync(partial, { recursive: true, mode: 0o700 });
  const entries = fs.readdirSync(dataDir);
  for (const e of entries) {
    fs.rmSync(`${partial}/${e}`, { recursive: true, force: true });
    try {
      fs.renameSync(`${dataDir}/${e}`, `${partial}/${e}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      fs.cpSync(`${dataDir}/${e}`, `${partial}/${e}`, { recursive: true, preserveTimestamps: true });
    }
  }
  fs.renameSync(partial, target);
  for (const e of entries) fs.rmSync(`${dataDir}/${e}`, { recursive: true, force: true });
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

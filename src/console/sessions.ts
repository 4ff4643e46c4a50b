// The console's logins and sessions, kept in etcd so every operator replica (and the one that
// leads after a failover) knows them. `warden console` makes a one-time login token (as Jupyter
// does): 32 random bytes in the URL it prints, valid for minutes, redeemed once at /login for a
// session whose id lives only in an HttpOnly, SameSite=Strict cookie. etcd keeps only the
// SHA-256 of each (as for API tokens), under a lease that ends it: a login key at its TTL, a
// session 12 hours after the login (or at logout). A session is read from the member the
// operator talks to (a serializable read), so the console still opens when etcd lost quorum.
import { WardenError } from '../errors.ts';
import type { EtcdClient } from '../etcd/client.ts';
import { compare, op } from '../etcd/txn.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { parseRole, type Role } from '../auth/roles.ts';
import { WARDEN_PREFIX } from '../operator/conditions.ts';

const LOGINS = `${WARDEN_PREFIX}console/logins/`;
const SESSIONS = `${WARDEN_PREFIX}console/sessions/`;
/** Where each operator says where it serves (its console's URL), under its own lease. */
export const OPERATORS = `${WARDEN_PREFIX}console/operators/`;

export const LOGIN_TTL_MS = 5 * 60_000;
export const SESSION_TTL_MS = 12 * 3600_000;

export interface ConsoleIdentity {
  /** Who logged in (audit lines show it with the kind "console"). */
  name: string;
  role: Role;
}

interface StoredRecord extends ConsoleIdentity {
  /** ISO time. */
  expires: string;
}

function parse(value: Buffer | undefined): StoredRecord | undefined {
  if (!value) return undefined;
  try {
    const r = JSON.parse(value.toString('utf8')) as StoredRecord;
    if (typeof r.name !== 'string' || typeof r.expires !== 'string') return undefined;
    parseRole(r.role);
    return r;
  } catch {
    return undefined;
  }
}

const hashKey = (prefix: string, secret: string): string => `${prefix}${hashToken(secret).slice('sha256:'.length)}`;

/** What a token or session id made by newToken() looks like: anything else is not looked up. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

async function putWithLease(client: EtcdClient, key: string, record: StoredRecord, ttlMs: number): Promise<void> {
  const lease = await client.leaseGrant(Math.ceil(ttlMs / 1000));
  await client.put(key, JSON.stringify(record), { lease });
}

/** A one-time login token for `who`, valid `ttlMs`: put into the URL `warden console` prints. */
export async function createLogin(client: EtcdClient, who: ConsoleIdentity, ttlMs = LOGIN_TTL_MS, now = new Date()): Promise<{ token: string; expires: Date }> {
  const token = newToken();
  const expires = new Date(now.getTime() + ttlMs);
  await putWithLease(client, hashKey(LOGINS, token), { ...who, expires: expires.toISOString() }, ttlMs);
  return { token, expires };
}

/**
 * Redeems a login token: its record, removed in the same transaction, so a token works once;
 * undefined when it is unknown, used, or expired.
 */
export async function redeemLogin(client: EtcdClient, token: string, now = new Date()): Promise<ConsoleIdentity | undefined> {
  if (!SECRET_SHAPE.test(token)) return undefined;
  const key = hashKey(LOGINS, token);
  // A read first: a made-up token costs etcd no write (a txn with a delete goes through raft).
  if ((await client.get(key, { countOnly: true })).count === 0) return undefined;
  const res = await client.txn({ compare: [compare.version(key, '>', 0)], success: [op.get(key), op.delete(key)] });
  if (!res.succeeded) return undefined;
  const got = res.responses[0];
  const r = got?.type === 'get' ? parse(got.kvs[0]?.value) : undefined;
  if (!r || Date.parse(r.expires) <= now.getTime()) return undefined;
  return { name: r.name, role: r.role };
}

/** A new session for `who`; returns its id (the cookie's value). */
export async function createSession(client: EtcdClient, who: ConsoleIdentity, ttlMs = SESSION_TTL_MS, now = new Date()): Promise<string> {
  const id = newToken();
  await putWithLease(client, hashKey(SESSIONS, id), { ...who, expires: new Date(now.getTime() + ttlMs).toISOString() }, ttlMs);
  return id;
}

export async function lookupSession(client: EtcdClient, id: string, now = new Date()): Promise<ConsoleIdentity | undefined> {
  if (!SECRET_SHAPE.test(id)) return undefined;
  const r = parse((await client.get(hashKey(SESSIONS, id), { serializable: true })).kvs[0]?.value);
  if (!r || Date.parse(r.expires) <= now.getTime()) return undefined;
  return { name: r.name, role: r.role };
}

export async function endSession(client: EtcdClient, id: string): Promise<void> {
  if (SECRET_SHAPE.test(id)) await client.delete(hashKey(SESSIONS, id));
}

export interface OperatorRecord {
  identity: string;
  url: string;
  /** ISO time it started serving. */
  since: string;
}

/** The operators serving now (each publishes its record under its own lease while it runs). */
export async function servingOperators(client: EtcdClient): Promise<OperatorRecord[]> {
  const res = await client.get(OPERATORS, { prefix: true });
  return res.kvs.flatMap((kv) => {
    try {
      const r = JSON.parse(kv.value.toString('utf8')) as OperatorRecord;
      return typeof r.url === 'string' && typeof r.identity === 'string' ? [r] : [];
    } catch {
      return [];
    }
  });
}

/** The URL of the console: the leader's operator when it serves, else any that does. */
export function consoleUrl(operators: OperatorRecord[], leader: string | undefined): string {
  const pick = operators.find((o) => o.identity === leader) ?? operators[0];
  if (!pick) throw new WardenError('no operator serves this cluster: start one (`warden run`, or `warden operator`), or give its address with --url https://HOST:PORT');
  return pick.url;
}

/**
 * Publishes where this operator serves (its record under a lease kept alive) until `signal`
 * aborts, then removes it; a lost lease (etcd unreachable) is granted again a moment later.
 */
export async function publishOperator(client: EtcdClient, record: OperatorRecord, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const key = `${OPERATORS}${record.identity}`;
  let warned = false;
  while (!signal.aborted) {
    let lease: bigint | undefined;
    try {
      lease = await client.leaseGrant(30);
      if (!signal.aborted) await client.put(key, JSON.stringify(record), { lease });
      const keep = client.leaseKeepAlive(lease, { ttlSeconds: 30 });
      warned = false;
      // The signal may have fired while etcd was asked: then there is nothing to wait for.
      if (!signal.aborted) {
        await new Promise<void>((resolve) => {
          keep.once('lost', () => resolve());
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      keep.stop();
    } catch (err) {
      if (!warned) log(`could not publish this operator's console URL (${(err as Error).message}): retrying`);
      warned = true;
    }
    if (signal.aborted) {
      if (lease !== undefined) await client.leaseRevoke(lease).catch(() => undefined);
      return;
    }
    await new Promise((r) => setTimeout(r, 2000).unref());
  }
}

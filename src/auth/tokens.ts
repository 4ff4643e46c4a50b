// Bearer tokens for the operator's API. A token is 32 random bytes (`wdn_` + base64url), shown
// once when created; etcd keeps only its SHA-256 with the name, role and expiry, under
// /warden/tokens/<name>, so every operator replica knows every token and a revocation reaches
// all of them. (An unsalted fast hash is enough: the token is random, there is nothing to guess
// from a dictionary.) Each operator keeps the records in memory, current through a watch, so a
// request costs a hash and a map lookup, never an etcd round trip.
import crypto from 'node:crypto';
import { UsageError, WardenError } from '../errors.ts';
import type { EtcdClient, Watcher } from '../etcd/client.ts';
import { compare, op } from '../etcd/txn.ts';
import { WARDEN_PREFIX } from '../operator/conditions.ts';
import { parseRole, type Role } from './roles.ts';

export const TOKENS_PREFIX = `${WARDEN_PREFIX}tokens/`;
const TOKEN_PREFIX = 'wdn_';

export interface TokenRecord {
  name: string;
  role: Role;
  /** ISO time. */
  created: string;
  /** ISO time; absent: never expires. */
  expires?: string;
  /** `sha256:<hex>` of the token. */
  hash: string;
}

export function hashToken(token: string): string {
  return `sha256:${crypto.createHash('sha256').update(token).digest('hex')}`;
}

/** A new token: 256 random bits. */
export function newToken(): string {
  return `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
}

const NAME_RE = /^[a-z0-9]([a-z0-9._@-]{0,61}[a-z0-9])?$/;

/** Token names: what audit lines and `token list` show, a safe etcd key segment. */
export function checkTokenName(name: string): string {
  if (!NAME_RE.test(name)) throw new UsageError(`invalid token name "${name}": use 1 to 63 lowercase letters, digits, '.', '_', '@' or '-', starting and ending with a letter or digit, e.g. ci-deploy`);
  return name;
}

export function isExpired(r: TokenRecord, now = new Date()): boolean {
  return r.expires !== undefined && Date.parse(r.expires) <= now.getTime();
}

function parseRecord(value: Buffer): TokenRecord | undefined {
  try {
    const r = JSON.parse(value.toString('utf8')) as TokenRecord;
    if (typeof r.name !== 'string' || typeof r.hash !== 'string') return undefined;
    parseRole(r.role);
    return r;
  } catch {
    return undefined;
  }
}

/** Creates a token; returns it (to be shown once) and its record. Fails if the name is taken. */
export async function createToken(client: EtcdClient, o: { name: string; role: Role; ttlMs?: number; now?: Date }): Promise<{ token: string; record: TokenRecord }> {
  const name = checkTokenName(o.name);
  const now = o.now ?? new Date();
  const token = newToken();
  const record: TokenRecord = {
    name,
    role: o.role,
    created: now.toISOString(),
    ...(o.ttlMs ? { expires: new Date(now.getTime() + o.ttlMs).toISOString() } : {}),
    hash: hashToken(token),
  };
  const key = `${TOKENS_PREFIX}${name}`;
  const res = await client.txn({ compare: [compare.createRevision(key, '=', 0)], success: [op.put(key, JSON.stringify(record))] });
  if (!res.succeeded) throw new WardenError(`token "${name}" already exists: pick another name, or revoke it first (\`warden token revoke ${name}\`)`);
  return { token, record };
}

export async function listTokens(client: EtcdClient): Promise<TokenRecord[]> {
  const res = await client.get(TOKENS_PREFIX, { prefix: true });
  return res.kvs.map((kv) => parseRecord(kv.value)).filter((r): r is TokenRecord => r !== undefined);
}

export async function revokeToken(client: EtcdClient, name: string): Promise<void> {
  const deleted = await client.delete(`${TOKENS_PREFIX}${checkTokenName(name)}`);
  if (deleted === 0) throw new WardenError(`no token named "${name}": see \`warden token list\``);
}

/**
 * The token records an operator checks requests against: read once, then kept current by a
 * watch on /warden/tokens/. While the watch is down (etcd unreachable, a compaction), each
 * lookup reads the records from etcd instead, until a new watch runs.
 */
export class TokenAuthenticator {
  private byHash = new Map<string, TokenRecord>();
  private synced = false;
  private watcher: Watcher | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: EtcdClient,
    private readonly log: (line: string) => void,
    private readonly retryMs = 1000,
  ) {}

  /** Starts watching; a failure here is retried in the background (lookups read etcd meanwhile). */
  async start(): Promise<void> {
    await this.sync().catch((err: Error) => this.lost(err));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.watcher?.cancel();
  }

  /** The record of a token, expired or not; undefined when no token has this value. */
  async lookup(token: string): Promise<TokenRecord | undefined> {
    const hash = hashToken(token);
    if (!this.synced) this.byHash = this.index(await listTokens(this.client));
    return this.byHash.get(hash);
  }

  private index(records: TokenRecord[]): Map<string, TokenRecord> {
    return new Map(records.map((r) => [r.hash, r]));
  }

  private async sync(): Promise<void> {
    const res = await this.client.get(TOKENS_PREFIX, { prefix: true });
    const byName = new Map<string, TokenRecord>();
    for (const kv of res.kvs) {
      const r = parseRecord(kv.value);
      if (r) byName.set(kv.key.toString(), r);
    }
    this.byHash = this.index([...byName.values()]);
    const w = this.client.watch(TOKENS_PREFIX, { prefix: true, startRevision: res.header.revision + 1, onError: (err) => this.lost(err) }, (events) => {
      for (const e of events) {
        const key = e.kv.key.toString();
        const r = e.type === 'put' ? parseRecord(e.kv.value) : undefined;
        if (r) byName.set(key, r);
        else byName.delete(key);
      }
      this.byHash = this.index([...byName.values()]);
    });
    this.watcher = w;
    // A watch that fails to start calls onError (lost) itself.
    await w.created.then(() => {
      if (!this.stopped && this.watcher === w) this.synced = true;
    }, () => undefined);
  }

  private lost(err: Error): void {
    const was = this.synced;
    this.synced = false;
    this.watcher = undefined;
    if (this.stopped) return;
    if (was) this.log(`token watch ended (${err.message}): checking tokens against etcd directly until it runs again`);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.sync().catch((e: Error) => this.lost(e)), this.retryMs);
    this.retry.unref();
  }
}

// A cluster-wide lock held through an etcd lease: the lock key exists only while its holder
// keeps its lease alive, and says who holds it (what runs, pid, host, since when). A holder that
// dies (kill -9, lost machine) frees the lock when its lease expires; one that ends revokes its
// lease, which deletes the key at once. A holder whose lease is lost is told through `signal`.
//
// Under an active NOSPACE alarm etcd grants no lease and takes no put, so nobody can take the
// lock then; a lock taken before the alarm stays held (renewals and revokes still work). A
// caller that finds the lock free but cannot record it gets a lock with `recorded: false` and
// decides whether to go on.
import os from 'node:os';
import type { EtcdClient } from './client.ts';
import { EtcdNoSpaceError, type EtcdLeaseLostError } from './errors.ts';
import type { LeaseKeepAlive } from './lease.ts';
import { compare, op } from './txn.ts';
import { delay } from '../util/wait.ts';
import { WardenError } from '../errors.ts';

/** What the lock key holds: who took the lock. */
export interface LockRecord {
  /** What runs, e.g. `warden defrag --cluster` or `operator op-a, automatic defragmentation`. */
  holder: string;
  pid: number;
  host: string;
  /** When it took the lock (ISO 8601). */
  since: string;
}

/** `warden defrag --cluster (pid 4242 on node-a, since 2026-...Z)` */
export function holderText(r: LockRecord): string {
  return `${r.holder} (pid ${r.pid} on ${r.host}, since ${r.since})`;
}

/** A record for this process. */
export function lockRecord(holder: string, now = new Date()): LockRecord {
  return { holder, pid: process.pid, host: os.hostname(), since: now.toISOString() };
}

function parseRecord(value: Buffer | undefined): LockRecord | undefined {
  if (!value) return undefined;
  try {
    const r = JSON.parse(value.toString('utf8')) as Partial<LockRecord>;
    if (typeof r.holder === 'string' && typeof r.pid === 'number' && typeof r.host === 'string' && typeof r.since === 'string') {
      return { holder: r.holder, pid: r.pid, host: r.host, since: r.since };
    }
  } catch {
    /* below */
  }
  return { holder: `an unreadable record (${JSON.stringify(value.toString('utf8').slice(0, 60))})`, pid: 0, host: '?', since: '?' };
}

/** Who holds the lock at `key` now, or undefined when it is free. */
export async function readLock(client: EtcdClient, key: string, opts: { serializable?: boolean } = {}): Promise<LockRecord | undefined> {
  const res = await client.get(key, opts.serializable ? { serializable: true } : {});
  return res.kvs[0] ? parseRecord(res.kvs[0].value) : undefined;
}

/** The lock stayed held by someone else until the timeout. */
export class LockHeldError extends WardenError {
  override readonly name = 'LockHeldError';
  constructor(
    readonly key: string,
    readonly holder: LockRecord,
    readonly waitedMs: number,
  ) {
    super(`the lock ${key} is held by ${holderText(holder)}: wait until it is released`);
  }
}

export interface AcquireOptions {
  /** Lease TTL: how long the lock outlives a holder that died. */
  ttlSeconds: number;
  /** How long to wait for a holder to release it; 0 tries once. */
  timeoutMs: number;
  /** How often a waiter looks whether the lock is free. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Told when the lock is found held, and again whenever the holder changes. */
  onWait?: (holder: LockRecord) => void;
  /**
   * When etcd refuses writes (NOSPACE) and the lock is free: 'proceed' returns a lock that is
   * not recorded (the caller decides whether to go on); 'wait' keeps trying until writes work.
   */
  whenWritesRefused?: 'proceed' | 'wait';
}

export class HeldLock {
  private readonly abort = new AbortController();
  private lostError?: EtcdLeaseLostError;
  private released = false;

  constructor(
    private readonly client: EtcdClient,
    /** The lease that holds the key; undefined when the lock could not be recorded. */
    private readonly lease: bigint | undefined,
    private readonly keepAlive: LeaseKeepAlive | undefined,
  ) {
    keepAlive?.on('lost', (err: EtcdLeaseLostError) => {
      this.lostError = err;
      this.abort.abort(err);
    });
  }

  /** False when etcd refused writes (NOSPACE) and the lock was found free but not taken. */
  get recorded(): boolean {
    return this.lease !== undefined;
  }

  /** Aborted when the lease (and so the lock) is lost. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get lost(): EtcdLeaseLostError | undefined {
    return this.lostError;
  }

  /** Revokes the lease, which deletes the key. Never throws: an unrevoked lease expires anyway. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.keepAlive?.stop();
    if (this.lease !== undefined && !this.lostError) await this.client.leaseRevoke(this.lease).catch(() => undefined);
  }
}

/**
 * Takes the lock at `key`, waiting up to `timeoutMs` while someone else holds it. Throws
 * LockHeldError when the time is up.
 */
export async function acquireLock(client: EtcdClient, key: string, record: LockRecord, o: AcquireOptions): Promise<HeldLock> {
  const start = Date.now();
  const deadline = start + o.timeoutMs;
  const pollMs = o.pollMs ?? 250;
  let lease: bigint | undefined;
  let keepAlive: LeaseKeepAlive | undefined;
  let leaseLost = false;
  let lastHolder: string | undefined;
  const dropLease = async () => {
    keepAlive?.stop();
    if (lease !== undefined && !leaseLost) await client.leaseRevoke(lease).catch(() => undefined);
    lease = undefined;
    keepAlive = undefined;
  };
  try {
    for (;;) {
      if (o.signal?.aborted) throw new WardenError(`stopped while waiting for the lock ${key}`);
      if (lease !== undefined && leaseLost) {
        keepAlive?.stop();
        lease = undefined;
        keepAlive = undefined;
      }
      let holder: LockRecord | undefined;
      let writesRefused = false;
      try {
        if (lease === undefined) {
          const granted = await client.leaseGrant(o.ttlSeconds);
          lease = granted;
          leaseLost = false;
          keepAlive = client.leaseKeepAlive(granted, { ttlSeconds: o.ttlSeconds, onLost: () => (leaseLost = true) });
        }
        // Create the key only if nobody holds it; it lives as long as our lease.
        const res = await client.txn({
          compare: [compare.createRevision(key, '=', 0)],
          success: [op.put(key, JSON.stringify(record), { lease })],
          failure: [op.get(key)],
        });
        if (res.succeeded) {
          const held = new HeldLock(client, lease, keepAlive);
          lease = undefined;
          keepAlive = undefined;
          return held;
        }
        const got = res.responses[0];
        holder = got?.type === 'get' ? parseRecord(got.kvs[0]?.value) : undefined;
      } catch (err) {
        if (!(err instanceof EtcdNoSpaceError)) throw err;
        writesRefused = true;
        await dropLease();
      }
      if (writesRefused) {
        holder = await readLock(client, key);
        if (!holder && o.whenWritesRefused !== 'wait') return new HeldLock(client, undefined, undefined);
        if (!holder) {
          if (Date.now() >= deadline) throw new WardenError(`etcd takes no writes (NOSPACE), so the lock ${key} cannot be taken: recover space with \`warden space recover\``);
          await delay(Math.min(pollMs, Math.max(0, deadline - Date.now())), o.signal);
          continue;
        }
      }
      if (!holder) continue; // released between our txn's compare and its get
      const text = holderText(holder);
      if (text !== lastHolder) {
        lastHolder = text;
        o.onWait?.(holder);
      }
      if (Date.now() >= deadline) throw new LockHeldError(key, holder, Date.now() - start);
      // Wait until the key is gone (released, or its lease expired), then try again.
      while (Date.now() < deadline && !o.signal?.aborted) {
        await delay(Math.min(pollMs, Math.max(0, deadline - Date.now())), o.signal);
        if ((await client.get(key, { countOnly: true })).count === 0) break;
      }
    }
  } finally {
    await dropLease();
  }
}

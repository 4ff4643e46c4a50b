// Leader election through an etcd lease: the leader key is a lock (src/etcd/lock.ts) on
// /warden/operator/leader, held while its holder keeps the lease alive, so two operators never
// act at once. A leader that cannot renew its lease steps down before the lease can expire on
// the server; a leader killed with -9 is replaced once its lease expires.
import { EventEmitter } from 'node:events';
import type { EtcdClient } from '../etcd/client.ts';
import { acquireLock, lockRecord, readLock, type HeldLock } from '../etcd/lock.ts';
import { delay } from '../util/wait.ts';
import { WARDEN_PREFIX } from './conditions.ts';

export const LEADER_KEY = `${WARDEN_PREFIX}operator/leader`;

export interface ElectionOptions {
  identity: string;
  /** `--lease-ttl` of the operator and of `encryption ... --wait`. */
  ttlSeconds: number;
  log: (line: string) => void;
}

export interface LeaderRecord {
  identity: string;
  pid: number;
  host: string;
  since: string;
}

export async function currentLeader(client: EtcdClient, opts: { serializable?: boolean } = {}): Promise<LeaderRecord | undefined> {
  const r = await readLock(client, LEADER_KEY, opts);
  return r ? { identity: r.holder, pid: r.pid, host: r.host, since: r.since } : undefined;
}

/** Emits 'elected' and 'lost'. */
export class LeaderElection extends EventEmitter {
  private readonly stopping = new AbortController();
  private leading = false;
  private held?: HeldLock;
  private loop?: Promise<void>;

  constructor(
    private readonly client: EtcdClient,
    private readonly opts: ElectionOptions,
  ) {
    super();
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await this.term(signal);
      } catch (err) {
        if (!signal.aborted) this.opts.log(`election: ${(err as Error).message}; retrying`);
      }
      this.stepDown();
      if (!signal.aborted) await delay(1000, signal).catch(() => undefined);
    }
  }

  /** One term: wait for the leader key to be free, take it, and hold it until the lease is lost or we stop. */
  private async term(signal: AbortSignal): Promise<void> {
    const held = await acquireLock(this.client, LEADER_KEY, lockRecord(this.opts.identity), {
      ttlSeconds: this.opts.ttlSeconds,
      timeoutMs: Number.POSITIVE_INFINITY,
      pollMs: 500,
      signal,
      whenWritesRefused: 'wait',
    });
    this.held = held;
    if (signal.aborted) return;
    this.leading = true;
    this.opts.log(`election: ${this.opts.identity} is the leader`);
    this.emit('elected');
    await new Promise<void>((resolve) => {
      const done = () => {
        held.signal.removeEventListener('abort', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      if (held.signal.aborted || signal.aborted) return resolve();
      held.signal.addEventListener('abort', done);
      signal.addEventListener('abort', done);
    });
    if (held.lost) this.opts.log(`election: lease lost (${held.lost.message})`);
  }

  private stepDown(): void {
    if (this.leading) {
      this.leading = false;
      this.emit('lost');
    }
  }

  /** Stops campaigning; a leader revokes its lease (deleting the key) so another takes over at once. */
  async stop(): Promise<void> {
    const wasLeader = this.leading;
    this.stopping.abort();
    await this.loop?.catch(() => undefined);
    if (this.held) {
      if (wasLeader) this.opts.log(`election: ${this.opts.identity} resigns`);
      await this.held.release();
    }
  }
}

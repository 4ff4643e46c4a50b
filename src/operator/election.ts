// Leader election through an etcd lease: the leader key exists only while its holder keeps
// the lease alive, so two operators never act at once. A leader that cannot renew its lease
// steps down before the lease can expire on the server.
import { EventEmitter } from 'node:events';
import type { EtcdClient } from '../etcd/client.ts';
import { compare, op } from '../etcd/txn.ts';
import { delay } from '../util/wait.ts';
import { WARDEN_PREFIX } from './conditions.ts';

export const LEADER_KEY = `${WARDEN_PREFIX}operator/leader`;

/** `--lease-ttl` of the operator and of `encryption ... --wait`: whole seconds, 2 to 3600. */
export interface ElectionOptions {
  identity: string;
  ttlSeconds: number;
  log: (line: string) => void;
}

export interface LeaderRecord {
  identity: string;
  pid: number;
  since: string;
}

export async function currentLeader(client: EtcdClient): Promise<LeaderRecord | undefined> {
  const res = await client.get(LEADER_KEY);
  const kv = res.kvs[0];
  return kv ? (JSON.parse(kv.value.toString('utf8')) as LeaderRecord) : undefined;
}

/** Emits 'elected' and 'lost'. */
export class LeaderElection extends EventEmitter {
  private stopped = false;
  private leading = false;
  private lease?: bigint;
  private keepAlive?: { stop(): void };
  private loop?: Promise<void>;
  private lostWake?: () => void;

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
    while (!this.stopped) {
      try {
        await this.campaign();
      } catch (err) {
        if (!this.stopped) this.opts.log(`election: ${(err as Error).message}; retrying`);
      }
      this.stepDown();
      if (!this.stopped) await delay(1000);
    }
  }

  /** One term: get a lease, try to create the key, and hold it until the lease is lost. */
  private async campaign(): Promise<void> {
    const lease = await this.client.leaseGrant(this.opts.ttlSeconds);
    this.lease = lease;
    const lost = new Promise<void>((resolve) => (this.lostWake = resolve));
    this.keepAlive = this.client.leaseKeepAlive(lease, {
      ttlSeconds: this.opts.ttlSeconds,
      onLost: (err) => {
        this.opts.log(`election: lease lost (${err.message})`);
        this.lostWake?.();
      },
    });
    const record: LeaderRecord = { identity: this.opts.identity, pid: process.pid, since: new Date().toISOString() };
    while (!this.stopped) {
      // Create the key only if nobody holds it; it lives as long as our lease.
      const res = await this.client.txn({
        compare: [compare.createRevision(LEADER_KEY, '=', 0)],
        success: [op.put(LEADER_KEY, JSON.stringify(record), { lease })],
      });
      if (res.succeeded) {
        this.leading = true;
        this.opts.log(`election: ${this.opts.identity} is the leader`);
        this.emit('elected');
        await lost;
        return;
      }
      // Someone else leads: wait until the key goes (deleted or lease expired), or our lease is lost.
      const gone = await Promise.race([this.waitKeyGone(), lost.then(() => 'lost' as const)]);
      if (gone === 'lost') return;
    }
  }

  private async waitKeyGone(): Promise<'gone'> {
    while (!this.stopped) {
      const r = await this.client.get(LEADER_KEY, { countOnly: true });
      if (r.count === 0) return 'gone';
      await delay(500);
    }
    return 'gone';
  }

  private stepDown(): void {
    this.keepAlive?.stop();
    this.keepAlive = undefined;
    if (this.leading) {
      this.leading = false;
      this.emit('lost');
    }
  }

  /** Stops campaigning; a leader deletes its key and revokes its lease so another takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    const wasLeader = this.leading;
    this.lostWake?.();
    await this.loop?.catch(() => undefined);
    if (this.lease !== undefined) {
      if (wasLeader) this.opts.log(`election: ${this.opts.identity} resigns`);
      await this.client.leaseRevoke(this.lease).catch(() => undefined);
    }
  }
}

// Keeping one lease alive over etcd's LeaseKeepAlive bidi stream: a renewal every ttl/3, the
// stream reopened when it fails, and `lost` reported once when etcd says the lease is gone or
// no renewal succeeded for a whole TTL (after which etcd has expired it, or soon will).

import { EventEmitter } from 'node:events';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { EtcdLeaseLostError } from './errors.ts';

interface KeepAliveRequest {
  ID: string;
}
interface KeepAliveResponse {
  ID: string;
  TTL: string;
}

export type KeepAliveStream = ClientDuplexStream<KeepAliveRequest, KeepAliveResponse>;

export interface LeaseKeepAliveOptions {
  /** Opens a LeaseKeepAlive stream; `lastError` is what ended the previous one. */
  open: (lastError?: unknown) => Promise<{ stream: KeepAliveStream; endpoint: string }>;
  /** Lease TTL in seconds if known (from LeaseGrant); learnt from the first answer otherwise. */
  ttlSeconds?: number;
  /** How long to wait for the first answer when the TTL is not known yet. */
  firstAnswerTimeoutMs: number;
  onLost?: (err: EtcdLeaseLostError) => void;
}

/**
 * Events: `renewed` (ttlSeconds: number) after each answer, `lost` (EtcdLeaseLostError) once.
 * Nothing more happens after `lost` or `stop()`.
 */
export class LeaseKeepAlive extends EventEmitter {
  /** Resolves on the first renewal; rejects if the lease is lost before. */
  readonly ready: Promise<void>;
  private ttlSeconds: number | undefined;
  private lastRenewedAt: number;
  private stream: KeepAliveStream | undefined;
  private endpoint = 'etcd';
  private sendTimer: NodeJS.Timeout | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private done = false;
  private resolveReady!: () => void;
  private rejectReady!: (err: Error) => void;

  constructor(
    readonly id: bigint,
    private readonly opts: LeaseKeepAliveOptions,
  ) {
    super();
    this.ttlSeconds = opts.ttlSeconds;
    this.lastRenewedAt = Date.now();
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined);
    if (opts.onLost) this.on('lost', opts.onLost);
    this.armExpiry();
    void this.connect();
  }

  /** Seconds etcd granted at the last renewal. */
  get ttl(): number | undefined {
    return this.ttlSeconds;
  }

  get stopped(): boolean {
    return this.done;
  }

  /** Stops renewing (the lease then expires after its TTL unless revoked). */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.teardown();
    this.rejectReady(new EtcdLeaseLostError(`${this.endpoint}: lease ${this.hexId()} keep-alive stopped before its first renewal`, this.endpoint));
  }

  private hexId(): string {
    return this.id.toString(16);
  }

  private async connect(lastError?: unknown): Promise<void> {
    let opened: { stream: KeepAliveStream; endpoint: string };
    try {
      opened = await this.opts.open(lastError);
    } catch (err) {
      this.scheduleReopen(err);
      return;
    }
    if (this.done) {
      opened.stream.on('error', () => undefined); // the CANCELLED status that cancel() causes
      opened.stream.cancel();
      return;
    }
    const stream = opened.stream;
    this.stream = stream;
    this.endpoint = opened.endpoint;
    stream.on('data', (res: KeepAliveResponse) => {
      if (this.stream !== stream || this.done) return;
      const ttl = Number(res.TTL);
      if (ttl <= 0) {
        this.lose('etcd reports it expired or was revoked');
        return;
      }
      this.ttlSeconds = ttl;
      this.lastRenewedAt = Date.now();
      this.armExpiry();
      this.resolveReady();
      this.emit('renewed', ttl);
      this.scheduleSend(stream, (ttl * 1000) / 3);
    });
    stream.on('error', (err: unknown) => this.streamEnded(stream, err));
    stream.on('end', () => this.streamEnded(stream, undefined));
    this.send(stream);
  }

  private send(stream: KeepAliveStream): void {
    if (this.stream !== stream || this.done) return;
    stream.write({ ID: this.id.toString() });
  }

  private scheduleSend(stream: KeepAliveStream, delayMs: number): void {
    if (this.sendTimer) clearTimeout(this.sendTimer);
    this.sendTimer = setTimeout(() => this.send(stream), delayMs);
  }

  private streamEnded(stream: KeepAliveStream, err: unknown): void {
    if (this.stream !== stream || this.done) return;
    this.stream = undefined;
    if (this.sendTimer) clearTimeout(this.sendTimer);
    this.scheduleReopen(err);
  }

  /** Reopen soon, but several times within one TTL so one hiccup does not lose the lease. */
  private scheduleReopen(err: unknown): void {
    if (this.done) return;
    const delay = Math.min(1000, ((this.ttlSeconds ?? 3) * 1000) / 6);
    this.reopenTimer = setTimeout(() => void this.connect(err), delay);
  }

  private armExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const limitMs = this.ttlSeconds !== undefined ? this.ttlSeconds * 1000 : this.opts.firstAnswerTimeoutMs;
    const dueIn = this.lastRenewedAt + limitMs - Date.now();
    this.expiryTimer = setTimeout(() => {
      const what = this.ttlSeconds !== undefined ? `no renewal succeeded within its ${this.ttlSeconds} s TTL` : `no keep-alive answer within ${limitMs} ms`;
      this.lose(what);
    }, Math.max(0, dueIn));
  }

  private lose(why: string): void {
    if (this.done) return;
    this.done = true;
    this.teardown();
    const err = new EtcdLeaseLostError(`${this.endpoint}: lease ${this.hexId()} lost (${why}): grant a new lease`, this.endpoint);
    this.rejectReady(err);
    this.emit('lost', err);
  }

  private teardown(): void {
    for (const t of [this.sendTimer, this.reopenTimer, this.expiryTimer]) if (t) clearTimeout(t);
    const stream = this.stream;
    this.stream = undefined;
    if (stream) {
      // end() lets etcd close the stream cleanly; cancel() frees it even if etcd does not answer.
      stream.end();
      stream.cancel();
    }
  }
}

// The Snapshot RPC as a byte stream that can be trusted: SnapshotVerifier checks etcd's chunk
// protocol (remaining_bytes counting down to 0, then one message holding the sha256 of every
// byte sent) and SnapshotStream turns a gRPC message stream into a Readable of the database
// bytes only, destroyed with a clear error when the stream is truncated or the hash differs.

import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { EtcdSnapshotIntegrityError, EtcdTimeoutError } from './errors.ts';

export interface SnapshotChunk {
  remaining_bytes: string | number | bigint;
  /** The chunk's bytes; a list when they arrived in several pieces and were never joined. */
  blob: Buffer | Buffer[];
}

const SHA256_LENGTH = 32;

/** Pure state machine over the messages of one Snapshot stream. */
export class SnapshotVerifier {
  private readonly hash: Hash = createHash('sha256');
  private state: 'data' | 'trailer' | 'done' = 'data';
  private received = 0;
  private total: number | undefined;
  private verifiedDigest: string | undefined;
  private fileDigestHex: string | undefined;

  constructor(private readonly endpoint = 'snapshot') {}

  /** Database bytes received so far. */
  get bytesReceived(): number {
    return this.received;
  }

  /** Database size announced by the first message. */
  get expectedBytes(): number | undefined {
    return this.total;
  }

  /** Hex sha256 of the database, once etcd's trailer matched it. */
  get digest(): string | undefined {
    return this.verifiedDigest;
  }

  /**
   * Hex sha256 of the file `etcdctl snapshot save` (and warden backup) writes: the database
   * followed by its sha256 trailer. Free: the database's hash state, copied, takes the trailer.
   */
  get fileDigest(): string | undefined {
    return this.fileDigestHex;
  }

  /** Feeds one message; returns the database bytes it carries, in order (none for the trailer). */
  push(chunk: SnapshotChunk): Buffer[] {
    const remaining = Number(chunk.remaining_bytes);
    const parts = Array.isArray(chunk.blob) ? chunk.blob : [chunk.blob];
    let length = 0;
    for (const p of parts) length += p.length;
    if (this.state === 'done') {
      throw this.fail('etcd sent more data after the sha256 trailer');
    }
    if (this.state === 'trailer') {
      // etcd 3.4+ sends the hash in its own message after the chunk that brought remaining to 0.
      if (length !== SHA256_LENGTH || remaining !== 0) {
        throw this.fail(`expected the ${SHA256_LENGTH}-byte sha256 trailer after the last chunk, got ${length} bytes`);
      }
      const blob = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      const whole = this.hash.copy();
      const actual = this.hash.digest();
      if (!actual.equals(blob)) {
        throw this.fail(`sha256 mismatch (etcd sent ${blob.toString('hex')}, the bytes received hash to ${actual.toString('hex')})`);
      }
      this.state = 'done';
      this.verifiedDigest = actual.toString('hex');
      this.fileDigestHex = whole.update(actual).digest('hex');
      return [];
    }
    if (!Number.isSafeInteger(remaining) || remaining < 0) {
      throw this.fail(`invalid remaining_bytes ${String(chunk.remaining_bytes)}`);
    }
    const announced = this.received + length + remaining;
    if (this.total === undefined) this.total = announced;
    else if (announced !== this.total) {
      throw this.fail(`chunks do not add up (${this.received} + ${length} received, ${remaining} announced, ${this.total} expected)`);
    }
    this.received += length;
    for (const p of parts) this.hash.update(p);
    if (remaining === 0) this.state = 'trailer';
    return parts;
  }

  /** Call when the stream ended; returns the verified hex digest or throws why it cannot be trusted. */
  finish(): string {
    if (this.state === 'done') return this.verifiedDigest!;
    if (this.state === 'trailer') {
      throw this.fail('stream ended without etcd\'s sha256 trailer, so the snapshot cannot be verified');
    }
    const of = this.total === undefined ? '' : ` of ${this.total}`;
    throw this.fail(`stream ended early after ${this.received}${of} bytes`);
  }

  private fail(what: string): EtcdSnapshotIntegrityError {
    return new EtcdSnapshotIntegrityError(`${this.endpoint}: snapshot rejected: ${what}: take the snapshot again`, this.endpoint);
  }
}

/** What SnapshotStream needs from a gRPC server stream (grpc-js ClientReadableStream fits). */
export interface SnapshotSource {
  on(event: 'data', listener: (chunk: SnapshotChunk) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  cancel(): void;
}

export interface SnapshotStreamOptions {
  endpoint: string;
  /** Destroy the stream when no message arrives for this long (the whole transfer has no deadline). */
  idleTimeoutMs: number;
  /** Opens the source; `lastError` is set when reopening after a retryable failure. */
  open: (lastError?: unknown) => Promise<SnapshotSource>;
  /** Maps a source error to the error the stream is destroyed with. */
  mapError: (err: unknown) => Error;
  /** Whether a failure before any byte arrived may be retried once (e.g. a stale auth token). */
  retryable?: (err: unknown) => boolean;
}

/**
 * A Readable of the database bytes of one snapshot. It emits `sha256` (hex) just before `end`,
 * and `sha256` resolves to the same digest; both only after etcd's trailer matched.
 */
export class SnapshotStream extends Readable {
  readonly sha256: Promise<string>;
  private resolveDigest!: (hex: string) => void;
  private rejectDigest!: (err: Error) => void;
  private readonly verifier: SnapshotVerifier;
  private source: SnapshotSource | undefined;
  private opening = false;
  private retried = false;
  private finished = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SnapshotStreamOptions) {
    super();
    this.verifier = new SnapshotVerifier(opts.endpoint);
    this.sha256 = new Promise<string>((resolve, reject) => {
      this.resolveDigest = resolve;
      this.rejectDigest = reject;
    });
    // Callers that only pipe the bytes never look at the promise: keep its rejection handled.
    this.sha256.catch(() => undefined);
  }

  /** Bytes of the database received and verified in order so far. */
  get bytesReceived(): number {
    return this.verifier.bytesReceived;
  }

  /** Once `sha256` resolved: the sha256 of the database with its trailer appended (the whole snapshot file). */
  get fileSha256(): string | undefined {
    return this.verifier.fileDigest;
  }

  override _read(): void {
    if (this.source) {
      this.source.resume();
      return;
    }
    if (!this.opening) void this.openSource();
  }

  private async openSource(lastError?: unknown): Promise<void> {
    this.opening = true;
    this.armIdleTimer();
    let source: SnapshotSource;
    try {
      source = await this.opts.open(lastError);
    } catch (err) {
      this.destroy(this.opts.mapError(err));
      return;
    }
    if (this.destroyed) {
      source.on('error', () => undefined); // the CANCELLED status that cancel() causes
      source.cancel();
      return;
    }
    this.source = source;
    source.on('data', (chunk) => {
      if (this.source !== source || this.destroyed) return;
      this.armIdleTimer();
      let parts: Buffer[];
      try {
        parts = this.verifier.push(chunk);
      } catch (err) {
        this.destroy(err as Error);
        return;
      }
      let more = true;
      for (const p of parts) if (p.length > 0) more = this.push(p);
      if (!more) source.pause();
    });
    source.on('error', (err) => {
      if (this.source !== source || this.destroyed || this.finished) return;
      if (!this.retried && this.verifier.bytesReceived === 0 && this.opts.retryable?.(err)) {
        this.retried = true;
        this.source = undefined;
        void this.openSource(err);
        return;
      }
      this.destroy(this.opts.mapError(err));
    });
    source.on('end', () => {
      if (this.source !== source || this.destroyed) return;
      let digest: string;
      try {
        digest = this.verifier.finish();
      } catch (err) {
        this.destroy(err as Error);
        return;
      }
      this.finished = true;
      this.clearIdleTimer();
      this.emit('sha256', digest);
      this.resolveDigest(digest);
      this.push(null);
    });
  }

  private armIdleTimer(): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      this.destroy(
        new EtcdTimeoutError(
          `${this.opts.endpoint}: snapshot stream stalled (no data for ${this.opts.idleTimeoutMs} ms): raise --command-timeout or check the member's health`,
          this.opts.endpoint,
        ),
      );
    }, this.opts.idleTimeoutMs);
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.clearIdleTimer();
    if (!this.finished) {
      this.source?.cancel();
      this.rejectDigest(err ?? new EtcdSnapshotIntegrityError(`${this.opts.endpoint}: snapshot stream closed before it was verified`, this.opts.endpoint));
    }
    callback(err);
  }
}

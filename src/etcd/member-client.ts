// A client for exactly one etcd member: one gRPC channel to one endpoint, so every call,
// including the member-specific maintenance calls (status, defragment, snapshot, hashKV,
// moveLeader), reaches that member and no other.

import { Connection, isTokenError, resolveOptions, type ConnectionOptions, type ServiceName, type SharedToken } from './connection.ts';
import { EtcdApi, type CallKind, type OpenedStream } from './api.ts';
import { SnapshotStream } from './snapshot.ts';
import { decodeHeader, type HashKVResult, type HashResult, type RawHeader, type StatusResult } from './types.ts';

interface RawStatus {
  header: RawHeader | null;
  version: string;
  dbSize: string;
  leader: string;
  raftIndex: string;
  raftTerm: string;
  raftAppliedIndex: string;
  errors: string[];
  dbSizeInUse: string;
  isLearner: boolean;
}

/** `tokens`: the auth token of the EtcdClient this member belongs to (one login for all members). */
export type MemberClientOptions = Omit<ConnectionOptions, 'endpoints'> & { tokens?: SharedToken };

export class MemberClient extends EtcdApi {
  /** @internal The channel; EtcdClient routes its calls through it. */
  readonly connection: Connection;

  constructor(endpoint: string, opts: MemberClientOptions = {}) {
    super();
    this.connection = new Connection(endpoint, resolveOptions(opts));
  }

  /** `host:port` of the member. */
  get endpoint(): string {
    return this.connection.endpoint;
  }

  protected override get commandTimeoutMs(): number {
    return this.connection.commandTimeoutMs;
  }

  protected override call<T>(service: ServiceName, method: string, request: object, _kind: CallKind): Promise<T> {
    return this.connection.unary<T>(service, method, request);
  }

  protected override async openDuplex<Req, Res>(service: ServiceName, method: string, lastError?: unknown): Promise<OpenedStream<Req, Res>> {
    const stream = await this.connection.openDuplex<Req, Res>(service, method, lastError);
    return { stream, endpoint: this.endpoint, mapError: (err, request) => this.connection.mapError(err, `${service}.${method}`, request) };
  }

  // ---- Maintenance ----

  /**
   * Sent without logging in: etcd serves Status to anyone, and a login is a raft request that
   * needs quorum, which a member asked for its status after losing it (quorum restore) lacks.
   */
  async status(): Promise<StatusResult> {
    const r = await this.connection.unary<RawStatus>('Maintenance', 'Status', {}, { auth: false });
    return {
      header: decodeHeader(r.header),
      version: r.version,
      dbSize: Number(r.dbSize),
      dbSizeInUse: Number(r.dbSizeInUse),
      leader: BigInt(r.leader),
      raftIndex: Number(r.raftIndex),
      raftTerm: Number(r.raftTerm),
      raftAppliedIndex: Number(r.raftAppliedIndex),
      errors: r.errors,
      isLearner: r.isLearner,
    };
  }

  /** Defragments this member's database; large ones take long, so pass a generous timeout. */
  async defragment(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.connection.unary('Maintenance', 'Defragment', {}, opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {});
  }

  /** Hash of the MVCC key space up to `revision` (0 = now); equal on members that agree. */
  async hashKV(revision = 0): Promise<HashKVResult> {
    const r = await this.connection.unary<{ header: RawHeader | null; hash: number; compact_revision: string }>('Maintenance', 'HashKV', { revision: String(revision) });
    return { header: decodeHeader(r.header), hash: r.hash, compactRevision: Number(r.compact_revision) };
  }

  /** Hash of the whole backend (all buckets); for tests, as etcd warns. */
  async hash(): Promise<HashResult> {
    const r = await this.connection.unary<{ header: RawHeader | null; hash: number }>('Maintenance', 'Hash', {});
    return { header: decodeHeader(r.header), hash: r.hash };
  }

  /** Hands leadership to `targetId`; only the current leader accepts this call. */
  async moveLeader(targetId: bigint, opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.connection.unary('Maintenance', 'MoveLeader', { targetID: targetId.toString() }, opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {});
  }

  /**
   * The member's database as a byte stream (without etcd's sha256 trailer). The stream errors if
   * the transfer is cut short or the trailer does not match; `sha256` resolves (and the
   * `sha256` event fires) with the verified digest before `end`.
   */
  snapshot(): SnapshotStream {
    return new SnapshotStream({
      endpoint: this.endpoint,
      idleTimeoutMs: this.connection.commandTimeoutMs,
      open: (lastError) => this.connection.openSnapshotStream(lastError),
      mapError: (err) => this.connection.mapError(err, 'Maintenance.Snapshot'),
      retryable: (err) => this.connection.hasAuth && isTokenError(err),
    });
  }

  close(): void {
    this.connection.close();
  }
}

// The etcd connection layer's entry point. EtcdClient holds one MemberClient per endpoint and
// sends KV, lease, watch and cluster calls to the first member that answers, moving on only
// when a member is unavailable (and, for writes, only when the request never left). Calls
// that must reach a given member go through member(endpoint). Import etcd things from here.

import { UsageError } from '../errors.ts';
import { EtcdApi, type CallKind, type OpenedStream } from './api.ts';
import { parseEndpoint, resolveOptions, type ConnectionOptions, type ResolvedOptions, type ServiceName } from './connection.ts';
import { EtcdUnavailableError, UNREACHABLE_HINT } from './errors.ts';
import { MemberClient } from './member-client.ts';

export type { ConnectionOptions } from './connection.ts';
export { parseEndpoint } from './connection.ts';
export { MemberClient, type MemberClientOptions } from './member-client.ts';
export {
  EtcdCompactedError,
  EtcdError,
  EtcdLeaseLostError,
  EtcdNoSpaceError,
  EtcdPermissionError,
  EtcdSnapshotIntegrityError,
  EtcdTimeoutError,
  EtcdTlsError,
  EtcdUnavailableError,
  mapGrpcError,
} from './errors.ts';
export { compare, op } from './txn.ts';
export type { Compare, CompareOp, DeleteOptions, GetOptions, PutOptions, TxnOp, TxnRequest, TxnResponseOp, TxnResult } from './txn.ts';
export type { LeaseKeepAlive } from './lease.ts';
export type { LeaseKeepAliveOptions } from './api.ts';
export type { SnapshotStream } from './snapshot.ts';
export type { WatchCallback, WatchOptions, Watcher } from './watch.ts';
export type {
  AlarmMember,
  AlarmType,
  Bytes,
  HashKVResult,
  HashResult,
  KeyValue,
  LeaseTimeToLiveResult,
  Member,
  MemberAddResult,
  MemberListResult,
  PutResult,
  RangeResult,
  ResponseHeader,
  StatusResult,
  WatchEvent,
} from './types.ts';

export class EtcdClient extends EtcdApi {
  private readonly opts: ResolvedOptions;
  private readonly configured: MemberClient[] = [];
  /** Members asked for by endpoint that were not in `endpoints` (e.g. found by member list). */
  private readonly extra = new Map<string, MemberClient>();
  /** Index of the member that answered last: calls start there. */
  private preferred = 0;

  constructor(opts: ConnectionOptions) {
    super();
    if (opts.endpoints.length === 0) throw new UsageError('no etcd endpoint given: pass --endpoints host:port[,host:port...]');
    this.opts = resolveOptions(opts);
    const seen = new Set<string>();
    for (const raw of opts.endpoints) {
      const address = parseEndpoint(raw, this.opts.tls !== undefined).address;
      if (seen.has(address)) continue;
      seen.add(address);
      this.configured.push(new MemberClient(raw, this.opts));
    }
  }

  /** The client of one member; endpoints outside `endpoints` get a client of their own. */
  member(endpoint: string): MemberClient {
    const address = parseEndpoint(endpoint, this.opts.tls !== undefined).address;
    const known = this.configured.find((m) => m.endpoint === address) ?? this.extra.get(address);
    if (known) return known;
    const created = new MemberClient(endpoint, this.opts);
    this.extra.set(address, created);
    return created;
  }

  /** One client per configured endpoint, in the order given. */
  members(): MemberClient[] {
    return [...this.configured];
  }

  close(): void {
    for (const m of [...this.configured, ...this.extra.values()]) m.close();
    this.extra.clear();
  }

  protected override get commandTimeoutMs(): number {
    return this.opts.commandTimeoutMs;
  }

  protected override async call<T>(service: ServiceName, method: string, request: object, kind: CallKind): Promise<T> {
    const failures: EtcdUnavailableError[] = [];
    const n = this.configured.length;
    for (let i = 0; i < n; i++) {
      const index = (this.preferred + i) % n;
      const member = this.configured[index]!;
      try {
        const result = await member.connection.unary<T>(service, method, request);
        this.preferred = index;
        return result;
      } catch (err) {
        // A write that may have reached etcd must not be sent again elsewhere.
        const movable = err instanceof EtcdUnavailableError && (kind === 'read' || !err.requestSent);
        if (!movable) throw err;
        failures.push(err);
      }
    }
    throw combineUnavailable(failures);
  }

  protected override async openDuplex<Req, Res>(service: ServiceName, method: string, lastError?: unknown, lastEndpoint?: string): Promise<OpenedStream<Req, Res>> {
    const n = this.configured.length;
    if (lastError !== undefined && lastEndpoint !== undefined) {
      const last = this.configured.findIndex((m) => m.endpoint === lastEndpoint);
      const mapped = last >= 0 ? this.configured[last]!.connection.mapError(lastError) : undefined;
      // The stream's member went away: try the next one.
      if (mapped instanceof EtcdUnavailableError) this.preferred = (last + 1) % n;
    }
    const member = this.configured[this.preferred]!;
    const stream = await member.connection.openDuplex<Req, Res>(service, method, lastError);
    return { stream, endpoint: member.endpoint, mapError: (err, request) => member.connection.mapError(err, `${service}.${method}`, request) };
  }
}

function combineUnavailable(failures: EtcdUnavailableError[]): EtcdUnavailableError {
  if (failures.length === 1) return failures[0]!;
  const reasons = failures.map((f) => `${f.endpoint}: ${f.reason}`).join('; ');
  return new EtcdUnavailableError(failures.map((f) => f.endpoint).join(','), `no endpoint answered (${reasons})`, UNREACHABLE_HINT, failures.some((f) => f.requestSent));
}

// The typed KV, lease, watch and cluster calls shared by MemberClient (one member) and
// EtcdClient (first member that answers). Subclasses only decide where a call goes.

import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { EtcdLeaseLostError } from './errors.ts';
import { LeaseKeepAlive, type KeepAliveStream } from './lease.ts';
import type { ServiceName } from './connection.ts';
import {
  encodeDelete,
  encodePut,
  encodeRange,
  encodeTxn,
  decodeTxn,
  type DeleteOptions,
  type GetOptions,
  type PutOptions,
  type RawTxnResponse,
  type TxnRequest,
  type TxnResult,
} from './txn.ts';
import {
  decodeAlarmType,
  decodeHeader,
  decodeMember,
  decodePut,
  decodeRange,
  type AlarmMember,
  type AlarmType,
  type Bytes,
  type LeaseTimeToLiveResult,
  type MemberAddResult,
  type MemberListResult,
  type PutResult,
  type RangeResult,
  type RawDeleteRangeResponse,
  type RawHeader,
  type RawMember,
  type RawPutResponse,
  type RawRangeResponse,
  type ResponseHeader,
} from './types.ts';
import { startWatch, type RawWatchResponse, type WatchCallback, type WatchOptions, type Watcher } from './watch.ts';

/** Reads may go to another member after any unavailability; writes only if never sent. */
export type CallKind = 'read' | 'write';

export interface OpenedStream<Req, Res> {
  stream: ClientDuplexStream<Req, Res>;
  endpoint: string;
  /** `request`, when known, lets a refused call name the keys it needed. */
  mapError: (err: unknown, request?: object) => Error;
}

const ALARM_ACTION = { GET: 0, ACTIVATE: 1, DEACTIVATE: 2 } as const;
const ALARM_TYPE: Record<AlarmType, number> = { NONE: 0, NOSPACE: 1, CORRUPT: 2 };

interface RawAlarmResponse {
  alarms: { memberID: string; alarm: number | string }[];
}

interface RawMemberList {
  header: RawHeader | null;
  members: RawMember[];
}

export interface LeaseKeepAliveOptions {
  onLost?: (err: EtcdLeaseLostError) => void;
  /** The granted TTL, if known: bounds the wait for the first answer. */
  ttlSeconds?: number;
}

export abstract class EtcdApi {
  protected abstract call<T>(service: ServiceName, method: string, request: object, kind: CallKind): Promise<T>;
  /** Opens a bidi stream; `lastError`/`lastEndpoint` describe why the previous one ended. */
  protected abstract openDuplex<Req, Res>(service: ServiceName, method: string, lastError?: unknown, lastEndpoint?: string): Promise<OpenedStream<Req, Res>>;
  protected abstract get commandTimeoutMs(): number;

  // ---- KV ----

  async get(key: Bytes, opts: GetOptions = {}): Promise<RangeResult> {
    return decodeRange(await this.call<RawRangeResponse>('KV', 'Range', encodeRange(key, opts), 'read'));
  }

  async put(key: Bytes, value: Bytes, opts: PutOptions = {}): Promise<PutResult> {
    return decodePut(await this.call<RawPutResponse>('KV', 'Put', encodePut(key, value, opts), 'write'));
  }

  /** Returns how many keys were deleted. */
  async delete(key: Bytes, opts: DeleteOptions = {}): Promise<number> {
    const res = await this.call<RawDeleteRangeResponse>('KV', 'DeleteRange', encodeDelete(key, opts), 'write');
    return Number(res.deleted);
  }

  async txn(t: TxnRequest): Promise<TxnResult> {
    return decodeTxn(await this.call<RawTxnResponse>('KV', 'Txn', encodeTxn(t), 'write'));
  }

  /** Drops history before `revision`; `physical` waits until the space is really freed. */
  async compact(revision: number, opts: { physical?: boolean } = {}): Promise<{ header: ResponseHeader }> {
    const res = await this.call<{ header: RawHeader | null }>('KV', 'Compact', { revision: String(revision), physical: opts.physical ?? false }, 'write');
    return { header: decodeHeader(res.header) };
  }

  // ---- Lease ----

  /** Grants a lease; etcd raises TTLs below its minimum (about 2 s with default timings). */
  async leaseGrant(ttlSeconds: number): Promise<bigint> {
    // etcd reports failures as gRPC errors; the response's `error` field is never set.
    const res = await this.call<{ ID: string }>('Lease', 'LeaseGrant', { TTL: String(ttlSeconds), ID: '0' }, 'write');
    return BigInt(res.ID);
  }

  async leaseRevoke(id: bigint): Promise<void> {
    await this.call('Lease', 'LeaseRevoke', { ID: id.toString() }, 'write');
  }

  async leaseTimeToLive(id: bigint, opts: { keys?: boolean } = {}): Promise<LeaseTimeToLiveResult> {
    const res = await this.call<{ header: RawHeader | null; ID: string; TTL: string; grantedTTL: string; keys: Buffer[] }>(
      'Lease', 'LeaseTimeToLive', { ID: id.toString(), keys: opts.keys ?? false }, 'read');
    return { header: decodeHeader(res.header), id: BigInt(res.ID), ttl: Number(res.TTL), grantedTtl: Number(res.grantedTTL), keys: res.keys };
  }

  /**
   * Keeps `id` alive until stop(). Listen to `lost` (or pass onLost): it fires once when etcd
   * says the lease is gone or no renewal succeeded for a whole TTL.
   */
  leaseKeepAlive(id: bigint, onLostOrOpts: ((err: EtcdLeaseLostError) => void) | LeaseKeepAliveOptions = {}): LeaseKeepAlive {
    const opts: LeaseKeepAliveOptions = typeof onLostOrOpts === 'function' ? { onLost: onLostOrOpts } : onLostOrOpts;
    // Remembered so that a reopen after a failure can move on to another member.
    let lastEndpoint: string | undefined;
    const open = async (lastError?: unknown): Promise<{ stream: KeepAliveStream; endpoint: string }> => {
      const o = await this.openDuplex<{ ID: string }, { ID: string; TTL: string }>('Lease', 'LeaseKeepAlive', lastError, lastEndpoint);
      lastEndpoint = o.endpoint;
      return { stream: o.stream, endpoint: o.endpoint };
    };
    return new LeaseKeepAlive(id, {
      open,
      firstAnswerTimeoutMs: this.commandTimeoutMs,
      ...(opts.ttlSeconds !== undefined ? { ttlSeconds: opts.ttlSeconds } : {}),
      ...(opts.onLost ? { onLost: opts.onLost } : {}),
    });
  }

  // ---- Watch ----

  watch(key: Bytes, opts: WatchOptions, onEvents: WatchCallback): Watcher {
    return startWatch(async (lastError) => {
      const o = await this.openDuplex<object, RawWatchResponse>('Watch', 'Watch', lastError);
      return { stream: o.stream, endpoint: o.endpoint, mapError: o.mapError };
    }, key, opts, onEvents);
  }

  // ---- Alarms (cluster-wide, so both clients have them) ----

  /** Alarms of the whole cluster (etcd keeps them in raft, any member answers for all). */
  async alarmList(): Promise<AlarmMember[]> {
    const r = await this.call<RawAlarmResponse>('Maintenance', 'Alarm', { action: ALARM_ACTION.GET, memberID: '0', alarm: ALARM_TYPE.NONE }, 'read');
    return decodeAlarms(r);
  }

  /**
   * Clears alarms. With no arguments every raised alarm (like `etcdctl alarm disarm`); with a
   * member and/or type only the matching ones. Returns the alarms that were cleared.
   */
  async alarmDisarm(memberID?: bigint, alarm?: AlarmType): Promise<AlarmMember[]> {
    const targets =
      memberID !== undefined && alarm !== undefined && alarm !== 'NONE'
        ? [{ memberID, alarm }]
        : (await this.alarmList()).filter((a) => (memberID === undefined || a.memberID === memberID) && (alarm === undefined || alarm === 'NONE' || a.alarm === alarm));
    const cleared: AlarmMember[] = [];
    for (const t of targets) {
      const r = await this.call<RawAlarmResponse>(
        'Maintenance', 'Alarm', { action: ALARM_ACTION.DEACTIVATE, memberID: t.memberID.toString(), alarm: ALARM_TYPE[t.alarm] }, 'write');
      cleared.push(...decodeAlarms(r));
    }
    return cleared;
  }

  // ---- Cluster ----

  async memberList(): Promise<MemberListResult> {
    return decodeMembers(await this.call<RawMemberList>('Cluster', 'MemberList', {}, 'read'));
  }

  async memberAdd(peerURLs: string[], opts: { isLearner?: boolean } = {}): Promise<MemberAddResult> {
    const res = await this.call<RawMemberList & { member: RawMember }>('Cluster', 'MemberAdd', { peerURLs, isLearner: opts.isLearner ?? false }, 'write');
    return { ...decodeMembers(res), member: decodeMember(res.member) };
  }

  async memberRemove(id: bigint): Promise<MemberListResult> {
    return decodeMembers(await this.call<RawMemberList>('Cluster', 'MemberRemove', { ID: id.toString() }, 'write'));
  }

  async memberUpdate(id: bigint, peerURLs: string[]): Promise<MemberListResult> {
    return decodeMembers(await this.call<RawMemberList>('Cluster', 'MemberUpdate', { ID: id.toString(), peerURLs }, 'write'));
  }

  async memberPromote(id: bigint): Promise<MemberListResult> {
    return decodeMembers(await this.call<RawMemberList>('Cluster', 'MemberPromote', { ID: id.toString() }, 'write'));
  }

  // ---- Auth (what `cluster up --auth` needs to turn authentication on) ----

  async roleAdd(name: string): Promise<void> {
    await this.call('Auth', 'RoleAdd', { name }, 'write');
  }

  /** The password travels in the request only, never in a log or an error. */
  async userAdd(name: string, password: string): Promise<void> {
    await this.call('Auth', 'UserAdd', { name, password, options: { no_password: false } }, 'write');
  }

  async userChangePassword(name: string, password: string): Promise<void> {
    await this.call('Auth', 'UserChangePassword', { name, password }, 'write');
  }

  async userGrantRole(user: string, role: string): Promise<void> {
    await this.call('Auth', 'UserGrantRole', { user, role }, 'write');
  }

  /** etcd refuses unless user root exists and has role root. */
  async authEnable(): Promise<void> {
    await this.call('Auth', 'AuthEnable', {}, 'write');
  }
}

function decodeAlarms(r: RawAlarmResponse): AlarmMember[] {
  return r.alarms.map((a) => ({ memberID: BigInt(a.memberID), alarm: decodeAlarmType(a.alarm) }));
}

function decodeMembers(raw: RawMemberList): MemberListResult {
  return { header: decodeHeader(raw.header), members: raw.members.map(decodeMember) };
}

// Public result types of the etcd client and their decoding from proto-loader objects.
// proto-loader hands us int64/uint64 as decimal strings and bytes as Buffers; here IDs become
// bigint (they use all 64 bits) and counters become number (revisions and sizes stay far below
// 2^53). Nothing else in warden should see a raw proto object.

export type Bytes = string | Buffer;

export interface ResponseHeader {
  cluster_id: bigint;
  member_id: bigint;
  revision: number;
  raft_term: number;
}

export interface KeyValue {
  key: Buffer;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: bigint;
}

export interface RangeResult {
  header: ResponseHeader;
  kvs: KeyValue[];
  count: number;
  more: boolean;
}

export interface PutResult {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

export interface Member {
  ID: bigint;
  /** Empty until the member has started and published its name. */
  name: string;
  peerURLs: string[];
  /** Empty until the member has started. */
  clientURLs: string[];
  isLearner: boolean;
}

export interface MemberListResult {
  header: ResponseHeader;
  members: Member[];
}

export interface MemberAddResult extends MemberListResult {
  member: Member;
}

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';

export interface AlarmMember {
  memberID: bigint;
  alarm: AlarmType;
}

/** Same field names and nesting as etcd's StatusResponse, so the CLI can print etcdctl's JSON. */
export interface StatusResult {
  header: ResponseHeader;
  version: string;
  dbSize: number;
  dbSizeInUse: number;
  leader: bigint;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  errors: string[];
  isLearner: boolean;
}

export interface HashKVResult {
  header: ResponseHeader;
  hash: number;
  /** -1 when the store was never compacted. */
  compactRevision: number;
}

export interface HashResult {
  header: ResponseHeader;
  hash: number;
}

export interface LeaseGrantResult {
  header: ResponseHeader;
  id: bigint;
  /** The TTL etcd chose: at least its minimum lease TTL, whatever was asked. */
  ttl: number;
}

export interface LeaseTimeToLiveResult {
  header: ResponseHeader;
  id: bigint;
  /** Seconds left; -1 when the lease has expired or does not exist. */
  ttl: number;
  grantedTtl: number;
  keys: Buffer[];
}

export interface WatchEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

// ---- raw proto shapes (keepCase, longs as String, defaults on) ----

export interface RawHeader {
  cluster_id: string;
  member_id: string;
  revision: string;
  raft_term: string;
}

export interface RawKeyValue {
  key: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
  value: Buffer;
  lease: string;
}

export interface RawMember {
  ID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface RawRangeResponse {
  header: RawHeader | null;
  kvs: RawKeyValue[];
  more: boolean;
  count: string;
}

export interface RawPutResponse {
  header: RawHeader | null;
  prev_kv: RawKeyValue | null;
}

export interface RawDeleteRangeResponse {
  header: RawHeader | null;
  deleted: string;
  prev_kvs: RawKeyValue[];
}

// ---- decoding ----

export function toBuffer(b: Bytes): Buffer {
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
}

/** etcd 3.4 leaves `header` unset on some responses (Alarm, Defragment, MoveLeader). */
export function decodeHeader(raw: RawHeader | null | undefined): ResponseHeader {
  if (!raw) return { cluster_id: 0n, member_id: 0n, revision: 0, raft_term: 0 };
  return {
    cluster_id: BigInt(raw.cluster_id),
    member_id: BigInt(raw.member_id),
    revision: Number(raw.revision),
    raft_term: Number(raw.raft_term),
  };
}

export function decodeKeyValue(raw: RawKeyValue): KeyValue {
  return {
    key: raw.key,
    value: raw.value,
    createRevision: Number(raw.create_revision),
    modRevision: Number(raw.mod_revision),
    version: Number(raw.version),
    lease: BigInt(raw.lease),
  };
}

export function decodeRange(raw: RawRangeResponse): RangeResult {
  return { header: decodeHeader(raw.header), kvs: raw.kvs.map(decodeKeyValue), count: Number(raw.count), more: raw.more };
}

export function decodePut(raw: RawPutResponse): PutResult {
  const result: PutResult = { header: decodeHeader(raw.header) };
  if (raw.prev_kv) result.prevKv = decodeKeyValue(raw.prev_kv);
  return result;
}

export function decodeMember(raw: RawMember): Member {
  return { ID: BigInt(raw.ID), name: raw.name, peerURLs: raw.peerURLs, clientURLs: raw.clientURLs, isLearner: raw.isLearner };
}

/** Proto enum values arrive as their names (proto-loader's `enums` default is the number). */
export function decodeAlarmType(v: number | string): AlarmType {
  switch (v) {
    case 1:
    case 'NOSPACE':
      return 'NOSPACE';
    case 2:
    case 'CORRUPT':
      return 'CORRUPT';
    default:
      return 'NONE';
  }
}

/** The range end that selects every key starting with `prefix` (etcd's "prefix + 1"). */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff (or empty): no upper bound, which etcd spells as a single zero byte.
  return Buffer.from([0]);
}

/**
 * key/range_end for a key, a prefix or an explicit range. An empty prefix means every key.
 * For a single key range_end is left out, not empty: protobufjs would still send an empty
 * field, which etcd decodes as a non-nil slice and reads as "every key from `key` on".
 */
export function keyRange(key: Bytes, opts: { prefix?: boolean; rangeEnd?: Bytes }): { key: Buffer; range_end?: Buffer } {
  const k = toBuffer(key);
  if (opts.prefix) {
    // etcd reads key "\0" with range_end "\0" as "all keys".
    if (k.length === 0) return { key: Buffer.from([0]), range_end: Buffer.from([0]) };
    return { key: k, range_end: prefixRangeEnd(k) };
  }
  return opts.rangeEnd !== undefined ? { key: k, range_end: toBuffer(opts.rangeEnd) } : { key: k };
}

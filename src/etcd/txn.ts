// Typed builders for etcd transactions (compare / put, get, delete) and the encoding of those
// and of get/put/delete options into etcd's request messages, shared by plain calls and txns.

import {
  decodeHeader,
  decodePut,
  decodeRange,
  keyRange,
  toBuffer,
  type Bytes,
  type KeyValue,
  type RangeResult,
  type RawDeleteRangeResponse,
  type RawHeader,
  type RawPutResponse,
  type RawRangeResponse,
  type ResponseHeader,
} from './types.ts';

export interface GetOptions {
  /** Every key starting with `key`. */
  prefix?: boolean;
  /** Keys in [key, rangeEnd). */
  rangeEnd?: Bytes;
  limit?: number;
  /** Read at this revision instead of the newest. */
  revision?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
  /** Member-local read, no quorum round trip (may be stale). */
  serializable?: boolean;
  /** Sort by key, ascending. */
  sortAscending?: boolean;
}

export interface PutOptions {
  lease?: bigint;
  prevKv?: boolean;
}

export interface DeleteOptions {
  prefix?: boolean;
  /** Keys in [key, rangeEnd). */
  rangeEnd?: Bytes;
}

export type CompareOp = '=' | '!=' | '>' | '<';

export type Compare =
  | { key: Buffer; target: 'value'; op: CompareOp; value: Buffer }
  | { key: Buffer; target: 'version' | 'createRevision' | 'modRevision'; op: CompareOp; value: number };

export type TxnOp =
  | { type: 'get'; key: Bytes; options: GetOptions }
  | { type: 'put'; key: Bytes; value: Bytes; options: PutOptions }
  | { type: 'delete'; key: Bytes; options: DeleteOptions };

export type TxnResponseOp =
  | ({ type: 'get' } & RangeResult)
  | { type: 'put'; header: ResponseHeader; prevKv?: KeyValue }
  | { type: 'delete'; header: ResponseHeader; deleted: number };

export interface TxnRequest {
  compare: Compare[];
  success: TxnOp[];
  failure?: TxnOp[];
}

export interface TxnResult {
  header: ResponseHeader;
  succeeded: boolean;
  responses: TxnResponseOp[];
}

/**
 * Compare builders. A key that does not exist has version, createRevision and modRevision 0,
 * so `compare.createRevision(k, '=', 0)` means "k does not exist".
 */
export const compare = {
  value: (key: Bytes, op: CompareOp, value: Bytes): Compare => ({ key: toBuffer(key), target: 'value', op, value: toBuffer(value) }),
  version: (key: Bytes, op: CompareOp, version: number): Compare => ({ key: toBuffer(key), target: 'version', op, value: version }),
  createRevision: (key: Bytes, op: CompareOp, revision: number): Compare => ({ key: toBuffer(key), target: 'createRevision', op, value: revision }),
  modRevision: (key: Bytes, op: CompareOp, revision: number): Compare => ({ key: toBuffer(key), target: 'modRevision', op, value: revision }),
};

export const op = {
  get: (key: Bytes, options: GetOptions = {}): TxnOp => ({ type: 'get', key, options }),
  put: (key: Bytes, value: Bytes, options: PutOptions = {}): TxnOp => ({ type: 'put', key, value, options }),
  delete: (key: Bytes, options: DeleteOptions = {}): TxnOp => ({ type: 'delete', key, options }),
};

// ---- encoding ----

const COMPARE_RESULT: Record<CompareOp, number> = { '=': 0, '>': 1, '<': 2, '!=': 3 };
const COMPARE_TARGET = { version: 0, createRevision: 1, modRevision: 2, value: 3 } as const;
const TARGET_FIELD = { version: 'version', createRevision: 'create_revision', modRevision: 'mod_revision', value: 'value' } as const;

export function encodeRange(key: Bytes, o: GetOptions): Record<string, unknown> {
  return {
    ...keyRange(key, o),
    limit: o.limit ?? 0,
    revision: o.revision ?? 0,
    keys_only: o.keysOnly ?? false,
    count_only: o.countOnly ?? false,
    serializable: o.serializable ?? false,
    // ASCEND by KEY; NONE leaves etcd's natural key order.
    sort_order: o.sortAscending ? 1 : 0,
    sort_target: 0,
  };
}

export function encodePut(key: Bytes, value: Bytes, o: PutOptions): Record<string, unknown> {
  return { key: toBuffer(key), value: toBuffer(value), lease: (o.lease ?? 0n).toString(), prev_kv: o.prevKv ?? false };
}

export function encodeDelete(key: Bytes, o: DeleteOptions): Record<string, unknown> {
  return keyRange(key, o);
}

function encodeCompare(c: Compare): Record<string, unknown> {
  const field = TARGET_FIELD[c.target];
  return {
    result: COMPARE_RESULT[c.op],
    target: COMPARE_TARGET[c.target],
    key: c.key,
    [field]: typeof c.value === 'number' ? String(c.value) : c.value,
  };
}

function encodeOp(o: TxnOp): Record<string, unknown> {
  switch (o.type) {
    case 'get':
      return { request_range: encodeRange(o.key, o.options) };
    case 'put':
      return { request_put: encodePut(o.key, o.value, o.options) };
    case 'delete':
      return { request_delete_range: encodeDelete(o.key, o.options) };
  }
}

export function encodeTxn(t: TxnRequest): Record<string, unknown> {
  return { compare: t.compare.map(encodeCompare), success: t.success.map(encodeOp), failure: (t.failure ?? []).map(encodeOp) };
}

export interface RawResponseOp {
  response?: 'response_range' | 'response_put' | 'response_delete_range' | 'response_txn';
  response_range?: RawRangeResponse | null;
  response_put?: RawPutResponse | null;
  response_delete_range?: RawDeleteRangeResponse | null;
}

export interface RawTxnResponse {
  header: RawHeader | null;
  succeeded: boolean;
  responses: RawResponseOp[];
}

export function decodeTxn(raw: RawTxnResponse): TxnResult {
  return {
    header: decodeHeader(raw.header),
    succeeded: raw.succeeded,
    responses: raw.responses.map((r): TxnResponseOp => {
      if (r.response_range) return { type: 'get', ...decodeRange(r.response_range) };
      if (r.response_put) return { type: 'put', ...decodePut(r.response_put) };
      if (r.response_delete_range) return { type: 'delete', header: decodeHeader(r.response_delete_range.header), deleted: Number(r.response_delete_range.deleted) };
      // Nested txns are never built by op.*, so etcd cannot answer with one.
      throw new Error(`unexpected txn response op: ${r.response ?? 'none'}`);
    }),
  };
}

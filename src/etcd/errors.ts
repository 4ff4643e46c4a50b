// Errors of the etcd connection layer: turns every gRPC failure into one WardenError subclass
// per failure kind, with a one-line message that names the endpoint, says what went wrong and
// what to do. Callers branch on the class, never on message text.

import { WardenError } from '../errors.ts';
import { authFailedMessage, NO_USER_MESSAGE, permissionMessage, type Need } from './permissions.ts';

/** The gRPC status codes warden branches on (fixed by the gRPC spec; kept here so that error
 * handling does not load @grpc/grpc-js). */
export const GrpcStatus = {
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** Any failure talking to an etcd member; the message is etcd's own text after the endpoint. */
export class EtcdError extends WardenError {
  override readonly name: string = 'EtcdError';
  constructor(
    message: string,
    /** `host:port` of the member the call went to. */
    readonly endpoint: string,
    /** gRPC status code, when the failure came from gRPC. */
    readonly grpcCode?: number,
    /** The raw gRPC details (etcd's message), kept for logs and branching in tests. */
    readonly details?: string,
  ) {
    super(message);
  }
}

/**
 * The member cannot serve the call: not reachable (refused, no route, DNS, dial timeout) or
 * reachable but unable to answer (`etcdserver: no leader`, `request timed out`).
 */
export class EtcdUnavailableError extends EtcdError {
  override readonly name: string = 'EtcdUnavailableError';
  constructor(
    endpoint: string,
    /** What went wrong in a few words, e.g. `unreachable (connection refused)`. */
    readonly reason: string,
    hint: string,
    /**
     * false when the request certainly never reached etcd (no connection), so a write may be
     * sent to another member without risk of applying it twice.
     */
    readonly requestSent: boolean,
    grpcCode?: number,
    details?: string,
  ) {
    super(`${endpoint}: ${reason}: ${hint}`, endpoint, grpcCode, details);
  }
}

export class EtcdTimeoutError extends EtcdError {
  override readonly name: string = 'EtcdTimeoutError';
}

export class EtcdPermissionError extends EtcdError {
  override readonly name: string = 'EtcdPermissionError';
}

/** `etcdserver: mvcc: database space exceeded`: the NOSPACE alarm is raised, writes are refused. */
export class EtcdNoSpaceError extends EtcdError {
  override readonly name: string = 'EtcdNoSpaceError';
}

export class EtcdTlsError extends EtcdError {
  override readonly name: string = 'EtcdTlsError';
}

export interface ErrorContext {
  /** The deadline that expired, to say how long we waited. */
  timeoutMs?: number;
  /** Whether the connection used TLS, to give the right hint for handshake-looking failures. */
  tls?: boolean;
  /** gRPC method, kept on nothing but useful in `details` of generic errors. */
  method?: string;
  /** The --user name the call was made as (undefined: none, or the client certificate's CN). */
  user?: string;
  /** Where the password came from and what to do when etcd refuses it. */
  authHint?: string;
  /** What the call needs, asked only when etcd refused it (see permissions.ts). */
  need?: () => Need;
}

interface GrpcLikeError {
  code: number;
  details?: string;
  message?: string;
}

function isGrpcError(err: unknown): err is GrpcLikeError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}

/** gRPC details made fit for one line: grpc-js adds timestamps, newlines and empty notes. */
export function cleanDetails(details: string): string {
  return details
    .replace(/^No connection established\. Last error: /, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/g, '')
    .replace(/\.?\s*Resolution note:\s*$/, '')
    .replace(/^Error: /, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export const UNREACHABLE_HINT = 'check --endpoints and that etcd is running';

/** Why a connection failed, in a few words, from Node/grpc-js error text. */
function connectionReason(details: string): string {
  const codes: [RegExp, string][] = [
    [/ECONNREFUSED/, 'connection refused'],
    [/Name resolution failed|ENOTFOUND|EAI_AGAIN/, 'host not found'],
    [/EHOSTUNREACH|ENETUNREACH/, 'no route to host'],
    [/ETIMEDOUT/, 'connection timed out'],
    [/ECONNRESET/, 'connection reset'],
    [/EADDRNOTAVAIL/, 'address not available'],
  ];
  for (const [re, reason] of codes) if (re.test(details)) return reason;
  return cleanDetails(details) || 'no connection';
}

/** TLS failures grpc-js reports as UNAVAILABLE; undefined when the text is not about TLS. */
function tlsProblem(details: string): string | undefined {
  // OpenSSL alerts sent by the member: it wanted a client certificate it could verify.
  if (/alert (bad certificate|certificate required|unknown ca|certificate unknown|handshake failure)|SSL alert number (40|42|46|48|116)\b/i.test(details)) {
    return 'the member rejected the TLS handshake (no client certificate, or one it does not trust): pass --cert/--key signed by the CA in the member\'s --trusted-ca-file';
  }
  if (/Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME_INVALID/i.test(details)) {
    return 'the member\'s certificate does not name this host (not in its subject alternative names): use an endpoint host the certificate covers';
  }
  if (/unable to verify|self[- ]signed certificate|unable to get (local )?issuer|certificate has expired|certificate is not yet valid|CERT_/i.test(details)) {
    return `the member's certificate is not trusted (${cleanDetails(details)}): pass --cacert with the CA that signed it`;
  }
  if (/before secure TLS connection was established|wrong version number|packet length too long|unknown protocol/i.test(details)) {
    return 'TLS handshake failed (the member seems to serve plain HTTP): use an http:// endpoint without TLS options';
  }
  return undefined;
}

function etcdMessageHint(details: string): string | undefined {
  const hints: [RegExp, string][] = [
    [/required revision has been compacted/, 'read at a revision after the last compaction'],
    [/required revision is a future revision/, 'read at or below the current revision'],
    [/bad leader transferee/, 'the target must be a started voting member other than the leader'],
    [/not leader/, 'send this call to the leader (see `warden endpoint status --cluster`)'],
    [/can only promote a learner member which is in sync/, 'wait until the learner has caught up with the leader'],
    [/requested lease not found/, 'the lease expired or was revoked'],
    [/member not found/, 'check the ID with `warden member list`'],
    [/Peer URLs already exists/, 'use peer URLs no other member has'],
    [/too many learner members/, 'promote or remove the existing learner first'],
    [/request is too large/, 'split the request or raise etcd --max-request-bytes'],
    [/corrupt cluster/, 'a member\'s data differs from the others: restore it from a backup'],
  ];
  for (const [re, hint] of hints) if (re.test(details)) return hint;
  return undefined;
}

/**
 * Maps a failed call to the member at `endpoint` to the matching EtcdError subclass.
 * WardenErrors pass through; anything that is not a gRPC failure is returned unchanged, since
 * it is a bug rather than something the user can act on.
 */
export function mapGrpcError(err: unknown, endpoint: string, ctx: ErrorContext = {}): Error {
  if (err instanceof WardenError) return err;
  if (!isGrpcError(err)) return err instanceof Error ? err : new Error(String(err));
  const code = err.code;
  const raw = err.details ?? err.message ?? '';
  const details = cleanDetails(raw);
  const at = `${endpoint}:`;

  if (/database space exceeded/.test(details)) {
    return new EtcdNoSpaceError(
      `${at} database space exceeded (NOSPACE alarm raised, etcd refuses writes): run \`warden space recover\` (compacts, defragments every member, disarms)`,
      endpoint, code, raw);
  }
  // Auth answers are about the cluster's auth store, the same on every member: no endpoint.
  if (/authentication failed, invalid user ID or password/.test(details)) {
    const message = ctx.user !== undefined ? authFailedMessage(ctx.user, ctx.authHint) : 'authentication failed (invalid user or password): check --user/--password';
    return new EtcdPermissionError(message, endpoint, code, raw);
  }
  if (/user name is empty/.test(details)) {
    return new EtcdPermissionError(NO_USER_MESSAGE, endpoint, code, raw);
  }
  if (/invalid auth token|revision of auth store is old/.test(details) || code === GrpcStatus.UNAUTHENTICATED) {
    return new EtcdPermissionError(`${at} auth token rejected (${details}): check --user/--password`, endpoint, code, raw);
  }
  if (code === GrpcStatus.PERMISSION_DENIED || /permission denied/.test(details)) {
    const message = ctx.need
      ? permissionMessage(ctx.user, ctx.need())
      : `${at} permission denied: use --user with a role that grants this request (maintenance calls need the root role) or a client certificate of such a user`;
    return new EtcdPermissionError(message, endpoint, code, raw);
  }
  if (code === GrpcStatus.DEADLINE_EXCEEDED) {
    const waited = ctx.timeoutMs !== undefined ? `within ${ctx.timeoutMs} ms` : 'before the deadline';
    return new EtcdTimeoutError(`${at} no answer ${waited} (deadline exceeded): raise --command-timeout or check the member's health`, endpoint, code, raw);
  }
  if (code === GrpcStatus.UNAVAILABLE) {
    if (details.startsWith('etcdserver:')) {
      // Reachable, but etcd cannot serve: the request may have been proposed already.
      return new EtcdUnavailableError(endpoint, `${details} (member unavailable)`, 'retry later or check `warden endpoint health --cluster`', true, code, raw);
    }
    const tls = tlsProblem(raw);
    if (tls) return new EtcdTlsError(`${at} ${tls}`, endpoint, code, raw);
    const notConnected = /^No connection established|Name resolution failed|Failed to connect/.test(raw);
    const reason = connectionReason(raw);
    if (/^Failed to connect$/.test(reason) && !ctx.tls) {
      // What a plaintext client sees when the member serves TLS.
      return new EtcdUnavailableError(
        endpoint, 'unreachable (failed to connect)', 'check --endpoints (https:// and --cacert if the member serves TLS) and that etcd is running', false, code, raw);
    }
    return new EtcdUnavailableError(endpoint, `unreachable (${reason})`, UNREACHABLE_HINT, !notConnected, code, raw);
  }
  if (code === GrpcStatus.UNIMPLEMENTED) {
    return new EtcdError(
      `${at} ${ctx.method ?? 'call'} not supported (${details || 'unimplemented'}): check that the endpoint is an etcd ≥ 3.4 client URL`,
      endpoint, code, raw);
  }
  if (code === GrpcStatus.CANCELLED) {
    return new EtcdError(`${at} call cancelled (${details || 'cancelled'})`, endpoint, code, raw);
  }
  const hint = etcdMessageHint(details);
  return new EtcdError(`${at} ${details || `gRPC status ${code}`}${hint ? `: ${hint}` : ''}`, endpoint, code, raw);
}

/** A snapshot stream that cannot be trusted: truncated, out of order, or failing etcd's sha256. */
export class EtcdSnapshotIntegrityError extends EtcdError {
  override readonly name: string = 'EtcdSnapshotIntegrityError';
}

/** A watch asked to start at a revision etcd has compacted away (`required revision has been compacted`). */
export class EtcdCompactedError extends EtcdError {
  override readonly name: string = 'EtcdCompactedError';
  constructor(
    message: string,
    endpoint: string,
    /** The oldest revision etcd still keeps. */
    readonly compactRevision: number,
  ) {
    super(message, endpoint);
  }
}

/** A lease kept alive by warden is gone (expired, revoked, or not renewed in time). */
export class EtcdLeaseLostError extends EtcdError {
  override readonly name: string = 'EtcdLeaseLostError';
}

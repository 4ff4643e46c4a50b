// Turning what the AWS SDK throws into one-line WardenErrors: what went wrong talking to the
// S3-compatible store, then what to do. Messages name the endpoint, bucket and object, never a
// credential (no key id, secret, session token or presigned query string).
import { WardenError, errorMessage } from '../errors.ts';

/** What a message needs to know about the store. */
export interface S3ErrorContext {
  /** `http://127.0.0.1:9000`, or `AWS S3 (us-east-1)` when no endpoint was given. */
  endpoint: string;
  bucket: string;
  /** `s3://bucket/prefix/`. */
  url: string;
  region: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'EPIPE', 'ECONNABORTED', 'EPROTO', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET',
]);

interface ErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  errors?: unknown[];
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** The errno-style code of a network failure (also inside AggregateError and `cause`), if any. */
export function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as ErrorShape;
  if (e.code && NETWORK_CODES.has(e.code)) return e.code;
  if (e.name === 'TimeoutError' && !e.$metadata?.httpStatusCode) return 'ETIMEDOUT';
  for (const inner of e.errors ?? []) {
    const c = networkCode(inner, depth + 1);
    if (c) return c;
  }
  return networkCode(e.cause, depth + 1);
}

/** The HTTP status S3 answered with, when it answered. */
export function httpStatus(err: unknown): number | undefined {
  const e = err as ErrorShape | undefined;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

/** S3's error code (`NoSuchBucket`, `AccessDenied`, ...) or, for bodiless HEAD answers, `NotFound`/`Forbidden`. */
export function s3Code(err: unknown): string | undefined {
  const e = err as ErrorShape | undefined;
  return e?.Code ?? e?.name;
}

/** One line, bounded: server messages may span lines or carry XML. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The WardenError for a failed S3 call. `action` says what warden was doing, in words that
 * fit "... while <action>", e.g. "uploading snapshot_x.db".
 */
export function s3Error(err: unknown, ctx: S3ErrorContext, action: string): WardenError {
  if (err instanceof WardenError) return err;
  const net = networkCode(err);
  if (net) return new WardenError(`cannot reach S3 endpoint ${ctx.endpoint} (${net}) while ${action}: check --s3-endpoint (or AWS_ENDPOINT_URL) and that the server is up`);
  const e = (err ?? {}) as ErrorShape;
  if (e.name === 'CredentialsProviderError' || /could not load credentials/i.test(e.message ?? '')) {
    return new WardenError(`no S3 credentials found while ${action}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)`);
  }
  const code = s3Code(err);
  const status = httpStatus(err);
  switch (code) {
    case 'NoSuchBucket':
      return new WardenError(`bucket ${ctx.bucket} does not exist at ${ctx.endpoint}: create it or fix --to`);
    case 'InvalidAccessKeyId':
      return new WardenError(`S3 at ${ctx.endpoint} does not know the access key id while ${action}: check AWS_ACCESS_KEY_ID`);
    case 'SignatureDoesNotMatch':
      return new WardenError(`S3 at ${ctx.endpoint} rejected the request signature while ${action}: check AWS_SECRET_ACCESS_KEY`);
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
    case 'InvalidToken':
      return new WardenError(`S3 at ${ctx.endpoint} rejected the session token (${code}) while ${action}: renew AWS_SESSION_TOKEN`);
    case 'AccessDenied':
    case 'Forbidden':
    case 'AllAccessDisabled':
      return new WardenError(`access denied while ${action} at ${ctx.endpoint}: the credentials lack permission on ${ctx.url} (or are wrong)`);
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return new WardenError(`bucket ${ctx.bucket} is not in region ${ctx.region} (${code}) while ${action}: set AWS_REGION to the bucket's region`);
    case 'RequestTimeTooSkewed':
      return new WardenError(`S3 at ${ctx.endpoint} says this machine's clock is wrong while ${action}: fix the clock (NTP)`);
    case 'SlowDown':
    case 'ServiceUnavailable':
    case 'InternalError':
      return new WardenError(`S3 at ${ctx.endpoint} is overloaded or failing (${code}) while ${action}: try again later`);
    case 'EntityTooLarge':
      return new WardenError(`the object is too large for S3 at ${ctx.endpoint} while ${action}: use a store that accepts larger objects`);
    case 'AbortError':
      return new WardenError(`interrupted while ${action}`);
    default:
      break;
  }
  if (status && (e.message === 'UnknownError' || !e.message) && (code === 'NotFound' || code === 'UnknownError' || code === 'Unknown' || !code)) {
    return new WardenError(`${ctx.endpoint} answered HTTP ${status} without an S3 error while ${action}: check that --s3-endpoint points at an S3-compatible server`);
  }
  const what = [code && code !== 'Error' && code !== 'S3ServiceException' ? code : undefined, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
  const detail = oneLine(errorMessage(err));
  const known = detail && detail !== code && detail !== 'UnknownError' ? `: ${detail}` : '';
  return new WardenError(`S3 ${what ? `error (${what})` : 'request failed'} while ${action} at ${ctx.endpoint}${known}; check the S3 settings and try again`);
}

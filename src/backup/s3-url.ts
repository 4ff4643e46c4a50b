// The s3:// URL and the S3 client settings (flags, else the usual AWS_* variables), apart from
// the store so that commands can check their flags without loading the AWS SDK (~170 ms).
import { UsageError } from '../errors.ts';

export interface S3Location {
  bucket: string;
  /** '' or 'a/b/': no leading slash, one trailing slash. */
  prefix: string;
}

export const hasControlChars = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

// S3's bucket naming rules (lowercase letters, digits, dots, hyphens; 3-63 characters).
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket[/prefix]`; bad input is a one-line UsageError. */
export function parseS3Url(url: string): S3Location {
  const text = url.trim();
  // Quoted and escaped: the input may hold anything, a newline included.
  const shown = JSON.stringify(text);
  const m = /^s3:\/\/([^/]*)(\/.*)?$/is.exec(text);
  if (!m) throw new UsageError(`invalid S3 URL ${shown}: it must look like s3://bucket/prefix`);
  const host = m[1] as string;
  if (host.includes('@')) {
    // Do not echo it: the part before @ is probably a key.
    throw new UsageError('invalid S3 URL: credentials do not belong in it; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and use s3://bucket/prefix');
  }
  if (host === '') throw new UsageError(`invalid S3 URL ${shown}: no bucket name; use s3://bucket/prefix`);
  if (!BUCKET_RE.test(host) || host.includes('..')) {
    throw new UsageError(`invalid S3 bucket name ${JSON.stringify(host)} in ${shown}: use 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit`);
  }
  const rest = m[2] ?? '';
  if (/[?#\\]/.test(rest) || hasControlChars(rest)) {
    throw new UsageError(`invalid S3 prefix in ${shown}: it must not contain ?, #, backslashes or control characters`);
  }
  const segments = rest.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new UsageError(`invalid S3 prefix in ${shown}: "." and ".." are not allowed as path segments`);
  }
  const prefix = segments.length ? `${segments.join('/')}/` : '';
  if (Buffer.byteLength(prefix) > 900) throw new UsageError(`invalid S3 prefix in ${shown}: it is too long (keep it under 900 bytes)`);
  return { bucket: host, prefix };
}

export function formatS3Url(loc: S3Location, name = ''): string {
  return `s3://${loc.bucket}/${loc.prefix}${name}`;
}

export interface S3Options {
  /** e.g. http://127.0.0.1:9000 for MinIO; default AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS. */
  endpoint?: string;
  /** default AWS_REGION / AWS_DEFAULT_REGION, else us-east-1. */
  region?: string;
  /** default: true when an endpoint is given (what S3-compatible servers expect). */
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export interface ResolvedS3Options {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);

/** Fills options from the environment. Without keys the SDK's own chain (profiles, SSO, instance roles) applies. */
export function resolveS3Options(opts: S3Options, env: NodeJS.ProcessEnv = process.env): ResolvedS3Options {
  const endpoint = nonEmpty(opts.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(endpoint);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) {
      throw new UsageError('invalid S3 endpoint: use a URL like http://127.0.0.1:9000 or https://s3.example.com (no credentials in it)');
    }
  }
  const region = nonEmpty(opts.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1';
  const accessKeyId = nonEmpty(opts.accessKeyId) ?? nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(opts.secretAccessKey) ?? nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(opts.sessionToken) ?? nonEmpty(env.AWS_SESSION_TOKEN);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new UsageError(`S3 credentials are incomplete: ${accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'} is missing; set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`);
  }
  return {
    endpoint: endpoint?.replace(/\/+$/, ''),
    region,
    forcePathStyle: opts.forcePathStyle ?? endpoint !== undefined,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined,
  };
}

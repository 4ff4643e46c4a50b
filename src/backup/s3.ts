// Remote copies of backup sets in S3-compatible object storage (`--to s3://bucket/prefix`).
// Owns the store: multipart uploads streamed from files (8 MiB parts, 4 at a time) that leave
// nothing behind when they fail or are interrupted, listing objects and backup sets under the
// prefix, deleting a set, streamed atomic downloads, and presigned GET URLs. Every failure is
// one WardenError line (s3-errors.ts); credentials never appear in a message. The s3:// URL and
// the settings live in s3-url.ts (re-exported here): loading this module loads the AWS SDK
// (~170 ms), so commands import it only when they use S3.
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { UsageError, WardenError } from '../errors.ts';
import { parseBackupName, timestampDate } from './names.ts';
import { streamToFileAtomic, type DownloadResult } from './s3-download.ts';
import { httpStatus, s3Code, s3Error, type S3ErrorContext } from './s3-errors.ts';
import { formatS3Url, hasControlChars, resolveS3Options, type ResolvedS3Options, type S3Location, type S3Options } from './s3-url.ts';
import { mapLimit } from '../util/limit.ts';

export { downloadUrl, type DownloadResult } from './s3-download.ts';
export { formatS3Url, parseS3Url, resolveS3Options, type ResolvedS3Options, type S3Location, type S3Options } from './s3-url.ts';

/** Multipart part size and how many parts are in flight: at most ~2 × 4 × 8 MiB buffered. */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 4;
/** S3's limit for a presigned URL signed with SigV4. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function clientConfig(o: ResolvedS3Options, env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  return {
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    forcePathStyle: o.forcePathStyle,
    ...(o.credentials ? { credentials: o.credentials } : {}),
    followRegionRedirects: true,
    // The SDK's default (since 3.729) adds CRC32 checksums, with aws-chunked bodies for
    // streams, and asks for checksums on GET, which many S3-compatible servers (and presigned
    // GETs by plain HTTP) do not handle. Only where the API requires them, unless the usual
    // variables say otherwise.
    ...(env.AWS_REQUEST_CHECKSUM_CALCULATION ? {} : { requestChecksumCalculation: 'WHEN_REQUIRED' as const }),
    ...(env.AWS_RESPONSE_CHECKSUM_VALIDATION ? {} : { responseChecksumValidation: 'WHEN_REQUIRED' as const }),
    // An unreachable endpoint fails in seconds rather than hanging; a transfer fails after 2 min
    // without a byte. (Not requestTimeout: it bounds a whole part upload and by default only
    // prints a warning.)
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
  };
}

export interface S3Object {
  /** The name under the prefix, e.g. snapshot_2024-01-02_030405.db. */
  name: string;
  key: string;
  size: number;
  lastModified: Date;
  /** User metadata (lowercase keys); only when listed with `{ metadata: true }`. */
  metadata?: Record<string, string>;
}

export interface S3BackupSet {
  timestamp: string;
  /** The timestamp as a date (UTC), for retention by age. */
  time: Date;
  dirty: boolean;
  /** Whether a file of the set is encrypted to age recipients. */
  encrypted: boolean;
  snapshot?: S3Object;
  archive?: S3Object;
  /** Bytes of both objects. */
  size: number;
}

export interface UploadResult {
  key: string;
  size: number;
}

type SdkHandler = S3Client['config']['requestHandler'];
type HandleOptions = Parameters<SdkHandler['handle']>[1];

/**
 * The store's request handler (same connection pool), except that PUTs (object and part
 * uploads) stop at once when `signal` aborts. Creating, completing and aborting a multipart
 * upload (POST, DELETE) still go through, so lib-storage can clean up after the abort.
 */
function cancellablePuts(inner: SdkHandler, signal: AbortSignal): SdkHandler {
  const full = inner as SdkHandler & { updateHttpClientConfig?: (k: never, v: never) => void; httpHandlerConfigs?: () => object };
  return {
    metadata: inner.metadata,
    handle: (request, options) => {
      if ((request as { method?: string }).method !== 'PUT') return inner.handle(request, options);
      const given = (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
      const abortSignal = given ? AbortSignal.any([given, signal]) : signal;
      return inner.handle(request, { ...options, abortSignal } as HandleOptions);
    },
    updateHttpClientConfig: (k: never, v: never) => full.updateHttpClientConfig?.(k, v),
    httpHandlerConfigs: () => full.httpHandlerConfigs?.() ?? {},
    // The pool belongs to the store's client.
    destroy: () => undefined,
  } as SdkHandler;
}

export class UploadInterrupted extends WardenError {
  override readonly name = 'UploadInterrupted';
}

export class S3Store {
  readonly location: S3Location;
  // #private, so that inspecting a store never shows the credentials in the config.
  readonly #client: S3Client;
  readonly #config: S3ClientConfig;
  private readonly ctx: S3ErrorContext;

  constructor(loc: S3Location, opts: S3Options = {}) {
    // Under Node < 22 the SDK prints a multi-line warning in every process that its releases
    // after January 2027 need Node 22; the lock file pins one that supports Node 20.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.location = { bucket: loc.bucket, prefix: loc.prefix };
    const options = resolveS3Options(opts);
    this.#config = clientConfig(options);
    this.#client = new S3Client(this.#config);
    this.ctx = {
      endpoint: options.endpoint ?? `AWS S3 (${options.region})`,
      bucket: loc.bucket,
      url: formatS3Url(loc),
      region: options.region,
    };
  }

  /** `s3://bucket/prefix/` (or with a name). */
  url(name = ''): string {
    return formatS3Url(this.location, name);
  }

  /** Where the store is, for messages: the endpoint, or `AWS S3 (<region>)`. */
  get endpointLabel(): string {
    return this.ctx.endpoint;
  }

  /** Closes the client's connections. */
  close(): void {
    this.#client.destroy();
  }

  private key(name: string): string {
    if (name === '' || name.includes('/') || name === '.' || name === '..' || hasControlChars(name)) {
      throw new UsageError(`invalid backup object name ${JSON.stringify(name)}: use a plain file name such as snapshot_<timestamp>.db`);
    }
    return `${this.location.prefix}${name}`;
  }

  private fail(err: unknown, action: string): WardenError {
    return s3Error(err, this.ctx, action);
  }

  /** One clear error if the bucket is missing, the credentials are wrong or the endpoint is unreachable. */
  async checkBucket(): Promise<void> {
    const action = `checking ${this.url()}`;
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.location.bucket }));
      return;
    } catch (err) {
      if (httpStatus(err) === undefined) throw this.fail(err, action);
    }
    // HEAD answers have no body: a listing names the cause (no such bucket, unknown key, bad
    // signature, wrong region, or a server that is not S3 at all).
    // (Not MaxKeys=1: s3rver cannot make continuation tokens under OpenSSL 3.)
    try {
      await this.#client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.location.prefix }));
    } catch (err) {
      throw this.fail(err, action);
    }
  }

  /**
   * Uploads a local file as `<prefix><name>`: multipart (8 MiB parts, 4 in flight) streamed from
   * the file, or one PUT when it fits in a part. When it fails or `signal` aborts, the multipart
   * upload is aborted, so neither an object nor stored parts are left.
   */
  async uploadFile(
    localPath: string,
    name: string,
    metadata: Record<string, string>,
    onProgress?: (sent: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<UploadResult> {
    const key = this.key(name);
    const meta = checkMetadata(metadata);
    const action = `uploading ${name} to ${this.url()}`;
    const interrupted = () => new UploadInterrupted(`interrupted: the upload of ${name} to ${this.url()} was abandoned and nothing was left in the bucket`);
    if (signal?.aborted) throw interrupted();
    let size: number;
    try {
      const st = fs.statSync(localPath);
      if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      size = st.size;
    } catch (err) {
      throw new WardenError(`cannot read ${localPath} (${(err as NodeJS.ErrnoException).code ?? 'error'}) for the upload to ${this.url()}: check the path`);
    }

    const source = fs.createReadStream(localPath);
    const cancel = new AbortController();
    const onAbort = () => {
      cancel.abort();
      source.destroy(interrupted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // Its own client (sharing the store's connections) so that an abort also stops parts in flight.
    const client = new S3Client({ ...this.#config, requestHandler: cancellablePuts(this.#client.config.requestHandler, cancel.signal) });
    const upload = new Upload({
      client,
      params: { Bucket: this.location.bucket, Key: key, Body: source, ContentLength: size, Metadata: meta, ContentType: 'application/octet-stream' },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    if (onProgress) upload.on('httpUploadProgress', (p) => onProgress(p.loaded ?? 0, p.total ?? size));
    try {
      await upload.done();
    } catch (err) {
      // lib-storage aborts the multipart upload itself; do it again in case that call failed,
      // and say so if parts may still be stored.
      const leftover = await this.abortMultipart(key, upload.uploadId);
      if (signal?.aborted) throw leftover ? new UploadInterrupted(`interrupted: the upload of ${name} was abandoned, but ${leftover}`) : interrupted();
      const local = err as NodeJS.ErrnoException;
      const e = local.syscall && ['open', 'read', 'fstat'].includes(local.syscall)
        ? new WardenError(`cannot read ${localPath} (${local.code ?? 'error'}) while ${action}: check the file and the disk`)
        : this.fail(local.name === 'AbortError' ? interrupted() : err, action);
      throw leftover ? new WardenError(`${e.message}; also, ${leftover}`) : e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      source.destroy();
      client.destroy();
    }
    if (signal?.aborted) {
      // It completed just as the abort came: an interrupted backup leaves nothing.
      await this.deleteKey(key).catch(() => undefined);
      throw interrupted();
    }
    const stored = await this.headKey(key, action);
    if (!stored || stored.size !== size) {
      await this.deleteKey(key).catch(() => undefined);
      throw new WardenError(`the upload of ${name} to ${this.url()} did not store the whole file (${stored?.size ?? 'no object'} of ${size} bytes); try again`);
    }
    return { key, size };
  }

  /** Aborts a multipart upload; returns a sentence when it may still be there. */
  private async abortMultipart(key: string, uploadId: string | undefined): Promise<string | undefined> {
    if (!uploadId) return undefined;
    try {
      await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.location.bucket, Key: key, UploadId: uploadId }));
      return undefined;
    } catch (err) {
      if (s3Code(err) === 'NoSuchUpload' || httpStatus(err) === 404) return undefined;
      return `its multipart upload ${uploadId} could not be aborted (${s3Code(err) ?? 'error'}): abort it or let a bucket lifecycle rule remove incomplete uploads`;
    }
  }

  private async deleteKey(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }));
  }

  private async headKey(key: string, action: string): Promise<{ size: number; metadata: Record<string, string>; lastModified?: Date } | undefined> {
    try {
      const r = await this.#client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return { size: r.ContentLength ?? 0, metadata: { ...(r.Metadata ?? {}) }, lastModified: r.LastModified };
    } catch (err) {
      const status = httpStatus(err);
      if (status === 404 || status === 403) {
        // HEAD answers have no body: ask again in a way that names the cause (bucket, keys).
        await this.checkBucket();
        if (status === 404) return undefined;
      }
      throw this.fail(err, action);
    }
  }

  /** Size and user metadata of `<prefix><name>`, or undefined when there is no such object. */
  async head(name: string): Promise<{ size: number; metadata: Record<string, string>; lastModified?: Date } | undefined> {
    return this.headKey(this.key(name), `reading ${this.url(name)}`);
  }

  /** Objects directly under the prefix (not in deeper "folders"), by name. */
  async list(opts: { metadata?: boolean } = {}): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.#client.send(new ListObjectsV2Command({
          Bucket: this.location.bucket,
          Prefix: this.location.prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }));
        for (const o of r.Contents ?? []) {
          if (!o.Key || !o.Key.startsWith(this.location.prefix)) continue;
          const name = o.Key.slice(this.location.prefix.length);
          if (name === '' || name.includes('/')) continue;
          out.push({ name, key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.fail(err, `listing ${this.url()}`);
    }
    if (opts.metadata) {
      await mapLimit(out, 8, async (o) => {
        o.metadata = (await this.headKey(o.key, `reading ${this.url(o.name)}`))?.metadata;
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The "folders" directly under the prefix (common prefixes up to the next '/'), by name. */
  async listFolders(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.#client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.location.prefix, Delimiter: '/', ContinuationToken: token }));
        for (const p of r.CommonPrefixes ?? []) {
          const name = p.Prefix?.slice(this.location.prefix.length).replace(/\/$/, '');
          if (name) out.push(name);
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.fail(err, `listing ${this.url()}`);
    }
    return out.sort();
  }

  /** Deletes `<prefix><name>` (no error when it is not there, as S3 does). */
  async delete(name: string): Promise<void> {
    try {
      await this.deleteKey(this.key(name));
    } catch (err) {
      throw this.fail(err, `deleting ${this.url(name)}`);
    }
  }

  /** Backup sets under the prefix, grouped by timestamp, newest first (what retention needs). */
  async listSets(opts: { metadata?: boolean } = {}): Promise<S3BackupSet[]> {
    const sets = new Map<string, S3BackupSet>();
    for (const o of await this.list(opts)) {
      const p = parseBackupName(o.name);
      if (!p) continue;
      const set = sets.get(p.timestamp) ?? { timestamp: p.timestamp, time: timestampDate(p.timestamp), dirty: false, encrypted: false, size: 0 };
      set.dirty ||= p.dirty;
      set.encrypted ||= p.encrypted;
      set[p.kind] = o;
      set.size = (set.snapshot?.size ?? 0) + (set.archive?.size ?? 0);
      sets.set(p.timestamp, set);
    }
    return [...sets.values()].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  }

  /** Deletes every object of the set with this timestamp (snapshot and archive, dirty or not). */
  async deleteSet(timestamp: string): Promise<void> {
    if (!/^\d{4}-\d{2}-\d{2}_\d{6}$/.test(timestamp)) {
      throw new UsageError(`invalid backup timestamp "${timestamp}": use the form YYYY-MM-DD_HHMMSS`);
    }
    const objects = (await this.list()).filter((o) => parseBackupName(o.name)?.timestamp === timestamp);
    if (objects.length === 0) throw new WardenError(`no backup set ${timestamp} in ${this.url()}: list the backups to see which exist`);
    for (const o of objects) {
      try {
        await this.deleteKey(o.key);
      } catch (err) {
        throw this.fail(err, `deleting ${this.url(o.name)}`);
      }
    }
  }

  /** Streams `<prefix><name>` to `${localPath}.part`, fsyncs and renames it; nothing is left on failure. */
  async download(name: string, localPath: string, signal?: AbortSignal): Promise<DownloadResult> {
    const key = this.key(name);
    const action = `downloading ${this.url(name)}`;
    let res;
    try {
      res = await this.#client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }), { abortSignal: signal });
    } catch (err) {
      if (signal?.aborted) throw new WardenError(`interrupted: the download of ${name} was abandoned and nothing was written`);
      if (s3Code(err) === 'NoSuchKey') throw new WardenError(`no object ${name} in ${this.url()}: list the backups to see which exist`);
      throw this.fail(err, action);
    }
    if (!res.Body) throw new WardenError(`S3 at ${this.ctx.endpoint} sent no body for ${this.url(name)}; try again`);
    return streamToFileAtomic(res.Body as Readable, localPath, {
      expectedSize: res.ContentLength,
      signal,
      mapError: (err) => this.fail(err, action),
    });
  }

  /** `<prefix><name>` read into memory (a small object: an archive); more than `maxBytes` is an error. */
  async read(name: string, maxBytes: number): Promise<Buffer> {
    const action = `reading ${this.url(name)}`;
    let res;
    try {
      res = await this.#client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(name) }));
    } catch (err) {
      if (s3Code(err) === 'NoSuchKey') throw new WardenError(`no object ${name} in ${this.url()}: list the backups to see which exist`);
      throw this.fail(err, action);
    }
    if ((res.ContentLength ?? 0) > maxBytes) {
      (res.Body as Readable | undefined)?.destroy();
      throw new WardenError(`${this.url(name)} is ${res.ContentLength} bytes, more than a backup archive can be: check the object`);
    }
    try {
      return Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    } catch (err) {
      throw this.fail(err, action);
    }
  }

  /** A GET URL for `<prefix><name>` that plain HTTP can use for `expiresSeconds`. */
  async presign(name: string, expiresSeconds: number): Promise<string> {
    if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_PRESIGN_SECONDS) {
      throw new UsageError(`invalid presigned URL lifetime ${expiresSeconds}: use 1 second to 7 days (${MAX_PRESIGN_SECONDS} seconds)`);
    }
    const key = this.key(name);
    if (!(await this.headKey(key, `presigning ${this.url(name)}`))) {
      throw new WardenError(`no object ${name} in ${this.url()}: list the backups to see which exist`);
    }
    try {
      return await getSignedUrl(this.#client, new GetObjectCommand({ Bucket: this.location.bucket, Key: key }), { expiresIn: expiresSeconds });
    } catch (err) {
      throw this.fail(err, `presigning ${this.url(name)}`);
    }
  }
}

/** Lowercase keys, printable ASCII values, S3's 2 KB limit: else S3 fails with a vague error. */
function checkMetadata(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let bytes = 0;
  for (const [k, v] of Object.entries(metadata)) {
    const key = k.toLowerCase();
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(key)) throw new WardenError(`invalid S3 metadata key "${k}": use letters, digits, - and _`);
    if (!/^[\x20-\x7e]*$/.test(v)) throw new WardenError(`invalid S3 metadata value for "${k}": use printable ASCII only`);
    out[key] = v;
    bytes += key.length + v.length;
  }
  if (bytes > 2048) throw new WardenError(`S3 metadata is ${bytes} bytes, over S3's 2 KB limit: store less`);
  return out;
}


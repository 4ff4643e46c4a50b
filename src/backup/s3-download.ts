// Downloads that never leave a partial file: a byte stream (an S3 GetObject body or a plain
// HTTP(S) GET of a presigned URL) goes to `<file>.part` (mode 0600) while its sha256 is
// computed, is fsynced, checked against the expected length, and renamed; on any failure the
// .part file is removed. The URL in a message never shows its query (a presigned URL's
// signature and credential id).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UsageError, WardenError, errorMessage } from '../errors.ts';
import { fsyncDir } from '../util/fsutil.ts';
import { networkCode, oneLine } from './s3-errors.ts';

export interface DownloadResult {
  size: number;
  sha256: string;
}

export class DownloadInterrupted extends WardenError {
  override readonly name = 'DownloadInterrupted';
}

/**
 * Streams `source` into `file` atomically. `expectedSize` (when known) catches a truncated body.
 * Errors from the stream are passed to `mapError` so callers phrase them.
 */
export async function streamToFileAtomic(
  source: Readable,
  file: string,
  opts: { expectedSize?: number; signal?: AbortSignal; mapError: (err: unknown) => WardenError },
): Promise<DownloadResult> {
  const part = `${file}.part`;
  try {
    const hash = createHash('sha256');
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(source, hasher, createWriteStream(part, { mode: 0o600, highWaterMark: 1 << 20 }), { signal: opts.signal });
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw new WardenError(`the download of ${path.basename(file)} was cut short: got ${size} of ${opts.expectedSize} bytes; try again`);
    }
    const handle = await fs.open(part, 'r+');
    try {
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(part, file);
    fsyncDir(path.dirname(file));
    return { size, sha256: hash.digest('hex') };
  } catch (err) {
    await fs.rm(part, { force: true });
    if (opts.signal?.aborted) throw new DownloadInterrupted(`interrupted: the download of ${path.basename(file)} was abandoned and nothing was written`);
    if (err instanceof WardenError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code && /^E(ACCES|NOENT|NOSPC|ROFS|ISDIR|NOTDIR|DQUOT|PERM)$/.test(code)) {
      throw new WardenError(`cannot write ${file} (${code}): check the target directory and free space`);
    }
    throw opts.mapError(err);
  } finally {
    source.destroy();
  }
}

/** `https://host/path` without user info, query or fragment: safe to print. */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** `<Code>` and `<Message>` of an S3 XML error body, when there is one. */
function s3ErrorDetail(body: string): string {
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]{1,200})<\/Message>/.exec(body)?.[1];
  return [code, message].filter(Boolean).join(': ');
}

function statusAdvice(status: number): string {
  if (status === 403) return 'the URL has expired or its signature is not valid; make a new presigned URL';
  if (status === 404) return 'the object (or its bucket) is gone; check that the backup still exists';
  if (status === 400) return 'the URL is malformed; copy the whole presigned URL';
  if (status >= 500) return 'the server failed; try again later';
  return 'check the URL';
}

/**
 * Plain HTTP(S) GET of `url` (e.g. a presigned S3 URL) into `localPath`, streamed and atomic.
 * A non-2xx answer is one line naming the status and S3's error code.
 */
export async function downloadUrl(url: string, localPath: string, signal?: AbortSignal): Promise<DownloadResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('invalid download URL: expected an http:// or https:// URL (e.g. a presigned S3 URL)');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`invalid download URL scheme "${parsed.protocol}": expected an http:// or https:// URL (e.g. a presigned S3 URL)`);
  }
  const shown = redactUrl(parsed);
  let res: Response;
  try {
    res = await fetch(parsed, { signal, redirect: 'follow' });
  } catch (err) {
    if (signal?.aborted) throw new DownloadInterrupted(`interrupted: the download of ${path.basename(localPath)} was abandoned and nothing was written`);
    const code = networkCode(err) ?? networkCode((err as { cause?: unknown }).cause) ?? oneLine(errorMessage((err as { cause?: unknown }).cause ?? err), 120);
    throw new WardenError(`cannot reach ${parsed.protocol}//${parsed.host} (${code}) to download ${shown}: check the URL and the network`);
  }
  if (!res.ok) {
    let detail = '';
    try {
      detail = s3ErrorDetail((await res.text()).slice(0, 8192));
    } catch {
      /* the body does not matter */
    }
    throw new WardenError(`download of ${shown} failed: HTTP ${res.status} ${res.statusText}${detail ? ` (${oneLine(detail, 200)})` : ''}: ${statusAdvice(res.status)}`);
  }
  if (!res.body) throw new WardenError(`download of ${shown} failed: HTTP ${res.status} with no body: check the URL`);
  const length = res.headers.get('content-length');
  const encoded = res.headers.get('content-encoding');
  // With a content-encoding fetch decodes the body, so the header counts other bytes.
  const expectedSize = length !== null && !encoded ? Number(length) : undefined;
  return streamToFileAtomic(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), localPath, {
    expectedSize,
    signal,
    mapError: (err) => {
      const code = networkCode(err);
      return new WardenError(`download of ${shown} failed${code ? ` (${code})` : ''}: ${oneLine(errorMessage(err), 160)}; try again`);
    },
  });
}

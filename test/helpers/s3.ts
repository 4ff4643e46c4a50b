// Test helper: a real S3-compatible server (s3rver 3.7.1) in this process on 127.0.0.1, on a
// free port, storing under a temp directory (below WARDEN_TEST_ROOT when the suite runner sets
// it). s3rver does not implement AbortMultipartUpload (it answers MethodNotAllowed) nor
// ListMultipartUploads (NotImplemented); a small middleware in front of its router adds both
// over s3rver's own upload folders, so the SDK's real abort path runs and tests can see pending
// uploads. It also records every request (method, path, query) so tests can count parts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3Options } from '../../src/backup/s3.ts';

/** s3rver's one built-in account. SigV4 signatures are not verified, only the key id. */
export const S3RVER_KEY_ID = 'S3RVER';
export const S3RVER_SECRET = 'S3RVER';
/** The environment a CLI call needs to reach s3rver (its keys and a region). */
export const S3RVER_ENV = { AWS_ACCESS_KEY_ID: S3RVER_KEY_ID, AWS_SECRET_ACCESS_KEY: S3RVER_SECRET, AWS_REGION: 'us-east-1' };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
}

export interface TestS3 {
  endpoint: string;
  /** Where s3rver keeps buckets. */
  dir: string;
  /** Options for S3Store: this endpoint, path-style, s3rver's keys. */
  options: S3Options;
  requests: RecordedRequest[];
  createBucket(name: string): Promise<void>;
  /** Multipart uploads not completed nor aborted in `bucket`, as s3rver has them on disk. */
  pendingUploads(bucket: string): { uploadId: string; key: string }[];
  close(): Promise<void>;
}

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  body: unknown;
  type: string;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

function uploadsDir(root: string, bucket: string): string {
  // FilesystemStore.getResourcePath(bucket, '', 'uploads'): '<bucket>/._S3rver_uploads'.
  return path.join(root, bucket, '._S3rver_uploads');
}

function pending(root: string, bucket: string): { uploadId: string; key: string }[] {
  const dir = uploadsDir(root, bucket);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((uploadId) => {
    let key = '';
    try {
      key = fs.readFileSync(path.join(dir, uploadId, 'key'), 'utf8');
    } catch {
      /* created without a key file */
    }
    return { uploadId, key };
  });
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** AbortMultipartUpload and ListMultipartUploads, which s3rver 3.7.1 lacks. */
function multipartShim(root: string, requests: RecordedRequest[]): Middleware {
  return async (ctx, next) => {
    requests.push({ method: ctx.method, path: ctx.path, query: { ...ctx.query } });
    const parts = ctx.path.split('/').filter(Boolean);
    const bucket = decodeURIComponent(parts[0] ?? '');
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'DELETE' && parts.length >= 2 && typeof uploadId === 'string') {
      const dir = path.join(uploadsDir(root, bucket), path.basename(uploadId));
      if (!fs.existsSync(dir)) {
        ctx.status = 404;
        ctx.type = 'application/xml';
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${xmlEscape(uploadId)}</UploadId></Error>`;
        return;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    if (ctx.method === 'GET' && parts.length === 1 && 'uploads' in ctx.query && fs.existsSync(path.join(root, bucket))) {
      const uploads = pending(root, bucket)
        .map((u) => `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${xmlEscape(u.uploadId)}</UploadId></Upload>`)
        .join('');
      ctx.status = 200;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult><Bucket>${xmlEscape(bucket)}</Bucket><IsTruncated>false</IsTruncated>${uploads}</ListMultipartUploadsResult>`;
      return;
    }
    await next();
  };
}

/**
 * Starts s3rver with `buckets` created; call close() in `after`. Its folder goes under `root`
 * (default WARDEN_TEST_ROOT, else the system temp dir).
 */
export async function startS3(buckets: string[] = [], opts: { root?: string } = {}): Promise<TestS3> {
  const base = opts.root ?? process.env.WARDEN_TEST_ROOT ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 's3rver-'));
  const requests: RecordedRequest[] = [];
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  // Koa composes its middleware list when the server starts: put the shim before the router.
  (server as unknown as { middleware: Middleware[] }).middleware.unshift(multipartShim(dir, requests));
  const addr = await server.run();
  const endpoint = `http://127.0.0.1:${addr.port}`;
  const store = (server as unknown as { store: { putBucket(name: string): Promise<unknown> } }).store;
  let closed = false;
  return {
    endpoint,
    dir,
    options: { endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: S3RVER_KEY_ID, secretAccessKey: S3RVER_SECRET },
    requests,
    createBucket: async (name) => {
      await store.putBucket(name);
    },
    pendingUploads: (bucket) => pending(dir, bucket),
    close: async () => {
      if (closed) return;
      closed = true;
      // Keep-alive sockets from SDK clients would hold close() open: end them.
      const http = (server as unknown as { httpServer?: { closeAllConnections?: () => void } }).httpServer;
      const done = server.close();
      http?.closeAllConnections?.();
      await done;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

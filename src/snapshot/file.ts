// A snapshot file on disk: opening it with one-line errors, telling etcd's sha256 trailer apart
// from the database (`etcdctl snapshot save` appends the 32-byte sha256 of everything before it,
// so size % 512 == 32 marks a hashed file, as `snapshot restore` decides), and checking it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { WardenError } from '../errors.ts';
import {
  BboltChecksumError,
  BboltCorruptError,
  BboltError,
  BboltReader,
  BboltTruncatedError,
  BboltVersionError,
  NotBboltError,
  type ByteSource,
} from './bbolt.ts';

export const SHA256_SIZE = 32;

/** The sha256 trailer does not match the bytes before it. */
export class SnapshotHashMismatchError extends WardenError {
  override readonly name = 'SnapshotHashMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`snapshot sha256 mismatch: expected ${expected}, got ${actual}: the file is corrupted`);
  }
}

export class FileSource implements ByteSource {
  constructor(private readonly fd: number) {}
  read(buf: Buffer, offset: number, length: number, position: number): number {
    return fs.readSync(this.fd, buf, offset, length, position);
  }
}

export class SnapshotFile {
  readonly source: FileSource;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly fd: number,
    /** Bytes in the file. */
    readonly fileSize: number,
  ) {
    this.source = new FileSource(fd);
  }

  /** Opens `path` for reading; a missing file, a directory or no permission is a one-line error. */
  static open(path: string): SnapshotFile {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (err) {
      throw openError(path, err as NodeJS.ErrnoException);
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.isDirectory()) throw new WardenError(`${path} is a directory, not a snapshot file: give the snapshot .db file itself`);
      if (!st.isFile()) throw new WardenError(`${path} is not a regular file: give a snapshot .db file`);
      return new SnapshotFile(path, fd, st.size);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /** True when the file ends with etcd's sha256 trailer (size % 512 == 32). */
  get hasSha256(): boolean {
    return this.fileSize % 512 === SHA256_SIZE;
  }

  /** Bytes of the bbolt database: the file without its trailer. */
  get dbSize(): number {
    return this.hasSha256 ? this.fileSize - SHA256_SIZE : this.fileSize;
  }

  /** The sha256 the trailer records, hex; undefined without a trailer. */
  expectedSha256(): string | undefined {
    if (!this.hasSha256) return undefined;
    const buf = Buffer.alloc(SHA256_SIZE);
    fs.readSync(this.fd, buf, 0, SHA256_SIZE, this.dbSize);
    return buf.toString('hex');
  }

  /** Opens the database inside, with bbolt's errors turned into what a user can act on. */
  reader(): BboltReader {
    return withSnapshotErrors(this.path, () => new BboltReader(this.source, this.dbSize));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

/** Runs `fn` and rewrites bbolt errors as one line naming the problem and what to do. */
export function withSnapshotErrors<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw explain(path, err);
  }
}

export function explain(path: string, err: unknown): unknown {
  if (err instanceof NotBboltError) return new WardenError(`${err.message}: ${path} is not an etcd snapshot or db file`);
  if (err instanceof BboltVersionError) return new WardenError(`${err.message}: ${path} was not written by etcd's bbolt`);
  if (err instanceof BboltChecksumError) return new WardenError(`${err.message}: ${path} is corrupted; use another snapshot`);
  if (err instanceof BboltTruncatedError) return new WardenError(`${err.message}: ${path} is incomplete; copy or save the snapshot again`);
  if (err instanceof BboltCorruptError) return new WardenError(`corrupted bbolt database: ${err.message}: use another snapshot`);
  if (err instanceof BboltError) return new WardenError(`${err.message}: ${path}`);
  // Bounds are checked before every read; anything else from a Buffer means bytes we cannot trust.
  if (err instanceof RangeError) return new WardenError(`corrupted bbolt database: ${err.message}: use another snapshot`);
  if ((err as NodeJS.ErrnoException)?.code && typeof (err as NodeJS.ErrnoException).syscall === 'string') return openError(path, err as NodeJS.ErrnoException);
  return err;
}

function openError(path: string, err: NodeJS.ErrnoException): WardenError {
  switch (err.code) {
    case 'ENOENT':
      return new WardenError(`snapshot file ${path} does not exist: check the path`);
    case 'EACCES':
    case 'EPERM':
      return new WardenError(`cannot read snapshot file ${path} (${err.code}): check its permissions`);
    case 'EISDIR':
      return new WardenError(`${path} is a directory, not a snapshot file: give the snapshot .db file itself`);
    default:
      return new WardenError(`cannot read snapshot file ${path} (${err.code ?? err.message}): check the path and the disk`);
  }
}

/**
 * Hashes the database bytes of a hashed snapshot and compares with its trailer, in a worker
 * thread so it overlaps the walk of the tree on the main thread. Resolves to the hex digest,
 * undefined for a file without a trailer; rejects with SnapshotHashMismatchError.
 */
export async function verifySha256(file: SnapshotFile, opts: { inWorker?: boolean } = {}): Promise<string | undefined> {
  return (await verifySha256AndFileDigest(file, opts))?.sha256;
}

/**
 * verifySha256, and in the same read the sha256 of the whole file (trailer included), which is
 * how a restore names the file it sends to an agent: one pass over a GB instead of two.
 */
export async function verifySha256AndFileDigest(file: SnapshotFile, opts: { inWorker?: boolean } = {}): Promise<{ sha256: string; fileSha256: string } | undefined> {
  const expected = file.expectedSha256();
  if (expected === undefined) return undefined;
  const total = fs.fstatSync(file.fd).size;
  const pending = opts.inWorker === false ? Promise.resolve(sha256Digests(file.path, file.dbSize, total)) : sha256InWorker(file.path, file.dbSize, total);
  const actual = await pending;
  if (actual.digest !== expected) throw new SnapshotHashMismatchError(expected, actual.digest);
  return { sha256: actual.digest, fileSha256: actual.fileDigest };
}

const CHUNK = 1 << 20;

/** sha256 of the first `length` bytes of a file, read in 1 MiB chunks. */
export function sha256Range(path: string, length: number): string {
  return sha256Digests(path, length, length).digest;
}

/** sha256 of the first `length` bytes of a file, and of its first `total` bytes (the same read). */
function sha256Digests(path: string, length: number, total: number): { digest: string; fileDigest: string } {
  const fd = fs.openSync(path, 'r');
  try {
    const h = createHash('sha256');
    let whole: ReturnType<typeof createHash> | undefined;
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = 0; pos < total; ) {
      if (pos === length) whole = h.copy();
      const end = pos < length ? length : total;
      const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, end - pos), pos);
      if (n <= 0) throw new WardenError(`${path} shrank while being read: copy it somewhere stable and try again`);
      (whole ?? h).update(buf.subarray(0, n));
      pos += n;
    }
    whole ??= h.copy();
    return { digest: h.digest('hex'), fileDigest: whole.digest('hex') };
  } finally {
    fs.closeSync(fd);
  }
}

// Plain CommonJS on purpose: the worker starts without the TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { path, length, total, chunk } = workerData;
try {
  const fd = fs.openSync(path, 'r');
  const h = createHash('sha256');
  let whole;
  const buf = Buffer.allocUnsafe(chunk);
  let pos = 0;
  while (pos < total) {
    if (pos === length) whole = h.copy();
    const end = pos < length ? length : total;
    const n = fs.readSync(fd, buf, 0, Math.min(chunk, end - pos), pos);
    if (n <= 0) throw new Error('the file shrank while being read');
    (whole || h).update(buf.subarray(0, n));
    pos += n;
  }
  fs.closeSync(fd);
  whole = whole || h.copy();
  parentPort.postMessage({ digest: h.digest('hex'), fileDigest: whole.digest('hex') });
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message || err) });
}
`;

/**
 * A sha256 computed by a worker thread from buffers the caller reads: the caller reads the file
 * once, in order, scans each buffer and hands it over (transferred, not copied); the worker
 * hashes while the caller reads the next. Reading and hashing then overlap on two cores, where
 * one thread reading and hashing does them one after the other. A small pool of buffers goes
 * back and forth, so memory stays bounded however far the reader runs ahead.
 */
export class Sha256Pipe {
  private readonly worker: Worker;
  private readonly free: Buffer[] = [];
  private waiting: { resolve: (b: Buffer) => void; reject: (e: unknown) => void } | undefined;
  private failure: unknown;
  private readonly done: Promise<{ digest: string; fileDigest: string }>;

  /** Hashes the first `length` bytes (digest) and all `total` bytes (fileDigest) handed to it. */
  constructor(
    readonly path: string,
    length: number,
    total: number,
    opts: { buffers?: number; chunk?: number } = {},
  ) {
    for (let i = 0; i < (opts.buffers ?? 8); i++) this.free.push(Buffer.allocUnsafeSlow(opts.chunk ?? CHUNK));
    this.worker = new Worker(PIPE_SOURCE, { eval: true, execArgv: [], workerData: { length, total } });
    this.done = new Promise((resolve, reject) => {
      const fail = (err: unknown): void => {
        this.failure ??= err;
        this.waiting?.reject(this.failure);
        this.waiting = undefined;
        reject(this.failure);
      };
      this.worker.on('message', (m: { buf?: ArrayBuffer; digest?: string; fileDigest?: string; error?: string }) => {
        if (m.buf) {
          const b = Buffer.from(m.buf);
          if (this.waiting) {
            this.waiting.resolve(b);
            this.waiting = undefined;
          } else this.free.push(b);
        } else if (m.digest && m.fileDigest) {
          void this.worker.terminate();
          resolve({ digest: m.digest, fileDigest: m.fileDigest });
        } else fail(new WardenError(`cannot hash ${path} (${m.error}): check the file and the disk`));
      });
      this.worker.once('error', (err) => fail(new WardenError(`cannot hash ${path} (${err.message}): check the file and the disk`)));
      // Settled already in every normal case; this only catches a worker that died silently.
      this.worker.once('exit', (code) => fail(new WardenError(`cannot hash ${path} (the hashing thread exited with code ${code}): try again`)));
    });
    this.done.catch(() => undefined);
  }

  /** A buffer to read into: at once when one is free, else when the worker gives one back. */
  take(): Buffer | Promise<Buffer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const b = this.free.pop();
    if (b) return b;
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** Hands the first `n` bytes of `buf` (from take()) to the worker; `buf` must not be used after. */
  give(buf: Buffer, n: number): void {
    const ab = buf.buffer as ArrayBuffer;
    this.worker.postMessage({ buf: ab, n }, [ab]);
  }

  /** The digests, once every byte was given. */
  result(): Promise<{ digest: string; fileDigest: string }> {
    return this.done;
  }

  /** Stops the worker (after a failure of the caller's own). */
  close(): void {
    void this.worker.terminate();
  }
}

// Plain CommonJS, as WORKER_SOURCE. Each buffer goes back once hashed.
const PIPE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { length, total } = workerData;
const h = createHash('sha256');
let whole;
let pos = 0;
parentPort.on('message', ({ buf, n }) => {
  try {
    let b = Buffer.from(buf, 0, n);
    if (!whole && pos + n >= length) {
      h.update(b.subarray(0, length - pos));
      whole = h.copy();
      b = b.subarray(length - pos);
    }
    (whole || h).update(b);
    pos += n;
    if (pos >= total) {
      parentPort.postMessage({ digest: h.digest('hex'), fileDigest: whole.digest('hex') });
      parentPort.close();
    } else parentPort.postMessage({ buf }, [buf]);
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
});
`;

/** Starts the worker at once (synchronously), so it hashes while the caller walks the tree. */
function sha256InWorker(path: string, length: number, total: number): Promise<{ digest: string; fileDigest: string }> {
  return new Promise((resolve, reject) => {
    // No inherited execArgv: --input-type=module or loaders would change how the source runs.
    const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { path, length, total, chunk: CHUNK } });
    w.once('message', (m: { digest?: string; fileDigest?: string; error?: string }) => {
      void w.terminate();
      if (m.digest && m.fileDigest) resolve({ digest: m.digest, fileDigest: m.fileDigest });
      else reject(new WardenError(`cannot hash ${path} (${m.error}): check the file and the disk`));
    });
    w.once('error', (err) => reject(new WardenError(`cannot hash ${path} (${err.message}): check the file and the disk`)));
    // Settled already in every normal case; this only catches a worker that died silently.
    w.once('exit', (code) => reject(new WardenError(`cannot hash ${path} (the hashing thread exited with code ${code}): try again`)));
  });
}

// Reading an encrypted snapshot: `age -d` streams the plaintext through warden's verifier
// (StreamStatus: the sha256 against etcd's trailer, the bbolt structure, etcdctl's numbers) and,
// when a tool needs a file (etcdctl snapshot restore, inspect), into a file in a private scratch
// folder the caller owns and removes. Nothing else is written.
import fs from 'node:fs';
import path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WardenError } from '../errors.ts';
import { snapshotStatus, StreamStatus, type SnapshotStatus } from '../snapshot/status.ts';
import { scratchDir, removeScratch } from '../util/scratch.ts';
import { decrypt, requireIdentity } from './age.ts';

export type VerifiedStatus = SnapshotStatus & { sha256?: string };

/** The name of the plain file an .age file decrypts to (`snapshot_<ts>.db.age` -> `snapshot_<ts>.db`). */
export function plainName(file: string): string {
  const base = path.basename(file);
  return base.endsWith('.age') ? base.slice(0, -'.age'.length) : `${base}.plain`;
}

/**
 * Decrypts the age file `file` with `identity`, verifying the plaintext as it streams; with
 * `to`, also writes it there (created 0600, never over an existing file). Resolves to the
 * snapshot's status; a wrong identity, a damaged file or a damaged snapshot is one line.
 */
export async function decryptSnapshot(file: string, identity: string | undefined, opts: { to?: string; signal?: AbortSignal } = {}): Promise<VerifiedStatus> {
  const id = requireIdentity(file, identity);
  const age = decrypt(id, { file }, file);
  const verify = new StreamStatus({ trailer: true });
  const feed = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      verify.update(chunk);
      cb(null, chunk);
    },
  });
  const sink = opts.to
    ? fs.createWriteStream(opts.to, { flags: 'wx', mode: 0o600, highWaterMark: 1 << 20 })
    : new Writable({ write: (_c, _e, cb) => cb() });
  const onAbort = () => age.kill();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    try {
      await pipeline(age.output, feed, sink);
    } catch (err) {
      age.kill();
      await age.done.catch(() => undefined);
      if (opts.signal?.aborted) throw new WardenError(`interrupted while decrypting ${file}`, 130);
      const code = (err as NodeJS.ErrnoException).code;
      if (opts.to && code) throw new WardenError(`cannot write the decrypted snapshot to ${path.dirname(opts.to)} (${code}): free space there and retry`);
      throw err;
    }
    // age's verdict first: a wrong key or a damaged file explains a short stream.
    await age.done;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const status = verify.finish();
  if (status) {
    const { dbSize: _size, ...rest } = status;
    return rest;
  }
  // The stream scan cannot vouch for it: the page-by-page walk over a file names the problem.
  if (opts.to) return snapshotStatus(opts.to);
  const scratch = scratchDir('decrypted');
  try {
    return await decryptSnapshot(file, id, { to: path.join(scratch, plainName(file)) });
  } finally {
    removeScratch(scratch);
  }
}

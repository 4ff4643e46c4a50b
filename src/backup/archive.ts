// The static_kuberesources archive: what a restore needs besides the snapshot (member
// manifests, cluster config, the EncryptionConfiguration with its keys, TLS material) and a
// backup.json describing the set. Built in memory (a tar.gz of a few small files: the keys are
// never staged on disk) and written as .part, fsynced, renamed, mode 0600; for an encrypted set
// the tar.gz goes through age on its way, so the file holds ciphertext only. Read back whole
// into memory, through `age -d` when encrypted.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { WardenError } from '../errors.ts';
import { fsyncDir } from '../util/fsutil.ts';
import { decrypt, decryptBuffer, encryptInto, requireIdentity, type AgeRecipients } from './age.ts';
import { isEncryptedName } from './names.ts';

/** node-tar, loaded when an archive is first read or written. */
const loadTar = () => import('tar');

/** Starts loading the tar library early (e.g. while a snapshot streams), so writing the archive does not wait for it. */
export function prefetchArchiveLibrary(): void {
  loadTar().catch(() => undefined);
}

/** More than any archive warden writes (keys, certificates, manifests): a bigger file is not one. */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

export interface BackupInfo {
  timestamp: string;
  dirty: boolean;
  dirtyReasons?: string[];
  member: { name: string; id: string; endpoint: string; wasLeader: boolean };
  clusterId: string;
  etcdVersion: string;
  revision: number;
  hash: number;
  totalKey: number;
  totalSize: number;
  dbSize: number;
  sha256: string;
  /**
   * The sha256 of the whole snapshot file as `etcdctl snapshot save` writes it (the database and
   * its sha256 trailer); of the decrypted file for an encrypted set. Absent in sets taken before
   * warden recorded it. A restore across hosts sends the file by it before anything stops.
   */
  fileSha256?: string;
  snapshotFile: string;
  encryption: { desired: string; condition: string; writeKey: string };
  /** Both files are encrypted to age recipients (this record then lies inside the encrypted archive only). */
  encrypted?: boolean;
}

export interface ArchiveEntry {
  /** Path inside the archive, e.g. "manifests/etcd-1.json". */
  name: string;
  /** Source file to copy. */
  from?: string;
  /** Or literal contents. */
  content?: string;
}

/** The archive's bytes: a tar.gz of the entries (regular files, 0600, no owner names), built in memory. */
export async function buildArchive(entries: ArchiveEntry[]): Promise<Buffer> {
  const { Header } = await loadTar();
  const blocks: Buffer[] = [];
  const mtime = new Date();
  for (const e of entries) {
    const data = e.from ? fs.readFileSync(e.from) : Buffer.from(e.content ?? '', 'utf8');
    const header = new Header({ path: e.name, mode: 0o600, uid: 0, gid: 0, size: data.length, mtime, type: 'File', uname: '', gname: '' });
    if (header.encode()) throw new Error(`archive entry name too long: ${e.name}`);
    blocks.push(header.block as Buffer, data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024)); // two zero blocks end a tar
  return gzipSync(Buffer.concat(blocks));
}

/**
 * Writes the archive atomically (`file` is its final name; `.part` on the way). With
 * `recipients` the bytes go through age, so the file (an `.age` name) never holds the keys in
 * the clear.
 */
export async function writeArchive(file: string, entries: ArchiveEntry[], recipients?: AgeRecipients): Promise<void> {
  const bytes = await buildArchive(entries);
  const part = `${file}.part`;
  let fd: number | undefined;
  try {
    fd = fs.openSync(part, 'wx', 0o600);
    if (recipients) {
      const age = encryptInto(recipients, fd, path.basename(file));
      age.input.end(bytes);
      await age.done;
    } else {
      fs.writeFileSync(fd, bytes);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(part, file);
    fsyncDir(path.dirname(file));
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(part, { force: true });
    throw err;
  }
}

function damaged(file: string, why: string): WardenError {
  return new WardenError(`${file} is not a readable tar.gz archive (${why}): the backup set is damaged`);
}

/** The archive file's bytes, decrypted with `identity` when it is an .age file. */
async function archiveBytes(file: string, identity?: string): Promise<Buffer> {
  if (!isEncryptedName(file)) {
    try {
      const st = fs.statSync(file);
      if (st.size > MAX_ARCHIVE_BYTES) throw damaged(file, `${st.size} bytes, more than any static_kuberesources archive`);
      return fs.readFileSync(file);
    } catch (err) {
      if (err instanceof WardenError) throw err;
      throw new WardenError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path and its permissions`);
    }
  }
  const id = requireIdentity(file, identity);
  const age = decrypt(id, { file }, file);
  const chunks: Buffer[] = [];
  let size = 0;
  age.output.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_ARCHIVE_BYTES) age.kill();
    else chunks.push(c);
  });
  const ended = new Promise<void>((resolve, reject) => {
    age.output.once('end', resolve);
    age.output.once('error', reject);
  });
  await age.done.catch((err: unknown) => {
    if (size > MAX_ARCHIVE_BYTES) throw damaged(file, 'larger than any static_kuberesources archive');
    throw err;
  });
  await ended;
  return Buffer.concat(chunks);
}

/** Every file in an archive (a few small files), by its path inside; through age with `identity` when encrypted. */
export async function readArchive(file: string, identity?: string): Promise<Map<string, Buffer>> {
  return parseArchive(await archiveBytes(file, identity), file);
}

/** The archive whose bytes are `bytes` (`label` names it in messages), decrypted first when it is an age file. */
export async function readArchiveBytes(bytes: Buffer, label: string, identity?: string): Promise<Map<string, Buffer>> {
  const plain = isEncryptedName(label) ? await decryptBuffer(bytes, identity, label, MAX_ARCHIVE_BYTES) : bytes;
  return parseArchive(plain, label);
}

/** The backup.json of an archive held in memory. */
export function backupInfoOf(files: Map<string, Buffer>): BackupInfo | undefined {
  const b = files.get('backup.json');
  return b ? (JSON.parse(b.toString('utf8')) as BackupInfo) : undefined;
}

async function parseArchive(bytes: Buffer, file: string): Promise<Map<string, Buffer>> {
  const { Parser } = await loadTar();
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          if (entry.type === 'File') files.set(entry.path, Buffer.concat(chunks));
        });
      },
    });
    parser.on('error', (err: Error) => reject(damaged(file, err.message)));
    parser.on('end', () => resolve());
    parser.end(bytes);
  });
  return files;
}

/** Reads one file from an archive into memory (small files: backup.json, configs). */
export async function readArchiveFile(file: string, name: string, identity?: string): Promise<Buffer | undefined> {
  return (await readArchive(file, identity)).get(name);
}

export async function readBackupInfo(archive: string, identity?: string): Promise<BackupInfo | undefined> {
  return backupInfoOf(await readArchive(archive, identity));
}

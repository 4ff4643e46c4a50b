// The static_kuberesources archive: what a restore needs besides the snapshot (member
// manifests, cluster config, the EncryptionConfiguration with its keys, TLS material) and a
// backup.json describing the set. Written as .part, fsynced, renamed, mode 0600.
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { fsyncDir } from '../util/fsutil.ts';

/** node-tar, loaded when an archive is first read or written. */
const loadTar = () => import('tar');

/** Starts loading the tar library early (e.g. while a snapshot streams), so writing the archive does not wait for it. */
export function prefetchArchiveLibrary(): void {
  loadTar().catch(() => undefined);
}

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
  snapshotFile: string;
  encryption: { desired: string; condition: string; writeKey: string };
}

export interface ArchiveEntry {
  /** Path inside the archive, e.g. "manifests/etcd-1.json". */
  name: string;
  /** Source file to copy. */
  from?: string;
  /** Or literal contents. */
  content?: string;
}

/** Writes the archive atomically; the staging copy of keys never outlives the call. */
export async function writeArchive(file: string, entries: ArchiveEntry[]): Promise<void> {
  const staging = `${file}.staging`;
  const part = `${file}.part`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    for (const e of entries) {
      const dest = path.join(staging, e.name);
      fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
      if (e.from) fs.copyFileSync(e.from, dest);
      else fs.writeFileSync(dest, e.content ?? '', { mode: 0o600 });
      fs.chmodSync(dest, 0o600);
    }
    const fd = fs.openSync(part, 'w', 0o600);
    fs.closeSync(fd);
    const tar = await loadTar();
    await tar.create({ gzip: true, file: part, cwd: staging, portable: true }, entries.map((e) => e.name));
    const wfd = fs.openSync(part, 'r+');
    try {
      fs.fsyncSync(wfd);
    } finally {
      fs.closeSync(wfd);
    }
    fs.chmodSync(part, 0o600);
    fs.renameSync(part, file);
    fsyncDir(path.dirname(file));
  } catch (err) {
    fs.rmSync(part, { force: true });
    throw err;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The names in an archive. */
export async function archiveEntries(file: string): Promise<string[]> {
  const names: string[] = [];
  const tar = await loadTar();
  try {
    await tar.list({ file, onReadEntry: (e) => names.push(e.path) });
  } catch (err) {
    throw new WardenError(`${file} is not a readable tar.gz archive (${(err as Error).message}): the backup set is damaged`);
  }
  return names;
}

/** Reads one file from an archive into memory (small files: backup.json, configs). */
export async function readArchiveFile(file: string, name: string): Promise<Buffer | undefined> {
  let found: Buffer | undefined;
  const chunks: Buffer[] = [];
  const tar = await loadTar();
  try {
    await tar.list({
      file,
      filter: (p) => p === name,
      onReadEntry: (e) => {
        e.on('data', (c: Buffer) => chunks.push(c));
        e.on('end', () => (found = Buffer.concat(chunks)));
      },
    });
  } catch (err) {
    throw new WardenError(`${file} is not a readable tar.gz archive (${(err as Error).message}): the backup set is damaged`);
  }
  return found;
}

/** Extracts the whole archive into `dir` (created 0700). */
export async function extractArchive(file: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tar = await loadTar();
  try {
    await tar.extract({ file, cwd: dir });
  } catch (err) {
    throw new WardenError(`${file} is not a readable tar.gz archive (${(err as Error).message}): the backup set is damaged`);
  }
}

export async function readBackupInfo(archive: string): Promise<BackupInfo | undefined> {
  const b = await readArchiveFile(archive, 'backup.json');
  return b ? (JSON.parse(b.toString('utf8')) as BackupInfo) : undefined;
}

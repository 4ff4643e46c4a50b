// The one place that knows backup file names (as OpenShift's cluster-backup.sh writes them):
//   snapshot_<YYYY-MM-DD_HHMMSS>.db  and  static_kuberesources_<YYYY-MM-DD_HHMMSS>.tar.gz
// with `__POSSIBLY_DIRTY__` before the extension when a backup was forced, `.age` after it
// when the set is encrypted to age recipients (the file is then in the age format: `age -d`
// gives the plain file), and what a backup writes on its way to them (.part files, the
// archive's staging folder of older versions, its lock).
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';

export const DIRTY = '__POSSIBLY_DIRTY__';

/** `YYYY-MM-DD_HHMMSS` in UTC. */
export function backupTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

export function timestampDate(ts: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})(\d{2})(\d{2})$/.exec(ts);
  if (!m) throw new Error(`bad backup timestamp ${ts}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** What an age-encrypted backup file adds to the plain file's name. */
export const AGE_SUFFIX = '.age';

export function snapshotName(ts: string, dirty = false, encrypted = false): string {
  return `snapshot_${ts}${dirty ? DIRTY : ''}.db${encrypted ? AGE_SUFFIX : ''}`;
}

export function archiveName(ts: string, dirty = false, encrypted = false): string {
  return `static_kuberesources_${ts}${dirty ? DIRTY : ''}.tar.gz${encrypted ? AGE_SUFFIX : ''}`;
}

/** Whether a backup file (by its name or path) is encrypted to age recipients. */
export function isEncryptedName(file: string): boolean {
  return file.endsWith(AGE_SUFFIX);
}

export interface ParsedName {
  kind: 'snapshot' | 'archive';
  timestamp: string;
  dirty: boolean;
  encrypted: boolean;
}

const RE = /^(snapshot|static_kuberesources)_(\d{4}-\d{2}-\d{2}_\d{6})(__POSSIBLY_DIRTY__)?\.(db|tar\.gz)(\.age)?$/;

export function parseBackupName(name: string): ParsedName | undefined {
  const m = RE.exec(name);
  if (!m) return undefined;
  if ((m[1] === 'snapshot') !== (m[4] === 'db')) return undefined;
  return { kind: m[1] === 'snapshot' ? 'snapshot' : 'archive', timestamp: m[2] as string, dirty: !!m[3], encrypted: !!m[5] };
}

/** The lock a running backup holds in each folder it writes to (see lock.ts). */
export function lockName(ts: string): string {
  return `.warden-backup_${ts}.lock`;
}

export interface Leftover {
  timestamp: string;
  kind: 'snapshot-part' | 'archive-part' | 'archive-staging' | 'lock';
}

const LEFTOVER_RE = /^(?:(snapshot)_(\d{4}-\d{2}-\d{2}_\d{6})\.db(?:\.age)?\.part|(static_kuberesources)_(\d{4}-\d{2}-\d{2}_\d{6})(?:__POSSIBLY_DIRTY__)?\.tar\.gz(?:\.age)?\.(part|staging)|\.warden-backup_(\d{4}-\d{2}-\d{2}_\d{6})\.lock)$/;

/**
 * What a backup writes on its way (the snapshot's and archive's .part, plain or encrypted, the
 * staging folder an archive had before archives were built in memory, its lock).
 */
export function parseLeftoverName(name: string): Leftover | undefined {
  const m = LEFTOVER_RE.exec(name);
  if (!m) return undefined;
  if (m[1]) return { timestamp: m[2] as string, kind: 'snapshot-part' };
  if (m[3]) return { timestamp: m[4] as string, kind: m[5] === 'part' ? 'archive-part' : 'archive-staging' };
  return { timestamp: m[6] as string, kind: 'lock' };
}

export interface LocalSet {
  timestamp: string;
  dirty: boolean;
  /** Whether a file of the set is encrypted to age recipients. */
  encrypted: boolean;
  snapshot?: { path: string; size: number };
  archive?: { path: string; size: number };
}

/** The names in a folder of backups; a folder that cannot be read is an error, never "no sets". */
export function readBackupDir(dir: string, label: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WardenError(`${label} ${dir} does not exist: give the directory that holds the backup sets`);
    if (code === 'ENOTDIR') throw new WardenError(`${label} ${dir} is not a directory: give the directory that holds the backup sets`);
    throw new WardenError(`cannot read ${label} ${dir} (${code ?? (err as Error).message}): check its permissions`);
  }
}

/** Backup sets found in `dir` (and archives in `keysDir` when given), newest first. */
export function findLocalSets(dir: string, keysDir?: string): LocalSet[] {
  const sets = new Map<string, LocalSet>();
  const dirs = new Map([[dir, 'backup dir']]);
  if (keysDir && !dirs.has(keysDir)) dirs.set(keysDir, '--keys-dir');
  for (const [d, label] of dirs) {
    for (const name of readBackupDir(d, label)) {
      const p = parseBackupName(name);
      if (!p) continue;
      // A keys dir given apart supplies archives only: a snapshot there (a copy of the backup
      // dir, say) never stands in for the backup dir's.
      if (d !== dir && p.kind === 'snapshot') continue;
      const full = path.join(d, name);
      let size: number;
      try {
        size = fs.statSync(full).size;
      } catch {
        continue; // removed meanwhile (retention)
      }
      const set = sets.get(p.timestamp) ?? { timestamp: p.timestamp, dirty: p.dirty, encrypted: p.encrypted };
      set.dirty ||= p.dirty;
      set.encrypted ||= p.encrypted;
      if (p.kind === 'snapshot') set.snapshot = { path: full, size };
      else set.archive = { path: full, size };
      sets.set(p.timestamp, set);
    }
  }
  return [...sets.values()].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
}

// The console's Backups page: the operator's sets on disk and in its bucket, the window its
// revision log can restore to, the schedule and retention, and for each set (and each time in
// the window) the exact command that restores it. The operator holds no age identity, so an
// encrypted set shows no revision, and the window leaves it out (`warden backup list DIR
// --identity FILE` shows them).
import { localSets, pointInTimeWindow, s3Sets } from '../backup/listing.ts';
import type { BackupsPage, ListRow, RetentionPolicy, SetRow } from './api.ts';
import type { S3Target } from '../backup/ship.ts';

/** What the operator was started with for backups (its flags). */
export interface BackupSettings {
  dir: string;
  keysDir?: string;
  s3?: S3Target;
  schedule?: string;
  retention?: RetentionPolicy;
  revisionLog: boolean;
  encrypted: boolean;
  /** Where an encrypted log's open segment lies (the state dir's revlog/). */
  openRoot?: string;
}

/** Pure: a word shell-quoted when it needs to be. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** Pure: the command that restores `row` (its snapshot and archive where they are). */
export function restoreCommand(row: ListRow & { where: 'local' | 's3' }, s: Pick<BackupSettings, 'dir' | 'keysDir'>): string {
  const identity = row.encrypted ? ' --identity AGE_IDENTITY_FILE' : '';
  if (row.where === 's3') {
    // A bucket's set: its snapshot through a presigned URL, its keys archive from where it is kept.
    return `warden restore --from-url "$(warden backup presign ${shellWord(row.snapshot ?? '')} --expires 1h)" --keys-dir DIR_WITH_${shellWord(row.archive?.split('/').pop() ?? 'ARCHIVE')}${identity}`;
  }
  return `warden restore ${shellWord(s.dir)} --timestamp ${row.timestamp}${s.keysDir ? ` --keys-dir ${shellWord(s.keysDir)}` : ''}${identity}`;
}


export async function readBackups(s: BackupSettings | undefined): Promise<BackupsPage> {
  if (!s) return { configured: false, revisionLog: false, encrypted: false, sets: [], window: { windows: [], gaps: [] }, warnings: [] };
  const warnings: string[] = [];
  const warn = (l: string): void => {
    warnings.push(l);
  };
  const local = await localSets(s.dir, { ...(s.keysDir ? { keysDir: s.keysDir } : {}), warn });
  const sets: SetRow[] = local.rows.map((r) => ({ ...r, where: 'local' as const, restore: restoreCommand({ ...r, where: 'local' }, s) }));
  let s3Error: string | undefined;
  if (s.s3) {
    try {
      for (const r of await s3Sets(s.s3, { warn })) sets.push({ ...r, where: 's3', restore: restoreCommand({ ...r, where: 's3' }, s) });
    } catch (err) {
      s3Error = (err as Error).message;
    }
  }
  sets.sort((a, b) => b.timestamp.localeCompare(a.timestamp) || a.where.localeCompare(b.where));
  const window = s.revisionLog ? pointInTimeWindow(s.dir, local.windowSets, s.openRoot) : { windows: [], gaps: [] };
  return {
    configured: true, dir: s.dir, ...(s.s3 ? { s3: s.s3.url } : {}), ...(s.schedule ? { schedule: s.schedule } : {}), ...(s.retention ? { retention: s.retention } : {}),
    revisionLog: s.revisionLog, encrypted: s.encrypted, sets, ...(s3Error ? { s3Error } : {}), window, warnings,
    ...(s.revisionLog ? { pointInTime: `warden restore ${shellWord(s.dir)}${s.encrypted ? ' --identity AGE_IDENTITY_FILE' : ''} --to-time` } : {}),
  };
}

// What `warden backup list` shows, for the CLI and the console alike: the sets in a backup dir or
// a bucket (time, member, revision, size, the key their values use, encrypted or not, complete or
// not, where), what an encrypted set describes only with an identity, and, for a dir, the window
// the revision log can restore to.
import { backupInfoOf, MAX_ARCHIVE_BYTES, readArchiveBytes, readBackupInfo, type BackupInfo } from './archive.ts';
import { findLocalSets, isEncryptedName } from './names.ts';
import { openStore, type S3Target } from './ship.ts';
import { logChains } from '../revlog/reader.ts';
import { revlogDir } from '../revlog/store.ts';
import { recoverableWindows, type Gap, type Window, type WindowSet } from '../revlog/window.ts';
import { mapLimit } from '../util/limit.ts';
import type { ListRow } from '../console/api.ts';

export type { ListRow } from '../console/api.ts';

/**
 * What an archive's backup.json says, when it can be read: an encrypted one only with
 * `identity` (a set it cannot open is reported through `warn`, the listing goes on).
 */
async function describeSet(timestamp: string, name: string, identity: string | undefined, warn: (line: string) => void, read: () => Promise<BackupInfo | undefined>): Promise<BackupInfo | undefined> {
  if (isEncryptedName(name) && !identity) return undefined;
  try {
    return await read();
  } catch (err) {
    if (isEncryptedName(name)) warn(`warning: backup ${timestamp}: ${(err as Error).message}`);
    return undefined;
  }
}

/** The sets in a backup dir, and what the point-in-time window needs of them (cluster, revision). */
export async function localSets(dir: string, o: { keysDir?: string; identity?: string; warn: (line: string) => void }): Promise<{ rows: ListRow[]; windowSets: WindowSet[] }> {
  const windowSets: WindowSet[] = [];
  const rows = await mapLimit(findLocalSets(dir, o.keysDir), 4, async (s): Promise<ListRow> => {
    const archive = s.archive?.path;
    const info = archive ? await describeSet(s.timestamp, archive, o.identity, o.warn, () => readBackupInfo(archive, o.identity)) : undefined;
    if (info && s.snapshot && s.archive) windowSets.push({ timestamp: s.timestamp, clusterId: info.clusterId, revision: info.revision });
    return {
      timestamp: s.timestamp,
      complete: !!(s.snapshot && s.archive),
      dirty: s.dirty,
      encrypted: s.encrypted,
      member: info?.member.name ?? '',
      revision: info?.revision ?? null,
      size: (s.snapshot?.size ?? 0) + (s.archive?.size ?? 0),
      encryption: info?.encryption.writeKey ?? '',
      snapshot: s.snapshot?.path ?? null,
      archive: s.archive?.path ?? null,
    };
  });
  return { rows, windowSets };
}

/** The sets in a bucket (an encrypted one's archive is read in memory with `identity`). */
export async function s3Sets(target: S3Target, o: { identity?: string; warn: (line: string) => void }): Promise<ListRow[]> {
  const store = await openStore(target);
  try {
    const sets = await store.listSets({ metadata: true });
    return await mapLimit(sets, 4, async (s): Promise<ListRow> => {
      const archive = s.archive;
      const info = archive && s.encrypted
        ? await describeSet(s.timestamp, archive.name, o.identity, o.warn, async () => backupInfoOf(await readArchiveBytes(await store.read(archive.name, MAX_ARCHIVE_BYTES), archive.name, o.identity)))
        : undefined;
      const revision = info?.revision ?? (s.snapshot?.metadata?.revision ? Number(s.snapshot.metadata.revision) : null);
      return {
        timestamp: s.timestamp,
        complete: !!(s.snapshot && s.archive),
        dirty: s.dirty,
        encrypted: s.encrypted,
        member: info?.member.name ?? s.snapshot?.metadata?.member ?? '',
        revision,
        size: s.size,
        encryption: info?.encryption.writeKey ?? '',
        snapshot: s.snapshot ? store.url(s.snapshot.name) : null,
        archive: s.archive ? store.url(s.archive.name) : null,
      };
    });
  } finally {
    store.close();
  }
}

/** The window the revision log in `dir` can restore to, from the sets it continues. */
export function pointInTimeWindow(dir: string, windowSets: WindowSet[], openRoot?: string): { root: string; windows: Window[]; gaps: Gap[] } {
  const root = revlogDir(dir);
  return { root, ...recoverableWindows(logChains(root, openRoot), windowSets) };
}

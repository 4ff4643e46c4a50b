// Retention of the revision log: a segment is kept while a kept full snapshot may need it, and
// no longer. A replay starts at a set's revision + 1, and a set taken at wall time T holds every
// revision the recorder had seen before T; so a sealed segment whose last revision was seen
// before the oldest kept set's time is needed by no set. (Times, not revisions: an encrypted
// set's revision cannot be read without its identity, its name's time always can.) A cluster's
// folder left with no segment goes too; the open segment is never touched.
import fs from 'node:fs';
import { findLocalSets, timestampDate } from '../backup/names.ts';
import { clusterDirs, listSegments, revlogDir } from './store.ts';
import { forgetShipped } from './upload.ts';

/** Removes the segments no kept set needs; returns their names. */
export function pruneLog(backupDir: string, keysDir?: string): string[] {
  const root = revlogDir(backupDir);
  if (!fs.existsSync(root)) return [];
  const sets = findLocalSets(backupDir, keysDir).filter((s) => s.snapshot && s.archive);
  if (sets.length === 0) return []; // nothing to replay onto: keep the log for a set restored from elsewhere
  const oldest = Math.min(...sets.map((s) => timestampDate(s.timestamp).getTime()));
  const removed: string[] = [];
  for (const { cluster: name, dir } of clusterDirs(root)) {
    const segments = listSegments(dir);
    for (const s of segments) {
      if (!s.sealed || s.lastTime === undefined || s.lastTime >= oldest) continue;
      fs.rmSync(`${s.path}.sha256`, { force: true });
      fs.rmSync(s.path, { force: true });
      removed.push(`${name}/${s.name}`);
    }
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  forgetShipped(root, removed);
  return removed;
}

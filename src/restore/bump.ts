// How far a restore bumps the revision. As OpenShift does: the operator notes the highest
// revision it has seen the cluster at (OpenShift's revision.json, every 10 s), and a restore
// bumps by that × 1.2, so the restored cluster's revisions start above anything a watcher or
// informer holds; with no record, by 1,000,000,000. Everything up to the new revision is marked
// compacted, so those clients get "required revision has been compacted" and re-list.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/fsutil.ts';

export const UNKNOWN_BUMP = 1_000_000_000;

interface RevisionRecord {
  maxRevision: number;
  clusterId: string;
  time: string;
}

export function revisionFile(stateDir: string): string {
  return path.join(stateDir, 'revision.json');
}

function read(stateDir: string): RevisionRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(revisionFile(stateDir), 'utf8')) as RevisionRecord;
    return Number.isSafeInteger(r.maxRevision) && r.maxRevision > 0 ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Notes `revision` when it is the highest seen yet (across restores: a bump only ever grows). */
export function recordMaxRevision(stateDir: string, revision: number, clusterId: string, now = new Date()): void {
  const prev = read(stateDir);
  if (prev && prev.maxRevision >= revision) return;
  writeFileAtomic(revisionFile(stateDir), `${JSON.stringify({ maxRevision: revision, clusterId, time: now.toISOString() })}\n`, 0o600);
}

/**
 * The default bump, and why: 1.2 × the highest revision clients of the cluster being replaced can
 * hold: what the operator noted for that cluster, or its revision now (`live`, read before the
 * restore stops it), whichever is higher. A record of another cluster (a host that ran another
 * one) does not count; with neither, 1,000,000,000.
 */
export function defaultBump(stateDir: string, live?: { revision: number; clusterId: string }): { amount: number; why: string } {
  const r = read(stateDir);
  const noted = r && (!live || r.clusterId === live.clusterId) ? r.maxRevision : 0;
  const seen = Math.max(noted, live?.revision ?? 0);
  if (seen <= 0) return { amount: UNKNOWN_BUMP, why: `neither the operator (${revisionFile(stateDir)}) nor the cluster told its highest revision` };
  const source = seen === noted && r ? `the highest revision the operator saw (${r.time})` : 'the cluster\'s revision before the restore';
  return { amount: Math.ceil(seen * 1.2), why: `1.2 × ${seen}, ${source}` };
}

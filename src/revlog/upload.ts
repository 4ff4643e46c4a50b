// Shipping the revision log to S3 (`--backup-to` with `--revision-log`): each sealed segment and
// its .sha256 go to `<prefix>revlog/<cluster ID>/`, oldest first, and are noted as shipped in
// revlog/shipped.json only once both are stored. An unreachable bucket leaves them queued on
// disk; the next round ships them. The open segment is never shipped (it is still growing).
import fs from 'node:fs';
import path from 'node:path';
import type { S3Target } from '../backup/ship.ts';
import { openStore } from '../backup/ship.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { parseNameTime, parseSealedName } from './format.ts';
import { clusterDirs, listSegments } from './store.ts';

const SHIPPED = 'shipped.json';

/** The bucket's store under `<prefix>revlog/<sub>`: the log's root (sub ''), or one cluster's folder. */
export function logStore(target: S3Target, sub: string): ReturnType<typeof openStore> {
  return openStore({ ...target, location: { ...target.location, prefix: `${target.location.prefix}revlog/${sub}` } });
}

/** The clusters (folders named by cluster ID) that have a log in the bucket. */
export async function logClusters(target: S3Target): Promise<string[]> {
  const root = await logStore(target, '');
  try {
    return (await root.listFolders()).filter((n) => /^[0-9a-f]+$/.test(n));
  } finally {
    root.close();
  }
}

function shipped(root: string): Set<string> {
  try {
    return new Set(JSON.parse(fs.readFileSync(path.join(root, SHIPPED), 'utf8')) as string[]);
  } catch {
    return new Set();
  }
}

/** Segments removed here (retention) leave the record of what was shipped. */
export function forgetShipped(root: string, ids: string[]): void {
  const done = shipped(root);
  if (!ids.some((id) => done.has(id))) return;
  for (const id of ids) done.delete(id);
  writeFileAtomic(path.join(root, SHIPPED), `${JSON.stringify([...done].sort())}\n`, 0o600);
}

/** The sealed segments not shipped yet ("<cluster>/<name>"), oldest first. */
export function waitingSegments(root: string): { id: string; path: string; cluster: string; name: string }[] {
  const done = shipped(root);
  const out: { id: string; path: string; cluster: string; name: string; first: number }[] = [];
  for (const { cluster, dir } of clusterDirs(root)) {
    for (const s of listSegments(dir)) {
      const id = `${cluster}/${s.name}`;
      if (s.sealed && !done.has(id)) out.push({ id, path: s.path, cluster, name: s.name, first: s.first });
    }
  }
  return out.sort((a, b) => a.first - b.first);
}

/**
 * Ships what waits; stops at the first failure (the rest stays queued). Returns what was shipped,
 * what still waits, and the failure.
 */
export async function shipLog(root: string, target: S3Target): Promise<{ shipped: string[]; waiting: number; error?: string }> {
  const waiting = waitingSegments(root);
  const done = shipped(root);
  const out: string[] = [];
  const stores = new Map<string, Awaited<ReturnType<typeof openStore>>>();
  try {
    for (const w of waiting) {
      let store = stores.get(w.cluster);
      if (!store) {
        store = await logStore(target, `${w.cluster}/`);
        stores.set(w.cluster, store);
      }
      try {
        await store.uploadFile(w.path, w.name, {});
        await store.uploadFile(`${w.path}.sha256`, `${w.name}.sha256`, {});
      } catch (err) {
        return { shipped: out, waiting: waiting.length - out.length, error: (err as Error).message };
      }
      done.add(w.id);
      writeFileAtomic(path.join(root, SHIPPED), `${JSON.stringify([...done].sort())}\n`, 0o600);
      out.push(w.id);
    }
    return { shipped: out, waiting: 0 };
  } finally {
    for (const s of stores.values()) s.close();
  }
}

/**
 * Retention in the bucket: the segments under `<prefix>revlog/<cluster>/` whose last revision
 * was seen before the oldest set kept in the bucket are removed (with their .sha256), as
 * pruneLog does on disk. Returns "<cluster>/<name>" of each.
 */
export async function pruneRemoteLog(target: S3Target): Promise<string[]> {
  const top = await openStore(target);
  const removed: string[] = [];
  try {
    const sets = (await top.listSets()).filter((x) => x.snapshot && x.archive);
    if (sets.length === 0) return removed;
    const oldest = Math.min(...sets.map((x) => x.time.getTime()));
    const clusters = await logClusters(target);
    for (const cluster of clusters) {
      const store = await logStore(target, `${cluster}/`);
      try {
        for (const o of await store.list()) {
          const seg = parseSealedName(o.name);
          if (!seg || parseNameTime(seg.lastTime) >= oldest) continue;
          await store.delete(`${o.name}.sha256`);
          await store.delete(o.name);
          removed.push(`${cluster}/${o.name}`);
        }
      } finally {
        store.close();
      }
    }
    return removed;
  } finally {
    top.close();
  }
}


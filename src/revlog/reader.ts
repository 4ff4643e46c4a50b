// Reading the revision log for a restore: which revisions it can reach from which full snapshot
// (the recoverable window, with its gaps), the revisions after a snapshot up to a target, and
// the revision a wall time falls on. Every segment read is checked (store.ts).
import path from 'node:path';
import { WardenError } from '../errors.ts';
import type { RevisionRecord, SnapshotAnchor } from './format.ts';
import { clusterDirs, listSegments, readSegment, type LogPlace, type SegmentInfo } from './store.ts';

/** A run of revisions the log holds without a hole. */
export interface LogRun {
  first: number;
  last: number;
  firstTime?: number;
  lastTime?: number;
  /** The snapshot the run starts after, when its first segment says so. */
  after?: SnapshotAnchor;
}

/** Pure: the segments' runs of consecutive revisions (a hole between two segments starts a new run). */
export function logRuns(segments: SegmentInfo[]): LogRun[] {
  const runs: LogRun[] = [];
  for (const s of segments) {
    if (s.last < s.first) continue;
    const cur = runs[runs.length - 1];
    if (cur && s.first === cur.last + 1) {
      cur.last = s.last;
      if (s.lastTime !== undefined) cur.lastTime = s.lastTime;
    } else if (cur && s.first <= cur.last) {
      throw new WardenError(`revision log segments overlap: ${s.name} starts at revision ${s.first}, before ${cur.last} ends the one before: remove the one a copy left`);
    } else {
      runs.push({ first: s.first, last: s.last, ...(s.firstTime !== undefined ? { firstTime: s.firstTime } : {}), ...(s.lastTime !== undefined ? { lastTime: s.lastTime } : {}) });
    }
  }
  return runs;
}

export interface LogSlice {
  /** Revisions from..to, in order, each whole. */
  revisions: RevisionRecord[];
  /** The TTL the recorder saw for each lease (-1: gone before it asked). */
  leaseTtls: Map<bigint, number>;
  /** The source's HashKV the recorder took, by revision. */
  hashes: { revision: number; hash: number; compactRevision: number }[];
  /** The segments read. */
  segments: string[];
}

/**
 * The revisions `from` to `to` (both included) from a cluster's log (its folder, or its place),
 * checked: each segment against its sha256 and its name, and no revision missing. `identity`
 * decrypts an encrypted log's sealed segments.
 */
export function readRevisions(place: string | LogPlace, from: number, to: number, identity?: string): LogSlice {
  const dir = typeof place === 'string' ? place : place.dir;
  const out: LogSlice = { revisions: [], leaseTtls: new Map(), hashes: [], segments: [] };
  // The segment after `to` starts with the HashKV taken at `to` when `to` ended a segment (or
  // is the snapshot's revision): read it too.
  const segments = listSegments(place).filter((s) => s.last >= from - 1 && s.first <= to + 1);
  let expect = from;
  for (const s of segments) {
    if (s.first > expect) break;
    const seg = readSegment(s, identity);
    out.segments.push(s.name);
    for (const r of seg.records) {
      // A recorder restarted asks again; a lease gone by then must not undo the TTL seen first.
      if (r.kind === 'lease' && !((out.leaseTtls.get(r.id) ?? 0) > 0)) out.leaseTtls.set(r.id, r.ttl);
      else if (r.kind === 'hash') out.hashes.push({ revision: r.revision, hash: r.hash, compactRevision: r.compactRevision });
      else if (r.kind === 'revision' && r.record.revision === expect && expect <= to) {
        out.revisions.push(r.record);
        expect++;
      }
    }
    if (expect > to) break;
  }
  if (expect <= to) {
    const runs = logRuns(listSegments(place));
    const where = runs.length ? runs.map((r) => `${r.first}-${r.last}`).join(', ') : 'none';
    throw new WardenError(`the revision log in ${dir} does not hold revision ${expect} (it holds ${where}): restore to a revision it covers, or to a full snapshot's`);
  }
  return out;
}

/**
 * The revision the cluster was at at wall time `at` (ms): the last revision the recorder saw
 * by then, or a time mark's. undefined when the log begins after `at`. `end`: the log's last
 * point (revision and time), to tell a time the log has not reached.
 */
export function revisionAtTime(place: string | LogPlace, at: number, identity?: string): { revision: number; time: number; end: { revision: number; time: number } } | undefined {
  const points = (s: SegmentInfo): { revision: number; time: number }[] =>
    readSegment(s, identity).records.flatMap((r) => (r.kind === 'revision' ? [{ revision: r.record.revision, time: r.record.time }] : r.kind === 'mark' ? [{ revision: r.revision, time: r.time }] : []));
  const segments = listSegments(place);
  let best: { revision: number; time: number } | undefined;
  for (const s of segments) {
    if (s.firstTime !== undefined && s.firstTime > at + 1000) break; // names round down to the second
    for (const p of points(s)) if (p.time <= at && (!best || p.revision >= best.revision)) best = p;
  }
  // Times grow with the log: its end is in its last segment (an open one may hold marks only).
  const tail = segments.slice(-2).flatMap(points);
  const end = tail.reduce<{ revision: number; time: number } | undefined>((e, p) => (!e || p.time >= e.time ? p : e), undefined);
  return best && end ? { ...best, end } : undefined;
}

/** One cluster's log: a restore makes a new cluster (a new cluster ID), whose log is kept apart. */
export interface LogChain extends LogPlace {
  cluster: string;
  runs: LogRun[];
}

/**
 * The clusters' logs under DIR/revlog, the one recorded last at the end. `openRoot`: where an
 * encrypted log's open segments lie (the state dir's revlog/), when this host has them.
 */
export function logChains(root: string, openRoot?: string): LogChain[] {
  const chains: LogChain[] = [];
  const clusters = new Set([...clusterDirs(root), ...(openRoot ? clusterDirs(openRoot) : [])].map((c) => c.cluster));
  for (const cluster of [...clusters].sort()) {
    const place: LogPlace = { dir: path.join(root, cluster), ...(openRoot ? { openDir: path.join(openRoot, cluster) } : {}) };
    const runs = logRuns(listSegments(place));
    if (runs.length) chains.push({ cluster, ...place, runs });
  }
  const end = (c: LogChain): number => c.runs[c.runs.length - 1]?.lastTime ?? 0;
  return chains.sort((a, b) => end(a) - end(b));
}

// `warden restore --from-url s3://bucket/prefix --to-revision N | --to-time T`: what a
// point-in-time restore needs, downloaded from the bucket the operator ships to
// (`--revision-log --backup-to`) into a private folder laid out as a backup dir: the sealed log
// segments (with their .sha256) in revlog/<cluster>/, and the one backup set the restore starts
// from. Only selects and downloads: preparePointInTime then checks everything (each segment's
// sha256, revisions in a row, the set) as it does for a local dir.
//
// For a revision N the log is the one a local restore would take (the cluster whose log reaches
// N and was recorded last), the set is the newest complete one of that cluster at or before N
// (by the revision and cluster ID in the snapshot's object metadata), and the segments are those
// from that set's revision to N + 1 (the one after N holds the hashKV taken at N). For a time T
// the segments begun by T + 3 s are downloaded (and the next one, which ends what the log saw by
// then), the revision T falls on is read from them, and then the set.
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { backupInfoOf, MAX_ARCHIVE_BYTES, readArchiveBytes } from '../backup/archive.ts';
import type { S3BackupSet, S3Store } from '../backup/s3.ts';
import { openStore, type S3Target } from '../backup/ship.ts';
import { humanBytes } from '../cli/printer.ts';
import { parseNameTime, parseSealedName } from '../revlog/format.ts';
import { logRuns, type LogRun } from '../revlog/reader.ts';
import { REVLOG_DIR, type SegmentInfo } from '../revlog/store.ts';
import { describeTarget, targetRevision, TIME_SLACK_MS, type Target } from './point-in-time.ts';
import { logClusters, logStore } from '../revlog/upload.ts';
import { mapLimit } from '../util/limit.ts';


/** A sealed segment in the bucket whose .sha256 is there too. */
export interface RemoteSegment {
  name: string;
  first: number;
  last: number;
  firstTime: number;
  lastTime: number;
  /** Bytes of the segment and its .sha256. */
  size: number;
}

export interface RemoteChain {
  cluster: string;
  segments: RemoteSegment[];
  runs: LogRun[];
}

/** Pure: the complete sealed segments among the names of one cluster's folder, in order. */
export function remoteSegments(objects: { name: string; size: number }[]): RemoteSegment[] {
  const sizes = new Map(objects.map((o) => [o.name, o.size]));
  const out: RemoteSegment[] = [];
  for (const o of objects) {
    const s = parseSealedName(o.name);
    const sha = sizes.get(`${o.name}.sha256`);
    // A segment without its .sha256 is not complete (its upload was cut short): skipped.
    if (!s || sha === undefined) continue;
    out.push({ name: o.name, first: s.first, last: s.last, firstTime: parseNameTime(s.firstTime), lastTime: parseNameTime(s.lastTime), size: o.size + sha });
  }
  return out.sort((a, b) => a.first - b.first);
}

/** Pure: the revisions a chain holds, as the error of a local restore says them. */
function held(chains: RemoteChain[]): string {
  return chains.map((c) => `cluster ${c.cluster}: ${c.runs.map((r) => `${r.first - 1}-${r.last}`).join(', ')}`).join('; ');
}

/**
 * Pure: for revision `n`, the chain a local restore would take (of those whose log reaches n, the
 * one recorded last), or undefined.
 */
export function chainFor(chains: RemoteChain[], n: number): RemoteChain | undefined {
  const end = (c: RemoteChain): number => c.runs[c.runs.length - 1]?.lastTime ?? 0;
  return [...chains].sort((a, b) => end(b) - end(a)).find((c) => c.runs.some((r) => n >= r.first - 1 && n <= r.last));
}

/** Pure: for revision `n` from the set at revision `from`, the segments a replay reads (and the one after n, for its hashKV). */
export function segmentsForRevision(segments: RemoteSegment[], from: number, n: number): RemoteSegment[] {
  return segments.filter((s) => s.first - 1 <= n && s.last >= from);
}

/** Pure: for time `at` (ms), the segments begun by at + 3 s, and the one after them (which ends what the log saw by then). */
export function segmentsForTime(segments: RemoteSegment[], at: number): RemoteSegment[] {
  const begun = segments.filter((s) => s.firstTime <= at + TIME_SLACK_MS);
  if (begun.length === 0) return [];
  const next = segments.find((s) => s.first > (begun[begun.length - 1] as RemoteSegment).last);
  return next ? [...begun, next] : begun;
}


/** Every cluster's complete sealed segments in the bucket. */
async function listChains(target: S3Target, stores: Map<string, S3Store>): Promise<RemoteChain[]> {
  const clusters = await logClusters(target);
  const chains: RemoteChain[] = [];
  for (const cluster of clusters) {
    const store = await logStore(target, `${cluster}/`);
    stores.set(cluster, store);
    const segments = remoteSegments(await store.list());
    const runs = logRuns(segments.map((s): SegmentInfo => ({ name: s.name, path: s.name, sealed: true, first: s.first, last: s.last, firstTime: s.firstTime, lastTime: s.lastTime })));
    if (segments.length) chains.push({ cluster, segments, runs });
  }
  return chains;
}

/** The snapshot's object metadata: its revision and cluster ID (an encrypted set's objects carry neither). */
function metadataOf(meta: Record<string, string> | undefined): { revision: number; cluster: string } | undefined {
  const revision = Number(meta?.revision);
  const cluster = meta?.['cluster-id'];
  return cluster && meta?.revision && Number.isSafeInteger(revision) ? { revision, cluster } : undefined;
}

/**
 * A set's revision and cluster ID: from the snapshot's object metadata, or, for an encrypted set
 * (whose objects carry neither), from the backup.json inside its archive, read in memory with
 * `identity`. undefined when neither can be read.
 */
async function describeSet(store: S3Store, set: S3BackupSet, identity: string | undefined): Promise<{ revision: number; cluster: string } | undefined> {
  const meta = metadataOf((await store.head((set.snapshot as { name: string }).name))?.metadata);
  if (meta || !set.encrypted || identity === undefined) return meta;
  const archive = (set.archive as { name: string }).name;
  const info = backupInfoOf(await readArchiveBytes(await store.read(archive, MAX_ARCHIVE_BYTES), archive, identity));
  return info ? { revision: info.revision, cluster: info.clusterId } : undefined;
}

/**
 * The newest complete set of `cluster` at or before revision `to` (newest by timestamp, as a local
 * restore takes it), reading each set's revision and cluster newest first. A newer set that
 * could not be judged (encrypted, without --identity) is named in one line.
 */
async function chooseSet(store: S3Store, sets: S3BackupSet[], cluster: string, to: number, log: (line: string) => void, identity: string | undefined): Promise<{ set: S3BackupSet; revision: number }> {
  const unknown: string[] = [];
  const why = (n: number): string => `${n === 1 ? 'its' : 'their'} object metadata has no revision and cluster ID (an encrypted set keeps them inside its archive: give --identity)`;
  for (const set of sets.filter((s) => s.snapshot && s.archive)) {
    const meta = await describeSet(store, set, identity);
    if (!meta) {
      unknown.push(set.timestamp);
      continue;
    }
    if (meta.cluster !== cluster || meta.revision > to) continue;
    if (unknown.length) log(`note: ${unknown.length === 1 ? `backup set ${unknown[0]} was` : `backup sets ${unknown.join(', ')} were`} not considered: ${why(unknown.length)}`);
    return { set, revision: meta.revision };
  }
  const skipped = unknown.length ? ` (${unknown.length} set${unknown.length === 1 ? ' was' : 's were'} not considered: ${why(unknown.length)})` : '';
  throw new WardenError(`no complete backup set of cluster ${cluster} in ${store.url()} is at or before revision ${to}${skipped}: give a later revision or time`);
}

/** The segments and their .sha256 into `dir`, 4 at a time; the first failure stops the others. */
async function downloadSegments(store: S3Store, segments: RemoteSegment[], dir: string, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const failed = new AbortController();
  const stop = AbortSignal.any([signal, failed.signal]);
  await mapLimit(segments, 4, async (s) => {
    for (const name of [s.name, `${s.name}.sha256`]) {
      if (stop.aborted) return;
      await store.download(name, path.join(dir, name), stop).catch((err: unknown) => {
        failed.abort();
        throw err;
      });
    }
  });
  signal.throwIfAborted();
}

async function downloadSet(store: S3Store, set: S3BackupSet, folder: string, signal: AbortSignal): Promise<void> {
  for (const o of [set.snapshot, set.archive]) {
    signal.throwIfAborted();
    if (o) await store.download(o.name, path.join(folder, o.name), signal);
  }
}

const sizeOf = (segments: RemoteSegment[]): number => segments.reduce((n, s) => n + s.size, 0);

/**
 * An error about the download folder, said of the bucket it came from (the folder is gone by
 * the time it is read).
 */
export function inBucketTerms(err: unknown, folder: string, target: S3Target): unknown {
  if (!(err instanceof WardenError) || !err.message.includes(folder)) return err;
  const url = `s3://${target.location.bucket}/${target.location.prefix}`;
  return new WardenError(err.message.split(`${folder}/`).join(url).split(folder).join(url.replace(/\/$/, '')), err.exitCode);
}

/**
 * Downloads into `folder` (empty, private; the caller removes it) what a restore to `target`
 * needs from the bucket, laid out as a backup dir; returns `folder`. `identity` reads an
 * age-encrypted log (a time is looked up in its segments).
 */
export async function fetchPointInTime(target: S3Target, to: Target, folder: string, log: (line: string) => void, signal: AbortSignal, opts: { identity?: string } = {}): Promise<string> {
  const top = await openStore(target);
  const stores = new Map<string, S3Store>();
  const url = top.url();
  const logUrl = `${url}${REVLOG_DIR}/`;
  try {
    log(`reading the revision log and the backup sets in ${url}`);
    const chains = await listChains(target, stores);
    if (chains.length === 0) throw new WardenError(`no revision log in ${logUrl}: a point-in-time restore from the bucket needs the one \`warden operator --revision-log --backup-to ${url}\` ships (sealed segments with their .sha256); restore one set with a presigned --from-url instead`);
    const sets = await top.listSets();
    const segmentsDir = (cluster: string): string => path.join(folder, REVLOG_DIR, cluster);

    if ('revision' in to) {
      const n = to.revision;
      const chain = chainFor(chains, n);
      if (!chain) throw new WardenError(`the revision log in ${logUrl} does not reach revision ${n} (it holds ${held(chains)}): give a revision it holds (the operator ships a segment once it is sealed)`);
      const { set, revision } = await chooseSet(top, sets, chain.cluster, n, log, opts.identity);
      const segments = segmentsForRevision(chain.segments, revision, n);
      log(`downloading ${segments.length} log segments (${humanBytes(sizeOf(segments))}) and backup set ${set.timestamp} (revision ${revision}, ${humanBytes(set.size)}) from ${url}`);
      await downloadSegments(stores.get(chain.cluster) as S3Store, segments, segmentsDir(chain.cluster), signal);
      await downloadSet(top, set, folder, signal);
      return folder;
    }

    const at = to.time.getTime();
    const wanted = [];
    for (const c of chains) {
      const begun = segmentsForTime(c.segments, at);
      if (begun.length === 0) continue;
      // The time falls in the last segment begun by then (or after it): the cluster was at least
      // at the revision before that segment, so a set at or before that revision will do, and
      // no segment older than that set is needed (a week of log is not downloaded for an hour).
      const last = begun.filter((x) => x.firstTime <= at + TIME_SLACK_MS).pop() as RemoteSegment;
      const from = await chooseSet(top, sets, c.cluster, last.first - 1, () => undefined, opts.identity).then((x) => x.revision, () => undefined);
      wanted.push({ c, segments: from === undefined ? begun : begun.filter((x) => x.last >= from) });
    }
    if (wanted.length === 0) {
      const first = Math.min(...chains.map((c) => c.segments[0]?.firstTime ?? Infinity));
      throw new WardenError(`the revision log in ${logUrl} begins after ${describeTarget(to)} (its first revision was seen at ${new Date(first).toISOString()}): give a later time, or restore one set with a presigned --from-url`);
    }
    const all = wanted.flatMap((w) => w.segments);
    log(`downloading ${all.length} log segments (${humanBytes(sizeOf(all))}) around ${describeTarget(to)} from ${logUrl}`);
    for (const w of wanted) await downloadSegments(stores.get(w.c.cluster) as S3Store, w.segments, segmentsDir(w.c.cluster), signal);
    let found;
    try {
      found = targetRevision(folder, to, opts.identity ? { identity: opts.identity } : {});
    } catch (err) {
      throw inBucketTerms(err, folder, target);
    }
    const { set, revision } = await chooseSet(top, sets, found.chain.cluster, found.revision, log, opts.identity);
    log(`downloading backup set ${set.timestamp} (revision ${revision}, ${humanBytes(set.size)}) from ${url}`);
    await downloadSet(top, set, folder, signal);
    return folder;
  } finally {
    top.close();
    for (const s of stores.values()) s.close();
  }
}

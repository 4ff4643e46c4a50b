// The revision log's recorder: one watch of the whole key space from the newest full snapshot's
// revision + 1, every revision written as one line of the open segment, made durable (fsynced)
// every `flushMs`, sealed (gzip + sha256) every `segmentBytes` or `segmentMs`. Beside it: a time
// mark each second the cluster is quiet, the source's HashKV every `hashMs` and at each seal,
// the TTL of each lease a key is attached to.
//
// Restarted (a kill -9, a new leader), it resumes from its last durable revision + 1: etcd
// replays what it missed, so the log has no gap and no duplicate. If etcd compacted those
// revisions meanwhile, the recorder takes a new full snapshot at once, starts the log again
// after it, records the gap in the new segment's header and reports it (onGap).
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { EtcdCompactedError, type EtcdClient } from '../etcd/client.ts';
import type { WatchEvent } from '../etcd/types.ts';
import { delay } from '../util/wait.ts';
import { encodeRecord, groupByRevision, type LogRecord, type RevisionRecord, type SnapshotAnchor } from './format.ts';
import type { AgeRecipients } from '../backup/age.ts';
import { clusterDirs, listSegments, newOpenSegment, recoverLog, sealSegment, type LogPlace } from './store.ts';

export interface RecorderOptions {
  client: EtcdClient;
  /** The log's root (DIR/revlog): each cluster's revisions go into a folder named by its cluster ID (a restore makes a new cluster). */
  dir: string;
  /**
   * Encrypt sealed segments to these age recipients (the operator's --backup-encrypt-to); the
   * open segment then lies under `openDir` (the state dir's revlog/), never in the backup dir.
   * Open segments are looked for under `openDir` whenever it is given.
   */
  encryptTo?: AgeRecipients;
  openDir?: string;
  /** Takes a full snapshot (a backup set) now: where the log starts when it has nothing to continue. */
  takeSnapshot: () => Promise<{ backup: string; revision: number }>;
  segmentBytes?: number;
  segmentMs?: number;
  flushMs?: number;
  markMs?: number;
  hashMs?: number;
  log: (line: string) => void;
  /** The log fell behind a compaction: revisions [from, to] are lost; a new snapshot covers `to`. */
  onGap?: (gap: { from: number; to: number; anchor: SnapshotAnchor }) => void | Promise<void>;
  /** Called after each flush with the last durable revision. */
  onDurable?: (revision: number) => void;
}

export const DEFAULTS = { segmentBytes: 16 * 1024 * 1024, segmentMs: 10 * 60_000, flushMs: 100, markMs: 1000, hashMs: 60_000 };

export class RevisionRecorder {
  /** The last revision fsynced to the log (0: none yet). */
  durable = 0;
  /** The last revision handed to the log (written or waiting for the next flush). */
  private last = 0;
  private lastTime = 0;
  private fd: number | undefined;
  private file: string | undefined;
  private openedAt = 0;
  private bytes = 0;
  private pending: string[] = [];
  private pendingLast = 0;
  private readonly leases = new Set<bigint>();
  /** The cluster ID the log's revisions come from (hex), and its folder of segments. */
  private cluster: string | undefined;
  private dir = '';
  private readonly o: Required<Omit<RecorderOptions, 'onGap' | 'onDurable' | 'encryptTo' | 'openDir'>> & Pick<RecorderOptions, 'onGap' | 'onDurable' | 'encryptTo' | 'openDir'>;

  constructor(opts: RecorderOptions) {
    this.o = { ...DEFAULTS, ...opts };
    if (opts.encryptTo && !opts.openDir) throw new Error('an encrypted revision log needs openDir (the state dir\'s revlog/)');
  }

  /** Cluster `id`'s log: sealed segments in the backup dir's revlog/<id>, the open one there or (encrypted) in the state dir's. */
  private placeOf(id: string): LogPlace {
    return { dir: path.join(this.o.dir, id), ...(this.o.openDir ? { openDir: path.join(this.o.openDir, id) } : {}) };
  }

  /** Where a new open segment of the current cluster goes. */
  private get openHere(): string {
    return this.o.encryptTo && this.o.openDir ? path.join(this.o.openDir, this.cluster as string) : this.dir;
  }

  /** Seals `file` into the cluster's folder of sealed segments (encrypted when the log is). */
  private sealFile(file: string, into: string): ReturnType<typeof sealSegment> {
    return sealSegment(file, { into, ...(this.o.encryptTo ? { encryptTo: this.o.encryptTo } : {}) });
  }

  /** Records until `signal` aborts; returns after the last flush. Throws only what it cannot get past. */
  async run(signal: AbortSignal): Promise<void> {
    await this.open();
    // A flush that fails ends the run (the controller starts a new recorder, which continues
    // from what is durable): its lines cannot be dropped and the log go on after a hole.
    let flushFailed: Error | undefined;
    let wakeOnFailure: (() => void) | undefined;
    const flusher = setInterval(() => {
      if (flushFailed) return;
      try {
        this.flush();
      } catch (err) {
        flushFailed = err as Error;
        wakeOnFailure?.();
      }
    }, this.o.flushMs);
    let nextMark = Date.now() + this.o.markMs;
    let nextHash = Date.now() + this.o.hashMs;
    try {
      while (!signal.aborted) {
        await this.followRestore();
        const batches: { events: WatchEvent[]; time: number }[] = [];
        let wake: (() => void) | undefined;
        let failed: Error | undefined;
        const watcher = this.o.client.watch('', { prefix: true, startRevision: this.last + 1, onError: (err) => { failed = err; wake?.(); } }, (events) => {
          batches.push({ events, time: Date.now() });
          wake?.();
        });
        const stop = (): void => watcher.cancel();
        signal.addEventListener('abort', stop, { once: true });
        try {
          while (!signal.aborted && !failed) {
            if (flushFailed) throw new WardenError(`revision log: could not write ${this.file ?? 'the open segment'} (${flushFailed.message}): free the space or fix the disk; the log continues from revision ${this.durable + 1} when the operator retries`);
            const b = batches.shift();
            if (b) await this.append(groupByRevision(b.events, b.time));
            if (this.last >= (this.openFirst ?? Infinity) && Date.now() - this.openedAt >= this.o.segmentMs) await this.seal();
            if (b) continue;
            const now = Date.now();
            if (now >= nextHash) {
              nextHash = now + this.o.hashMs;
              await this.recordHash();
            }
            if (now >= nextMark) {
              nextMark = now + this.o.markMs;
              await this.mark(now);
            }
            await new Promise<void>((resolve) => {
              // Events that came during the awaits above: no wait.
              if (batches.length > 0 || failed || flushFailed) return resolve();
              const timer = setTimeout(resolve, Math.max(10, Math.min(nextMark, nextHash) - Date.now()));
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
              wakeOnFailure = wake;
            });
            wake = undefined;
            wakeOnFailure = undefined;
          }
        } finally {
          signal.removeEventListener('abort', stop);
          watcher.cancel();
        }
        if (signal.aborted) break;
        const err = failed as Error | undefined;
        if (err instanceof EtcdCompactedError) await this.restartAfterGap(err.compactRevision);
        else {
          this.o.log(`revision log: the watch ended (${err?.message ?? 'no reason'}): watching again from revision ${this.last + 1}`);
          await delay(500, signal).catch(() => undefined);
        }
      }
    } finally {
      clearInterval(flusher);
      if (!flushFailed) this.flushQuietly();
      if (this.fd !== undefined) fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private openFirst: number | undefined;

  /**
   * The cluster was restored since the log's last revision (a new cluster ID, or a revision
   * below the log's): the log cannot continue it. It starts again after a new full snapshot;
   * what it recorded before stays, for restores to those earlier revisions.
   */
  private async followRestore(): Promise<void> {
    const header = (await this.o.client.get('\0', { countOnly: true })).header;
    const id = header.cluster_id.toString(16);
    if (id === this.cluster && header.revision >= this.last) return;
    if (id === this.cluster) {
      throw new WardenError(`revision log: cluster ${id} is at revision ${header.revision}, below the ${this.last} the log holds for it: it was restored with its old cluster ID; move ${this.dir} aside to start the log again`);
    }
    this.o.log(`revision log: the cluster was restored or replaced (now cluster ${id} at revision ${header.revision}; the log of cluster ${this.cluster} ends at ${this.last}): a new log starts after a new full snapshot`);
    await this.seal();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    if (this.file && fs.existsSync(this.file) && (this.openFirst === undefined || this.last < this.openFirst)) fs.rmSync(this.file);
    this.leases.clear();
    await this.startCluster(id);
  }

  /** A new log for cluster `id`: a full snapshot first, the log after it. */
  private async startCluster(id: string): Promise<void> {
    this.cluster = id;
    this.dir = path.join(this.o.dir, id);
    const anchor = await this.o.takeSnapshot();
    this.startAfter(anchor);
    this.o.log(`revision log: starting after backup ${anchor.backup} at revision ${anchor.revision} (cluster ${id})`);
    await this.recordHash();
  }

  /** Finishes what a killed recorder left, then continues the log, or starts it after a new snapshot. */
  private async open(): Promise<void> {
    const header = (await this.o.client.get('\0', { countOnly: true })).header;
    const id = header.cluster_id.toString(16);
    await this.sealOtherClusters(id);
    this.cluster = id;
    this.dir = path.join(this.o.dir, id);
    const place = this.placeOf(id);
    const recovered = recoverLog(place);
    let { open, older } = recovered;
    for (const l of recovered.lines) this.o.log(`revision log: ${l}`);
    // An open segment where this run would not write it (encryption turned on or off since) is
    // sealed now, as are older ones left beside it: the log goes on after them.
    if (open && path.dirname(open.path) !== this.openHere) {
      older = [...older, open];
      open = undefined;
    }
    for (const o of older) {
      if (o.last < o.first) fs.rmSync(o.path);
      else if (await this.sealFile(o.path, this.dir)) this.o.log(`revision log: sealed ${o.path}, left open by an earlier run`);
    }
    const segments = listSegments(place);
    const last = segments[segments.length - 1];
    if (open) {
      this.attach(open.path, open.first);
      this.last = this.durable = open.last;
      this.o.log(`revision log: continuing ${open.path} after revision ${open.last}`);
    } else if (last) {
      this.last = this.durable = last.last;
      this.attach(newOpenSegment(this.openHere, { v: 1, first: last.last + 1, ...this.clusterField() }), last.last + 1);
      this.o.log(`revision log: continuing after revision ${last.last} (${last.name})`);
    } else {
      await this.startCluster(id);
    }
  }

  /**
   * The open segment of a cluster this log recorded before (a restore made a new one while no
   * recorder was running to see it) is sealed, so it is kept, shipped and pruned like the rest.
   */
  private async sealOtherClusters(current: string): Promise<void> {
    const others = new Set([...clusterDirs(this.o.dir), ...(this.o.openDir ? clusterDirs(this.o.openDir) : [])].map((c) => c.cluster).filter((c) => c !== current));
    for (const name of others) {
      const place = this.placeOf(name);
      const { open, older, lines } = recoverLog(place);
      for (const l of lines) this.o.log(`revision log: ${l}`);
      for (const o of [...older, ...(open ? [open] : [])]) {
        if (o.last < o.first) fs.rmSync(o.path);
        else {
          const sealed = await this.sealFile(o.path, place.dir);
          if (sealed) this.o.log(`revision log: sealed ${name}/${sealed.name}, the end of cluster ${name}'s log`);
        }
      }
    }
  }

  private clusterField(): { cluster?: string } {
    return this.cluster ? { cluster: this.cluster } : {};
  }

  private attach(file: string, first: number): void {
    this.file = file;
    this.fd = fs.openSync(file, 'a', 0o600);
    this.bytes = fs.fstatSync(this.fd).size;
    this.openedAt = Date.now();
    this.openFirst = first;
  }

  private startAfter(anchor: SnapshotAnchor): void {
    this.last = this.durable = anchor.revision;
    this.attach(newOpenSegment(this.openHere, { v: 1, first: anchor.revision + 1, ...this.clusterField(), after: anchor }), anchor.revision + 1);
  }

  /** The watch fell behind a compaction: a new snapshot now, the log again after it, the gap said. */
  private async restartAfterGap(compactRevision: number): Promise<void> {
    const from = this.last + 1;
    this.o.log(`revision log: etcd compacted revisions up to ${compactRevision} before the log recorded ${from}: taking a full snapshot to start again`);
    await this.seal();
    const snap = await this.o.takeSnapshot();
    const anchor: SnapshotAnchor = { ...snap, gap: { from, to: snap.revision } };
    if (this.fd !== undefined) fs.closeSync(this.fd);
    if (this.file && fs.existsSync(this.file)) fs.rmSync(this.file); // an open segment without revisions
    this.fd = undefined;
    this.startAfter(anchor);
    await this.o.onGap?.({ from, to: snap.revision, anchor });
    await this.recordHash();
  }

  private write(r: LogRecord): void {
    const line = encodeRecord(r);
    this.pending.push(line);
    this.bytes += Buffer.byteLength(line);
  }

  private async append(revisions: RevisionRecord[]): Promise<void> {
    for (const rec of revisions) {
      // The watch starts at last + 1, and etcd sends each revision whole: a revision seen again
      // would be half of one split across responses, whose first half the log already holds.
      if (rec.revision <= this.last) {
        throw new WardenError(`revision log: the watch gave revision ${rec.revision} again after the log holds it: a revision split across watch responses; the log continues from revision ${this.durable + 1} when the operator retries`);
      }
      if (rec.revision !== this.last + 1) {
        throw new WardenError(`revision log: the watch skipped from revision ${this.last} to ${rec.revision}: the log would have a gap; restart the operator`);
      }
      // Each lease a key is attached to, before the revision that attaches it: its TTL.
      for (const e of rec.events) {
        if (e.type !== 'put' || e.lease === 0n || this.leases.has(e.lease)) continue;
        this.leases.add(e.lease);
        const ttl = await this.o.client.leaseTimeToLive(e.lease).then((r) => (r.ttl < 0 ? -1 : r.grantedTtl), () => -1);
        this.write({ kind: 'lease', id: e.lease, ttl });
      }
      this.write({ kind: 'revision', record: rec });
      this.last = rec.revision;
      this.lastTime = rec.time;
      this.pendingLast = rec.revision;
      if (this.bytes >= this.o.segmentBytes) await this.seal();
    }
  }

  /** Writes and fsyncs what is pending; then it counts. */
  flush(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''));
    const size = fs.fstatSync(this.fd).size;
    try {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off);
      fs.fdatasyncSync(this.fd);
    } catch (err) {
      // Nothing of this write may stay: a part of a line, or lines after a hole, would damage
      // the segment. The lines are kept; the caller ends the run (see run()).
      try {
        fs.ftruncateSync(this.fd, size);
      } catch {
        /* the next start cuts a torn last line off */
      }
      throw err;
    }
    this.pending = [];
    if (this.pendingLast > this.durable) {
      this.durable = this.pendingLast;
      this.o.onDurable?.(this.durable);
    }
  }

  private flushQuietly(): void {
    try {
      this.flush();
    } catch (err) {
      this.o.log(`revision log: could not write ${this.file ?? 'the open segment'} (${(err as Error).message}): the next start continues from revision ${this.durable + 1}`);
    }
  }

  /** A time mark: at `at` the cluster was at the last revision recorded, when a read proves it. */
  private async mark(at: number): Promise<void> {
    if (this.last === 0 || this.lastTime > at) return;
    const revision = await this.o.client.get('\0', { countOnly: true }).then((r) => r.header.revision, () => undefined);
    if (revision === this.last) this.write({ kind: 'mark', revision, time: at });
  }

  /** The source's HashKV at the last revision recorded, from the first member that answers. */
  private async recordHash(): Promise<void> {
    const revision = this.last;
    if (revision <= 0) return;
    for (const m of this.o.client.members()) {
      try {
        const h = await m.hashKV(revision);
        this.write({ kind: 'hash', revision, hash: h.hash, compactRevision: h.compactRevision });
        return;
      } catch {
        /* the next member */
      }
    }
  }

  /** Seals the open segment (when it holds a revision) and opens the next. */
  async seal(): Promise<void> {
    if (this.fd === undefined || !this.file || this.openFirst === undefined || this.last < this.openFirst) return;
    await this.recordHash();
    this.flush();
    fs.closeSync(this.fd);
    this.fd = undefined;
    const sealed = await this.sealFile(this.file, this.dir);
    if (sealed) this.o.log(`revision log: sealed ${sealed.name}`);
    this.attach(newOpenSegment(this.openHere, { v: 1, first: this.last + 1, ...this.clusterField() }), this.last + 1);
  }
}

// The operator's revision-log controller (`--revision-log`): while this operator leads, the
// recorder runs; a new leader's recorder continues the same log from its last durable revision.
// When the log has nothing to continue, or fell behind a compaction, it takes a full backup set
// into the backup dir first (as a scheduled backup would: encrypted and shipped alike), and the
// log starts after it. Conditions: RevisionLog (recording, up to which revision) and
// RevisionLogGap (revisions lost, and which snapshot covers them).
import type { BackupInfo } from '../backup/archive.ts';
import { takeBackup } from '../backup/backup.ts';
import type { StateLayout } from '../cluster/layout.ts';
import type { Controller, ReconcileContext } from '../operator/controller.ts';
import { restoredRevisionOf } from '../snapshot/hashkv.ts';
import { RevisionRecorder, type RecorderOptions } from './recorder.ts';
import { openLogDir, revlogDir } from './store.ts';
import type { AgeRecipients } from '../backup/age.ts';
import { shipLog } from './upload.ts';
import type { S3Target } from '../backup/ship.ts';
import { delay } from '../util/wait.ts';

export interface RevisionLogOptions {
  /** The backup dir: full snapshots go there, the log into its revlog/. */
  dir: string;
  keysDir?: string;
  layout: StateLayout;
  ship?: (snapshotPath: string, archivePath: string, info: BackupInfo) => Promise<string>;
  /** Where the sealed segments go too (--backup-to). */
  target?: S3Target;
  /**
   * --backup-encrypt-to: the full snapshots and the sealed segments are encrypted to these
   * recipients; the open segment lies in the state dir (<state>/revlog), not the backup dir.
   */
  encryptTo?: AgeRecipients;
  /** Segment size and age, flush and mark intervals (tests make them small). */
  tuning?: Partial<Pick<RecorderOptions, 'segmentBytes' | 'segmentMs' | 'flushMs' | 'markMs' | 'hashMs'>>;
}

async function fullSnapshot(opts: RevisionLogOptions, ctx: ReconcileContext): Promise<{ backup: string; revision: number }> {
  const running = ctx.operations?.start('backup', `full backup into ${opts.dir}: the revision log starts after it`, 'revision log');
  const res = await takeBackup(ctx.client, {
    dir: opts.dir, ...(opts.keysDir ? { keysDir: opts.keysDir } : {}), layout: opts.layout, log: ctx.log, signal: ctx.signal,
    ...(opts.encryptTo ? { encryptTo: opts.encryptTo } : {}),
    ...(running ? { onProgress: (done: number, total: number) => running.progress(done, total, 'bytes') } : {}),
  }).finally(() => running?.end());
  await ctx.events.record({ type: 'Normal', reason: 'BackupCompleted', message: `backup ${res.info.timestamp} of revision ${res.info.revision} saved to ${res.snapshotPath}: the revision log starts after it`, source: 'revision-log' });
  // Shipped while the log already records: an upload that takes minutes must not let etcd
  // compact the revisions the log starts from.
  if (opts.ship) {
    const ship = opts.ship;
    void ship(res.snapshotPath, res.archivePath, res.info).then(
      (where) => ctx.events.record({ type: 'Normal', reason: 'BackupShipped', message: `backup ${res.info.timestamp} shipped to ${where}`, source: 'revision-log' }),
      (err: Error) => ctx.events.record({ type: 'Warning', reason: 'BackupShipFailed', message: `backup ${res.info.timestamp} was not shipped: ${err.message}`, source: 'revision-log' }),
    ).catch(() => undefined);
  }
  // Where a member restored from it stands (above the last key when a compaction removed the last
  // tombstones): an encrypted set's was read as it streamed, a plain one's is read from the file.
  return { backup: res.info.timestamp, revision: res.restoredRevision ?? (await restoredRevisionOf(res.snapshotPath)).current };
}

/**
 * Ships sealed segments every few seconds; the RevisionLogShipped condition says whether the
 * bucket holds all of them, or how many wait (an unreachable bucket: they stay queued on disk).
 */
async function shipLoop(root: string, target: S3Target, ctx: ReconcileContext, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const r = await shipLog(root, target).catch((err: unknown) => ({ shipped: [], waiting: -1, error: (err as Error).message }));
    await ctx.conditions.set(r.error
      ? { type: 'RevisionLogShipped', status: 'False', reason: 'UploadFailed', message: `${r.waiting >= 0 ? `${r.waiting} sealed segments wait for ${target.url}` : `segments wait for ${target.url}`}: ${r.error}` }
      : { type: 'RevisionLogShipped', status: 'True', reason: 'Shipped', message: `every sealed segment is in ${target.url}` }).catch(() => undefined);
    await delay(SHIP_INTERVAL_MS, signal).catch(() => undefined);
  }
}

const SHIP_INTERVAL_MS = 5000;

export function revisionLogController(opts: RevisionLogOptions): Controller {
  return {
    name: 'revision-log',
    intervalMs: 2000,
    async reconcile(ctx: ReconcileContext) {
      let reported = 0;
      const recorder = new RevisionRecorder({
        client: ctx.client,
        dir: revlogDir(opts.dir),
        // Open segments of an encrypted log lie in the state dir; looked for there always, so one
        // left when encryption was turned off is sealed, not forgotten.
        openDir: openLogDir(opts.layout.root),
        ...(opts.encryptTo ? { encryptTo: opts.encryptTo } : {}),
        ...opts.tuning,
        takeSnapshot: () => fullSnapshot(opts, ctx),
        log: ctx.log,
        onGap: async (g) => {
          const message = `the revision log fell behind a compaction: revisions ${g.from} to ${g.to} cannot be restored to (backup ${g.anchor.backup} covers revision ${g.to}; the log continues after it)`;
          await ctx.conditions.set({ type: 'RevisionLogGap', status: 'True', reason: 'FellBehindCompaction', message });
          await ctx.events.record({ type: 'Warning', reason: 'RevisionLogGap', message, source: 'revision-log' });
        },
        onDurable: (revision) => {
          ctx.metrics.revisionLogDurable.set(revision);
          // The condition says where the log stands, at most every ten seconds (it is a write to etcd).
          if (Date.now() - reported < 10_000) return;
          reported = Date.now();
          void ctx.conditions.set({ type: 'RevisionLog', status: 'True', reason: 'Recording', message: `recording into ${revlogDir(opts.dir)}; durable up to revision ${revision}` }).catch(() => undefined);
        },
      });
      const stop = new AbortController();
      const stopShipping = (): void => stop.abort();
      ctx.signal.addEventListener('abort', stopShipping, { once: true });
      const shipping = opts.target ? shipLoop(revlogDir(opts.dir), opts.target, ctx, stop.signal) : undefined;
      try {
        await recorder.run(ctx.signal);
      } catch (err) {
        await ctx.conditions.set({ type: 'RevisionLog', status: 'False', reason: 'RecorderFailed', message: (err as Error).message }).catch(() => undefined);
        throw err;
      } finally {
        stop.abort();
        ctx.signal.removeEventListener('abort', stopShipping);
        await shipping;
      }
    },
  };
}

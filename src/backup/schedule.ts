// Scheduled backups: an operator controller that takes a backup set when the cron schedule is
// due (one at a time, only on the leading operator), then applies retention by count, total
// size and age, locally and in the bucket. Outcomes are the `Backup` condition and events.
import fs from 'node:fs';
import type { Cron } from 'croner';
import { lazyRequire } from '../util/lazy.ts';

const croner = lazyRequire<typeof import('croner')>('croner');
import { UsageError } from '../errors.ts';
import type { StateLayout } from '../cluster/layout.ts';
import type { Controller, ReconcileContext } from '../operator/controller.ts';
import type { AgeRecipients } from './age.ts';
import type { BackupInfo } from './archive.ts';
import { pruneLog } from '../revlog/retention.ts';
import { takeBackup } from './backup.ts';
import { findLocalSets, timestampDate } from './names.ts';
import { setsToDelete, type RetentionPolicy } from './retention.ts';

export interface ScheduleOptions {
  schedule: string;
  dir: string;
  keysDir?: string;
  retention: RetentionPolicy;
  layout: StateLayout;
  /** Encrypt every set to these age recipients (checked when the operator starts). */
  encryptTo?: AgeRecipients;
  /** Uploads a finished set (S3); returns where it went. */
  ship?: (snapshotPath: string, archivePath: string, info: BackupInfo) => Promise<string>;
  /** Applies retention in remote storage. */
  pruneRemote?: (policy: RetentionPolicy, now: Date) => Promise<string[]>;
}

/** Parses a cron expression (5 fields, or 6 with seconds) into its schedule; one clear line if bad. */
export function parseSchedule(expr: string): Cron {
  try {
    return new (croner().Cron)(expr, { paused: true });
  } catch (err) {
    throw new UsageError(`bad --backup-schedule "${expr}" (${(err as Error).message.replace(/^CronPattern: /, '')}): use cron syntax, e.g. "0 */6 * * *" (minute hour day month weekday; a sixth field in front is seconds)`);
  }
}

/** Deletes the local sets retention does not keep; returns their timestamps. */
export function pruneLocal(dir: string, keysDir: string | undefined, policy: RetentionPolicy, now: Date): string[] {
  const sets = findLocalSets(dir, keysDir).filter((s) => s.snapshot && s.archive);
  const drop = setsToDelete(sets.map((s) => ({ timestamp: s.timestamp, time: timestampDate(s.timestamp), size: (s.snapshot?.size ?? 0) + (s.archive?.size ?? 0) })), policy, now);
  for (const d of drop) {
    const s = sets.find((x) => x.timestamp === d.timestamp);
    for (const f of [s?.snapshot?.path, s?.archive?.path]) if (f) fs.rmSync(f, { force: true });
  }
  return drop.map((d) => d.timestamp);
}

export function backupScheduleController(opts: ScheduleOptions): Controller {
  const cron = parseSchedule(opts.schedule);
  let next: Date | null = cron.nextRun();
  return {
    name: 'backup-schedule',
    intervalMs: 500,
    async reconcile(ctx: ReconcileContext) {
      const now = new Date();
      if (!next || now < next) return;
      next = cron.nextRun(now);
      try {
        const running = ctx.operations?.start('backup', `scheduled backup into ${opts.dir}`, `schedule ${opts.schedule}`);
        let res: Awaited<ReturnType<typeof takeBackup>>;
        let where: string;
        try {
          res = await takeBackup(ctx.client, {
            dir: opts.dir, ...(opts.keysDir ? { keysDir: opts.keysDir } : {}), layout: opts.layout, log: ctx.log, signal: ctx.signal, now,
            ...(opts.encryptTo ? { encryptTo: opts.encryptTo } : {}),
            ...(running ? { onProgress: (done: number, total: number) => running.progress(done, total, 'bytes') } : {}),
          });
          where = res.snapshotPath;
          if (opts.ship) {
            running?.step('uploading');
            where = await opts.ship(res.snapshotPath, res.archivePath, res.info);
          }
        } finally {
          running?.end();
        }
        const i = res.info;
        const pruned = pruneLocal(opts.dir, opts.keysDir, opts.retention, now);
        // The revision log's segments that no kept set needs any more go with them.
        let prunedLog: string[] = [];
        try {
          prunedLog = pruneLog(opts.dir, opts.keysDir);
        } catch (err) {
          ctx.log(`revision log retention: ${(err as Error).message}`);
        }
        const prunedRemote = opts.pruneRemote ? await opts.pruneRemote(opts.retention, now) : [];
        await ctx.events.record({ type: 'Normal', reason: 'BackupCompleted', message: `backup ${i.timestamp} of revision ${i.revision} from ${i.member.name} saved to ${where}`, source: 'backup-schedule' });
        if (pruned.length || prunedRemote.length) {
          await ctx.events.record({ type: 'Normal', reason: 'BackupsPruned', message: `retention removed ${[...new Set([...pruned, ...prunedRemote])].join(', ')}${prunedLog.length ? ` and ${prunedLog.length} revision log segments they needed` : ''}`, source: 'backup-schedule' });
        }
        await ctx.conditions.set({ type: 'Backup', status: 'True', reason: 'BackupSucceeded', message: `last backup ${i.timestamp} at revision ${i.revision} (${where}); next ${next?.toISOString() ?? 'never'}` });
      } catch (err) {
        const msg = (err as Error).message;
        await ctx.events.record({ type: 'Warning', reason: 'BackupFailed', message: msg, source: 'backup-schedule' });
        await ctx.conditions.set({ type: 'Backup', status: 'False', reason: 'BackupFailed', message: msg });
        throw err;
      }
    },
  };
}

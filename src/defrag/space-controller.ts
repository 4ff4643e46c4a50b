// The operator's space controllers:
//   space-alerts   samples every member's DB size, in use and quota, publishes them as metrics
//                  and keeps the two alert conditions of the seeds (see alerts.ts) current;
//   space-recover  (opt-in, --auto-space-recover) sees a NOSPACE alarm and recovers by itself:
//                  compact, rolling defrag, disarm, write check (see space.ts).
// Both defragmenting controllers take the cluster's defragmentation lock (lock.ts), as every
// `warden defrag` and `warden space recover` does, so only one run takes members out at a time.
import { holderText } from '../etcd/lock.ts';
import type { Controller, ReconcileContext } from '../operator/controller.ts';
import { evaluateSpaceAlerts, pruneHistory, DEFAULT_ALERT_FOR_MS, type SpaceSample } from './alerts.ts';
import { defragController, type DefragControllerOptions } from './controller.ts';
import { DefragLockHeldError } from './lock.ts';
import { fragmentationPercent, hexId } from './policy.ts';
import { QuotaCache, type MetricsTls } from './quota.ts';
import { recoverSpace } from './space.ts';

export const DEFAULT_SAMPLE_INTERVAL_MS = 30_000;
export const DEFAULT_RECOVER_INTERVAL_MS = 5_000;

export interface SpaceOptions {
  /** How often member sizes are sampled. */
  sampleIntervalMs?: number;
  /** How long an alert expression must hold (10 minutes, as the seeds' alerts). */
  alertForMs?: number;
  /** TLS for reading the members' /metrics (their quota); a function when known only later. */
  tls?: MetricsTls | (() => MetricsTls | undefined);
  /** Recover from NOSPACE without a human (--auto-space-recover). */
  autoRecover?: boolean;
  recoverIntervalMs?: number;
  /** Least time between members while recovering (short: writes are refused meanwhile). */
  recoverWaitMs?: number;
  defragTimeoutMs?: number;
  /** Names this operator in the defragmentation lock. */
  identity?: string;
}

export function spaceAlertController(opts: SpaceOptions = {}): Controller {
  const intervalMs = opts.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const forMs = opts.alertForMs ?? DEFAULT_ALERT_FOR_MS;
  // A streak survives one missed sample, not two.
  const maxGapMs = Math.max(2.5 * intervalMs, 5000);
  const quotas = new QuotaCache(opts.tls);
  let history: SpaceSample[] = [];
  return {
    name: 'space-alerts',
    intervalMs,
    async reconcile(ctx: ReconcileContext) {
      const { members } = await ctx.client.memberList();
      const now = Date.now();
      await Promise.all(members.map(async (m) => {
        const url = m.clientURLs[0];
        if (!url) return;
        try {
          const [st, quota] = await Promise.all([ctx.client.member(url).status(), quotas.get(url)]);
          const name = m.name || hexId(m.ID);
          ctx.metrics.dbTotal.set({ member: name }, st.dbSize);
          ctx.metrics.dbInUse.set({ member: name }, st.dbSizeInUse);
          ctx.metrics.quotaBytes.set({ member: name }, quota.bytes);
          ctx.metrics.fragmentation.set({ member: name }, fragmentationPercent(st.dbSize, st.dbSizeInUse));
          history.push({ time: now, member: name, dbSize: st.dbSize, dbSizeInUse: st.dbSizeInUse, quotaBytes: quota.bytes });
        } catch {
          /* no sample: a gap longer than maxGapMs ends that member's streaks */
        }
      }));
      history = pruneHistory(history, now, forMs + 2 * maxGapMs);
      if (ctx.signal.aborted) return;
      for (const cond of evaluateSpaceAlerts(history, now, { forMs, maxGapMs })) {
        const prev = await ctx.conditions.get(cond.type);
        const changed = await ctx.conditions.set(cond);
        if (changed && (cond.status === 'True') !== (prev?.status === 'True') && (cond.status === 'True' || prev !== undefined)) {
          await ctx.events.record({ type: cond.status === 'True' ? 'Warning' : 'Normal', reason: cond.status === 'True' ? cond.type : `${cond.type}Resolved`, message: cond.message, source: 'space-alerts' });
        }
      }
    },
  };
}

export function spaceRecoverController(opts: SpaceOptions = {}): Controller {
  let lastHolder: string | undefined;
  return {
    name: 'space-recover',
    intervalMs: opts.recoverIntervalMs ?? DEFAULT_RECOVER_INTERVAL_MS,
    async reconcile(ctx: ReconcileContext) {
      const alarms = (await ctx.client.alarmList()).filter((a) => a.alarm === 'NOSPACE');
      if (alarms.length === 0) return;
      // Events and conditions are etcd writes, refused until the alarm is gone: log first.
      ctx.log(`space-recover: NOSPACE alarm on member(s) ${alarms.map((a) => hexId(a.memberID)).join(', ')}: compacting, defragmenting and disarming`);
      try {
        const report = await recoverSpace(ctx.client, {
          waitMs: opts.recoverWaitMs ?? 2000,
          healthTimeoutMs: 2 * 60_000,
          defragTimeoutMs: opts.defragTimeoutMs ?? 5 * 60_000,
          timeoutFlag: '--defrag-timeout',
          ...(tlsOf(opts) ? { tls: tlsOf(opts) } : {}),
          signal: ctx.signal,
          // Another run holding the lock is left alone; the next look (every few seconds) retries.
          lock: { holder: `operator ${opts.identity ?? 'warden'}, NOSPACE recovery`, timeoutMs: 0 },
          print: (l) => ctx.log(`space-recover: ${l}`),
          warn: (l) => ctx.log(`space-recover: ${l}`),
          onDefrag: (e) => {
            if (e.kind === 'defragmented') ctx.log(`space-recover: defragmented ${e.result.name} (${e.result.before} -> ${e.result.after} bytes)`);
            if (e.kind === 'leader-moved') ctx.metrics.leaderMoves.inc();
          },
        });
        lastHolder = undefined;
        ctx.metrics.spaceRecoveries.inc({ result: 'success' });
        const sizes = report.defragmented.map((r) => `${r.name} ${r.before} -> ${r.after} bytes`).join(', ');
        await ctx.events.record({
          type: report.warning ? 'Warning' : 'Normal',
          reason: 'SpaceRecovered',
          message: `NOSPACE recovered: compacted up to revision ${report.compactedRevision}, defragmented ${sizes || 'no member'}, disarmed ${report.disarmed.length} alarm(s); writes work again${report.warning ? `; ${report.warning}` : ''}`,
          source: 'space-recover',
        });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        if (err instanceof DefragLockHeldError) {
          const text = holderText(err.holder);
          if (text !== lastHolder) ctx.log(`space-recover: waiting: another defragmentation holds the lock: ${text}`);
          lastHolder = text;
          return;
        }
        ctx.metrics.spaceRecoveries.inc({ result: 'error' });
        const message = `NOSPACE recovery failed: ${(err as Error).message}`;
        ctx.log(`space-recover: ${message}`);
        await ctx.events.record({ type: 'Warning', reason: 'SpaceRecoveryFailed', message, source: 'space-recover' }).catch(() => undefined);
        throw err;
      }
    },
  };
}

function tlsOf(o: SpaceOptions): MetricsTls | undefined {
  try {
    return typeof o.tls === 'function' ? o.tls() : o.tls;
  } catch {
    return undefined;
  }
}

/** The defrag and space controllers of the operator; `identity` names it in the defragmentation lock. */
export function defragControllers(o: { defrag?: DefragControllerOptions | false; space?: SpaceOptions; identity?: string }): Controller[] {
  const space = { ...o.space, ...(o.identity ? { identity: o.identity } : {}) };
  return [
    ...(o.defrag === false ? [] : [defragController({ ...o.defrag, ...(o.identity ? { identity: o.identity } : {}) })]),
    spaceAlertController(space),
    ...(space.autoRecover ? [spaceRecoverController(space)] : []),
  ];
}

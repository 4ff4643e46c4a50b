// The automatic defrag controller (as OpenShift's): each pass looks at every member, and when
// the cluster is healthy and has more than one member, defragments the voting members that are
// at least 45 % fragmented with a DB of at least 100 MiB — followers first, the leader last
// after moving leadership away — with at least 36 s and a healthy cluster between members.
// Every member gets an event; three failed passes in a row make DefragControllerDegraded True.
// A pass holds the cluster's defragmentation lock (lock.ts); while another run holds it (a
// `warden defrag`, a NOSPACE recovery) the controller leaves the cluster alone and looks again
// at its next interval.
import { holderText } from '../etcd/lock.ts';
import type { Controller, ReconcileContext } from '../operator/controller.ts';
import { DefragLockHeldError, DefragLockUnrecordedError, withDefragLock } from './lock.ts';
import { autoDefragPlan, DEFAULT_THRESHOLDS, degradedCondition, fragmentationPercent, hexId, type DefragThresholds, type MemberView } from './policy.ts';
import { memberViews, rollingDefrag, type RollingEvent } from './rolling.ts';

export const DEFAULT_DEFRAG_WAIT_MS = 36_000;
export const DEFAULT_DEFRAG_INTERVAL_MS = 60_000;
export const MAX_FAILED_PASSES = 3;

export interface DefragControllerOptions {
  minFragmentationPercent?: number;
  minDbSizeBytes?: number;
  /** Least time between two members (36 s). */
  waitMs?: number;
  /** How often a pass runs. */
  intervalMs?: number;
  /** Deadline of one Defragment call. */
  defragTimeoutMs?: number;
  healthTimeoutMs?: number;
  moveLeader?: boolean;
  /** Names this operator in the defragmentation lock. */
  identity?: string;
}

export const DEFRAG_SOURCE = 'defrag';

// Member IDs are printed in hex in these messages, as etcdctl prints them (member list,
// endpoint status); OpenShift's controller mixes %d and %x.
export function defragmentedMessage(name: string, id: bigint): string {
  return `etcd member has been defragmented: ${name}, memberID: ${hexId(id)}`;
}

export function failedMessage(name: string, id: bigint, error: string): string {
  return `failed defrag on member: ${name}, memberID: ${hexId(id)}: ${error}`;
}

export function defragController(opts: DefragControllerOptions = {}): Controller {
  const thresholds: DefragThresholds = {
    minFragmentationPercent: opts.minFragmentationPercent ?? DEFAULT_THRESHOLDS.minFragmentationPercent,
    minDbSizeBytes: opts.minDbSizeBytes ?? DEFAULT_THRESHOLDS.minDbSizeBytes,
  };
  let failedPasses = 0;
  let lastError: string | undefined;
  let lastSkip: string | undefined;
  const plan = async (ctx: ReconcileContext) => {
    const { members } = await ctx.client.memberList();
    const views = await memberViews(ctx.client, members);
    for (const v of views) if (v.dbSize > 0) ctx.metrics.fragmentation.set({ member: v.name }, fragmentationPercent(v.dbSize, v.dbSizeInUse));
    return autoDefragPlan(views, thresholds);
  };
  const skip = (ctx: ReconcileContext, why: string | undefined) => {
    if (why && why !== lastSkip) ctx.log(`defrag: not defragmenting: ${why}`);
    lastSkip = why;
  };
  return {
    name: 'defrag',
    intervalMs: opts.intervalMs ?? DEFAULT_DEFRAG_INTERVAL_MS,
    async reconcile(ctx: ReconcileContext) {
      const first = await plan(ctx);
      if (first.skip || first.members.length === 0) {
        skip(ctx, first.skip);
        for (const l of first.skippedLearners) ctx.log(`defrag: skipping learner ${l.name}: etcd 3.4 refuses maintenance calls on learners`);
        if (!first.skip) failedPasses = 0;
        // A skipped pass is not a failed one: the next pass looks again.
      } else {
        let failures: string[];
        try {
          failures = await withDefragLock(ctx.client, {
            holder: `operator ${opts.identity ?? 'warden'}, automatic defragmentation`,
            timeoutMs: 0,
            goOnUnrecorded: false,
            signal: ctx.signal,
          }, async (signal) => {
            // Planned again under the lock: whoever held it may have defragmented these members.
            const now = await plan(ctx);
            skip(ctx, now.skip);
            for (const l of now.skippedLearners) ctx.log(`defrag: skipping learner ${l.name}: etcd 3.4 refuses maintenance calls on learners`);
            return now.skip || now.members.length === 0 ? [] : runPass(ctx, now.members, opts, signal);
          });
        } catch (err) {
          if (err instanceof DefragLockHeldError) {
            skip(ctx, `another defragmentation holds the lock: ${holderText(err.holder)}`);
            return;
          }
          if (err instanceof DefragLockUnrecordedError) {
            skip(ctx, 'etcd refuses writes (NOSPACE alarm), so the defragmentation lock cannot be taken; NOSPACE recovery comes first (`warden space recover`, or --auto-space-recover)');
            return;
          }
          if (ctx.signal.aborted) return;
          failures = [(err as Error).message];
          ctx.events.record({ type: 'Warning', reason: 'DefragControllerDefragmentFailed', message: `defragmentation pass stopped: ${(err as Error).message}`, source: DEFRAG_SOURCE }).catch(() => undefined);
        }
        if (failures.length) {
          failedPasses++;
          lastError = failures.at(-1);
        } else {
          failedPasses = 0;
        }
      }
      if (ctx.signal.aborted) return;
      const cond = degradedCondition(failedPasses, lastError, MAX_FAILED_PASSES);
      if (await ctx.conditions.set(cond) && cond.status === 'True') {
        await ctx.events.record({ type: 'Warning', reason: 'DefragControllerDegraded', message: cond.message, source: DEFRAG_SOURCE });
      }
    },
  };
}

/** Defragments `members` in order; returns the error messages of the members that failed. */
async function runPass(ctx: ReconcileContext, members: MemberView[], opts: DefragControllerOptions, signal: AbortSignal): Promise<string[]> {
  const failures: string[] = [];
  const pending: Promise<void>[] = [];
  const record = (type: 'Normal' | 'Warning', reason: string, message: string) => {
    pending.push(ctx.events.record({ type, reason, message, source: DEFRAG_SOURCE }).catch(() => undefined));
  };
  const on = (e: RollingEvent) => {
    switch (e.kind) {
      case 'leader-moved':
        ctx.metrics.leaderMoves.inc();
        record('Normal', 'LeaderMoved', `moved etcd leadership from ${e.from.name} (memberID: ${hexId(e.from.id)}) to ${e.to.name} (memberID: ${hexId(e.to.id)}) before defragmenting ${e.from.name}`);
        break;
      case 'defragmented':
        ctx.metrics.defrags.inc({ member: e.result.name, result: 'success' });
        ctx.metrics.defragDuration.observe({ member: e.result.name }, e.result.durationMs / 1000);
        ctx.metrics.dbTotal.set({ member: e.result.name }, e.result.after);
        record('Normal', 'DefragControllerDefragmentSuccess', defragmentedMessage(e.result.name, e.result.id));
        break;
      case 'failed':
        ctx.metrics.defrags.inc({ member: e.member.name, result: 'error' });
        failures.push(e.error.message);
        record('Warning', 'DefragControllerDefragmentFailed', failedMessage(e.member.name, e.member.id, e.error.message));
        break;
      default:
        break;
    }
  };
  try {
    await rollingDefrag({
      client: ctx.client,
      targets: members.map((m) => ({ label: m.endpoint, member: ctx.client.member(m.endpoint) })),
      moveLeader: opts.moveLeader ?? true,
      defragTimeoutMs: opts.defragTimeoutMs ?? 5 * 60_000,
      timeoutFlag: '--defrag-timeout',
      waitMs: opts.waitMs ?? DEFAULT_DEFRAG_WAIT_MS,
      healthTimeoutMs: opts.healthTimeoutMs ?? 2 * 60_000,
      continueOnError: true,
      signal,
      on,
    });
  } catch (err) {
    // Already reported as a member failure when it happened during the pass.
    if (!failures.includes((err as Error).message) && !signal.aborted) {
      failures.push((err as Error).message);
      record('Warning', 'DefragControllerDefragmentFailed', `defragmentation pass stopped: ${(err as Error).message}`);
    }
  }
  await Promise.all(pending);
  return failures;
}

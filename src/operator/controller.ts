// The controller framework: a controller has a name, an interval and a reconcile step. The
// runner calls reconcile only while this operator leads, one call at a time per controller,
// and records each run's outcome in metrics; an error is logged and retried next interval.
import type { Operations } from '../console/running.ts';
import type { EtcdClient } from '../etcd/client.ts';
import type { ConditionStore, EventLog } from './conditions.ts';
import type { OperatorMetrics } from './metrics.ts';

export interface ReconcileContext {
  client: EtcdClient;
  conditions: ConditionStore;
  events: EventLog;
  metrics: OperatorMetrics;
  log: (line: string) => void;
  /** Aborted when leadership is lost or the operator stops: long steps must check it. */
  signal: AbortSignal;
  /** Where long work says it runs, for the console's "Running now" (absent in tests). */
  operations?: Operations;
}

export interface Controller {
  name: string;
  intervalMs: number;
  reconcile(ctx: ReconcileContext): Promise<void>;
}

export class ControllerRunner {
  private timers: NodeJS.Timeout[] = [];
  private inflight = new Map<string, Promise<void>>();
  private abort?: AbortController;

  constructor(
    private readonly controllers: Controller[],
    private readonly makeCtx: (signal: AbortSignal) => ReconcileContext,
  ) {}

  /** Starts every controller: one reconcile at once, then on its interval. */
  start(): void {
    this.abort = new AbortController();
    const ctx = this.makeCtx(this.abort.signal);
    for (const c of this.controllers) {
      const tick = () => this.runOnce(c, ctx);
      tick();
      this.timers.push(setInterval(tick, c.intervalMs));
    }
  }

  private runOnce(c: Controller, ctx: ReconcileContext): void {
    if (this.inflight.has(c.name) || ctx.signal.aborted) return;
    const end = ctx.metrics.reconcileDuration.startTimer({ controller: c.name });
    const p = c
      .reconcile(ctx)
      .then(() => ctx.metrics.reconciles.inc({ controller: c.name, result: 'success' }))
      .catch((err: unknown) => {
        ctx.metrics.reconciles.inc({ controller: c.name, result: 'error' });
        if (!ctx.signal.aborted) ctx.log(`controller ${c.name}: ${(err as Error).message}`);
      })
      .finally(() => {
        end();
        this.inflight.delete(c.name);
      });
    this.inflight.set(c.name, p);
  }

  /** Stops scheduling, aborts running steps and waits for them to return. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.abort?.abort();
    await Promise.all(this.inflight.values());
  }
}

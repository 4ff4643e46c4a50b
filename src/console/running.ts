// What is running now, for the console's overview: the actions this operator runs (with their
// progress: bytes of a backup, members of a defrag), and what any process runs that etcd or the
// state dir shows: the cluster-wide defragmentation lock's holder, an encryption migration (its
// counts per resource), and a restore recorded in the state dir (its phase).
import fs from 'node:fs';
import crypto from 'node:crypto';
import type { EtcdClient } from '../etcd/client.ts';
import { readLock } from '../etcd/lock.ts';
import { DEFRAG_LOCK_KEY } from '../defrag/lock.ts';
import { readState } from '../encryption/store.ts';
import type { RunningOp } from './api.ts';

export type { RunningOp } from './api.ts';

export interface OpHandle {
  progress(done: number, total: number, unit: NonNullable<RunningOp['progress']>['unit']): void;
  step(text: string): void;
  end(): void;
}

/** The operations this operator runs now (its API's actions). */
export class Operations {
  private readonly ops = new Map<string, RunningOp>();

  start(kind: RunningOp['kind'], what: string, by?: string): OpHandle {
    const op: RunningOp = { id: crypto.randomUUID(), kind, what, ...(by ? { by } : {}), since: new Date().toISOString() };
    this.ops.set(op.id, op);
    return {
      progress: (done, total, unit) => {
        op.progress = { done, total, unit };
      },
      step: (text) => {
        op.step = text;
      },
      end: () => {
        this.ops.delete(op.id);
      },
    };
  }

  list(): RunningOp[] {
    return [...this.ops.values()].map((o) => ({ ...o, ...(o.progress ? { progress: { ...o.progress } } : {}) }));
  }
}

/** Everything running now: this operator's own operations, then what etcd and the state dir show. */
export async function readRunning(client: EtcdClient, own: Operations, restoreFile: string): Promise<RunningOp[]> {
  const out = own.list();
  // Member-local reads: the page answers at once while etcd elects a leader.
  const [lock, state] = await Promise.all([readLock(client, DEFRAG_LOCK_KEY, { serializable: true }).catch(() => undefined), readState(client, { serializable: true }).catch(() => undefined)]);
  // A defrag this operator runs is listed already; another's shows by its lock.
  if (lock && !out.some((o) => o.kind === 'defrag' || o.kind === 'space-recover')) {
    out.push({ id: `lock:${lock.since}`, kind: 'defrag', what: `defragmentation by ${lock.holder}`, by: `pid ${lock.pid} on ${lock.host}`, since: lock.since });
  }
  const mig = state?.migration;
  if (mig && !mig.finishedAt) {
    const counts = Object.values(mig.progress);
    out.push({
      id: `migration:${mig.startedAt}`, kind: 'migration', what: `encryption migration to ${mig.writeKey}`, since: mig.startedAt,
      ...(counts.length ? { progress: { done: counts.reduce((n, p) => n + p.done, 0), total: counts.reduce((n, p) => n + p.total, 0), unit: 'objects' as const } } : {}),
    });
  }
  try {
    const r = JSON.parse(fs.readFileSync(restoreFile, 'utf8')) as { timestamp?: string; phase?: string; stamp?: string };
    out.push({ id: `restore:${r.stamp ?? ''}`, kind: 'restore', what: `restore of backup ${r.timestamp ?? '?'} (unfinished: \`warden restore\` again finishes it)`, since: r.stamp ?? '', ...(r.phase ? { step: `phase ${r.phase}` } : {}) });
  } catch {
    /* no restore recorded */
  }
  return out;
}

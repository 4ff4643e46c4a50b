// One defragmentation at a time per cluster, whoever starts it: `warden defrag`, `warden space
// recover` and the operator's automatic defrag and NOSPACE recovery all take the lock at
// /warden/locks/defrag (src/etcd/lock.ts: a key held through a lease, freed by a holder that
// dies when its lease expires). Two of them interleaving would take two members out at once.
import type { EtcdClient } from '../etcd/client.ts';
import { acquireLock, holderText, LockHeldError, lockRecord, type LockRecord } from '../etcd/lock.ts';
import { WardenError } from '../errors.ts';
import { WARDEN_PREFIX } from '../operator/conditions.ts';
import { formatDuration } from '../util/duration.ts';

export const DEFRAG_LOCK_KEY = `${WARDEN_PREFIX}locks/defrag`;
/** How long the lock outlives a holder killed with -9. */
export const DEFRAG_LOCK_TTL_SECONDS = 10;
/** How long `warden defrag` and `warden space recover` wait for another run by default. */
export const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;

export function waitingLine(holder: LockRecord, timeoutMs: number): string {
  return `Waiting for the defragmentation lock, held by ${holderText(holder)}, for up to ${formatDuration(timeoutMs)} (--lock-timeout)`;
}

export const UNRECORDED_LINE = 'Defragmentation lock not recorded: etcd refuses every write while the NOSPACE alarm is raised, and nobody holds the lock: going on (start no other defragmentation until this one ends)';

/** `timeoutMs` is the --lock-timeout the run waited. */
export function lockHeldMessage(holder: LockRecord, timeoutMs: number, ttlSeconds = DEFRAG_LOCK_TTL_SECONDS): string {
  const waited = timeoutMs <= 0 ? 'gave up at once (--lock-timeout 0)' : `gave up after ${formatDuration(timeoutMs)} (--lock-timeout)`;
  return `another defragmentation is running: the lock ${DEFRAG_LOCK_KEY} is held by ${holderText(holder)}; ${waited}: wait until it ends, or raise --lock-timeout; if that process is gone, the lock frees itself within ${ttlSeconds}s`;
}

/** Another defragmentation held the lock for the whole --lock-timeout. */
export class DefragLockHeldError extends WardenError {
  override readonly name = 'DefragLockHeldError';
  constructor(readonly holder: LockRecord, timeoutMs: number) {
    super(lockHeldMessage(holder, timeoutMs));
  }
}

/** etcd refuses writes (NOSPACE), so the lock cannot be taken, and the caller must not go on. */
export class DefragLockUnrecordedError extends WardenError {
  override readonly name = 'DefragLockUnrecordedError';
  constructor() {
    super('cannot take the defragmentation lock: etcd refuses every write while the NOSPACE alarm is raised: run `warden space recover` (it defragments every member, then disarms the alarm)');
  }
}

export interface DefragLockOptions {
  /** What runs, as the lock names it: `warden defrag --cluster`, `operator op-a, ...`. */
  holder: string;
  timeoutMs: number;
  /** Go on when etcd refuses writes (NOSPACE) and nobody holds the lock; otherwise fail. */
  goOnUnrecorded: boolean;
  signal?: AbortSignal;
  /** Progress lines: waiting for a holder, the lock not recorded. */
  print?: (line: string) => void;
}

/**
 * Runs `fn` while holding the defragmentation lock. `fn` gets a signal that aborts when the
 * lock is lost (or `o.signal` aborts); it must then stop before the next member. A lost lock
 * fails the run, even if `fn` returned.
 */
export async function withDefragLock<T>(client: EtcdClient, o: DefragLockOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  let lock;
  try {
    lock = await acquireLock(client, DEFRAG_LOCK_KEY, lockRecord(o.holder), {
      ttlSeconds: DEFRAG_LOCK_TTL_SECONDS,
      timeoutMs: o.timeoutMs,
      ...(o.signal ? { signal: o.signal } : {}),
      onWait: (h) => o.print?.(waitingLine(h, o.timeoutMs)),
    });
  } catch (err) {
    if (err instanceof LockHeldError) throw new DefragLockHeldError(err.holder, o.timeoutMs);
    throw err;
  }
  try {
    if (!lock.recorded) {
      if (!o.goOnUnrecorded) throw new DefragLockUnrecordedError();
      o.print?.(UNRECORDED_LINE);
    }
    const signal = anySignal(lock.signal, o.signal);
    const lostError = () => new WardenError(`lost the defragmentation lock (${lock.lost?.message ?? 'lease lost'}): stopped before the next member so that two defragmentations cannot overlap; check the connection to etcd, then run it again`);
    let result: T;
    try {
      result = await fn(signal);
    } catch (err) {
      if (lock.lost && !o.signal?.aborted) throw lostError();
      throw err;
    }
    if (lock.lost && !o.signal?.aborted) throw lostError();
    return result;
  } finally {
    await lock.release();
  }
}

/** Aborts when either signal does (AbortSignal.any needs Node 20.3). */
function anySignal(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  if (!b) return a;
  const both = new AbortController();
  const abort = () => both.abort();
  if (a.aborted || b.aborted) abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return both.signal;
}

// Waiting on a condition with a bound: the only way warden (and its tests) wait for anything.
import { WardenError } from '../errors.ts';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Says what we waited for, in the error when the bound is reached. */
  what: string;
}

/**
 * A bound that ran out is something a user can hit (an operator that does not finish, a member
 * that does not come back), not a bug: a WardenError, printed as one line.
 */
export class WaitTimeoutError extends WardenError {
  override readonly name = 'WaitTimeoutError';
  constructor(
    message: string,
    readonly lastError?: unknown,
  ) {
    super(message);
  }
}

/** Thrown by a check to end the wait at once with `error` (something that will not get better by waiting). */
export class EndWait {
  constructor(readonly error: unknown) {}
}

/**
 * Polls `check` until it returns a value other than undefined/false, or the bound passes.
 * A check that throws counts as "not yet"; its last error is reported on timeout. A check that
 * throws an EndWait ends the wait at once with the error it carries.
 */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      if (err instanceof EndWait) throw err.error;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new WaitTimeoutError(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${why}`, lastError);
    }
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (its listener is removed either way). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `work`, or `onAbort()` thrown as soon as `signal` aborts, whichever comes first: a wait on
 * something that does not watch the signal (a member that does not answer) still ends at Ctrl-C.
 * The listener is removed either way; `work` itself runs on, unobserved.
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const aborted = () => {
      work.catch(() => {});
      reject(onAbort());
    };
    signal.addEventListener('abort', aborted, { once: true });
    const settle = <V>(fn: (v: V) => void) => (v: V) => {
      signal.removeEventListener('abort', aborted);
      fn(v);
    };
    work.then(settle(resolve), settle(reject));
  });
}

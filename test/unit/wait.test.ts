// Bounded waits: a wait that runs out is a one-line WardenError, and a delay leaves nothing behind.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { WardenError } from '../../src/errors.ts';
import { delay, unlessAborted, waitFor, WaitTimeoutError } from '../../src/util/wait.ts';

describe('waitFor and delay', () => {
  it('a wait that runs out is a WardenError naming what it waited for and the last error', async () => {
    let n = 0;
    await assert.rejects(
      waitFor(() => {
        if (++n > 1) throw new Error('not yet there');
        return false;
      }, { timeoutMs: 30, intervalMs: 5, what: 'the thing' }),
      (err: unknown) => err instanceof WaitTimeoutError && err instanceof WardenError && err.exitCode === 1 && err.message === 'timed out after 30 ms waiting for the thing: not yet there',
    );
  });

  it('a delay removes its abort listener when it ends, so many delays on one signal do not pile up', async () => {
    const abort = new AbortController();
    for (let i = 0; i < 20; i++) await delay(1, abort.signal);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
    const pending = delay(60_000, abort.signal);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
    abort.abort();
    await pending;
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
    await delay(60_000, abort.signal); // already aborted: at once
  });

  it('unlessAborted ends a wait on work that never settles as soon as the signal aborts, and leaves no listener', async () => {
    const ac = new AbortController();
    const never = new Promise<number>(() => {});
    const waiting = unlessAborted(never, ac.signal, () => new WardenError('interrupted'));
    setImmediate(() => ac.abort());
    await assert.rejects(waiting, /^WardenError: interrupted$/);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
    const done = new AbortController();
    assert.equal(await unlessAborted(Promise.resolve(7), done.signal, () => new Error('no')), 7);
    assert.equal(getEventListeners(done.signal, 'abort').length, 0);
  });
});

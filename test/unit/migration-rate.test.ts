// The migration throttle: spaces calls by the rate, and waiters on one abort signal share one
// listener (16 workers each adding their own made Node warn about a listener leak on stderr).
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { rateLimiter } from '../../src/encryption/migration.ts';

describe('migration rate limiter', () => {
  it('16 waiters hold one abort listener, none once they are through, and an abort releases them at once', async () => {
    const abort = new AbortController();
    const throttle = rateLimiter(200, abort.signal);
    const started = Date.now();
    await Promise.all(Array.from({ length: 16 }, () => throttle()));
    assert.ok(Date.now() - started >= 70, 'spaced 5 ms apart: the 16th waits about 75 ms');
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);

    const slow = rateLimiter(0.01, abort.signal); // one call per 100 s
    await slow(); // the first goes at once
    const waiting = Array.from({ length: 16 }, () => slow());
    assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
    const before = Date.now();
    abort.abort();
    await Promise.all(waiting);
    assert.ok(Date.now() - before < 5_000, 'released by the abort, not by the timers');
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
    await slow(); // aborted: at once
  });
});

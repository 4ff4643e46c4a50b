// Failed authentications per client (pure; the clock is passed in): after `max` failures within
// `windowMs`, the client is refused (429) until the oldest of them leaves the window. Only
// credentials that were presented and wrong count (a bad token, a certificate the CA did not
// sign, an expired token): a request without any credentials guesses nothing.
export interface FailureLimit {
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILURE_LIMIT: FailureLimit = { max: 10, windowMs: 60_000 };

export class FailureLimiter {
  /** Per client, the times of its last failures (at most `max`), oldest first. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly limit: FailureLimit = DEFAULT_FAILURE_LIMIT,
    /** Clients remembered at most; the ones not seen for longest are forgotten first. */
    private readonly maxClients = 10_000,
  ) {}

  private recent(client: string, now: number): number[] {
    const times = (this.failures.get(client) ?? []).filter((t) => t > now - this.limit.windowMs);
    if (times.length) this.failures.set(client, times);
    else this.failures.delete(client);
    return times;
  }

  /** Milliseconds until `client` may try credentials again; 0 when it may now. */
  blockedFor(client: string, now: number): number {
    if (!this.failures.has(client)) return 0;
    const times = this.recent(client, now);
    return times.length >= this.limit.max ? (times[0] as number) + this.limit.windowMs - now : 0;
  }

  fail(client: string, now: number): void {
    const times = this.recent(client, now);
    times.push(now);
    this.failures.delete(client); // re-inserted last: Map order is least recently failed first
    this.failures.set(client, times.slice(-this.limit.max));
    while (this.failures.size > this.maxClients) this.failures.delete(this.failures.keys().next().value as string);
  }
}

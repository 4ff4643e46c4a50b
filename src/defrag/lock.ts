// One maintenance action at a time: the automatic defrag and the NOSPACE recovery both take
// members out in turn, and two of them interleaving could take out two members at once.

export class MaintenanceLock {
  private tail: Promise<unknown> = Promise.resolve();
  private held = false;

  get busy(): boolean {
    return this.held;
  }

  /** Runs `fn` after every earlier holder has finished. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      this.held = true;
      try {
        return await fn();
      } finally {
        this.held = false;
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
}

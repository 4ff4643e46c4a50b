// The one error type users see. Every failure a user can hit is a WardenError whose message
// is one line: what went wrong, then what to do about it. The CLI prints `Error: <message>`
// and exits with `exitCode`; anything that is not a WardenError is a bug and prints a stack.

export class WardenError extends Error {
  override readonly name: string = 'WardenError';
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}

/** Bad flags or arguments: nothing was attempted. */
export class UsageError extends WardenError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

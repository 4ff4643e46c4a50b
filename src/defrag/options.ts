// Parsing of the defragmentation flags that are neither durations nor sizes (those go through
// util/duration.ts and util/size.ts): percentages, failing with one line.
import { UsageError } from '../errors.ts';

/** A percentage from 0 to 100 (a trailing % is accepted). */
export function parsePercent(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`${flag} must be a percentage from 0 to 100 (got "${text}"): e.g. ${flag} 45`);
  return n;
}


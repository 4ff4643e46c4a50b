// Parsing of the defragmentation flags shared by `warden defrag`, `warden space recover` and
// the operator: durations that may be zero, sizes and percentages, each failing with one line.
import { UsageError } from '../errors.ts';
import { parseSize } from '../backup/retention.ts';
import { parseDuration } from '../util/duration.ts';

/** A Go-style duration where 0 (or 0s) is allowed: "no minimum wait". */
export function parseWait(text: string, flag: string): number {
  if (/^\s*0+(?:\.0+)?(?:ms|s|m|h)?\s*$/.test(text)) return 0;
  return parseDuration(text, flag);
}

/** A percentage from 0 to 100 (a trailing % is accepted). */
export function parsePercent(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`${flag} must be a percentage from 0 to 100 (got "${text}")`);
  return n;
}

/** A size such as 100MiB, 1GB or 1048576. */
export function parseBytes(text: string, flag: string): number {
  const n = parseSize(text);
  if (n === undefined) throw new UsageError(`bad ${flag} "${text}": use a size like 100MiB, 1GB or 1048576`);
  return n;
}

/** --lock-timeout: 0 (do not wait) up to 24h. */
export function parseLockTimeout(text: string, flag: string, maxMs = 24 * 3_600_000): number {
  const ms = parseWait(text, flag);
  if (ms > maxMs) throw new UsageError(`${flag} "${text}" is too long: give at most ${maxMs / 3_600_000}h`);
  return ms;
}

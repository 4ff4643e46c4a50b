// Go-style durations ("500ms", "5s", "1m30s"), the form etcdctl's --command-timeout takes, and
// the one parser every duration flag goes through: bounded, so a typo cannot become a deadline
// gRPC refuses or a timer Node silently fires after 1 ms.
import { UsageError } from '../errors.ts';

/** Node's setTimeout/setInterval limit: a longer delay fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export const HOUR_MS = 3_600_000;
/** The bound of a duration flag that says nothing else. */
export const DEFAULT_MAX_DURATION_MS = 24 * HOUR_MS;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: HOUR_MS };

export interface DurationBounds {
  /** The longest accepted, in milliseconds (default 24h). */
  maxMs?: number;
  /** Whether 0 (or 0s...) is accepted, meaning "none". */
  allowZero?: boolean;
}

/** Parses a Go-style duration into milliseconds; `flag` names the option in the error. */
export function parseDuration(text: string, flag: string, bounds: DurationBounds = {}): number {
  const s = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    pos = re.lastIndex;
  }
  if (bounds.allowZero && /^0+(?:\.0+)?$/.test(s)) return 0;
  if (s.length === 0 || pos !== s.length || total < 0 || (total === 0 && !bounds.allowZero)) {
    throw new UsageError(`invalid duration "${text}" for ${flag}: use a form like 500ms, 5s or 1m30s`);
  }
  const max = bounds.maxMs ?? DEFAULT_MAX_DURATION_MS;
  if (!(total <= max)) throw new UsageError(`duration "${text}" for ${flag} is too long: give at most ${formatBound(max)}`);
  return total;
}

/** A bound in the largest whole unit: 24h, 90m, 30s, 2147483647ms. */
function formatBound(ms: number): string {
  for (const [unit, size] of [['h', HOUR_MS], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Formats milliseconds the way Go prints a time.Duration (e.g. 2.345ms, 1.5s). */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${trim(ms)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${trim((ms - m * 60_000) / 1000)}s`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(6)));
}

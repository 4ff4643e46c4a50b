// Go-style durations ("500ms", "5s", "1m30s"), the form etcdctl's --command-timeout takes.
import { UsageError } from '../errors.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration into milliseconds; `flag` names the option in the error. */
export function parseDuration(text: string, flag: string): number {
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
  if (s.length === 0 || pos !== s.length || total <= 0) {
    throw new UsageError(`invalid duration "${text}" for ${flag}: use a form like 500ms, 5s or 1m30s`);
  }
  return total;
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

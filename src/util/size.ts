// Sizes ("100MiB", "10GiB", "500MB", "1048576"): the one parser every size flag goes through,
// bounded so a typo cannot become a number past 2^53 that compares as anything.
import { UsageError } from '../errors.ts';

const KiB = 1024;
/** The bound of a size flag that says nothing else. */
export const DEFAULT_MAX_SIZE = KiB ** 5;

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, ki: KiB, kib: KiB,
  m: 1e6, mb: 1e6, mi: KiB ** 2, mib: KiB ** 2,
  g: 1e9, gb: 1e9, gi: KiB ** 3, gib: KiB ** 3,
  t: 1e12, tb: 1e12, ti: KiB ** 4, tib: KiB ** 4,
  p: 1e15, pb: 1e15, pi: KiB ** 5, pib: KiB ** 5,
};

export interface SizeBounds {
  /** The largest accepted, in bytes (default 1PiB). */
  max?: number;
  /** Whether 0 is accepted. */
  allowZero?: boolean;
}

/** Parses a size into bytes; `flag` names the option in the error. */
export function parseSize(text: string, flag: string, bounds: SizeBounds = {}): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[(m[2] as string).toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (Number.isNaN(n) || (n === 0 && !bounds.allowZero)) {
    throw new UsageError(`invalid size "${text}" for ${flag}: use a form like 100MiB, 10GiB or 1048576${bounds.allowZero ? '' : ' (more than 0)'}`);
  }
  const max = bounds.max ?? DEFAULT_MAX_SIZE;
  if (!(n <= max)) throw new UsageError(`size "${text}" for ${flag} is too big: give at most ${formatBound(max)}`);
  return n;
}

function formatBound(n: number): string {
  for (const [unit, size] of [['PiB', KiB ** 5], ['TiB', KiB ** 4], ['GiB', KiB ** 3], ['MiB', KiB ** 2], ['KiB', KiB]] as const) {
    if (n % size === 0) return `${n / size}${unit}`;
  }
  return String(n);
}

// Retention (pure): which backup sets to delete so that at most `count` sets, at most
// `totalBytes` in all, and none older than `maxAgeMs` remain. The newest set is always kept.

export interface RetentionPolicy {
  count?: number;
  totalBytes?: number;
  maxAgeMs?: number;
}

export interface SetInfo {
  timestamp: string;
  time: Date;
  size: number;
}

export const DEFAULT_RETENTION: Required<Pick<RetentionPolicy, 'count' | 'totalBytes'>> = { count: 15, totalBytes: 10 * 1024 ** 3 };

/** The sets to delete, oldest first. */
export function setsToDelete(sets: SetInfo[], policy: RetentionPolicy, now: Date): SetInfo[] {
  const newestFirst = [...sets].sort((a, b) => b.time.getTime() - a.time.getTime());
  const keep: SetInfo[] = [];
  const drop: SetInfo[] = [];
  let bytes = 0;
  for (const [i, s] of newestFirst.entries()) {
    const tooMany = policy.count !== undefined && keep.length >= policy.count;
    const tooBig = policy.totalBytes !== undefined && bytes + s.size > policy.totalBytes;
    const tooOld = policy.maxAgeMs !== undefined && now.getTime() - s.time.getTime() > policy.maxAgeMs;
    if (i > 0 && (tooMany || tooBig || tooOld)) drop.push(s);
    else {
      keep.push(s);
      bytes += s.size;
    }
  }
  return drop.reverse();
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, ki: 1024, kib: 1024, m: 1e6, mb: 1e6, mi: 1024 ** 2, mib: 1024 ** 2, g: 1e9, gb: 1e9, gi: 1024 ** 3, gib: 1024 ** 3, t: 1e12, tb: 1e12, ti: 1024 ** 4, tib: 1024 ** 4 };

/** "10GiB", "500MB", "1024" -> bytes; undefined when not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = SIZE_UNITS[(m[2] as string).toLowerCase()];
  return unit === undefined ? undefined : Math.floor(Number(m[1]) * unit);
}

// Retention (pure): which backup sets to delete so that at most `count` sets, at most
// `totalBytes` in all, and none older than `maxAgeMs` remain. The newest set is always kept.
import type { RetentionPolicy } from '../console/api.ts';

export type { RetentionPolicy } from '../console/api.ts';

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

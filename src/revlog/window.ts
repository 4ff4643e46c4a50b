// The recoverable window (pure): from the revision log's runs and the backup sets, which
// revisions a point-in-time restore can reach. A run reaches back to the oldest set of its
// cluster whose snapshot it continues (a snapshot inside the run, or the one it starts after);
// revisions between two runs are a gap no restore reaches (only a set's own revision there).
import type { Gap, Window } from '../console/api.ts';
import type { LogChain } from './reader.ts';

export type { Gap, Window } from '../console/api.ts';

export interface WindowSet {
  timestamp: string;
  clusterId: string;
  revision: number;
}

export function recoverableWindows(chains: LogChain[], sets: WindowSet[]): { windows: Window[]; gaps: Gap[] } {
  const windows: Window[] = [];
  const gaps: Gap[] = [];
  for (const chain of chains) {
    const mine = sets.filter((s) => s.clusterId === chain.cluster).sort((a, b) => a.revision - b.revision);
    chain.runs.forEach((run, i) => {
      const start = mine.find((s) => s.revision >= run.first - 1 && s.revision <= run.last);
      if (start) windows.push({ cluster: chain.cluster, from: start.revision, to: run.last, backup: start.timestamp, ...(run.lastTime !== undefined ? { toTime: run.lastTime } : {}) });
      const next = chain.runs[i + 1];
      if (next) gaps.push({ cluster: chain.cluster, from: run.last + 1, to: next.first - 2 });
    });
  }
  return { windows, gaps };
}

/** The window's lines for `backup list`. */
export function windowLines(root: string, w: { windows: Window[]; gaps: Gap[] }, backupDir: string): string[] {
  if (w.windows.length === 0 && w.gaps.length === 0) return [];
  const time = (ms: number | undefined): string => (ms === undefined ? '' : ` (${new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')})`);
  return [
    `point in time (revision log ${root}):`,
    ...w.windows.map((x) => `  cluster ${x.cluster}: revisions ${x.from} to ${x.to}${time(x.toTime)}, from backup ${x.backup}`),
    ...w.gaps.map((g) => `  cluster ${g.cluster}: gap, revisions ${g.from} to ${g.to} cannot be restored to (the log fell behind a compaction)`),
    ...(w.windows.length === 0 ? ['  no backup set of a logged cluster is kept (or readable: encrypted sets need --identity): the log cannot be replayed onto anything'] : []),
    ...(w.windows.length ? [`  restore one with: warden restore ${backupDir} --to-revision N (or --to-time TIME)`] : []),
  ];
}

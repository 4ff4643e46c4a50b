// The seeds' two space alerts as conditions (pure), evaluated over sampled member sizes the way
// Prometheus evaluates an alert with `for:` — the expression must have held at every sample
// for the whole duration:
//   EtcdDatabaseQuotaLowSpace           DB size above 50 % of the quota for 10 minutes
//   EtcdDatabaseHighFragmentationRatio  in use below 50 % of the DB size for 10 minutes
// deploy/prometheus-rules.yaml holds the same two rules over etcd's own metric names.
import { humanBytes } from '../cli/printer.ts';
import { formatDuration } from '../util/duration.ts';

export interface SpaceSample {
  /** Milliseconds since the epoch. */
  time: number;
  member: string;
  dbSize: number;
  dbSizeInUse: number;
  quotaBytes: number;
}

export interface SpaceAlertOptions {
  /** How long the expression must hold (Prometheus `for:`); the seeds say 10 minutes. */
  forMs: number;
  /** DB size / quota above which QuotaLowSpace holds (0.5). */
  quotaRatio?: number;
  /** In use / DB size below which HighFragmentationRatio holds (0.5). */
  inUseRatio?: number;
  /** A gap between samples longer than this breaks a streak (the data is not continuous). */
  maxGapMs: number;
}

export interface AlertCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export const QUOTA_LOW_SPACE = 'EtcdDatabaseQuotaLowSpace';
export const HIGH_FRAGMENTATION = 'EtcdDatabaseHighFragmentationRatio';
export const DEFAULT_ALERT_FOR_MS = 10 * 60_000;

interface Rule {
  type: string;
  holds: (s: SpaceSample) => boolean;
  firingReason: string;
  describe: (s: SpaceSample) => string;
  what: string;
  fix: string;
}

function rules(o: SpaceAlertOptions): Rule[] {
  const q = o.quotaRatio ?? 0.5;
  const u = o.inUseRatio ?? 0.5;
  return [
    {
      type: QUOTA_LOW_SPACE,
      holds: (s) => s.quotaBytes > 0 && s.dbSize > q * s.quotaBytes,
      firingReason: 'QuotaLowSpace',
      describe: (s) => `DB ${humanBytes(s.dbSize)} is ${pct(s.dbSize / s.quotaBytes)} of the ${humanBytes(s.quotaBytes)} quota`,
      what: `above ${pct(q)} of its quota`,
      fix: 'defragment (`warden defrag`), delete or compact data, or raise --quota-backend-bytes before etcd raises NOSPACE',
    },
    {
      type: HIGH_FRAGMENTATION,
      holds: (s) => s.dbSize > 0 && s.dbSizeInUse < u * s.dbSize,
      firingReason: 'HighFragmentation',
      describe: (s) => `${humanBytes(s.dbSizeInUse)} of ${humanBytes(s.dbSize)} in use (${pct(s.dbSizeInUse / s.dbSize)})`,
      what: `under ${pct(u)} in use`,
      fix: 'run `warden defrag` to give the free pages back to the file system',
    },
  ];
}

function pct(r: number): string {
  return `${Math.round(r * 100)}%`;
}

/** When the current unbroken run of samples satisfying `holds` began; undefined if none. */
export function streakStart(samples: SpaceSample[], holds: (s: SpaceSample) => boolean, now: number, maxGapMs: number): number | undefined {
  let since: number | undefined;
  let prev: number | undefined;
  for (const s of samples) {
    if (prev !== undefined && s.time - prev > maxGapMs) since = undefined;
    since = holds(s) ? (since ?? s.time) : undefined;
    prev = s.time;
  }
  if (prev === undefined || now - prev > maxGapMs) return undefined;
  return since;
}

/** Both conditions for the sampled history (any order); members evaluated separately. */
export function evaluateSpaceAlerts(history: SpaceSample[], now: number, o: SpaceAlertOptions): AlertCondition[] {
  const byMember = new Map<string, SpaceSample[]>();
  for (const s of [...history].sort((a, b) => a.time - b.time)) {
    const list = byMember.get(s.member) ?? [];
    list.push(s);
    byMember.set(s.member, list);
  }
  const fresh = [...byMember.values()].some((l) => now - (l.at(-1) as SpaceSample).time <= o.maxGapMs);
  return rules(o).map((r): AlertCondition => {
    if (!fresh) return { type: r.type, status: 'Unknown', reason: 'NoData', message: 'no recent member sizes: the operator could not read any member status' };
    const firing: string[] = [];
    const pending: string[] = [];
    for (const [member, samples] of [...byMember.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      const since = streakStart(samples, r.holds, now, o.maxGapMs);
      if (since === undefined) continue;
      const last = samples.at(-1) as SpaceSample;
      if (now - since >= o.forMs) firing.push(`${member}: ${r.describe(last)} (${r.what} for ${formatDuration(now - since)})`);
      else pending.push(`${member} ${r.what} for ${formatDuration(now - since)} of ${formatDuration(o.forMs)}`);
    }
    if (firing.length) return { type: r.type, status: 'True', reason: r.firingReason, message: `${firing.join('; ')}: ${r.fix}` };
    if (pending.length) return { type: r.type, status: 'False', reason: 'Pending', message: pending.join('; ') };
    return { type: r.type, status: 'False', reason: 'AsExpected', message: `no member ${r.what}` };
  });
}

/** Drops samples no evaluation needs any more (older than `keepMs`). */
export function pruneHistory(history: SpaceSample[], now: number, keepMs: number): SpaceSample[] {
  return history.filter((s) => now - s.time <= keepMs);
}

// The console's History: a sample of the cluster every minute (each member's DB size, in use,
// raft term and leadership, and the cluster's revision), taken by the leading operator and kept in
// etcd, one key per hour under a lease of 25 hours, so the last 24 hours survive an operator
// restart and a change of leader, and the store stays bounded (at most 25 keys of 60 samples).
// From the samples (pure): per-member DB size, in use and fragmentation, the write rate
// (revisions per second), leader changes (a raft term that grew) and defragmentations (a DB file
// that shrank).
import type { EtcdClient } from '../etcd/client.ts';
import { compare, op } from '../etcd/txn.ts';
import { memberViews } from '../defrag/rolling.ts';
import type { Controller, ReconcileContext } from '../operator/controller.ts';
import { WARDEN_PREFIX } from '../operator/conditions.ts';
import type { History } from './api.ts';

const HISTORY = `${WARDEN_PREFIX}console/history/`;
export const HISTORY_WINDOW_MS = 24 * 3600_000;
const KEY_TTL_SECONDS = 25 * 3600;

export interface MemberSample {
  /** Name. */
  n: string;
  db: number;
  use: number;
  /** Raft term (undefined: the member did not answer). */
  term?: number;
  leader: boolean;
}

export interface Sample {
  /** ms */
  t: number;
  rev: number;
  m: MemberSample[];
}

const hourKey = (t: number): string => `${HISTORY}${new Date(t).toISOString().slice(0, 13)}`;

/**
 * Appends a sample to its hour's key (made with a lease of 25 hours when the hour starts), only
 * if nobody changed the key meanwhile (two operators for a moment during a failover).
 */
export async function recordSample(client: EtcdClient, s: Sample): Promise<void> {
  const key = hourKey(s.t);
  const got = (await client.get(key)).kvs[0];
  const prev = got ? (JSON.parse(got.value.toString('utf8')) as Sample[]) : [];
  const lease = got && got.lease !== 0n ? got.lease : await client.leaseGrant(KEY_TTL_SECONDS);
  await client.txn({ compare: [compare.modRevision(key, '=', got?.modRevision ?? 0)], success: [op.put(key, JSON.stringify([...prev, s]), { lease })] });
}

export async function readSamples(client: EtcdClient, now = Date.now()): Promise<Sample[]> {
  const res = await client.get(HISTORY, { prefix: true });
  const out: Sample[] = [];
  for (const kv of res.kvs) {
    try {
      out.push(...(JSON.parse(kv.value.toString('utf8')) as Sample[]));
    } catch {
      /* a damaged hour is skipped */
    }
  }
  return out.filter((s) => s.t >= now - HISTORY_WINDOW_MS).sort((a, b) => a.t - b.t);
}

/** Pure: the charts' series from the samples. */
export function historyOf(samples: Sample[], intervalMs: number): History {
  const names = [...new Set(samples.flatMap((s) => s.m.map((m) => m.n)))].sort();
  const members = names.map((name) => {
    const at = samples.map((s) => s.m.find((m) => m.n === name));
    return {
      name,
      dbSize: at.map((m) => (m && m.db > 0 ? m.db : null)),
      inUse: at.map((m) => (m && m.db > 0 ? m.use : null)),
      fragmentation: at.map((m) => (m && m.db > 0 ? Math.round((1 - m.use / m.db) * 1000) / 10 : null)),
    };
  });
  const writeRate = samples.map((s, i) => {
    const p = samples[i - 1];
    if (!p || s.rev < p.rev || s.t <= p.t) return null;
    return Math.round(((s.rev - p.rev) / ((s.t - p.t) / 1000)) * 100) / 100;
  });
  const leaderChanges: History['leaderChanges'] = [];
  const defrags: History['defrags'] = [];
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i] as Sample;
    const p = samples[i - 1] as Sample;
    const term = (x: Sample) => Math.max(0, ...x.m.map((m) => m.term ?? 0));
    const leader = s.m.find((m) => m.leader)?.n;
    if (term(s) > term(p) && term(p) > 0) leaderChanges.push({ time: s.t, ...(leader ? { leader } : {}) });
    for (const m of s.m) {
      const before = p.m.find((x) => x.n === m.n);
      if (before && m.db > 0 && before.db > 0 && m.db < before.db) defrags.push({ time: s.t, member: m.n, from: before.db, to: m.db });
    }
  }
  return { times: samples.map((s) => s.t), members, writeRate, leaderChanges, defrags, intervalMs };
}

export const DEFAULT_HISTORY_INTERVAL_MS = 60_000;

/** The sampler: while this operator leads, one sample per interval. */
export function historyController(opts: { intervalMs?: number } = {}): Controller {
  return {
    name: 'console-history',
    intervalMs: opts.intervalMs ?? DEFAULT_HISTORY_INTERVAL_MS,
    async reconcile(ctx: ReconcileContext) {
      const { members } = await ctx.client.memberList();
      const [views, { header }] = await Promise.all([memberViews(ctx.client, members), ctx.client.get('\0', { countOnly: true })]);
      await recordSample(ctx.client, {
        t: Date.now(),
        rev: header.revision,
        m: views.map((v) => ({ n: v.name, db: v.dbSize, use: v.dbSizeInUse, ...(v.raftTerm !== undefined ? { term: v.raftTerm } : {}), leader: v.isLeader })),
      });
    },
  };
}

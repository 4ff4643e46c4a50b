// The seeds' space alerts as conditions over sampled sizes (Prometheus `for:` semantics), and
// reading the quota from a member's /metrics text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { DEFAULT_ALERT_FOR_MS, evaluateSpaceAlerts, HIGH_FRAGMENTATION, pruneHistory, QUOTA_LOW_SPACE, streakStart, type SpaceSample } from '../../src/defrag/alerts.ts';
import { parseQuotaMetric } from '../../src/defrag/quota.ts';

const MIN = 60_000;
const QUOTA = 8 * 1024 * 1024;
const opts = { forMs: 10 * MIN, maxGapMs: 2 * MIN };

/** One sample a minute from minute `from` to `to` for `member`. */
function series(member: string, from: number, to: number, f: (minute: number) => { dbSize: number; dbSizeInUse: number }): SpaceSample[] {
  const out: SpaceSample[] = [];
  for (let m = from; m <= to; m++) out.push({ time: m * MIN, member, quotaBytes: QUOTA, ...f(m) });
  return out;
}

function cond(history: SpaceSample[], now: number, type: string) {
  const c = evaluateSpaceAlerts(history, now, opts).find((x) => x.type === type);
  assert.ok(c);
  return c;
}

describe('space alerts', () => {
  it('QuotaLowSpace fires only after the DB stayed above 50% of the quota for the whole duration', () => {
    const above = series('etcd-1', 0, 20, (m) => ({ dbSize: m >= 5 ? 0.6 * QUOTA : 0.4 * QUOTA, dbSizeInUse: 0.4 * QUOTA }));
    const pending = cond(above.filter((s) => s.time <= 14 * MIN), 14 * MIN, QUOTA_LOW_SPACE);
    assert.equal(pending.status, 'False');
    assert.equal(pending.reason, 'Pending');
    assert.match(pending.message, /etcd-1 above 50% of its quota for 9m0s of 10m0s/);
    const firing = cond(above.filter((s) => s.time <= 15 * MIN), 15 * MIN, QUOTA_LOW_SPACE);
    assert.equal(firing.status, 'True');
    assert.equal(firing.reason, 'QuotaLowSpace');
    assert.match(firing.message, /^etcd-1: DB 5\.0 MB is 60% of the 8\.4 MB quota \(above 50% of its quota for 10m0s\): defragment/);
  });

  it('a single sample below the threshold restarts the streak', () => {
    const dip = series('etcd-1', 0, 20, (m) => ({ dbSize: m === 12 ? 0.3 * QUOTA : 0.7 * QUOTA, dbSizeInUse: 0.7 * QUOTA }));
    assert.equal(cond(dip, 20 * MIN, QUOTA_LOW_SPACE).status, 'False');
    assert.equal(cond(dip, 20 * MIN, QUOTA_LOW_SPACE).reason, 'Pending');
    assert.equal(cond([...dip, ...series('etcd-1', 21, 23, () => ({ dbSize: 0.7 * QUOTA, dbSizeInUse: 0.7 * QUOTA }))], 23 * MIN, QUOTA_LOW_SPACE).status, 'True');
  });

  it('a gap in the samples (no data) breaks the streak', () => {
    const gappy = [...series('etcd-1', 0, 4, () => ({ dbSize: 0.9 * QUOTA, dbSizeInUse: 0.9 * QUOTA })), ...series('etcd-1', 8, 12, () => ({ dbSize: 0.9 * QUOTA, dbSizeInUse: 0.9 * QUOTA }))];
    assert.equal(streakStart(gappy, () => true, 12 * MIN, opts.maxGapMs), 8 * MIN);
    assert.equal(cond(gappy, 12 * MIN, QUOTA_LOW_SPACE).status, 'False');
    // Stale data: nothing sampled lately says nothing about now.
    assert.equal(cond(series('etcd-1', 0, 20, () => ({ dbSize: QUOTA, dbSizeInUse: QUOTA })), 30 * MIN, QUOTA_LOW_SPACE).status, 'Unknown');
  });

  it('HighFragmentationRatio fires when in use stays under half of the DB size; members are judged apart', () => {
    const frag = [
      ...series('etcd-1', 0, 12, () => ({ dbSize: 4_000_000, dbSizeInUse: 1_000_000 })),
      ...series('etcd-2', 0, 12, () => ({ dbSize: 4_000_000, dbSizeInUse: 3_000_000 })),
    ];
    const c = cond(frag, 12 * MIN, HIGH_FRAGMENTATION);
    assert.equal(c.status, 'True');
    assert.equal(c.reason, 'HighFragmentation');
    assert.match(c.message, /^etcd-1: 1\.0 MB of 4\.0 MB in use \(25%\)/);
    assert.doesNotMatch(c.message, /etcd-2/);
    assert.equal(cond(frag, 12 * MIN, QUOTA_LOW_SPACE).status, 'False');
    assert.equal(cond(frag, 12 * MIN, QUOTA_LOW_SPACE).reason, 'AsExpected');
  });

  it('is Unknown without samples, and the duration is configurable', () => {
    assert.equal(cond([], 0, HIGH_FRAGMENTATION).status, 'Unknown');
    const quick = series('etcd-1', 0, 2, () => ({ dbSize: 10, dbSizeInUse: 1 }));
    assert.equal(evaluateSpaceAlerts(quick, 2 * MIN, { forMs: 2 * MIN, maxGapMs: 2 * MIN }).find((x) => x.type === HIGH_FRAGMENTATION)?.status, 'True');
  });

  it('pruning keeps what the evaluation needs', () => {
    const h = series('etcd-1', 0, 30, () => ({ dbSize: QUOTA, dbSizeInUse: QUOTA }));
    const kept = pruneHistory(h, 30 * MIN, 14 * MIN);
    assert.equal(kept[0]?.time, 16 * MIN);
    assert.equal(cond(kept, 30 * MIN, QUOTA_LOW_SPACE).status, 'True', 'a pruned history still proves the whole duration');
  });

  it("reads etcd_server_quota_backend_bytes from a member's /metrics (Go's float format)", () => {
    const text = [
      '# HELP etcd_server_quota_backend_bytes Current backend storage quota size in bytes.',
      '# TYPE etcd_server_quota_backend_bytes gauge',
      'etcd_server_quota_backend_bytes 4.194304e+06',
      'etcd_server_quota_backend_bytes_total 1',
    ].join('\n');
    assert.equal(parseQuotaMetric(text), 4194304);
    assert.equal(parseQuotaMetric('etcd_server_quota_backend_bytes 2.147483648e+09\n'), 2147483648);
    assert.equal(parseQuotaMetric('etcd_mvcc_db_total_size_in_bytes 20480\n'), undefined);
  });

  it('deploy/prometheus-rules.yaml holds the same two alerts over etcd\'s metric names', () => {
    const doc = YAML.parse(fs.readFileSync(new URL('../../deploy/prometheus-rules.yaml', import.meta.url), 'utf8')) as { groups: { rules: { alert: string; expr: string; for: string }[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules);
    assert.deepEqual(rules.map((r) => r.alert), [QUOTA_LOW_SPACE, HIGH_FRAGMENTATION]);
    for (const r of rules) assert.equal(r.for, `${DEFAULT_ALERT_FOR_MS / 60_000}m`);
    assert.match(rules[0]!.expr, /etcd_mvcc_db_total_size_in_bytes \/ etcd_server_quota_backend_bytes\) \* 100 > 50/);
    assert.match(rules[1]!.expr, /etcd_mvcc_db_total_size_in_use_in_bytes \/ etcd_mvcc_db_total_size_in_bytes\) < 0\.5/);
  });
});

// The console's pure parts: the member rows the overview shows, the login URL `warden console`
// prints, which operator's URL it picks, and the restore commands the Backups page shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loginUrl } from '../../src/cli/commands/console.ts';
import { restoreCommand, shellWord } from '../../src/console/backups.ts';
import { keyTimes } from '../../src/console/encryption.ts';
import { historyOf, type Sample } from '../../src/console/history.ts';
import { memberRows } from '../../src/console/overview.ts';
import { consoleUrl } from '../../src/console/sessions.ts';
import type { MemberView } from '../../src/defrag/policy.ts';

const view = (name: string, o: Partial<MemberView> = {}): MemberView => ({
  id: BigInt(name.length * 1000 + name.charCodeAt(name.length - 1)), name, endpoint: `http://127.0.0.1:${name.length}`, isLeader: false, isLearner: false,
  dbSize: 1000, dbSizeInUse: 600, raftAppliedIndex: 100, healthy: true, ...o,
});

describe('console', () => {
  it('member rows: fragmentation in percent, the lag behind the leader, the quota where known, nothing made up for a member that does not answer', () => {
    const rows = memberRows([
      view('etcd-1', { isLeader: true, raftAppliedIndex: 120 }),
      view('etcd-2', { raftAppliedIndex: 117 }),
      view('etcd-3', { healthy: false, error: 'connection refused', dbSize: 0, dbSizeInUse: 0, raftAppliedIndex: 0 }),
    ], new Map([['http://127.0.0.1:6', 2 ** 31]]));
    assert.deepEqual(rows.map((r) => [r.name, r.fragmentation, r.lag, r.quota, r.healthy]), [
      ['etcd-1', 40, 0, 2 ** 31, true],
      ['etcd-2', 40, 3, 2 ** 31, true],
      ['etcd-3', 0, undefined, 2 ** 31, false],
    ]);
    assert.equal(rows[2]?.error, 'connection refused');
    assert.deepEqual(memberRows([view('a', { raftAppliedIndex: 5 })], new Map()).map((r) => r.lag), [undefined], 'no leader, no lag');
  });

  it('the login URL keeps only the operator\'s origin; a bad --url is one line', () => {
    assert.equal(loginUrl('https://10.0.0.5:9479/some/path', 'wdn_abc'), 'https://10.0.0.5:9479/login?token=wdn_abc');
    assert.throws(() => loginUrl('10.0.0.5:9479', 'x'), /give an https:\/\/ \(or, on loopback, http:\/\/\) address|is not a URL/);
    assert.throws(() => loginUrl('ftp://h', 'x'), /give an https:\/\//);
  });

  it('warden console picks the leading operator\'s URL, else any; none serving is one line', () => {
    const ops = [{ identity: 'a', url: 'https://a:1', since: '' }, { identity: 'b', url: 'https://b:2', since: '' }];
    assert.equal(consoleUrl(ops, 'b'), 'https://b:2');
    assert.equal(consoleUrl(ops, 'gone'), 'https://a:1');
    assert.throws(() => consoleUrl([], undefined), /no operator serves this cluster: start one/);
  });

  it('restore commands: a set on disk (with its keys dir and an identity when encrypted), a set in the bucket, quoted for the shell', () => {
    const row = { timestamp: '2026-12-01_170500', complete: true, dirty: false, encrypted: false, member: 'etcd-1', revision: 9, size: 1, encryption: 'identity', snapshot: '/b/snapshot_2026-12-01_170500.db', archive: '/b/static_kuberesources_2026-12-01_170500.tar.gz' };
    assert.equal(restoreCommand({ ...row, where: 'local' }, { dir: '/var/backups/etcd' }), 'warden restore /var/backups/etcd --timestamp 2026-12-01_170500');
    assert.equal(restoreCommand({ ...row, encrypted: true, where: 'local' }, { dir: '/my backups', keysDir: '/secure/keys' }),
      "warden restore '/my backups' --timestamp 2026-12-01_170500 --keys-dir /secure/keys --identity AGE_IDENTITY_FILE");
    assert.equal(restoreCommand({ ...row, where: 's3', snapshot: 's3://b/etcd/snapshot_2026-12-01_170500.db', archive: 's3://b/etcd/static_kuberesources_2026-12-01_170500.tar.gz' }, { dir: '/x' }),
      'warden restore --from-url "$(warden backup presign s3://b/etcd/snapshot_2026-12-01_170500.db --expires 1h)" --keys-dir DIR_WITH_static_kuberesources_2026-12-01_170500.tar.gz');
    assert.equal(shellWord("it's"), `'it'\\''s'`);
  });

  it('key times come from the encryption controller\'s events: created, then promoted; other events do not count', () => {
    const ev = (time: string, message: string) => ({ time, type: 'Normal' as const, reason: 'x', message, source: 'encryption' });
    const t = keyTimes([
      ev('2026-12-01T10:00:00Z', 'Key 1 (aesgcm) created and added as a read key'),
      ev('2026-12-01T10:00:05Z', 'Key 1 (aesgcm) promoted to write key'),
      ev('2026-12-01T11:00:00Z', 'Key 2 (aesgcm) created and added as a read key'),
      ev('2026-12-01T11:00:01Z', 'Every object of secrets now uses aesgcm:1'),
    ]);
    assert.deepEqual(Object.fromEntries(t), { 1: { created: '2026-12-01T10:00:00Z', promoted: '2026-12-01T10:00:05Z' }, 2: { created: '2026-12-01T11:00:00Z' } });
  });

  it('history: the write rate between samples, a leader change where the raft term grew, a defrag where a DB file shrank, gaps for a member that did not answer', () => {
    const sample = (t: number, rev: number, m: [string, number, number, number | undefined, boolean][]): Sample => ({ t, rev, m: m.map(([n, db, use, term, leader]) => ({ n, db, use, ...(term !== undefined ? { term } : {}), leader })) });
    const h = historyOf([
      sample(0, 100, [['a', 1000, 500, 2, true], ['b', 1000, 800, 2, false]]),
      sample(60_000, 700, [['a', 1000, 500, 2, true], ['b', 0, 0, undefined, false]]),
      sample(120_000, 1300, [['a', 600, 500, 3, false], ['b', 1000, 900, 3, true]]),
      sample(180_000, 50, [['a', 600, 500, 1, true], ['b', 600, 500, 1, false]]),
    ], 60_000);
    assert.deepEqual(h.writeRate, [null, 10, 10, null], 'a revision going back (a restore) is no rate');
    assert.deepEqual(h.members.map((m) => [m.name, m.fragmentation]), [['a', [50, 50, 16.7, 16.7]], ['b', [20, null, 10, 16.7]]]);
    assert.deepEqual(h.leaderChanges, [{ time: 120_000, leader: 'b' }]);
    assert.deepEqual(h.defrags, [{ time: 120_000, member: 'a', from: 1000, to: 600 }, { time: 180_000, member: 'b', from: 1000, to: 600 }]);
  });
});

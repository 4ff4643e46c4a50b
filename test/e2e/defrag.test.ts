// Space management on real 3-member clusters: `warden defrag` under a write load (leadership
// moved before the leader's defrag, no failed write), the operator's automatic defrag and space
// alerts, NOSPACE recovery by hand and by the operator, and bad input.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EtcdClient } from '../../src/etcd/client.ts';
import { EtcdNoSpaceError } from '../../src/etcd/errors.ts';
import { delay } from '../../src/util/wait.ts';
import { certApi, type OperatorApi } from '../helpers/api.ts';
import { Background, cli, startCluster, tempDir, waitUntil, type TestCluster, assertOneErrorLine } from '../helpers/warden.ts';

const FINISHED = /^Finished defragmenting etcd member\[http:\/\/127\.0\.0\.1:\d+\] \(DB size [\d.]+ [kMG]?B -> [\d.]+ [kMG]?B\)$/;


interface MemberInfo {
  name: string;
  url: string;
  id: string;
  leader: boolean;
  dbSize: number;
}

async function members(c: TestCluster, client: EtcdClient): Promise<MemberInfo[]> {
  const rows = await c.status();
  return Promise.all(rows.map(async (r) => {
    const st = await client.member(r.clientURL).status();
    return { name: r.name, url: r.clientURL, id: st.header.member_id.toString(16), leader: st.leader === st.header.member_id, dbSize: st.dbSize };
  }));
}

/** Writes `mb` MB of values, deletes them and compacts: the DB keeps its size, nothing is in use. */
async function fragment(client: EtcdClient, mb: number): Promise<void> {
  const value = Buffer.alloc(100_000, 'f');
  for (let i = 0; i < mb * 10; i++) await client.put(`/frag/${i}`, value);
  await client.delete('/frag/', { prefix: true });
  const r = await client.put('/frag-done', 'x');
  await client.compact(r.header.revision, { physical: true });
  // bbolt frees the compacted pages only when a later write transaction commits, and each
  // member commits on its own schedule: keep writing until every member reports most of its DB
  // free (the operator's 45 % threshold; a member short of it is rightly left for a later pass).
  const { members } = await client.memberList();
  await waitUntil('every member to show the compacted pages as free', async () => {
    await client.put('/frag-tick', 'x');
    const st = await Promise.all(members.map(async (m) => client.member(m.clientURLs[0]!).status()));
    return st.every((x) => (x.dbSize - x.dbSizeInUse) * 100 >= 60 * x.dbSize) || undefined;
  }, 30_000);
}


interface Ev {
  time: string;
  reason: string;
  message: string;
  source: string;
}

async function events(api: OperatorApi): Promise<Ev[]> {
  return (await (await api.fetch('/events')).json()) as Ev[];
}

async function conditions(c: TestCluster): Promise<Record<string, { status: string; reason: string; message: string }>> {
  const r = await c.run(['status', '-w', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { conditions: { type: string; status: string; reason: string; message: string }[] };
  return Object.fromEntries(s.conditions.map((x) => [x.type, x]));
}

/** The ts of the first log line of `file` whose msg starts with `msg`, at or after `after` (ms). */
function logTime(file: string, msg: string, after = 0): number | undefined {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes(`"msg":"${msg}`)) continue;
    const ts = Date.parse((JSON.parse(line) as { ts: string }).ts);
    if (ts >= after) return ts;
  }
  return undefined;
}

/** Writes `mb` MB of live values (kept): a defragmentation then has that much to copy. */
async function liveData(client: EtcdClient, mb: number): Promise<void> {
  const value = Buffer.alloc(100_000, 'l');
  for (let i = 0; i < mb * 10; i++) await client.put(`/live/${i}`, value);
}

/** Every defragmentation etcd logged after `after` (ms): member, start and end, in start order. */
function defragIntervals(c: TestCluster, names: string[], after: number): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  for (const name of names) {
    let start: number | undefined;
    for (const line of fs.readFileSync(c.memberLog(name), 'utf8').split('\n')) {
      if (!line.includes('defragment"')) continue;
      const rec = JSON.parse(line) as { ts: string; msg: string };
      const ts = Date.parse(rec.ts);
      if (ts < after) continue;
      if (rec.msg === 'starting defragment') start = ts;
      else if (rec.msg === 'finished defragment' && start !== undefined) {
        out.push({ name, start, end: ts });
        start = undefined;
      }
    }
    assert.equal(start, undefined, `${name}: a defragmentation that never finished`);
  }
  return out.sort((a, b) => a.start - b.start);
}

describe('defragmentation and space', () => {
  it('warden defrag --cluster under a write load: followers first, leadership moved before the leader, no failed write', async (t) => {
    const c = await startCluster(t, ['--members', '3']);
    const eps = (await c.status()).map((m) => m.clientURL);
    const admin = new EtcdClient({ endpoints: eps, commandTimeoutMs: 15_000 });
    t.after(() => admin.close());
    await fragment(admin, 8);
    const before = await members(c, admin);
    const leader = before.find((m) => m.leader)!;
    const started = Date.now();

    // The writer talks to the leader, the member the defragmentation would stall. While
    // leadership moves, etcd refuses its proposals at once with "raft proposal dropped" (never
    // appended, so a retry is safe); any other error, or a write that never succeeds, fails.
    const writer = new EtcdClient({ endpoints: [leader.url, ...eps.filter((e) => e !== leader.url)], commandTimeoutMs: 15_000 });
    t.after(() => writer.close());
    let done = false;
    const load = { ok: 0, retried: 0, failed: [] as string[], maxMs: 0 };
    const loop = (async () => {
      for (let i = 0; !done && Date.now() - started < 90_000; i++) {
        const t0 = performance.now();
        for (let attempt = 0; ; attempt++) {
          try {
            await writer.put(`/load/${i}`, `v${i}`);
            load.ok++;
            break;
          } catch (err) {
            if (/raft proposal dropped/.test((err as Error).message) && attempt < 50) {
              load.retried++;
              await delay(10);
              continue;
            }
            load.failed.push((err as Error).message);
            break;
          }
        }
        load.maxMs = Math.max(load.maxMs, performance.now() - t0);
      }
    })();
    const r = await c.run(['defrag', '--cluster', '--wait', '1s', '-w', 'json']);
    done = true;
    await loop;
    t.diagnostic(`writes: ${load.ok} ok, ${load.retried} retried after "raft proposal dropped", slowest ${load.maxMs.toFixed(0)} ms`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(load.failed, []);
    assert.ok(load.ok > 20, `the load ran (${load.ok} writes)`);

    const results = JSON.parse(r.stdout) as { endpoint: string; name: string; id: string; before: number; after: number; durationMs: number; wasLeader: boolean; leaderMovedTo?: { name: string; id: string } }[];
    assert.equal(results.length, 3);
    assert.deepEqual(results.map((x) => x.wasLeader), [false, false, true], 'the leader last');
    assert.equal(results[2]!.name, leader.name);
    assert.equal(results[2]!.id, leader.id);
    for (const x of results) {
      assert.ok(x.after < x.before / 4, `${x.name} shrank: ${x.before} -> ${x.after}`);
      assert.ok(x.durationMs >= 0);
    }
    const newLeader = results[2]!.leaderMovedTo!;
    assert.ok(newLeader && newLeader.name !== leader.name);
    const after = await members(c, admin);
    assert.equal(after.find((m) => m.leader)?.name, newLeader.name, 'leadership stayed where it was moved');

    // etcd's own logs: each follower was defragmented before the transfer, and the old leader
    // only once raft on it had seen the new leader elected.
    const leaderLog = c.memberLog(leader.name);
    const newId = results[2]!.leaderMovedTo!.id;
    const transferStart = logTime(leaderLog, 'leadership transfer starting', started - 1000);
    const followed = logTime(leaderLog, `raft.node: ${leader.id} elected leader ${newId} at term`, started - 1000);
    const leaderDefrag = logTime(leaderLog, 'starting defragment', started - 1000);
    assert.ok(transferStart && followed && leaderDefrag, 'transfer, new leader and defrag logged');
    assert.ok(transferStart <= followed && followed <= leaderDefrag, 'the old leader was defragmented after it followed the new leader');
    for (const f of before.filter((m) => !m.leader)) {
      const ts = logTime(c.memberLog(f.name), 'starting defragment', started - 1000);
      assert.ok(ts !== undefined && ts <= transferStart, `${f.name} was defragmented before the leader`);
    }
  });

  it('two warden defrag --cluster at once take turns: never two members defragmenting at the same time', async (t) => {
    const c = await startCluster(t, ['--members', '3']);
    const admin = new EtcdClient({ endpoints: (await c.status()).map((m) => m.clientURL), commandTimeoutMs: 15_000 });
    t.after(() => admin.close());
    // Enough live data that each defragmentation copies ~20 MB and takes measurable time.
    await liveData(admin, 20);
    const started = Date.now();
    const [a, b] = await Promise.all([c.run(['defrag', '--cluster', '--wait', '0']), c.run(['defrag', '--cluster', '--wait', '0'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    for (const r of [a, b]) assert.equal(r.stdout.split('\n').filter((l) => FINISHED.test(l)).length, 3, r.stdout);
    // One of them found the other holding the lock, said so and waited.
    const waited = [a, b].filter((r) => /^Waiting for the defragmentation lock, held by warden defrag --cluster \(pid \d+ on .+, since \d{4}-\d\d-\d\dT[\d:.]+Z\)/m.test(r.stdout));
    assert.equal(waited.length, 1, `one run waited:\n${a.stdout}\n${b.stdout}`);

    // etcd's own logs: six defragmentations (each member twice), none overlapping another.
    const intervals = defragIntervals(c, ['etcd-1', 'etcd-2', 'etcd-3'], started - 1000);
    t.diagnostic(intervals.map((i) => `${i.name} ${i.start - started}..${i.end - started} ms`).join(', '));
    assert.equal(intervals.length, 6);
    assert.ok(intervals.every((i) => i.end - i.start >= 20), 'every defragmentation took measurable time');
    for (let i = 1; i < intervals.length; i++) {
      const prev = intervals[i - 1]!;
      const cur = intervals[i]!;
      assert.ok(cur.start >= prev.end, `${cur.name} started defragmenting at +${cur.start - started} ms while ${prev.name} was still defragmenting (until +${prev.end - started} ms)`);
    }
  });

  it('the defragmentation lock: --lock-timeout ends the wait with one line naming the holder; a holder killed with -9 frees it when its lease expires', async (t) => {
    const c = await startCluster(t, ['--members', '3']);
    // A run that rests a minute after its first member: it holds the lock meanwhile.
    const holder = new Background(['--state-dir', c.stateDir, 'defrag', '--cluster', '--wait', '60s']);
    t.after(() => holder.kill('SIGKILL'));
    await holder.waitFor(/^Finished defragmenting etcd member/m, 60_000);

    const t0 = Date.now();
    const busy = await c.run(['defrag', '--cluster', '--lock-timeout', '1s']);
    assertOneErrorLine(busy, /^Error: another defragmentation is running: the lock \/warden\/locks\/defrag is held by warden defrag --cluster \(pid (\d+) on .+, since \d{4}-\d\d-\d\dT[\d:.]+Z\); gave up after 1s \(--lock-timeout\): wait until it ends, or raise --lock-timeout; if that process is gone, the lock frees itself within 10s$/, { only: true });
    assert.equal(Number(/pid (\d+)/.exec(busy.stderr)![1]), holder.child.pid, 'it names the holder');
    assert.ok(Date.now() - t0 >= 1000, 'it waited --lock-timeout first');
    assert.doesNotMatch(busy.stdout, /Finished/);
    const st = await c.run(['status']);
    assert.match(st.stdout, new RegExp(`^Defragmentation: warden defrag --cluster \\(pid ${holder.child.pid} on .+, since .+\\) holds the lock$`, 'm'));

    holder.kill('SIGKILL');
    await holder.exited();
    const killedAt = Date.now();
    const next = await c.run(['defrag', '--cluster', '--wait', '0', '--lock-timeout', '2m']);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, new RegExp(`^Waiting for the defragmentation lock, held by warden defrag --cluster \\(pid ${holder.child.pid} on `, 'm'), 'the killed run still held it');
    assert.equal(next.stdout.split('\n').filter((l) => FINISHED.test(l)).length, 3);
    // Its lease (10 s, renewed every ~3.3 s) outlived the holder by at least 6 s, then expired.
    const first = defragIntervals(c, ['etcd-1', 'etcd-2', 'etcd-3'], killedAt)[0]!;
    t.diagnostic(`first defragmentation after the kill: +${first.start - killedAt} ms`);
    assert.ok(first.start - killedAt >= 6000, `the lock was free only ${first.start - killedAt} ms after the kill`);
    assert.ok(first.start - killedAt <= 30_000, `the lock was taken over only ${first.start - killedAt} ms after the kill`);
  });

  it('the operator defragments fragmented members by itself: followers, then the leader after moving leadership', async (t) => {
    const c = await startCluster(t, ['--members', '3']);
    const admin = new EtcdClient({ endpoints: (await c.status()).map((m) => m.clientURL), commandTimeoutMs: 15_000 });
    t.after(() => admin.close());
    await fragment(admin, 6);
    const before = await members(c, admin);
    const leader = before.find((m) => m.leader)!;
    // 5 s between members: the pass holds the defragmentation lock well after its first member.
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--id', 'op-defrag',
      '--defrag-min-db-size', '1MiB', '--defrag-wait', '5s', '--defrag-interval', '1s', '--space-sample-interval', '500ms']);
    t.after(() => op.kill('SIGKILL'));
    const api = await certApi(t, c, op);
    await waitUntil('the first member defragmented', async () => (await events(api)).some((e) => e.message.startsWith('etcd member has been defragmented: ')), 90_000);
    // The operator holds the same lock as `warden defrag`: a CLI run meanwhile waits, then gives up naming it.
    const busy = await c.run(['defrag', '--cluster', '--lock-timeout', '1s']);
    assertOneErrorLine(busy, /^Error: another defragmentation is running: the lock \/warden\/locks\/defrag is held by operator op-defrag, automatic defragmentation \(pid \d+ on .+, since .+\); gave up after 1s \(--lock-timeout\): /, { only: true });
    assert.doesNotMatch(busy.stdout, /Finished/);
    const done = await waitUntil('three members defragmented', async () => {
      const evs = (await events(api)).filter((e) => e.source === 'defrag');
      return evs.filter((e) => e.message.startsWith('etcd member has been defragmented: ')).length >= 3 ? evs : undefined;
    }, 90_000);
    const seq = done.map((e) => (e.reason === 'LeaderMoved' ? `moved ${e.message.match(/from (\S+)/)![1]}` : e.message.match(/defragmented: ([^,]+), memberID: ([0-9a-f]+)$/)!.slice(1).join(' ')));
    const followers = before.filter((m) => !m.leader);
    assert.deepEqual(seq.slice(0, 2).sort(), followers.map((f) => `${f.name} ${f.id}`).sort(), `followers first; the operator said:\n${op.out}`);
    assert.deepEqual(seq.slice(2), [`moved ${leader.name}`, `${leader.name} ${leader.id}`], 'then leadership moved, then the old leader');
    assert.ok(!done.some((e) => e.message.startsWith('failed defrag on member')));

    const after = await members(c, admin);
    for (const m of after) assert.ok(m.dbSize < before.find((b) => b.name === m.name)!.dbSize / 4, `${m.name} shrank`);
    assert.notEqual(after.find((m) => m.leader)?.name, leader.name);

    const conds = await waitUntil('the degraded condition', async () => (await conditions(c)).DefragControllerDegraded);
    assert.equal(conds.status, 'False');
    assert.equal(conds.reason, 'AsExpected');
    const status = await c.run(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Cluster: 3 of 3 members healthy, quorum 2 kept; leader etcd-\d \([0-9a-f]+\)$/m);
    assert.match(status.stdout, /^Operator: op-defrag leads \(pid \d+ on \S+, since /m);
    assert.match(status.stdout, /^ {2}DefragControllerDegraded=False \(AsExpected\): /m);
    const metrics = await (await api.fetch('/metrics')).text();
    for (const m of before) assert.match(metrics, new RegExp(`^warden_defrag_total\\{member="${m.name}",result="success"\\} 1$`, 'm'));
    assert.match(metrics, /^warden_defrag_leader_moves_total 1$/m);
    assert.match(metrics, /^warden_defrag_duration_seconds_count\{member="etcd-1"\} 1$/m);
    assert.match(metrics, /^etcd_server_quota_backend_bytes\{member="etcd-1"\} 2147483648$/m, "etcd's default quota, read from the member");
    assert.match(metrics, /^warden_member_db_fragmentation_percent\{member="etcd-1"\} [\d.]+$/m);
  });

  it('space alerts become conditions from sampled sizes and clear after a defrag', async (t) => {
    const c = await startCluster(t, ['--members', '3', '--etcd-arg=--quota-backend-bytes=16777216']);
    const admin = new EtcdClient({ endpoints: (await c.status()).map((m) => m.clientURL), commandTimeoutMs: 15_000 });
    t.after(() => admin.close());
    await fragment(admin, 10); // ~10.5 MB of a 16.8 MB quota, almost nothing in use
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--no-auto-defrag', '--space-alert-for', '2s', '--space-sample-interval', '250ms']);
    t.after(() => op.kill('SIGKILL'));
    const api = await certApi(t, c, op);
    const firing = await waitUntil('both space alerts', async () => {
      const cs = await conditions(c);
      return cs.EtcdDatabaseQuotaLowSpace?.status === 'True' && cs.EtcdDatabaseHighFragmentationRatio?.status === 'True' ? cs : undefined;
    }, 30_000);
    assert.match(firing.EtcdDatabaseQuotaLowSpace!.message, /etcd-1: DB [\d.]+ MB is \d+% of the 17 MB quota \(above 50% of its quota for /);
    assert.match(firing.EtcdDatabaseHighFragmentationRatio!.message, /etcd-1: [\d.]+ [kM]?B of [\d.]+ MB in use \(\d+%\) \(under 50% in use for /);
    const metrics = await (await api.fetch('/metrics')).text();
    assert.match(metrics, /^etcd_server_quota_backend_bytes\{member="etcd-2"\} 16777216$/m, "the quota comes from the member's --quota-backend-bytes");

    const d = await c.run(['defrag', '--cluster', '--wait', '0']);
    assert.equal(d.code, 0, d.stderr);
    const lines = d.stdout.trim().split('\n').filter((l) => l.startsWith('Finished'));
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, FINISHED);
    await waitUntil('the alerts to clear', async () => {
      const cs = await conditions(c);
      return cs.EtcdDatabaseQuotaLowSpace?.reason === 'AsExpected' && cs.EtcdDatabaseHighFragmentationRatio?.reason === 'AsExpected';
    }, 30_000);
    const evs = (await events(api)).filter((e) => e.source === 'space-alerts').map((e) => e.reason);
    assert.ok(evs.includes('EtcdDatabaseQuotaLowSpace') && evs.includes('EtcdDatabaseQuotaLowSpaceResolved'), evs.join(','));
  });

  it('NOSPACE: warden space recover makes writes work again without losing a key; the operator does it by itself with --auto-space-recover', async (t) => {
    const c = await startCluster(t, ['--members', '3', '--etcd-arg=--quota-backend-bytes=4194304']);
    const client = new EtcdClient({ endpoints: (await c.status()).map((m) => m.clientURL), commandTimeoutMs: 15_000 });
    t.after(() => client.close());
    for (let i = 0; i < 50; i++) await client.put(`/keep/${i}`, `value-${i}`);
    /**
     * Overwrites 10 keys with 50 kB values until etcd refuses: old revisions fill the quota.
     * Returns each key's last acknowledged value, and the refused write: etcd 3.4 applies the
     * put that crosses the quota and still answers NOSPACE, so that key may hold either value.
     */
    const fill = async (tag: string): Promise<{ latest: Map<string, string>; refused: [string, string] }> => {
      const latest = new Map<string, string>();
      for (let i = 0; i < 2000; i++) {
        const key = `/churn/${i % 10}`;
        const value = `${tag}-${i}-${'x'.repeat(50_000)}`;
        try {
          await client.put(key, value);
          latest.set(key, value);
        } catch (err) {
          if (err instanceof EtcdNoSpaceError) return { latest, refused: [key, value] };
          throw err;
        }
      }
      throw new Error('the quota was never reached');
    };
    /** No key lost: each holds its last acknowledged value (or the refused one, see fill). */
    const assertKept = async (f: { latest: Map<string, string>; refused: [string, string] }) => {
      for (const [k, v] of f.latest) {
        const now = (await client.get(k)).kvs[0]?.value.toString();
        const ok = now === v || (k === f.refused[0] && now === f.refused[1]);
        assert.ok(ok, `${k} kept its last value (has ${now?.slice(0, 12)}, expected ${v.slice(0, 12)})`);
      }
    };
    const first = await fill('a');
    const alarms = await c.run(['alarm', 'list']);
    assert.match(alarms.stdout, /^memberID:\d+ alarm:NOSPACE$/m);
    const st = await c.run(['status']);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /^Alarms: NOSPACE on etcd-\d \([0-9a-f]+\)(, etcd-\d \([0-9a-f]+\))*: etcd refuses every write until the space is recovered: run `warden space recover`$/m);
    const refused = await c.run(['put', 'blocked', 'x']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /database space exceeded/);

    const r = await c.run(['space', 'recover', '--wait', '1s']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.match(out[0]!, /^Alarms: memberID:\d+ alarm:NOSPACE/);
    // etcd takes no write under NOSPACE: the lock is found free but cannot be recorded.
    assert.match(out[1]!, /^Defragmentation lock not recorded: etcd refuses every write while the NOSPACE alarm is raised, and nobody holds the lock: going on/);
    assert.match(out[2]!, /^Compacted history up to revision \d+$/);
    assert.equal(out.filter((l) => FINISHED.test(l)).length, 3);
    assert.equal(out.filter((l) => /^Moved leadership from etcd-\d \([0-9a-f]+\) to etcd-\d \([0-9a-f]+\) before defragmenting it$/.test(l)).length, 1);
    assert.ok(out.some((l) => /^Disarmed memberID:\d+ alarm:NOSPACE$/.test(l)));
    assert.match(out.at(-1)!, /^Write check passed: put and deleted \/warden\/space-probe\//);
    assert.equal((await c.run(['alarm', 'list'])).stdout.trim(), '');
    assert.doesNotMatch(r.stderr, /warning/, 'the live data is small: no warning');
    assert.doesNotMatch((await c.run(['status'])).stdout, /^Alarms:/m);
    assert.equal((await c.run(['put', 'after-recovery', 'works'])).code, 0);
    for (let i = 0; i < 50; i++) assert.equal((await client.get(`/keep/${i}`)).kvs[0]?.value.toString(), `value-${i}`);
    await assertKept(first);

    // Again, with the operator watching: it sees the alarm and recovers alone.
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--no-auto-defrag', '--auto-space-recover']);
    t.after(() => op.kill('SIGKILL'));
    const api = await certApi(t, c, op);
    await op.waitFor(/election: .* is the leader/);
    const second = await fill('b');
    await waitUntil('the operator to recover', async () => (await events(api)).find((e) => e.reason === 'SpaceRecovered'), 60_000);
    await client.put('/after/auto-recovery', 'works');
    assert.deepEqual(await client.alarmList(), []);
    await assertKept(second);
    assert.equal((await client.get('/keep/49')).kvs[0]?.value.toString(), 'value-49');
    assert.match(await (await api.fetch('/metrics')).text(), /^warden_space_recoveries_total\{result="success"\} 1$/m);
  });

  it('space recover that leaves the DB above 80 % of its quota says so and what to do', async (t) => {
    const quota = 4 * 1024 * 1024;
    const c = await startCluster(t, ['--members', '1', `--etcd-arg=--quota-backend-bytes=${quota}`]);
    const url = (await c.status())[0]!.clientURL;
    const client = new EtcdClient({ endpoints: [url], commandTimeoutMs: 15_000 });
    t.after(() => client.close());
    // Live data (distinct keys, all kept) filling ~87 % of the quota, then overwrites of one key
    // until NOSPACE: compaction and defragmentation can free only the overwritten revisions, so
    // the DB stays above 80 % of the quota (and below it: writes work again).
    const value = 'v'.repeat(50_000);
    /** true once etcd refuses the put with NOSPACE. */
    const refused = async (key: string, v: string): Promise<boolean> => {
      try {
        await client.put(key, v);
        return false;
      } catch (err) {
        if (err instanceof EtcdNoSpaceError) return true;
        throw err;
      }
    };
    /** Compacts everything, defragments and disarms: the DB is then its live data, no more. */
    const settle = async (): Promise<number> => {
      const rev = (await client.get('/live/0')).header.revision;
      await client.compact(rev, { physical: true }).catch(() => undefined);
      await client.member(url).defragment({ timeoutMs: 60_000 });
      await client.alarmDisarm();
      return (await client.member(url).status()).dbSize;
    };
    // Freed pages that reads still pin make the file outgrow the data (more so on a loaded
    // machine), so NOSPACE may come before the live data reaches 85 %: then settle the file by
    // hand and go on adding live keys.
    let live = 0;
    for (let i = 0; (await client.member(url).status()).dbSizeInUse < 0.85 * quota; i++) {
      assert.ok(i < 500, 'the live data never reached 85 % of the quota');
      if (await refused(`/live/${live}`, value)) await settle();
      else live++;
    }
    // What in use said is not what a defragmented file holds: settle, then add or drop live keys
    // until the defragmented DB is 83-90 % of the quota, so that what recovery leaves (that plus
    // one overwritten value) is surely above 80 % and below the quota.
    const seen: string[] = [];
    for (let size = await settle(), i = 0; size < 0.83 * quota || size > 0.9 * quota; i++) {
      // What each step did, for the message if this never settles (seen once in a loaded run).
      assert.ok(i < 20, `the defragmented DB never settled at 83-90 % of the quota (${size} of ${quota}; ${live} live keys; steps: ${seen.join(', ')})`);
      if (size > 0.9 * quota) seen.push(`delete /live/${live - 1}: ${await client.delete(`/live/${--live}`)} deleted`);
      else seen.push(`put /live/${live}: ${(await client.put(`/live/${live++}`, value)).header.revision}`);
      size = await settle();
      seen.push(String(size));
    }
    let full = false;
    for (let i = 0; !full; i++) {
      assert.ok(i < 1000, 'the quota was never reached');
      full = await refused('/churn', `${i}-${value}`);
    }
    const atNoSpace = await client.member(url).status();
    const r = await c.run(['space', 'recover', '--wait', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim().split('\n').at(-1)!, /^Write check passed: /);
    const after = await client.member(url).status();
    assert.ok(r.stderr, `a warning (at NOSPACE: DB ${atNoSpace.dbSize}, in use ${atNoSpace.dbSizeInUse}; after: DB ${after.dbSize}, in use ${after.dbSizeInUse}; quota ${quota})\n${r.stdout}`);
    const warnings = r.stderr.trim().split('\n');
    assert.equal(warnings.length, 1, `${r.stderr}\n${r.stdout}`);
    assert.match(warnings[0]!, /^warning: after recovery etcd-1's DB is [\d.]+ MB, (8[1-9]|9\d)% of its 4\.2 MB quota \(above 80%\): NOSPACE will soon be back; delete keys you do not need, or restart the members with a larger --quota-backend-bytes$/);
    assert.deepEqual(await client.alarmList(), []);
  });

  it('bad input: bad durations and sizes, an unknown member, an unhealthy cluster', async (t) => {
    const state = path.join(tempDir('defrag-bad'), 'state');
    assertOneErrorLine(await cli(['--state-dir', state, 'defrag', '--wait', '5x']), /^Error: invalid duration "5x" for --wait: use a form like 500ms, 5s or 1m30s$/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'defrag', '--health-timeout', 'never']), /^Error: invalid duration "never" for --health-timeout/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, '--command-timeout', 'abc', 'defrag', '--cluster']), /^Error: invalid duration "abc" for --command-timeout/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'space', 'recover', '--wait', 'soon']), /^Error: invalid duration "soon" for --wait/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'defrag', '--cluster', '--lock-timeout', '99999999999h']), /^Error: duration "99999999999h" for --lock-timeout is too long: give at most 24h$/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'space', 'recover', '--lock-timeout', 'later']), /^Error: invalid duration "later" for --lock-timeout: use a form like 500ms, 5s or 1m30s$/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'operator', '--defrag-min-fragmentation', '150']), /^Error: --defrag-min-fragmentation must be a percentage from 0 to 100 \(got "150"\): e\.g\. --defrag-min-fragmentation 45$/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'operator', '--defrag-min-db-size', 'huge']), /^Error: invalid size "huge" for --defrag-min-db-size: use a form like 100MiB/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'operator', '--defrag-wait', '1y']), /^Error: invalid duration "1y" for --defrag-wait/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'operator', '--space-alert-for', '0']), /^Error: invalid duration "0" for --space-alert-for/, { only: true });
    assert.equal(fs.existsSync(state), false, 'nothing was created');

    const c = await startCluster(t, ['--members', '3']);
    const unknown = await c.run(['defrag', '--member', 'etcd-9']);
    assertOneErrorLine(unknown, /^Error: no member named "etcd-9" in the cluster: members are etcd-\d, etcd-\d, etcd-\d$/, { only: true });
    assert.equal(unknown.code, 2);
    const one = await c.run(['defrag', '--member', 'etcd-2']);
    assert.equal(one.code, 0, one.stderr);
    // When etcd-2 leads, a "Moved leadership ..." line comes first.
    assert.match(one.stdout.trim().split('\n').pop() as string, FINISHED);

    assert.equal((await c.run(['cluster', 'stop-member', 'etcd-3'])).code, 0);
    const refused = await c.run(['defrag', '--cluster']);
    assertOneErrorLine(refused, /^Error: cluster is unhealthy: 2 of 3 members healthy, quorum kept \(etcd-3: .*\): refusing to defragment/, { only: true });
    assert.doesNotMatch(refused.stdout, /Finished/);
    const st = await c.run(['status']);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /^Cluster: 2 of 3 members healthy, quorum 2 kept; leader etcd-\d \([0-9a-f]+\); unhealthy: etcd-3 \(/m);
  });
});

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

async function operatorUrl(op: Background): Promise<string> {
  return (await op.waitFor(/serving (http:\/\/127\.0\.0\.1:\d+)\/healthz/))[1]!;
}

interface Ev {
  time: string;
  reason: string;
  message: string;
  source: string;
}

async function events(url: string): Promise<Ev[]> {
  return (await (await fetch(`${url}/events`)).json()) as Ev[];
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
    const logs = path.join(c.stateDir, 'logs');
    const leaderLog = path.join(logs, `${leader.name}.log`);
    const newId = results[2]!.leaderMovedTo!.id;
    const transferStart = logTime(leaderLog, 'leadership transfer starting', started - 1000);
    const followed = logTime(leaderLog, `raft.node: ${leader.id} elected leader ${newId} at term`, started - 1000);
    const leaderDefrag = logTime(leaderLog, 'starting defragment', started - 1000);
    assert.ok(transferStart && followed && leaderDefrag, 'transfer, new leader and defrag logged');
    assert.ok(transferStart <= followed && followed <= leaderDefrag, 'the old leader was defragmented after it followed the new leader');
    for (const f of before.filter((m) => !m.leader)) {
      const ts = logTime(path.join(logs, `${f.name}.log`), 'starting defragment', started - 1000);
      assert.ok(ts !== undefined && ts <= transferStart, `${f.name} was defragmented before the leader`);
    }
  });

  it('the operator defragments fragmented members by itself: followers, then the leader after moving leadership', async (t) => {
    const c = await startCluster(t, ['--members', '3']);
    const admin = new EtcdClient({ endpoints: (await c.status()).map((m) => m.clientURL), commandTimeoutMs: 15_000 });
    t.after(() => admin.close());
    await fragment(admin, 6);
    const before = await members(c, admin);
    const leader = before.find((m) => m.leader)!;
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--id', 'op-defrag',
      '--defrag-min-db-size', '1MiB', '--defrag-wait', '1s', '--defrag-interval', '1s', '--space-sample-interval', '500ms']);
    t.after(() => op.kill('SIGKILL'));
    const url = await operatorUrl(op);
    const done = await waitUntil('three members defragmented', async () => {
      const evs = (await events(url)).filter((e) => e.source === 'defrag');
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
    assert.match(status.stdout, /^Operator: op-defrag leads \(pid \d+, since /m);
    assert.match(status.stdout, /^ {2}DefragControllerDegraded=False \(AsExpected\): /m);
    const metrics = await (await fetch(`${url}/metrics`)).text();
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
    const url = await operatorUrl(op);
    const firing = await waitUntil('both space alerts', async () => {
      const cs = await conditions(c);
      return cs.EtcdDatabaseQuotaLowSpace?.status === 'True' && cs.EtcdDatabaseHighFragmentationRatio?.status === 'True' ? cs : undefined;
    }, 30_000);
    assert.match(firing.EtcdDatabaseQuotaLowSpace!.message, /etcd-1: DB [\d.]+ MB is \d+% of the 17 MB quota \(above 50% of its quota for /);
    assert.match(firing.EtcdDatabaseHighFragmentationRatio!.message, /etcd-1: [\d.]+ [kM]?B of [\d.]+ MB in use \(\d+%\) \(under 50% in use for /);
    const metrics = await (await fetch(`${url}/metrics`)).text();
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
    const evs = (await events(url)).filter((e) => e.source === 'space-alerts').map((e) => e.reason);
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
    const refused = await c.run(['put', 'blocked', 'x']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /database space exceeded/);

    const r = await c.run(['space', 'recover', '--wait', '1s']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.match(out[0]!, /^Alarms: memberID:\d+ alarm:NOSPACE/);
    assert.match(out[1]!, /^Compacted history up to revision \d+$/);
    assert.equal(out.filter((l) => FINISHED.test(l)).length, 3);
    assert.equal(out.filter((l) => /^Moved leadership from etcd-\d \([0-9a-f]+\) to etcd-\d \([0-9a-f]+\) before defragmenting it$/.test(l)).length, 1);
    assert.ok(out.some((l) => /^Disarmed memberID:\d+ alarm:NOSPACE$/.test(l)));
    assert.match(out.at(-1)!, /^Write check passed: put and deleted \/warden\/space-probe\//);
    assert.equal((await c.run(['alarm', 'list'])).stdout.trim(), '');
    assert.equal((await c.run(['put', 'after-recovery', 'works'])).code, 0);
    for (let i = 0; i < 50; i++) assert.equal((await client.get(`/keep/${i}`)).kvs[0]?.value.toString(), `value-${i}`);
    await assertKept(first);

    // Again, with the operator watching: it sees the alarm and recovers alone.
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--no-auto-defrag', '--auto-space-recover']);
    t.after(() => op.kill('SIGKILL'));
    const url = await operatorUrl(op);
    await op.waitFor(/election: .* is the leader/);
    const second = await fill('b');
    await waitUntil('the operator to recover', async () => (await events(url)).find((e) => e.reason === 'SpaceRecovered'), 60_000);
    await client.put('/after/auto-recovery', 'works');
    assert.deepEqual(await client.alarmList(), []);
    await assertKept(second);
    assert.equal((await client.get('/keep/49')).kvs[0]?.value.toString(), 'value-49');
    assert.match(await (await fetch(`${url}/metrics`)).text(), /^warden_space_recoveries_total\{result="success"\} 1$/m);
  });

  it('bad input: bad durations and sizes, an unknown member, an unhealthy cluster', async (t) => {
    const state = path.join(tempDir('defrag-bad'), 'state');
    assertOneErrorLine(await cli(['--state-dir', state, 'defrag', '--wait', '5x']), /^Error: invalid duration "5x" for --wait: use a form like 500ms, 5s or 1m30s$/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'defrag', '--health-timeout', 'never']), /^Error: invalid duration "never" for --health-timeout/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, '--command-timeout', 'abc', 'defrag', '--cluster']), /^Error: invalid duration "abc" for --command-timeout/, { only: true });
    assertOneErrorLine(await cli(['--state-dir', state, 'space', 'recover', '--wait', 'soon']), /^Error: invalid duration "soon" for --wait/, { only: true });
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

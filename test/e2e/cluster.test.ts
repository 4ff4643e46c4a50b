// The local cluster as a user drives it: up, status, health, members dying, manifests moved.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { assertOneErrorLine, Background, cli, etcdctl, freePortRun, processesMentioning, startCluster, tempDir, TestCluster, waitUntil } from '../helpers/warden.ts';

describe('local cluster', () => {
  it('up starts 3 healthy members; down leaves no process behind', async (t) => {
    const c = await startCluster(t);
    const members = await c.status();
    assert.equal(members.length, 3);
    for (const m of members) {
      assert.equal(m.running, true);
      assert.ok(m.pid && m.pid > 0);
      assert.ok(fs.existsSync(path.join(m.dataDir, 'member')), 'data dir holds etcd data');
      assert.match(m.clientURL, /^http:\/\/127\.0\.0\.1:\d+$/);
    }
    const health = await c.run(['endpoint', 'health', '--cluster']);
    assert.equal(health.code, 0, health.stderr);
    assert.equal(health.stdout.trim().split('\n').filter((l) => / is healthy: successfully committed proposal: took = /.test(l)).length, 3);
    // etcdctl sees the same cluster.
    const ctl = await etcdctl(['--endpoints', await c.endpoints(), 'endpoint', 'health']);
    assert.equal(ctl.code, 0, ctl.stderr);

    const down = await c.run(['cluster', 'down']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(processesMentioning(c.stateDir), []);
    assert.ok((await c.status()).every((m) => !m.running && m.pid === null));
  });

  it('a member that exits while starting is reported at once, with its last log line; nothing is left', async (t) => {
    const state = path.join(tempDir('badarg'), 'state');
    t.after(() => cli(['--state-dir', state, 'cluster', 'down']));
    const started = Date.now();
    // A bound far beyond the test's: the exit must end the wait, not the bound.
    const r = await cli(['--state-dir', state, 'cluster', 'up', '--timeout', '10m', '--etcd-arg=--quota-backend-bytes=banana']);
    const took = Date.now() - started;
    assertOneErrorLine(r, /^Error: (agent \S+: )?member etcd-\d exited while starting \(exit code 2\): invalid value "banana" for flag -quota-backend-bytes: parse error: see .*etcd-\d\.log$/);
    // etcd exits within milliseconds; only warden's own start-up and roll-back take long on a loaded machine.
    assert.ok(took < 60_000, `reported after ${took} ms, not at once`);
    assert.deepEqual(processesMentioning(state), [], 'no agent or member left running');
    assert.equal(fs.existsSync(state), false, 'the new cluster is rolled back');
  });

  it('a cluster up killed with -9 while it creates the cluster: cluster down stops what it started, cluster up finishes it', async (t) => {
    const state = path.join(tempDir('up9'), 'state');
    t.after(() => cli(['--state-dir', state, 'cluster', 'down']));
    const first = new Background(['--state-dir', state, 'cluster', 'up']);
    // Killed once an agent joined: the agents run, no member does yet.
    await first.waitFor(/agent \S+ joined/);
    first.kill('SIGKILL');
    await first.exited();
    // Abandoned for now: cluster down stops the agents it left; the plan stays.
    const down = await cli(['--state-dir', state, 'cluster', 'down']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(processesMentioning(path.join(state, 'agents')), [], 'no agent or member left running');
    const again = await cli(['--state-dir', state, 'cluster', 'up']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /finishing the cluster an interrupted `cluster up` began/);
    const c = new TestCluster(state);
    assert.deepEqual((await c.status()).map((m) => m.state), ['running', 'running', 'running']);
    assert.equal((await c.run(['put', 'k', 'v'])).code, 0);
  });

  it('an agent that cannot start is reported at once, with its last log line', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    assert.equal((await c.run(['cluster', 'down'])).code, 0);
    // Its supervisor's pid file cannot be written (a folder stands where it goes): the agent exits at once.
    fs.mkdirSync(path.join(c.stateDir, 'agents', 'etcd-1', 'run', 'supervisor.pid'));
    const started = Date.now();
    const r = await c.run(['cluster', 'up']);
    const took = Date.now() - started;
    assertOneErrorLine(r, /^Error: the agent of etcd-1 exited \(code 1\): .*EISDIR/);
    // warden waits up to 30 s for an agent to listen: an exit must end that wait, not the bound.
    assert.ok(took < 25_000, `reported after ${took} ms, not at once`);
  });

  it('cluster up starts a member that died again, with its data; --base-port places the member and then its agent', async (t) => {
    // Three free ports in a row: the member's client and peer ports, then its agent's.
    const base = await freePortRun(3);
    const c = await startCluster(t, ['--members', '1', '--base-port', String(base)]);
    assert.equal((await c.run(['put', 'kept', 'yes'])).code, 0);
    const [m] = await c.status();
    assert.equal(m?.clientURL, `http://127.0.0.1:${base}`);
    assert.equal(m?.peerURL, `http://127.0.0.1:${base + 1}`);
    assert.equal(m?.host, `127.0.0.1:${base + 2}`);
    process.kill(m!.pid!, 'SIGKILL');
    await waitUntil('the member to be seen as exited', async () => (await c.status())[0]?.state === 'exited');
    const r = await c.run(['cluster', 'up']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await c.status())[0]?.running, true);
    assert.equal((await c.run(['get', 'kept', '--print-value-only'])).stdout.trim(), 'yes');
  });

  it('a killed member is unhealthy while 2 of 3 keep quorum; two killed lose it', async (t) => {
    const c = await startCluster(t);
    const [m1, m2] = await c.status();
    assert.equal((await c.run(['put', 'k1', 'before'])).code, 0);
    process.kill(m1!.pid!, 'SIGKILL');
    await waitUntil('member 1 to be seen as exited', async () => (await c.status())[0]?.state === 'exited');

    // If the leader died, the other two elect a new one first; then 2 of 3 serve.
    const h1 = await waitUntil('the 2 survivors to serve', async () => {
      const h = await c.run(['endpoint', 'health', '--cluster']);
      return h.stdout.split('\n').filter((l) => l.includes(' is healthy')).length === 2 ? h : undefined;
    });
    assert.notEqual(h1.code, 0);
    assert.match(h1.stdout, new RegExp(`${m1!.clientURL} is unhealthy: `));
    assert.equal(h1.stdout.split('\n').filter((l) => l.includes(' is healthy')).length, 2);
    assert.match(h1.stderr, /cluster is unhealthy: 1 of 3 endpoints unhealthy \(quorum kept/);
    // Still serving writes with 2 of 3.
    assert.equal((await c.run(['put', 'k2', 'with-two'])).code, 0);

    process.kill(m2!.pid!, 'SIGKILL');
    await waitUntil('member 2 to be seen as exited', async () => (await c.status())[1]?.state === 'exited');
    const h2 = await c.run(['--command-timeout', '2s', 'endpoint', 'health', '--cluster']);
    assert.notEqual(h2.code, 0);
    assert.equal(h2.stdout.split('\n').filter((l) => l.includes(' is unhealthy')).length, 3);
    assert.match(h2.stderr, /cluster is unhealthy: .*QUORUM LOST/);

    // A dead member stays down until started again; then the cluster recovers with its data.
    assert.equal((await c.run(['cluster', 'start-member', 'etcd-1'])).code, 0);
    assert.equal((await c.run(['cluster', 'start-member', 'etcd-2'])).code, 0);
    const h3 = await c.run(['endpoint', 'health', '--cluster']);
    assert.equal(h3.code, 0, h3.stdout + h3.stderr);
    assert.equal((await c.run(['get', 'k2', '--print-value-only'])).stdout.trim(), 'with-two');
  });

  it('moving a manifest out stops that member; moving it back starts it with its data', async (t) => {
    const c = await startCluster(t);
    assert.equal((await c.run(['put', 'kept', 'yes'])).code, 0);
    // Each member's manifest is in its agent's folder (the embedded default's agents live under the state dir).
    const manifest = path.join(c.stateDir, 'agents', 'etcd-3', 'manifests', 'etcd-3.json');
    const aside = path.join(c.stateDir, 'etcd-3.json.aside');
    const pid = (await c.status())[2]!.pid!;
    fs.renameSync(manifest, aside);
    await waitUntil('etcd-3 to stop', () => !processesMentioning(`members/etcd-3`).includes(pid));
    const st = await c.status();
    assert.equal(st.find((m) => m.name === 'etcd-3')?.running, false, 'its agent reports the member as not running');
    fs.renameSync(aside, manifest);
    await waitUntil('etcd-3 to run again', async () => (await c.status()).find((m) => m.name === 'etcd-3')?.running);
    // Its own data: a serializable read on that member returns the key written before.
    const m3 = (await c.status()).find((m) => m.name === 'etcd-3')!;
    await waitUntil('etcd-3 to serve the key', async () => {
      const r = await etcdctl(['--endpoints', m3.clientURL, 'get', 'kept', '--consistency=s', '--print-value-only']);
      return r.stdout.trim() === 'yes';
    });

    // stop-member / start-member do the same through warden's own folder.
    const stop = await c.run(['cluster', 'stop-member', 'etcd-2']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(fs.existsSync(path.join(c.stateDir, 'agents', 'etcd-2', 'stopped', 'etcd-2.json')));
    const s2 = (await c.status()).find((m) => m.name === 'etcd-2')!;
    assert.equal(s2.running, false);
    assert.equal(s2.manifest, 'moved-out');
    const start = await c.run(['cluster', 'start-member', 'etcd-2']);
    assert.equal(start.code, 0, start.stderr);
    assert.equal((await c.status()).find((m) => m.name === 'etcd-2')!.running, true);
  });

  it('endpoint status agrees with etcdctl on member IDs and leader', async (t) => {
    const c = await startCluster(t);
    const eps = await c.endpoints();
    const ours = await c.run(['endpoint', 'status', '-w', 'json']);
    assert.equal(ours.code, 0, ours.stderr);
    const theirs = await etcdctl(['--endpoints', eps, 'endpoint', 'status', '-w', 'json']);
    assert.equal(theirs.code, 0, theirs.stderr);
    type S = { Endpoint: string; Status: { header: { member_id: number; cluster_id: number }; leader: number; version: string } };
    // Compare as text: member IDs are uint64 and lose precision as JS numbers.
    const ids = (text: string) => [...text.matchAll(/"member_id":(\d+)/g)].map((m) => m[1]).sort();
    const leaders = (text: string) => [...text.matchAll(/"leader":(\d+)/g)].map((m) => m[1]);
    assert.deepEqual(ids(ours.stdout), ids(theirs.stdout));
    assert.deepEqual(new Set(leaders(ours.stdout)), new Set(leaders(theirs.stdout)));
    const parsed = JSON.parse(ours.stdout) as S[];
    assert.deepEqual(parsed.map((s) => s.Endpoint).sort(), eps.split(',').sort());
    assert.match(parsed[0]!.Status.version, /^3\.\d+\.\d+$/);

    const table = await c.run(['endpoint', 'status', '--cluster', '-w', 'table']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /\| +ENDPOINT +\| +ID +\| VERSION \| DB SIZE \| IN USE \| IS LEADER \| IS LEARNER \| RAFT TERM \| RAFT INDEX \| RAFT APPLIED INDEX \| ERRORS \|/);
    assert.equal(table.stdout.split('\n').filter((l) => / true \| +false \|/.test(l)).length, 1, 'exactly one leader row');
  });
});

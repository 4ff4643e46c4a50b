// The operator: leader election through a lease, /healthz and /metrics, and the embedded default.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../../src/util/ports.ts';
import { clusterPki, operatorUrl, request } from '../helpers/api.ts';
import { Background, cli, processesMentioning, ROOT, startCluster, tempDir, waitUntil, type TestCluster } from '../helpers/warden.ts';

/** /healthz needs no credentials, only the cluster CA to trust the operator's certificate. */
async function healthz(url: string, ca: Buffer): Promise<{ leader: boolean; identity: string }> {
  const r = await request(`${url}/healthz`, { ca });
  assert.equal(r.status, 200);
  return (await r.json()) as { leader: boolean; identity: string };
}

/** /metrics with the cluster's own client certificate. */
async function metrics(c: TestCluster, url: string): Promise<string> {
  const { ca, client } = clusterPki(c);
  const r = await request(`${url}/metrics`, { ca, cert: client });
  assert.equal(r.status, 200);
  return r.text();
}

describe('operator', () => {
  it('two operators on one cluster: exactly one leads; kill it and the other takes over', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const a = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '3', '--id', 'op-a']);
    const b = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '3', '--id', 'op-b']);
    t.after(() => {
      a.kill('SIGKILL');
      b.kill('SIGKILL');
    });
    const urlA = await operatorUrl(a);
    const urlB = await operatorUrl(b);
    const { ca } = clusterPki(c);
    const leaders = await waitUntil('one leader', async () => {
      const hs = await Promise.all([healthz(urlA, ca), healthz(urlB, ca)]);
      const n = hs.filter((h) => h.leader).length;
      return n === 1 ? hs : undefined;
    });
    // Stays exactly one while both run: sample a few times.
    for (let i = 0; i < 5; i++) {
      const hs = await Promise.all([healthz(urlA, ca), healthz(urlB, ca)]);
      assert.equal(hs.filter((h) => h.leader).length, 1);
    }
    assert.match(await metrics(c, leaders[0]!.leader ? urlA : urlB), /^warden_operator_is_leader 1$/m);
    await waitUntil('the health controller to publish member gauges', async () => /etcd_mvcc_db_total_size_in_bytes\{member="etcd-1"\} \d+/.test(await metrics(c, leaders[0]!.leader ? urlA : urlB)));

    const [leader, follower, followerUrl] = leaders[0]!.leader ? [a, b, urlB] : [b, a, urlA];
    leader.kill('SIGKILL');
    await leader.exited();
    await waitUntil('the other operator to take over', async () => (await healthz(followerUrl, ca)).leader, 15_000);
    assert.match(follower.out, /is the leader/);
    follower.kill('SIGTERM');
    assert.equal(await follower.exited(), 0);
  });

  it('a learner added but never started: warden status and the ClusterHealthy condition give one verdict, naming it by ID and peer URL', async (t) => {
    const c = await startCluster(t, ['--members', '3']);
    const peer = `http://127.0.0.1:${await freePort()}`;
    // etcd refuses to add a member until every member has been connected for 5 s.
    const add = await waitUntil('etcd to accept the new member', async () => {
      const r = await c.run(['member', 'add', 'etcd-4', `--peer-urls=${peer}`, '--learner']);
      if (r.code !== 0 && !/unhealthy cluster/.test(r.stderr)) assert.fail(r.stderr);
      return r.code === 0 ? r : undefined;
    }, 30_000);
    const id = /^Member +([0-9a-f]+) added/m.exec(add.stdout)![1]!;
    const who = `${id} \\(learner, not started; peer URL ${peer.replace(/\./g, '\\.')}\\)`;

    const before = await c.run(['status']);
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, new RegExp(`^Cluster: 3 of 4 members healthy, quorum 2 kept; leader etcd-\\d \\([0-9a-f]+\\); unhealthy: ${who}$`, 'm'));

    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--id', 'op-health']);
    t.after(() => op.kill('SIGKILL'));
    const cond = await waitUntil('the ClusterHealthy condition', async () => {
      const r = await c.run(['status', '-w', 'json']);
      const s = JSON.parse(r.stdout) as { cluster: { members: number; healthy: number }; conditions: { type: string; status: string; reason: string; message: string }[] };
      return s.conditions.find((x) => x.type === 'ClusterHealthy');
    }, 60_000);
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'MembersUnhealthy');
    assert.match(cond.message, new RegExp(`^3 of 4 members healthy, quorum 2 kept; unhealthy: ${who}$`));
    const after = await c.run(['status']);
    assert.match(after.stdout, new RegExp(`^ {2}ClusterHealthy=False \\(MembersUnhealthy\\): 3 of 4 members healthy, quorum 2 kept; unhealthy: ${who}$`, 'm'));
    assert.match(after.stdout, new RegExp(`^Cluster: 3 of 4 members healthy, quorum 2 kept; leader etcd-\\d \\([0-9a-f]+\\); unhealthy: ${who}$`, 'm'));
  });

  it('warden run: the embedded default starts 3 members and the operator; Ctrl-C stops everything', async () => {
    const state = path.join(tempDir('run'), 'state');
    const run = new Background(['--state-dir', state, 'run', '--listen', '127.0.0.1:0']);
    try {
      await run.waitFor(/Press Ctrl-C/, 90_000);
      assert.match(run.out, /etcd-warden is running: 3 healthy members/);
      const url = run.out.match(/operator: +(https:\/\/127\.0\.0\.1:\d+)\/healthz/)![1]!;
      const ca = fs.readFileSync(path.join(state, 'tls', 'ca.crt'));
      await waitUntil('the operator to lead', async () => (await healthz(url, ca)).leader);
      // The printed curl line works as printed (the cluster's client certificate is an admin).
      const curl = /^ {2}api: +(curl .*)$/m.exec(run.out)![1]!;
      const viaCert = spawnSync('sh', ['-c', `${curl} -sS -w '\n%{http_code}'`], { cwd: ROOT, encoding: 'utf8' });
      assert.match(viaCert.stdout, /"type":"ClusterHealthy"[\s\S]*\n200$/, `${curl}: ${viaCert.stdout}${viaCert.stderr}`);
      // And the token line: a viewer token, sent as a bearer token with curl.
      assert.match(run.out, /^ {2}token: +TOKEN=\$\(\.\/warden token create NAME --role viewer\|operator\|admin\)/m);
      const token = await cli(['--state-dir', state, 'token', 'create', 'curl-viewer', '--role', 'viewer']);
      assert.equal(token.code, 0, token.stderr);
      const viaToken = spawnSync('curl', ['-sS', '--cacert', path.join(state, 'tls', 'ca.crt'), '-H', `Authorization: Bearer ${token.stdout.trim()}`, '-w', '\n%{http_code}', `${url}/conditions`], { encoding: 'utf8' });
      assert.match(viaToken.stdout, /\n200$/, viaToken.stderr);
      // The operator wired before `run` made the inventory still copies each EncryptionConfiguration to every host.
      const enc = await cli(['--state-dir', state, 'encryption', 'enable', '--type', 'aesgcm', '--wait']);
      assert.equal(enc.code, 0, enc.stderr);
      const admin = fs.readFileSync(path.join(state, 'encryption', 'encryption-config.yaml'), 'utf8');
      for (const m of ['etcd-1', 'etcd-2', 'etcd-3']) assert.equal(fs.readFileSync(path.join(state, 'agents', m, 'encryption', 'encryption-config.yaml'), 'utf8'), admin, `${m}'s host`);
      // One agent and one member per member name, all under the state dir.
      assert.equal(processesMentioning(`--data-dir=${path.join(state, 'agents')}`).length, 3);
      assert.equal(processesMentioning(path.join(state, 'agents')).length, 6);
      run.kill('SIGINT');
      assert.equal(await run.exited(), 0);
      assert.deepEqual(processesMentioning(state), []);
    } finally {
      run.kill('SIGKILL');
      await cli(['--state-dir', state, 'cluster', 'down']);
    }
  });

  it('warden run killed with -9: its agents and members stop by themselves; run again, it starts with the same data', async () => {
    const state = path.join(tempDir('run9'), 'state');
    const run = new Background(['--state-dir', state, 'run', '--members', '1', '--listen', '127.0.0.1:0']);
    try {
      await run.waitFor(/Press Ctrl-C/, 90_000);
      assert.equal((await cli(['--state-dir', state, 'put', 'kept', 'yes'])).code, 0);
      run.kill('SIGKILL');
      await run.exited();
      await waitUntil('the agent and its member to stop', () => processesMentioning(state).length === 0, 30_000);
      const again = new Background(['--state-dir', state, 'run', '--listen', '127.0.0.1:0']);
      try {
        await again.waitFor(/Press Ctrl-C/, 90_000);
        assert.equal((await cli(['--state-dir', state, 'get', 'kept', '--print-value-only'])).stdout.trim(), 'yes');
        again.kill('SIGINT');
        assert.equal(await again.exited(), 0);
      } finally {
        again.kill('SIGKILL');
      }
    } finally {
      run.kill('SIGKILL');
      await cli(['--state-dir', state, 'cluster', 'down']);
    }
  });
});

// Bad input: one clear line, a non-zero exit, and nothing changed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cli, processesMentioning, startCluster, tempDir, assertOneErrorLine, waitUntil } from '../helpers/warden.ts';


describe('bad input', () => {
  it('an unreachable endpoint', async () => {
    const r = await cli(['--endpoints', '127.0.0.1:1', '--dial-timeout', '1s', 'put', 'a', 'b']);
    assertOneErrorLine(r, /^Error: .*127\.0\.0\.1:1.*unreachable.*: check --endpoints/, { only: true });
  });

  it('a huge duration: one line, exit 2, nothing attempted', async () => {
    const r = await cli(['--endpoints', '127.0.0.1:1', '--command-timeout', '99999999999h', 'get', 'a']);
    assertOneErrorLine(r, /^Error: duration "99999999999h" for --command-timeout is too long: give at most 24h$/, { only: true });
    assert.equal(r.code, 2);
    const state = path.join(tempDir('huge'), 'state');
    const op = await cli(['--state-dir', state, 'operator', '--defrag-interval', '99999999999h']);
    assertOneErrorLine(op, /^Error: duration "99999999999h" for --defrag-interval is too long: give at most 24h$/, { only: true });
    assert.equal(fs.existsSync(state), false);
  });

  it("commander's usage errors: one `Error: what: what to do` line, exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [['encryption', 'enable'], /^Error: required option '--type <type>' not specified: see `warden encryption enable --help`$/],
      [['backup', 'list'], /^Error: missing required argument 'location': see `warden backup list --help`$/],
      [['nosuch'], /^Error: unknown command 'nosuch': see `warden --help` for the commands$/],
      [['cluster'], /^Error: `warden cluster` needs a command: one of up, down, status, stop-member, start-member, logs, init \(see `warden cluster --help`\)$/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assertOneErrorLine(r, re, { only: true });
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
  });

  it('a backup folder that does not exist, or is a file: backup list fails with one line', async () => {
    const base = tempDir('nolist');
    const missing = path.join(base, 'nonexistent');
    assertOneErrorLine(await cli(['backup', 'list', missing]), new RegExp(`^Error: backup dir ${missing} does not exist: `), { only: true });
    const file = path.join(base, 'file');
    fs.writeFileSync(file, '');
    assertOneErrorLine(await cli(['backup', 'list', file]), new RegExp(`^Error: backup dir ${file} is not a directory: `), { only: true });
    assertOneErrorLine(await cli(['backup', 'list', base, '--keys-dir', missing]), new RegExp(`^Error: --keys-dir ${missing} does not exist: `), { only: true });
    assert.deepEqual(fs.readdirSync(base), ['file']);
  });

  it('cluster status with no cluster in the state dir, or a state dir that is a file', async () => {
    const base = tempDir('nostate');
    const missing = path.join(base, 'state');
    assertOneErrorLine(await cli(['--state-dir', missing, 'cluster', 'status']), new RegExp(`^Error: no warden cluster in ${missing}: run \`warden cluster up\``), { only: true });
    assert.equal(fs.existsSync(missing), false);
    const file = path.join(base, 'file');
    fs.writeFileSync(file, '');
    assertOneErrorLine(await cli(['--state-dir', file, 'cluster', 'status']), new RegExp(`^Error: the state dir ${file} is not a directory: `), { only: true });
    assertOneErrorLine(await cli(['--state-dir', file, 'cluster', 'status', '-w', 'json']), /is not a directory/, { only: true });
  });

  it('a backup against unreachable endpoints creates nothing', async () => {
    const base = tempDir('unreach');
    const dir = path.join(base, 'a', 'b', 'backups');
    const keys = path.join(base, 'keys');
    const r = await cli(['--endpoints', '127.0.0.1:1', '--dial-timeout', '1s', 'backup', dir, '--keys-dir', keys]);
    assertOneErrorLine(r, /^Error: .*127\.0\.0\.1:1.*unreachable/, { only: true });
    assert.deepEqual(fs.readdirSync(base), [], 'no folder left behind');
  });

  it('a busy port for the cluster', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const state = path.join(tempDir('busy'), 'state');
      const r = await cli(['--state-dir', state, 'cluster', 'up', '--members', '1', '--base-port', String(port)]);
      assertOneErrorLine(r, new RegExp(`^Error: port 127\\.0\\.0\\.1:${port} is already in use: choose another --base-port`), { only: true });
      assert.equal(fs.existsSync(state), false, 'no state dir left behind');
    } finally {
      srv.close();
    }
  });

  it('a busy operator port: run fails at once, before any member starts', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const state = path.join(tempDir('busyop'), 'state');
      const r = await cli(['--state-dir', state, 'run', '--members', '1', '--listen', `127.0.0.1:${port}`]);
      assertOneErrorLine(r, new RegExp(`^Error: port 127\\.0\\.0\\.1:${port} is already in use: pick another with --listen HOST:PORT, e\\.g\\. --listen 127\\.0\\.0\\.1:0 for any free port$`), { only: true });
      assert.equal(r.stdout, '', 'no cluster was created, no member started');
      assert.equal(fs.existsSync(state), false);
      assert.deepEqual(processesMentioning(state), []);
    } finally {
      srv.close();
    }
  });

  it('an unknown -w value', async () => {
    const state = path.join(tempDir('w'), 'state');
    const r = await cli(['--state-dir', state, '-w', 'xml', 'cluster', 'up', '--members', '1']);
    assertOneErrorLine(r, /^Error: unknown output format "xml" for -w\/--write-out: use table, json or simple$/, { only: true });
    assert.equal(r.code, 2);
    assert.equal(fs.existsSync(state), false);
  });

  it('--members 0', async () => {
    const state = path.join(tempDir('m0'), 'state');
    const r = await cli(['--state-dir', state, 'cluster', 'up', '--members', '0']);
    assertOneErrorLine(r, /^Error: --members must be a whole number from 1 to 9 \(got "0"\): 1, 3 or 5 are usual$/, { only: true });
    assert.equal(fs.existsSync(state), false);
  });

  it('a missing etcd binary', async () => {
    const state = path.join(tempDir('nobin'), 'state');
    const r = await cli(['--state-dir', state, 'cluster', 'up'], { env: { WARDEN_ETCD_BIN: '/nonexistent/etcd' } });
    assertOneErrorLine(r, /^Error: etcd binary not found at \/nonexistent\/etcd \(WARDEN_ETCD_BIN\)/, { only: true });
    assert.equal(fs.existsSync(state), false);
    const r2 = await cli(['--state-dir', state, 'cluster', 'up'], { env: { PATH: '/nonexistent' } });
    assertOneErrorLine(r2, /^Error: etcd binary not found on PATH: install the Debian package etcd-server/, { only: true });
  });

  it('a manifest with invalid JSON', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const before = await c.status();
    // Dropped into the agent's manifests folder: its supervisor skips it and says so once.
    const agentDir = path.join(c.stateDir, 'agents', 'etcd-1');
    const bad = path.join(agentDir, 'manifests', 'etcd-9.json');
    fs.writeFileSync(bad, '{"kind": "EtcdMember", "name": ');
    await waitUntil('the agent to report the bad manifest', () => /skipping manifest .*etcd-9\.json is not valid JSON .*: fix it or move it out of the manifests folder$/m.test(fs.readFileSync(path.join(agentDir, 'logs', 'agent.log'), 'utf8')));
    // The running member is untouched.
    const after = await c.status();
    assert.equal(after.length, 1);
    assert.equal(after[0]?.pid, before[0]?.pid);
    assert.equal(after[0]?.running, true);
  });

  it('warden run whose operator cannot start (an unreadable --tls-cert) stops and removes the cluster it made', async () => {
    const state = path.join(tempDir('runfail'), 'state');
    const r = await cli(['--state-dir', state, 'run', '--members', '1', '--listen', '127.0.0.1:0', '--tls-cert', '/nonexistent.crt', '--tls-key', '/nonexistent.key']);
    assertOneErrorLine(r, /^Error: cannot read --tls-cert \/nonexistent\.crt \(ENOENT\): check the path$/);
    assert.match(r.stdout, /started 1 members/, 'the cluster was made before the operator failed');
    assert.equal(fs.existsSync(state), false, 'and removed again');
    assert.deepEqual(processesMentioning(state), []);
  });

  it('an unknown member for stop-member', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const r = await c.run(['cluster', 'stop-member', 'etcd-7']);
    assertOneErrorLine(r, /^Error: no member named "etcd-7" .*: members are etcd-1$/, { only: true });
  });
});

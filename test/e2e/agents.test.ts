// One agent per host, on separate network hosts (Linux network namespaces joined by a bridge):
// `warden agent` on each host, `warden cluster init` from an admin host, and the members each
// agent runs, reached only at the hosts' own addresses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createHosts, type Host, type Hosts } from '../helpers/netns.ts';
import { ROOT, tempDir, WARDEN } from '../helpers/warden.ts';
import { parse as parseYaml } from 'yaml';
import { waitFor } from '../../src/util/wait.ts';
import type { MemberRow } from '../../src/cluster/control.ts';

const AGENT_PORT = 7700;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface KubeletHost {
  ip: string;
  dir: string;
  tokenFile: string;
  /** The member's CA (ca.crt, ca.key as kubeadm writes it) and its server and peer certificates. */
  pki: string;
  dataDir: string;
  /** The folder the kubelet stand-in runs Pod manifests from. */
  manifests: string;
  ssl(...args: string[]): void;
  /** Starts the kubelet stand-in on the Pod manifests written, and waits until etcd serves. */
  startKubelet(): Promise<void>;
  /** Starts the agent (the kubelet runtime) for the member the Pod runs. */
  startAgent(member: string, extra: string[]): Promise<void>;
  run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** A backup, a stop and start (the manifest moved out and back), and a restore of that backup. */
  backupStopStartRestore(member: string, podFile: string): Promise<void>;
}

/**
 * One host with a kubelet (warden's supervisor, running the Pod manifests of a folder) and a
 * member PKI as kubeadm lays it out: its own CA (RSA, key in PKCS #1), server and peer
 * certificates for the host's address, client certificates required on both ports.
 */
async function kubeletHost(t: import('node:test').TestContext): Promise<KubeletHost> {
  const net = await createHosts(t, 1);
  const h1 = net.hosts[0] as Host;
  const dir = tempDir('kubelet');
  const tokenFile = path.join(dir, 'token');
  fs.writeFileSync(tokenFile, 'a-token-for-the-kubelet-host-test\n', { mode: 0o600 });
  const kubelet = path.join(dir, 'kubelet');
  const manifests = path.join(kubelet, 'manifests');
  fs.mkdirSync(manifests, { recursive: true });
  const ip = h1.ip;
  const pki = path.join(dir, 'pki', 'etcd');
  fs.mkdirSync(pki, { recursive: true });
  const ssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: pki, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.pkcs8', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=etcd-ca');
  ssl('rsa', '-in', 'ca.pkcs8', '-out', 'ca.key', '-traditional');
  fs.writeFileSync(path.join(pki, 'ext'), `subjectAltName=IP:${ip},IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n`);
  for (const c of ['server', 'peer']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${c}.key`, '-out', `${c}.csr`, '-subj', '/CN=cp-1');
    ssl('x509', '-req', '-in', `${c}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${c}.crt`, '-days', '2', '-extfile', 'ext');
  }
  const run = (args: string[]) => net.run(net.admin, process.execPath, [WARDEN, '--state-dir', path.join(dir, 'admin'), ...args], { cwd: ROOT, timeoutMs: 120_000 });
  const memberLog = path.join(kubelet, 'logs');
  const k: KubeletHost = {
    ip, dir, tokenFile, pki, dataDir: path.join(dir, 'var-lib-etcd'), manifests, ssl, run,
    async startKubelet() {
      const log = fs.openSync(path.join(dir, 'kubelet.log'), 'a');
      net.spawn(h1, process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'helpers', 'kubelet.ts'), kubelet], { stdio: ['ignore', log, log], cwd: ROOT });
      fs.closeSync(log);
      const client = ['--cacert', `${pki}/ca.crt`, '--cert', `${pki}/server.crt`, '--key', `${pki}/server.key`];
      await waitFor(async () => (await net.run(net.admin, process.execPath, [WARDEN, '--endpoints', `https://${ip}:2379`, ...client, 'endpoint', 'health'], { cwd: ROOT })).code === 0, { timeoutMs: 60_000, intervalMs: 300, what: 'the kubelet to run etcd' });
    },
    async startAgent(member, extra) {
      const log = fs.openSync(path.join(dir, 'agent.log'), 'a');
      net.spawn(h1, process.execPath, [WARDEN, '--state-dir', path.join(dir, 'agent'), 'agent', '--listen', `${ip}:${AGENT_PORT}`, '--token-file', tokenFile, '--kubelet-manifests', manifests, '--member-log', path.join(memberLog, `${member}.log`), ...extra], { stdio: ['ignore', log, log], cwd: ROOT });
      fs.closeSync(log);
      await waitFor(() => /agent serving https:/.test(fs.readFileSync(path.join(dir, 'agent.log'), 'utf8')), { timeoutMs: 60_000, intervalMs: 100, what: 'the agent to serve' });
    },
    async backupStopStartRestore(member, podFile) {
      assert.equal((await run(['put', '/kubelet/a', 'in-the-backup'])).code, 0);
      const backups = path.join(dir, 'backups');
      const b = await run(['backup', backups]);
      assert.equal(b.code, 0, b.stderr);
      assert.equal((await run(['put', '/kubelet/a', 'after'])).code, 0);
      // Stopping moves the Pod manifest out of the kubelet's folder, as the runbooks do by hand.
      assert.equal((await run(['cluster', 'stop-member', member])).code, 0);
      assert.equal(fs.existsSync(path.join(manifests, podFile)), false);
      assert.ok(fs.existsSync(path.join(dir, 'agent', 'stopped', podFile)));
      assert.equal((await run(['cluster', 'start-member', member])).code, 0);
      assert.ok(fs.existsSync(path.join(manifests, podFile)));
      const restored = await run(['restore', backups]);
      assert.equal(restored.code, 0, restored.stderr);
      assert.equal((await run(['get', '/kubelet/a', '--print-value-only'])).stdout.trim(), 'in-the-backup');
    },
  };
  return k;
}

interface Site {
  net: Hosts;
  dir: string;
  tokenFile: string;
  /** warden as the admin runs it, from the admin host, with the admin's state dir. */
  admin(args: string[], opts?: { timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }>;
  agentLog(h: Host): string;
  startAgent(h: Host): Promise<void>;
  agents: string;
}

/** N hosts, each running `warden agent` (serving once its log says so), and a token shared by all. */
async function site(t: import('node:test').TestContext, count: number, opts: { agentToken?: string } = {}): Promise<Site> {
  const net = await createHosts(t, count);
  const dir = tempDir('agents');
  const tokenFile = path.join(dir, 'token');
  fs.writeFileSync(tokenFile, 'c2hhcmVkLXRva2VuLW9mLXRoZS10ZXN0LXNpdGU=\n', { mode: 0o600 });
  const agentTokenFile = path.join(dir, 'agent-token');
  fs.writeFileSync(agentTokenFile, `${opts.agentToken ?? 'c2hhcmVkLXRva2VuLW9mLXRoZS10ZXN0LXNpdGU='}\n`, { mode: 0o600 });
  const agentLog = (h: Host) => path.join(dir, `agent-${h.name}.log`);
  /** Starts the host's agent (again) and waits until it serves. */
  const startAgent = async (h: Host) => {
    const before = fs.existsSync(agentLog(h)) ? fs.readFileSync(agentLog(h), 'utf8').length : 0;
    const fd = fs.openSync(agentLog(h), 'a');
    net.spawn(h, process.execPath, [WARDEN, '--state-dir', path.join(dir, h.name), 'agent', '--listen', `${h.ip}:${AGENT_PORT}`, '--token-file', agentTokenFile], { stdio: ['ignore', fd, fd], cwd: ROOT });
    fs.closeSync(fd);
    await waitFor(() => /agent serving https:/.test(fs.readFileSync(agentLog(h), 'utf8').slice(before)), { timeoutMs: 60_000, intervalMs: 100, what: `the agent on ${h.name} to serve` });
  };
  await Promise.all(net.hosts.map(startAgent));
  return {
    net, dir, tokenFile, agentLog, startAgent,
    agents: net.hosts.map((h) => `${h.ip}:${AGENT_PORT}`).join(','),
    admin: (args, o = {}) => net.run(net.admin, process.execPath, [WARDEN, '--state-dir', path.join(dir, 'admin'), ...args], { cwd: ROOT, timeoutMs: o.timeoutMs ?? 120_000 }),
  };
}

describe('agents on separate hosts', () => {
  it('cluster init across 3 hosts: each agent joins with the token, runs one member at its host address; status, stop and start go through the agents', async (t) => {
    const s = await site(t, 3);
    const init = await s.admin(['cluster', 'init', '--agents', s.agents, '--token-file', s.tokenFile, '--tls']);
    assert.equal(init.code, 0, init.stderr);
    for (const h of s.net.hosts) assert.match(init.stderr, new RegExp(`agent ${h.ip.replace(/\./g, '\\.')}:${AGENT_PORT} joined: its certificate is signed by the cluster CA`));
    assert.match(init.stdout, /cluster is healthy \(3 members on 3 agents, inventory in .*inventory\.json\)/);

    const st = await s.admin(['cluster', 'status', '-w', 'json']);
    assert.equal(st.code, 0, st.stderr);
    const rows = JSON.parse(st.stdout) as MemberRow[];
    assert.deepEqual(rows.map((r) => [r.name, r.host, r.state, r.clientURL, r.peerURL]), s.net.hosts.map((h, i) => [
      `etcd-${i + 1}`, `${h.ip}:${AGENT_PORT}`, 'running', `https://${h.ip}:2379`, `https://${h.ip}:2380`,
    ]));
    for (const [i, h] of s.net.hosts.entries()) assert.equal(rows[i]?.dataDir, path.join(s.dir, h.name, 'members', `etcd-${i + 1}`));
    // The agents are registered in etcd too (the inventory is the fallback without quorum).
    const registered = await s.admin(['get', '/warden/agents/', '--prefix', '-w', 'json']);
    const kvs = (JSON.parse(registered.stdout) as { kvs: { key: string; value: string }[] }).kvs;
    assert.deepEqual(kvs.map((kv) => (JSON.parse(Buffer.from(kv.value, 'base64').toString('utf8')) as { member: string; address: string })).map((a) => [a.member, a.address]),
      s.net.hosts.map((h, i) => [`etcd-${i + 1}`, `${h.ip}:${AGENT_PORT}`]));
    const table = await s.admin(['cluster', 'status']);
    assert.match(table.stdout, /\bHOST\b/);

    // The cluster serves the admin with TLS, with the admin's client certificate.
    assert.equal((await s.admin(['put', '/greeting', 'hello'])).code, 0);
    const got = await s.admin(['get', '/greeting', '--print-value-only']);
    assert.equal(got.stdout.trim(), 'hello', got.stderr);
    const health = await s.admin(['status']);
    assert.match(health.stdout, /^Cluster: 3 of 3 members healthy/m, health.stderr);

    // Stopping a member through its agent moves its manifest out on that host only.
    const stop = await s.admin(['cluster', 'stop-member', 'etcd-2']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`^member etcd-2 stopped on agent ${s.net.hosts[1]?.ip.replace(/\./g, '\\.')}:${AGENT_PORT} \\(its manifest moved out\\)$`, 'm'));
    assert.ok(fs.existsSync(path.join(s.dir, 'h2', 'stopped', 'etcd-2.json')));
    const stopped = JSON.parse((await s.admin(['cluster', 'status', '-w', 'json'])).stdout) as MemberRow[];
    assert.deepEqual(stopped.map((r) => r.state), ['running', 'stopped', 'running']);
    assert.match((await s.admin(['status'])).stdout, /^Cluster: 2 of 3 members healthy, quorum 2 kept/m);
    const start = await s.admin(['cluster', 'start-member', 'etcd-2']);
    assert.equal(start.code, 0, start.stderr);
    assert.match((await s.admin(['status'])).stdout, /^Cluster: 3 of 3 members healthy/m);
    const logs = await s.admin(['cluster', 'logs', 'etcd-2', '--lines', '5']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout.trim().split('\n').length, 5);
    assert.match(logs.stdout, /"level":"\w+"/);

    // Joined agents serve only clients with a certificate from the cluster CA.
    const h1 = s.net.hosts[0] as Host;
    const anonymous = await s.net.run(s.net.admin, 'curl', ['-sk', '--max-time', '10', `https://${h1.ip}:${AGENT_PORT}/v1/status`]);
    assert.match(anonymous.stdout, /"no client certificate: the agent serves only clients with a certificate from the cluster CA/);
    const tls = path.join(s.dir, 'admin', 'tls');
    const admin = await s.net.run(s.net.admin, 'curl', ['-s', '--max-time', '10', '--cacert', `${tls}/ca.crt`, '--cert', `${tls}/client.crt`, '--key', `${tls}/client.key`, `https://${h1.ip}:${AGENT_PORT}/v1/status`]);
    assert.equal((JSON.parse(admin.stdout) as { member: { name: string } }).member.name, 'etcd-1', admin.stderr);

    // Running init again finds everything done and changes nothing.
    const again = await s.admin(['cluster', 'init', '--agents', s.agents, '--token-file', s.tokenFile, '--tls']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /is already initialised: checking its members/);
    assert.doesNotMatch(again.stderr, /joined/);
    assert.equal((await s.admin(['get', '/greeting', '--print-value-only'])).stdout.trim(), 'hello');

    // cluster down stops every member on its host; the agents stay up to start them again.
    const down = await s.admin(['cluster', 'down']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /^stopped every member \(etcd-1 on agent .*, etcd-2 on agent .*, etcd-3 on agent .*\): manifests moved out$/m);
    const after = JSON.parse((await s.admin(['cluster', 'status', '-w', 'json'])).stdout) as MemberRow[];
    assert.deepEqual(after.map((r) => r.state), ['stopped', 'stopped', 'stopped']);
    const up = await s.admin(['cluster', 'up']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /cluster is healthy \(3 members on 3 agents\)/);
    assert.equal((await s.admin(['get', '/greeting', '--print-value-only'])).stdout.trim(), 'hello');
  });

  it('refused before anything changes: a wrong token, an agent cut off the network; an agent not joined answers only the bootstrap', async (t) => {
    const s = await site(t, 2, { agentToken: 'another-token-that-the-admin-does-not-have' });
    const h1 = s.net.hosts[0] as Host;
    const wrong = await s.admin(['cluster', 'init', '--agents', `${h1.ip}:${AGENT_PORT}`, '--token-file', s.tokenFile]);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr.trim(), `Error: agent ${h1.ip}:${AGENT_PORT}: the join proof does not match the agent's token: give \`cluster init\` the same --token-file as the agents`);
    assert.equal(fs.existsSync(path.join(s.dir, 'admin')), false, 'the admin state dir was not left behind');
    assert.equal(fs.existsSync(path.join(s.dir, 'h1', 'tls')), false, 'the agent got no certificate');
    assert.match(fs.readFileSync(s.agentLog(h1), 'utf8'), /refused a join: its proof does not match this agent's token/);

    // A host cut off the network: the init names it and starts nothing anywhere.
    const h2 = s.net.hosts[1] as Host;
    await s.net.partition(h2);
    const cut = await s.admin(['cluster', 'init', '--agents', `${h2.ip}:${AGENT_PORT}`, '--token-file', s.tokenFile]);
    assert.equal(cut.code, 1);
    assert.match(cut.stderr.trim(), new RegExp(`^Error: (cannot reach the agent at ${h2.ip.replace(/\./g, '\\.')}:${AGENT_PORT} \\(\\w+\\)|the agent at ${h2.ip.replace(/\./g, '\\.')}:${AGENT_PORT} did not answer within \\d+s): check that`));
    assert.equal(cut.stderr.trim().split('\n').length, 1);
    assert.equal(fs.existsSync(path.join(s.dir, 'h2', 'manifests', 'etcd-1.json')), false);

    // Without a client certificate, the agent's API answers nothing but the bootstrap.
    const curl = await s.net.run(s.net.admin, 'curl', ['-sk', '--max-time', '10', `https://${h1.ip}:${AGENT_PORT}/v1/status`]);
    assert.match(curl.stdout, /has not joined a cluster yet/);
    // A body without a length (chunked) is counted as it comes: nobody fills the host's memory.
    const big = path.join(s.dir, 'big.json');
    fs.writeFileSync(big, `{"nonce":"${'0'.repeat(3 * 1024 * 1024)}"}`);
    const flood = await s.net.run(s.net.admin, 'curl', ['-sk', '--max-time', '20', '-o', '-', '-w', '\n%{http_code}', '-H', 'Transfer-Encoding: chunked', '-H', 'content-type: application/json', '--data-binary', `@${big}`, `https://${h1.ip}:${AGENT_PORT}/v1/bootstrap/join`]);
    assert.match(flood.stdout, /over the agent's limit of 1048576 bytes[\s\S]*\n413$/, flood.stderr);
    assert.match((await s.net.run(s.net.admin, 'curl', ['-sk', '--max-time', '10', `https://${h1.ip}:${AGENT_PORT}/v1/status`])).stdout, /has not joined a cluster yet/, 'the agent still serves');
  });

  it('quorum restore after two hosts lose every process and their data: their agents hold the members back, the survivor rebuilds the cluster, the others join again', async (t) => {
    const s = await site(t, 3);
    const init = await s.admin(['cluster', 'init', '--agents', s.agents, '--token-file', s.tokenFile, '--tls']);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await s.admin(['put', '/quorum/kept', 'yes'])).code, 0);
    const [h1, h2, h3] = s.net.hosts as [Host, Host, Host];
    // The agents have seen their members answer (they sample every 2 s).
    for (const [i, h] of [h2, h3].entries()) {
      await waitFor(() => JSON.parse(fs.readFileSync(path.join(s.dir, h.name, 'agent.json'), 'utf8')).memberHasRun === true, { timeoutMs: 30_000, intervalMs: 200, what: `the agent of etcd-${i + 2} to see it run` });
    }
    // Two machines lost with their disks, then rebuilt: the agents come back, the data does not.
    await s.net.killAll(h2);
    await s.net.killAll(h3);
    fs.rmSync(path.join(s.dir, 'h2', 'members', 'etcd-2'), { recursive: true });
    fs.rmSync(path.join(s.dir, 'h3', 'members', 'etcd-3'), { recursive: true });
    await s.startAgent(h2);
    await s.startAgent(h3);
    const held = JSON.parse((await s.admin(['cluster', 'status', '-w', 'json'])).stdout) as MemberRow[];
    assert.deepEqual(held.map((r) => r.state), ['running', 'failed', 'failed']);
    assert.match(held[1]?.error ?? '', /data dir .* is empty but it has run before \(data lost\?\): not started; `warden quorum restore`/);
    assert.match((await s.admin(['status'])).stdout, /^Cluster: 0 of 3 members healthy, quorum 2 LOST/m);

    const q = await s.admin(['quorum', 'restore']);
    assert.equal(q.code, 0, q.stderr);
    assert.match(q.stdout, /^quorum restored from etcd-1: 3 healthy members agree at revision \d+ \(hashKV \d+\)$/m);
    assert.match(q.stdout, new RegExp(`the survivor's data before the restore is kept at ${h1.ip.replace(/\./g, '\\.')}:${AGENT_PORT}:${path.join(s.dir, 'h1', 'moved-aside').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^/]+/etcd-1-before-quorum-restore`));
    assert.match(q.stderr, /member etcd-2 added as a learner .* on agent /);
    assert.match(q.stderr, /member etcd-3 added as a learner .* on agent /);
    assert.equal((await s.admin(['get', '/quorum/kept', '--print-value-only'])).stdout.trim(), 'yes');
    assert.match((await s.admin(['status'])).stdout, /^Cluster: 3 of 3 members healthy/m);
    const rows = JSON.parse((await s.admin(['cluster', 'status', '-w', 'json'])).stdout) as MemberRow[];
    assert.deepEqual(rows.map((r) => [r.name, r.state]), [['etcd-1', 'running'], ['etcd-2', 'running'], ['etcd-3', 'running']]);
  });

  it('restore across 3 hosts: refused with one line while a host is cut off; stopped midway by a host cut off, it says what each host is in and finishes when run again; so does one killed with -9', async (t) => {
    const s = await site(t, 3);
    assert.equal((await s.admin(['cluster', 'init', '--agents', s.agents, '--token-file', s.tokenFile])).code, 0);
    assert.equal((await s.admin(['put', '/midway/a', 'in-the-backup'])).code, 0);
    const backups = path.join(s.dir, 'backups');
    assert.equal((await s.admin(['backup', backups])).code, 0);
    assert.equal((await s.admin(['put', '/midway/a', 'after-the-backup'])).code, 0);
    const h3 = s.net.hosts[2] as Host;
    const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

    /** The restore, in the background; `on(line)` sees each line of its stderr as it comes. */
    const restore = (on: (line: string, child: ReturnType<Hosts['spawn']>) => void) => {
      const child = s.net.spawn(s.net.admin, process.execPath, [WARDEN, '--state-dir', path.join(s.dir, 'admin'), 'restore', backups], { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
      let err = '';
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => {
        const before = err.split('\n').length - 1;
        err += d.toString();
        for (const line of err.split('\n').slice(before, -1)) on(line, child);
      });
      return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })));
    };

    // A host that does not answer before the restore: nothing changes anywhere.
    await s.net.partition(h3);
    const refused = await s.admin(['restore', backups]);
    assert.equal(refused.code, 1);
    const lines = refused.stderr.trim().split('\n');
    assert.match(lines.at(-1) as string, new RegExp(`^Error: nothing was changed: every agent must answer before a restore starts, and etcd-3's does not: (cannot reach the agent at ${re(h3.ip)}:${AGENT_PORT}|the agent at ${re(h3.ip)}:${AGENT_PORT} did not answer)`));
    assert.equal(lines.filter((l) => l.startsWith('Error:')).length, 1);
    assert.equal(fs.existsSync(path.join(s.dir, 'admin', 'restore.json')), false);
    for (const h of s.net.hosts) assert.equal(fs.existsSync(path.join(s.dir, h.name, 'moved-aside')), false, `nothing moved aside on ${h.name}`);
    await s.net.heal(h3);
    await waitFor(async () => /^Cluster: 3 of 3 members healthy/m.test((await s.admin(['status'])).stdout), { timeoutMs: 60_000, intervalMs: 500, what: 'etcd-3 to be healthy again' });
    assert.equal((await s.admin(['get', '/midway/a', '--print-value-only'])).stdout.trim(), 'after-the-backup');

    // etcd-3's host is cut off once the recovery member restored the snapshot: adding it back fails.
    let cut: Promise<void> | undefined;
    const stopped = await restore((line) => {
      if (!cut && /restored the snapshot into the data dir of etcd-1/.test(line)) cut = s.net.partition(h3);
    });
    await cut;
    assert.equal(stopped.code, 1, stopped.stderr);
    const last = stopped.stderr.trim().split('\n').at(-1) as string;
    assert.match(last, new RegExp(`^Error: the restore stopped in phase "add" \\(the agent at ${re(h3.ip)}:${AGENT_PORT} did not answer within 10s: .*\\); hosts now: etcd-1 \\(agent [^)]+\\) running, etcd-2 \\(agent [^)]+\\) running, etcd-3 \\(agent ${re(h3.ip)}:${AGENT_PORT}\\) does not answer: fix that, then run the same command again to finish the restore \\(its progress is in .*restore\\.json\\)$`));
    assert.ok(fs.existsSync(path.join(s.dir, 'admin', 'restore.json')));
    await s.net.heal(h3);
    const finished = await s.admin(['restore', backups, '-w', 'json']);
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(finished.stderr, /resuming the interrupted restore at phase "add"/);
    const summary = JSON.parse(finished.stdout) as { recovery: string; movedAside: string[]; agreement: { members: { name: string; hash: number }[] } };
    assert.equal(summary.recovery, 'etcd-1');
    assert.equal(summary.agreement.members.length, 3);
    assert.equal(new Set(summary.agreement.members.map((m) => m.hash)).size, 1);
    for (const [i, h] of s.net.hosts.entries()) {
      assert.ok(summary.movedAside.some((p) => p.startsWith(`${h.ip}:${AGENT_PORT}:${path.join(s.dir, h.name, 'moved-aside')}/`) && p.endsWith(`/etcd-${i + 1}`)), `${h.name}'s data dir moved aside on its host: ${summary.movedAside.join(', ')}`);
    }
    assert.match(stopped.stderr, new RegExp(`sent the snapshot \\([\\d.]+ MB, sha256 [0-9a-f]{12}\\.\\.\\.\\) on agent ${re(s.net.hosts[0]?.ip ?? '')}:${AGENT_PORT}`));
    assert.match(stopped.stderr, /member etcd-2 added as a learner .* on agent /);
    assert.equal((await s.admin(['get', '/midway/a', '--print-value-only'])).stdout.trim(), 'in-the-backup');

    // kill -9 of the restore once data dirs are being moved aside: the same command finishes it.
    assert.equal((await s.admin(['put', '/midway/a', 'after-the-first-restore'])).code, 0);
    const killed = await restore((line, child) => {
      if (/moved the data dir of etcd-1 aside/.test(line)) child.kill('SIGKILL');
    });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const again = await s.admin(['restore', backups]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resuming the interrupted restore at phase "(aside|restore)"/);
    assert.equal((await s.admin(['get', '/midway/a', '--print-value-only'])).stdout.trim(), 'in-the-backup');
    assert.match((await s.admin(['status'])).stdout, /^Cluster: 3 of 3 members healthy/m);
    assert.equal(fs.existsSync(path.join(s.dir, 'admin', 'restore.json')), false);
  });

  it('a host cut off: a rolling defrag and a backup are refused before they start, with one line naming it; back, both work', async (t) => {
    const s = await site(t, 3);
    assert.equal((await s.admin(['cluster', 'init', '--agents', s.agents, '--token-file', s.tokenFile, '--tls'])).code, 0);
    assert.equal((await s.admin(['put', '/cut/a', 'kept'])).code, 0);
    const h2 = s.net.hosts[1] as Host;
    await s.net.partition(h2);
    // When etcd-2 led, the others elect a new leader first.
    await waitFor(async () => /^Cluster: 2 of 3 members healthy, quorum 2 kept; leader etcd-[13]/m.test((await s.admin(['status'])).stdout), { timeoutMs: 60_000, intervalMs: 500, what: 'the two members that answer to elect a leader' });
    const defrag = await s.admin(['defrag', '--cluster']);
    assert.equal(defrag.code, 1, defrag.stdout);
    const lines = defrag.stderr.trim().split('\n');
    assert.equal(lines.length, 1, defrag.stderr);
    assert.match(lines[0] as string, /^Error: cluster is unhealthy: 2 of 3 members healthy, quorum kept \(etcd-2: .*\): refusing to defragment/);
    assert.doesNotMatch(defrag.stdout, /Finished defragmenting/);

    // A backup is refused too (the seeds' rule: never from an unhealthy cluster), and leaves nothing.
    const backups = path.join(s.dir, 'backups');
    const refused = await s.admin(['backup', backups]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr.trim(), /^Error: refusing to back up: the cluster is unhealthy \(etcd-2: .*\): wait until it is resolved, or use --force/);
    assert.deepEqual(fs.existsSync(backups) ? fs.readdirSync(backups) : [], []);
    // Once the host is back, the backup is taken and restores.
    await s.net.heal(h2);
    // etcd 3.4 runs without pre-vote: etcd-2, back with a higher term, may force an election first.
    await waitFor(async () => /^Cluster: 3 of 3 members healthy/m.test((await s.admin(['status'])).stdout), { timeoutMs: 60_000, intervalMs: 500, what: 'etcd-2 to be healthy again' });
    const backup = await s.admin(['backup', backups]);
    assert.equal(backup.code, 0, backup.stderr);
    const dry = await s.admin(['restore', backups, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^dry run of backup \S+: OK/);
    const defragged = await s.admin(['defrag', '--cluster', '--wait', '0']);
    assert.equal(defragged.code, 0, defragged.stderr);
    assert.equal(defragged.stdout.trim().split('\n').filter((l) => /^Finished defragmenting etcd member/.test(l)).length, 3);
  });

  it('member replace: refused while the removal would lose quorum; then a lost host\'s member is added on a fresh 4th host that joins with the token', async (t) => {
    const s = await site(t, 4);
    const [h1, h2, h3, h4] = s.net.hosts as [Host, Host, Host, Host];
    const three = [h1, h2, h3].map((h) => `${h.ip}:${AGENT_PORT}`).join(',');
    assert.equal((await s.admin(['cluster', 'init', '--agents', three, '--token-file', s.tokenFile, '--tls'])).code, 0);
    assert.equal((await s.admin(['put', '/replace/a', 'kept'])).code, 0);
    await s.net.killAll(h2); // the machine is lost
    assert.equal((await s.admin(['cluster', 'stop-member', 'etcd-3'])).code, 0);
    const fresh = `${h4.ip}:${AGENT_PORT}`;
    const refused = await s.admin(['member', 'replace', 'etcd-2', '--agent', fresh, '--token-file', s.tokenFile]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), 'Error: nothing was changed: removing etcd-2 would leave 0 healthy of 2 members, below their quorum of 2: bring the other members back first, or recover with `warden quorum restore`');
    assert.equal(fs.existsSync(path.join(s.dir, 'h4', 'tls', 'agent.crt')), false, 'the fresh agent did not join');
    assert.equal((await s.admin(['cluster', 'start-member', 'etcd-3'])).code, 0);

    const res = await s.admin(['member', 'replace', 'etcd-2', '--agent', fresh, '--token-file', s.tokenFile]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`^replaced member etcd-2 \\(moved from ${h2.ip.replace(/\./g, '\\.')}:${AGENT_PORT} to ${h4.ip.replace(/\./g, '\\.')}:${AGENT_PORT}\\): 3 healthy members agree at revision \\d+ \\(hashKV \\d+\\)$`, 'm'));
    assert.match(res.stderr, new RegExp(`agent ${h4.ip.replace(/\./g, '\\.')}:${AGENT_PORT} joined`));
    assert.match(res.stderr, /the old host of etcd-2 \(agent [^)]+\) does not answer .*: it is left as it is; do not start its member again/);
    const rows = JSON.parse((await s.admin(['cluster', 'status', '-w', 'json'])).stdout) as MemberRow[];
    assert.deepEqual(rows.map((r) => [r.name, r.host, r.state]), [
      ['etcd-1', `${h1.ip}:${AGENT_PORT}`, 'running'], ['etcd-2', fresh, 'running'], ['etcd-3', `${h3.ip}:${AGENT_PORT}`, 'running'],
    ]);
    assert.equal((await s.admin(['get', '/replace/a', '--print-value-only'])).stdout.trim(), 'kept');
    const entry = JSON.parse((await s.admin(['get', '/warden/agents/etcd-2', '--print-value-only'])).stdout) as { address: string };
    assert.equal(entry.address, fresh, 'the registration in etcd names the new host');
    assert.match((await s.admin(['status'])).stdout, /^Cluster: 3 of 3 members healthy/m);
  });

  it('the kubelet runtime: an agent adopts the member a static pod manifest runs (kubeadm\'s etcd.yaml, TLS with its own CA), stops it by moving the manifest out, and restores into it', async (t) => {
    const k = await kubeletHost(t);
    const { ip, pki, dataDir, manifests } = k;
    fs.writeFileSync(path.join(manifests, 'etcd.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  labels:', '    component: etcd', '    tier: control-plane', '  name: etcd', '  namespace: kube-system', 'spec:', '  containers:', '  - command:',
      ...['etcd', `--advertise-client-urls=https://${ip}:2379`, `--cert-file=${pki}/server.crt`, '--client-cert-auth=true', `--data-dir=${dataDir}`,
        `--initial-advertise-peer-urls=https://${ip}:2380`, `--initial-cluster=cp-1=https://${ip}:2380`, `--key-file=${pki}/server.key`,
        `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`, '--listen-metrics-urls=http://127.0.0.1:2381', `--listen-peer-urls=https://${ip}:2380`, '--name=cp-1',
        `--peer-cert-file=${pki}/peer.crt`, '--peer-client-cert-auth=true', `--peer-key-file=${pki}/peer.key`, `--peer-trusted-ca-file=${pki}/ca.crt`,
        '--snapshot-count=10000', `--trusted-ca-file=${pki}/ca.crt`].map((a) => `    - ${a}`),
      '    image: registry.k8s.io/etcd:3.5.15-0', '    name: etcd', '  hostNetwork: true', '  priorityClassName: system-node-critical', 'status: {}', '',
    ].join('\n'));
    await k.startKubelet();
    await k.startAgent('cp-1', []);
    const { run } = k;
    const init = await run(['cluster', 'init', '--agents', `${ip}:${AGENT_PORT}`, '--token-file', k.tokenFile]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, new RegExp(`adopted 1 running members: cp-1 on ${ip.replace(/\./g, '\\.')}:${AGENT_PORT}`));
    // The member keeps its own CA: the agent signed the admin a client certificate of it, with
    // kubeadm's CA key where kubeadm keeps it; that key stays on the host.
    assert.match(init.stderr, /the members serve TLS with their own CA: agent \S+ signed a client certificate of that CA/);
    const adminTls = path.join(k.dir, 'admin', 'tls');
    assert.equal(fs.readFileSync(path.join(adminTls, 'etcd-ca.crt'), 'utf8'), fs.readFileSync(path.join(pki, 'ca.crt'), 'utf8'));
    assert.equal(fs.statSync(path.join(adminTls, 'etcd-client.key')).mode & 0o777, 0o600);
    assert.equal(fs.readdirSync(adminTls).some((f) => f.includes('ca.key') && fs.readFileSync(path.join(adminTls, f), 'utf8') === fs.readFileSync(path.join(pki, 'ca.key'), 'utf8')), false);
    const verify = spawnSync('openssl', ['verify', '-CAfile', path.join(pki, 'ca.crt'), path.join(adminTls, 'etcd-client.crt')], { encoding: 'utf8' });
    assert.match(verify.stdout, /: OK/, verify.stderr);
    const rows = JSON.parse((await run(['cluster', 'status', '-w', 'json'])).stdout) as MemberRow[];
    assert.deepEqual(rows.map((r) => [r.name, r.state, r.clientURL, r.dataDir]), [['cp-1', 'running', `https://${ip}:2379`, dataDir]]);
    // The agent reaches its member with the member's own certificate: it records what it last saw (quorum restore picks by it).
    const seen = await waitFor(() => {
      try {
        return JSON.parse(fs.readFileSync(path.join(k.dir, 'agent', 'run', 'last-seen.json'), 'utf8')) as { raftIndex: string };
      } catch {
        return undefined;
      }
    }, { timeoutMs: 20_000, intervalMs: 200, what: 'the agent to sample its member' });
    assert.ok(Number(seen.raftIndex) > 0);

    await k.backupStopStartRestore('cp-1', 'etcd.yaml');
    // The Pod keeps its own flags; only the cluster settings changed.
    const pod = fs.readFileSync(path.join(manifests, 'etcd.yaml'), 'utf8');
    assert.match(pod, /- --snapshot-count=10000/);
    assert.match(pod, /- --listen-metrics-urls=http:\/\/127\.0\.0\.1:2381/);
    assert.match(pod, new RegExp(`- --peer-cert-file=${escapeRe(pki)}/peer\\.crt`));
    assert.match(pod, /- --initial-cluster-token=warden-[0-9a-f]+/);
    assert.doesNotMatch(pod, /force-new-cluster/);
    assert.match(pod, /image: registry\.k8s\.io\/etcd:3\.5\.15-0/);
    const logs = await run(['cluster', 'logs', 'cp-1', '--lines', '3']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout.trim().split('\n').length, 3);
  });

  it('the kubelet runtime with OpenShift\'s etcd-pod.yaml: a script that execs etcd with the Pod\'s variables, certificates mounted from elsewhere, a CA bundle; stopped, backed up and restored', async (t) => {
    const k = await kubeletHost(t);
    const { ip, pki, manifests } = k;
    // OpenShift's layout: the certificates under /etc/kubernetes/static-pod-certs in the
    // container, from /etc/kubernetes/static-pod-resources/etcd-certs on the host; the data dir
    // /var/lib/etcd, a hostPath too. The trusted CA is a bundle (an older signer, then the
    // current one), and the signer's key is not on the host's certificate paths.
    const oldSigner = path.join(pki, 'old');
    fs.mkdirSync(oldSigner);
    k.ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'old/ca.key', '-out', 'old/ca.crt', '-days', '2', '-subj', '/CN=etcd-signer-old');
    const certs = path.join(k.dir, 'static-pod-resources', 'etcd-certs');
    const all = path.join(certs, 'secrets', 'etcd-all-certs');
    const bundleDir = path.join(certs, 'configmaps', 'etcd-serving-ca');
    fs.mkdirSync(all, { recursive: true });
    fs.mkdirSync(bundleDir, { recursive: true });
    fs.writeFileSync(path.join(bundleDir, 'ca-bundle.crt'), fs.readFileSync(path.join(oldSigner, 'ca.crt'), 'utf8') + fs.readFileSync(path.join(pki, 'ca.crt'), 'utf8'));
    for (const [from, to] of [['server', 'etcd-serving-master-0'], ['peer', 'etcd-peer-master-0']]) {
      for (const ext of ['crt', 'key']) fs.copyFileSync(path.join(pki, `${from}.${ext}`), path.join(all, `${to}.${ext}`));
    }
    const signerKey = path.join(k.dir, 'etcd-signer.key');
    fs.copyFileSync(path.join(pki, 'ca.key'), signerKey);
    const hostData = path.join(k.dir, 'var-lib-etcd');
    const C = '/etc/kubernetes/static-pod-certs';
    const env = { ETCD_DATA_DIR: '/var/lib/etcd', ETCD_INITIAL_CLUSTER_STATE: 'new', ETCD_QUOTA_BACKEND_BYTES: '8589934592', NODE_master_0_ETCD_NAME: 'master-0', NODE_master_0_IP: ip, LISTEN_ON_ALL_IPS: ip, VERBOSITY: 'info' };
    const script = [
      '#!/bin/sh', 'set -euo pipefail', '',
      'ETCD_INITIAL_CLUSTER=$(discover-etcd-initial-cluster --data-dir=/var/lib/etcd --target-name=master-0)', 'export ETCD_INITIAL_CLUSTER', '',
      'export ETCD_NAME=${NODE_master_0_ETCD_NAME}', 'set -x',
      'exec nice -n -19 ionice -c2 -n0 etcd \\', '  --logger=zap \\', '  --log-level=${VERBOSITY} \\', '  --snapshot-count=10000 \\',
      '  --initial-advertise-peer-urls=https://${NODE_master_0_IP}:2380 \\',
      `  --cert-file=${C}/secrets/etcd-all-certs/etcd-serving-master-0.crt \\`, `  --key-file=${C}/secrets/etcd-all-certs/etcd-serving-master-0.key \\`,
      `  --trusted-ca-file=${C}/configmaps/etcd-serving-ca/ca-bundle.crt \\`, '  --client-cert-auth=true \\',
      `  --peer-cert-file=${C}/secrets/etcd-all-certs/etcd-peer-master-0.crt \\`, `  --peer-key-file=${C}/secrets/etcd-all-certs/etcd-peer-master-0.key \\`,
      `  --peer-trusted-ca-file=${C}/configmaps/etcd-serving-ca/ca-bundle.crt \\`, '  --peer-client-cert-auth=true \\',
      '  --advertise-client-urls=https://${NODE_master_0_IP}:2379 \\', '  --listen-client-urls=https://${LISTEN_ON_ALL_IPS}:2379 \\',
      '  --listen-peer-urls=https://${LISTEN_ON_ALL_IPS}:2380 \\', '  --metrics=extensive || mv /etc/kubernetes/etcd-backup-dir/etcd-member.yaml /etc/kubernetes/manifests',
    ];
    fs.writeFileSync(path.join(manifests, 'etcd-pod.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: etcd', '  namespace: openshift-etcd', '  labels:', '    app: etcd', '    revision: "5"', 'spec:', '  containers:',
      '  - name: etcd', '    image: quay.io/openshift-release-dev/etcd@sha256:0', '    command:', '      - /bin/sh', '      - -c', '      - |',
      ...script.map((l) => (l ? `        ${l}` : '')),
      '    env:', ...Object.entries(env).map(([n, v]) => `      - name: ${n}\n        value: "${v}"`),
      '    volumeMounts:', `      - mountPath: ${C}`, '        name: cert-dir', '      - mountPath: /var/lib/etcd/', '        name: data-dir',
      '  hostNetwork: true', '  volumes:', '    - hostPath:', `        path: ${certs}`, '      name: cert-dir', '    - hostPath:', `        path: ${hostData}`, '        type: ""', '      name: data-dir', '',
    ].join('\n'));
    await k.startKubelet();
    await k.startAgent('master-0', ['--pod-manifest', 'etcd-pod.yaml', '--etcd-ca-key', signerKey]);
    const { run } = k;
    const init = await run(['cluster', 'init', '--agents', `${ip}:${AGENT_PORT}`, '--token-file', k.tokenFile]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, /adopted 1 running members: master-0 on /);
    // Signed by the signer whose key was given, the bundle's second CA.
    const adminTls = path.join(k.dir, 'admin', 'tls');
    const verify = spawnSync('openssl', ['verify', '-CAfile', path.join(pki, 'ca.crt'), path.join(adminTls, 'etcd-client.crt')], { encoding: 'utf8' });
    assert.match(verify.stdout, /: OK/, verify.stderr);
    const rows = JSON.parse((await run(['cluster', 'status', '-w', 'json'])).stdout) as MemberRow[];
    assert.deepEqual(rows.map((r) => [r.name, r.state, r.clientURL, r.dataDir]), [['master-0', 'running', `https://${ip}:2379`, hostData]]);

    await k.backupStopStartRestore('master-0', 'etcd-pod.yaml');
    // The script became the command it execs, with the member's settings; the original is kept.
    const pod = parseYaml(fs.readFileSync(path.join(manifests, 'etcd-pod.yaml'), 'utf8')) as { metadata: { annotations: Record<string, string> }; spec: { containers: { command: string[]; env: { name: string }[] }[] } };
    const cmd = pod.spec.containers[0]!.command;
    assert.equal(cmd[0], 'etcd');
    assert.ok(cmd.includes('--data-dir=/var/lib/etcd') && cmd.includes('--metrics=extensive') && cmd.includes(`--cert-file=${C}/secrets/etcd-all-certs/etcd-serving-master-0.crt`), cmd.join(' '));
    assert.ok(!cmd.includes('--force-new-cluster'));
    assert.ok(!pod.spec.containers[0]!.env.some((e) => e.name === 'ETCD_DATA_DIR'));
    assert.match(pod.metadata.annotations['etcd-warden.io/original-etcd-command']!, /exec nice -n -19 ionice -c2 -n0 etcd/);
  });
});

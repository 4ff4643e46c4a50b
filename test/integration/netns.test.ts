// The network-namespace hosts helper (test/helpers/netns.ts) with real namespaces, a real bridge
// and real processes (needs root): hosts reach each other and the root namespace does not reach
// them; a partition cuts a host off both ways until healed; killAll leaves no process; destroy
// leaves nothing; a new helper sweeps away what a dead process left, and only that.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { waitFor } from '../../src/util/wait.ts';
import { createHosts, tagOf, type Host, type Hosts } from '../helpers/netns.ts';

const execFileP = promisify(execFile);
const PORT = 7000;
const CONNECT_MS = 1500;
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

// Answers every connection with "hello from <ip>".
const SERVER = `const [ip, port] = process.argv.slice(1);
require('net').createServer((s) => s.end('hello from ' + ip)).listen(Number(port), ip, () => console.log('listening'));`;

// Prints "got <what the server said>", "error <code>" or "timeout".
const CLIENT = `const [ip, port, ms] = process.argv.slice(1);
const s = require('net').connect({ host: ip, port: Number(port), timeout: Number(ms) });
let data = '';
s.on('data', (d) => (data += d)).on('end', () => { console.log('got ' + data); process.exit(0); });
s.on('error', (e) => { console.log('error ' + e.code); process.exit(0); });
s.on('timeout', () => { console.log('timeout'); process.exit(0); });`;

async function connect(hosts: Hosts, from: Host, to: Host, port = PORT): Promise<string> {
  const r = await hosts.run(from, process.execPath, ['-e', CLIENT, to.ip, String(port), String(CONNECT_MS)], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, `client in ${from.name}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The same client, from the root namespace (this process). */
function connectFromRoot(ip: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ip, port: PORT, timeout: CONNECT_MS });
    let data = '';
    s.on('data', (d) => (data += d)).on('end', () => resolve(`got ${data}`));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    s.on('timeout', () => {
      s.destroy();
      resolve('timeout');
    });
  });
}

async function startServer(hosts: Hosts, host: Host): Promise<ChildProcess> {
  const child = hosts.spawn(host, process.execPath, ['-e', SERVER, host.ip, String(PORT)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  await waitFor(() => out.includes('listening') || (child.exitCode !== null && assert.fail(`server exited: ${out}`)), { ...WAIT, what: `the server in ${host.name} to listen` });
  return child;
}

async function nsPids(ns: string): Promise<number[]> {
  const { stdout } = await execFileP('ip', ['netns', 'pids', ns]);
  return stdout.split(/\s+/).filter(Boolean).map(Number);
}

const exited = (child: ChildProcess) => waitFor(() => child.signalCode ?? (child.exitCode !== null && `exit ${child.exitCode}`), { ...WAIT, what: `pid ${child.pid} to end` });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const nsExists = (ns: string) => fs.existsSync(`/run/netns/${ns}`);

describe('network namespace hosts', () => {
  it('hosts reach each other over the bridge; the root namespace does not reach them', async (t) => {
    const hosts = await createHosts(t, 2);
    const [h1, h2] = hosts.hosts as [Host, Host];
    assert.match(hosts.subnet, /^10\.231\.\d+\.0\/24$/);
    assert.equal(new Set([h1.ip, h2.ip, hosts.admin.ip]).size, 3);
    for (const h of [h1, h2, hosts.admin]) {
      const r = await hosts.run(h, 'ip', ['-j', '-4', 'addr', 'show']);
      const links = JSON.parse(r.stdout) as { ifname: string; flags: string[]; addr_info: { local: string }[] }[];
      assert.deepEqual(links.map((l) => [l.ifname, l.flags.includes('UP'), l.addr_info.map((a) => a.local)]), [
        ['lo', true, ['127.0.0.1']],
        ['eth0', true, [h.ip]],
      ]);
    }

    await startServer(hosts, h1);
    assert.equal(await connect(hosts, hosts.admin, h1), `got hello from ${h1.ip}`);
    assert.equal(await connect(hosts, h2, h1), `got hello from ${h1.ip}`);

    assert.doesNotMatch(await connectFromRoot(h1.ip), /^got /);
    const { stdout: rootAddrs } = await execFileP('ip', ['-o', 'addr']);
    assert.equal(rootAddrs.includes(hosts.subnet.replace(/0\/24$/, '')), false, 'no address of the subnet in the root namespace');
  });

  it('partition cuts a host off both ways; heal puts it back once traffic passes', async (t) => {
    const hosts = await createHosts(t, 2);
    const [h1, h2] = hosts.hosts as [Host, Host];
    const { admin } = hosts;
    await startServer(hosts, h1);
    assert.equal(await connect(hosts, admin, h1), `got hello from ${h1.ip}`);

    await hosts.partition(h1);
    assert.match(await connect(hosts, admin, h1), /^(timeout|error EHOSTUNREACH)$/);
    assert.match(await connect(hosts, h2, h1), /^(timeout|error EHOSTUNREACH)$/);
    // From inside: a closed port on admin would refuse; cut off, nothing answers at all.
    assert.match(await connect(hosts, h1, admin, 9), /^(timeout|error EHOSTUNREACH)$/);

    await hosts.heal(h1);
    assert.equal(await connect(hosts, admin, h1), `got hello from ${h1.ip}`);
    assert.equal(await connect(hosts, h1, admin, 9), 'error ECONNREFUSED');

    // Every link cut: healing the first has nobody to talk to, healing the next has the first.
    for (const h of [h1, h2, admin]) await hosts.partition(h);
    await hosts.heal(h2);
    await hosts.heal(admin);
    assert.match(await connect(hosts, admin, h1), /^(timeout|error EHOSTUNREACH)$/);
    await hosts.heal(h1);
    assert.equal(await connect(hosts, admin, h1), `got hello from ${h1.ip}`);
    assert.equal(await connect(hosts, h2, h1), `got hello from ${h1.ip}`);
  });

  it('killAll leaves no process in that namespace, and only that one', async (t) => {
    const hosts = await createHosts(t, 1);
    const [h1] = hosts.hosts as [Host];
    const sleeper = hosts.spawn(h1, 'sleep', ['300'], { stdio: 'ignore' });
    const shell = hosts.spawn(h1, 'sh', ['-c', 'sleep 300 & sleep 300 & wait'], { stdio: 'ignore' });
    const other = hosts.spawn(hosts.admin, 'sleep', ['300'], { stdio: 'ignore' });
    await waitFor(async () => (await nsPids(h1.ns)).length === 4, { ...WAIT, what: 'sleep, sh and its two sleeps in h1' });
    assert.deepEqual(await nsPids(hosts.admin.ns), [other.pid]);

    await hosts.killAll(h1);
    assert.deepEqual(await nsPids(h1.ns), []);
    assert.equal(await exited(sleeper), 'SIGKILL');
    assert.equal(await exited(shell), 'SIGKILL');
    assert.equal(alive(other.pid!), true, 'the admin namespace was not touched');
  });

  it('destroy removes every namespace, link and process of the call, and may be called again', async (t) => {
    const hosts = await createHosts(t, 2);
    const sleeper = hosts.spawn(hosts.hosts[1]!, 'sleep', ['300'], { stdio: 'ignore' });
    const mine = async () => (await execFileP('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`${hosts.tag}-`));
    assert.equal((await mine()).length, 4, 'switch, admin, h1, h2');

    await hosts.destroy();
    await hosts.destroy();
    assert.deepEqual(await mine(), []);
    assert.equal(await exited(sleeper), 'SIGKILL');
    const { stdout: links } = await execFileP('ip', ['-o', 'link']);
    assert.doesNotMatch(links, /wdn|p-h1|p-admin/, 'no bridge or veth end in the root namespace');
    await assert.rejects(hosts.killAll(hosts.admin), /no network namespace/);
  });

  it('a new helper removes the namespaces a dead process left, with their processes, and leaves a live process’s alone', async (t) => {
    const gone = spawn('true');
    await once(gone, 'exit');
    const deadPid = gone.pid!;
    assert.equal(alive(deadPid), false);
    const holder = spawn('sleep', ['300'], { stdio: 'ignore' });
    const staleNs = `${tagOf(deadPid, 0)}-h1`;
    const liveNs = `${tagOf(holder.pid!, 0)}-h1`;
    t.after(async () => {
      for (const ns of [liveNs, staleNs]) if (nsExists(ns)) await execFileP('ip', ['netns', 'del', ns]);
      holder.kill('SIGKILL');
    });
    await execFileP('ip', ['netns', 'add', staleNs]);
    await execFileP('ip', ['netns', 'add', liveNs]);
    const straggler = spawn('ip', ['netns', 'exec', staleNs, 'sleep', '300'], { stdio: 'ignore' });
    await waitFor(async () => (await nsPids(staleNs)).length === 1, { ...WAIT, what: 'a process in the stale namespace' });

    await createHosts(t, 1);
    assert.equal(nsExists(staleNs), false, 'the dead pid’s namespace is gone');
    assert.equal(await exited(straggler), 'SIGKILL');
    assert.equal(nsExists(liveNs), true, 'the live pid’s namespace is left alone');
  });
});

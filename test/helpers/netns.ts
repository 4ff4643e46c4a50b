// Test helper: several "hosts" as Linux network namespaces on one private bridge (needs root).
// Owns, per createHosts call: a switch namespace `<tag>-sw<n>` holding the bridge br0 and the
// outer veth ends; one namespace per host plus `<tag>-admin`, each with lo up and eth0 up with an
// address in 10.231.<n>.0/24; every process running in those namespaces; and tearing all of it
// down (t.after, or at exit as a last resort). Also removes what a crashed earlier run left.
//
// Names: `wdn-<pid base36>-<counter base36>-<role>`, so they are unique per process and per call
// and say whose they are. Interface names (15 characters at most) are br0, p-<host>, eth0: they
// live in our namespaces, never in the root one.
//
// Why the bridge is in a namespace of its own rather than the root one: br_netfilter (built in
// here, bridge-nf-call-iptables=1) hands bridged frames to the netfilter of the bridge's namespace,
// and that switch is per namespace. A bridge in the root namespace would be filtered by the
// machine's firewall (e.g. Docker's FORWARD policy DROP); turning the switch off there would
// change the machine for everyone. Our own namespace has no rules, so nothing filters our frames
// and nothing of the machine's changes. The root namespace also gets no interface and no address.

import { execFile, spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import type { TestContext } from 'node:test';
import { EndWait, waitFor } from '../../src/util/wait.ts';

export const PREFIX = 'wdn';
const NETNS_DIR = '/run/netns'; // where `ip netns` keeps its names
const NAME_RE = /^wdn-([0-9a-z]+)-([0-9a-z]+)-(.+)$/;
const SWITCH_RE = /^sw(\d+)$/;

export interface Host {
  /** `h1`, `h2`, ... or `admin`. */
  name: string;
  /** The network namespace, for `ip netns exec`. */
  ns: string;
  /** eth0's IPv4 address, reachable only from the other namespaces of the same call. */
  ip: string;
}

export interface SpawnOpts {
  stdio?: StdioOptions;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  /** Exit code, null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The timeout ran out and the command was killed. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface Hosts {
  hosts: Host[];
  admin: Host;
  /** `10.231.<n>.0/24` */
  subnet: string;
  /** The start of every namespace name of this call (`wdn-<pid>-<counter>`). */
  tag: string;
  /** Runs `cmd` inside the host's namespace; the child's pid is cmd's (`ip netns exec` execs it). */
  spawn(host: Host, cmd: string, args: string[], opts?: SpawnOpts): ChildProcess;
  /** Runs `cmd` inside the host's namespace to its end, or kills it after timeoutMs (default 60 s). */
  run(host: Host, cmd: string, args: string[], opts?: SpawnOpts & { timeoutMs?: number }): Promise<RunResult>;
  /** Cuts the host off the bridge, both ways. */
  partition(host: Host): Promise<void>;
  /** Puts the host back, once its link really passes traffic again. */
  heal(host: Host): Promise<void>;
  /** SIGKILLs every process in the host's namespace (losing the machine); resolves once none is left. */
  killAll(host: Host): Promise<void>;
  /** Kills every process and deletes every namespace (with the bridge and veths in them). Idempotent. */
  destroy(): Promise<void>;
}

export interface HostsOptions {
  /** The bound of every wait of the helper: connectivity, processes gone (default 30 s). */
  timeoutMs?: number;
}

let counter = 0;
/** Tags of this process's calls not destroyed yet: everything else with our pid is stale. */
const live = new Set<string>();

// Last resort if the test process ends without running its `after` hooks.
process.on('exit', () => {
  for (const tag of live) {
    for (const ns of namespaces().filter((n) => n.startsWith(`${tag}-`))) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split(/\s+/).filter(Boolean)) killQuietly(Number(pid));
      spawnSync('ip', ['netns', 'del', ns]);
    }
  }
});

/** The start of the names of call number `call` of process `pid`: `wdn-<pid>-<call>`, base 36. */
export function tagOf(pid: number, call: number): string {
  return `${PREFIX}-${pid.toString(36)}-${call.toString(36)}`;
}

export async function createHosts(t: TestContext, count: number, opts: HostsOptions = {}): Promise<Hosts> {
  if (!Number.isInteger(count) || count < 1 || count > 50) throw new RangeError(`createHosts: count must be 1..50, got ${count}`);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const tag = tagOf(process.pid, counter++);
  live.add(tag);
  let destroyed: Promise<void> | undefined;
  const destroy = (): Promise<void> =>
    (destroyed ??= (async () => {
      // Every namespace of this call, however far creation got; the switch last (a veth pair goes
      // with whichever of its two namespaces goes first, so the order is only tidiness).
      const mine = namespaces().filter((n) => n.startsWith(`${tag}-`));
      const isSwitch = (ns: string) => SWITCH_RE.test(ns.slice(tag.length + 1));
      await Promise.all(mine.filter((ns) => !isSwitch(ns)).map((ns) => removeNamespace(ns, timeoutMs)));
      await Promise.all(mine.filter(isSwitch).map((ns) => removeNamespace(ns, timeoutMs)));
      live.delete(tag);
    })());
  t.after(destroy);

  await removeStale(timeoutMs);
  const { n, sw } = await claimSubnet(tag);
  await ip('-n', sw, 'link', 'add', 'br0', 'type', 'bridge');
  // addrgenmode none (before up, not in the same command): no IPv6 link-local address on the
  // bridge or its ports either.
  await ip('-n', sw, 'link', 'set', 'br0', 'addrgenmode', 'none');
  await ip('-n', sw, 'link', 'set', 'br0', 'up');

  const host = (name: string, octet: number): Host => ({ name, ns: `${tag}-${name}`, ip: `10.231.${n}.${octet}` });
  const hosts = Array.from({ length: count }, (_, i) => host(`h${i + 1}`, 11 + i));
  const admin = host('admin', 100);
  const port = (h: Host) => `p-${h.name}`;
  await Promise.all(
    [admin, ...hosts].map(async (h) => {
      await ip('netns', 'add', h.ns);
      await ip('-n', sw, 'link', 'add', port(h), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns);
      await ip('-n', sw, 'link', 'set', port(h), 'master', 'br0', 'addrgenmode', 'none');
      await ip('-n', sw, 'link', 'set', port(h), 'up');
      await ip('-n', h.ns, 'link', 'set', 'lo', 'up');
      await ip('-n', h.ns, 'addr', 'add', `${h.ip}/24`, 'dev', 'eth0');
      await ip('-n', h.ns, 'link', 'set', 'eth0', 'up');
    }),
  );

  const spawnIn = (h: Host, cmd: string, args: string[], o: SpawnOpts = {}): ChildProcess =>
    spawn('ip', ['netns', 'exec', h.ns, cmd, ...args], { stdio: o.stdio ?? 'pipe', cwd: o.cwd, env: { ...process.env, ...o.env } });

  const run = (h: Host, cmd: string, args: string[], o: SpawnOpts & { timeoutMs?: number } = {}): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const child = spawnIn(h, cmd, args, { ...o, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, o.timeoutMs ?? 60_000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, timedOut, stdout, stderr });
      });
    });

  // A TCP connect to port 9 (nothing listens there) that is refused got an answer: the path works
  // both ways.
  const reaches = async (from: Host, to: Host): Promise<boolean> =>
    (await run(from, process.execPath, ['-e', PROBE, to.ip], { timeoutMs: 10_000 })).code === 0;

  const cut = new Set<string>(); // namespaces of partitioned hosts
  // The switch-side end: down, the bridge stops forwarding to that port (and forgets the MACs
  // learnt there), and frames the host sends die at the veth because its peer is down. The host
  // itself sees a pulled cable (NO-CARRIER) and keeps its address and routes, so its processes can
  // still bind and their packets are lost, not refused. The end inside the host down would delete
  // the subnet's route there: every send fails at once with ENETUNREACH, unlike a real partition.
  const partition = async (h: Host): Promise<void> => {
    cut.add(h.ns);
    await ip('-n', sw, 'link', 'set', port(h), 'down');
  };
  const heal = async (h: Host): Promise<void> => {
    cut.delete(h.ns);
    await ip('-n', sw, 'link', 'set', port(h), 'up');
    // Traffic to a namespace whose link is up proves it; with every other link cut nobody can
    // answer, and the bridge forwarding on the port again is all there is to see.
    const peer = [admin, ...hosts].find((p) => p.ns !== h.ns && !cut.has(p.ns));
    await waitFor(async () => (peer ? reaches(h, peer) : portForwarding(sw, port(h))), {
      timeoutMs,
      intervalMs: 50,
      what: `${h.name} (${h.ns}) to pass traffic again${peer ? ` to ${peer.name}` : ''}`,
    });
  };

  // Ready once every host reaches admin over the bridge (and so admin reaches every host).
  await Promise.all(hosts.map((h) => waitFor(() => reaches(h, admin), { timeoutMs, intervalMs: 50, what: `${h.name} to reach admin over the bridge` })));

  return {
    hosts,
    admin,
    subnet: `10.231.${n}.0/24`,
    tag,
    spawn: spawnIn,
    run,
    partition,
    heal,
    killAll: (h) => killNamespace(h.ns, timeoutMs),
    destroy,
  };
}

const PROBE = `const s = require('net').connect({ host: process.argv[1], port: 9, timeout: 1000 });
s.on('connect', () => process.exit(0));
s.on('error', (e) => process.exit(e.code === 'ECONNREFUSED' ? 0 : 1));
s.on('timeout', () => process.exit(1));`;

function ip(...args: string[]): Promise<string> {
  return exec('ip', args);
}

function exec(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Names of existing network namespaces of our prefix. */
function namespaces(): string[] {
  try {
    return fs.readdirSync(NETNS_DIR).filter((n) => NAME_RE.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The /24s claimed by switch namespaces: `n` -> namespace name. */
function switches(): { n: number; ns: string }[] {
  return namespaces().flatMap((ns) => {
    const m = SWITCH_RE.exec(NAME_RE.exec(ns)![3]!);
    return m ? [{ n: Number(m[1]), ns }] : [];
  });
}

/**
 * Picks a free 10.231.<n>.0/24 and claims it by creating the switch namespace `<tag>-sw<n>`.
 * Create, then look: of two calls (in any processes) that picked the same n at once, at least the
 * later one sees the other and gives it up, so two never keep the same /24.
 */
async function claimSubnet(tag: string): Promise<{ n: number; sw: string }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const used = new Set(switches().map((s) => s.n));
    const free = Array.from({ length: 256 }, (_, i) => i).filter((i) => !used.has(i));
    if (free.length === 0) break;
    const n = free[Math.floor(Math.random() * free.length)]!;
    const sw = `${tag}-sw${n}`;
    await ip('netns', 'add', sw);
    if (!switches().some((s) => s.n === n && s.ns !== sw)) return { n, sw };
    await ip('netns', 'del', sw);
  }
  throw new Error(`no free /24 in 10.231.0.0/16 (switch namespaces: ${switches().length})`);
}

/** Removes our namespaces whose owner pid is dead (or is ours, from a call this process no longer has). */
async function removeStale(timeoutMs: number): Promise<void> {
  const stale = namespaces().filter((ns) => {
    const [, pid36, call36] = NAME_RE.exec(ns)!;
    const pid = parseInt(pid36!, 36);
    if (pid === process.pid) return !live.has(tagOf(pid, parseInt(call36!, 36)));
    return !pidAlive(pid);
  });
  await Promise.all(stale.map((ns) => removeNamespace(ns, timeoutMs)));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone already */
  }
}

/** SIGKILLs every process in `ns` until none is left (a process may fork while we kill). */
async function killNamespace(ns: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      if (!nsExists(ns)) throw new EndWait(new Error(`no network namespace ${ns}`));
      const pids = (await ip('netns', 'pids', ns)).split(/\s+/).filter(Boolean).map(Number);
      pids.forEach(killQuietly);
      return pids.length === 0;
    },
    { timeoutMs, intervalMs: 50, what: `no process left in network namespace ${ns}` },
  );
}

/** Kills the namespace's processes (`ip netns del` alone would leave them running) and deletes it. */
async function removeNamespace(ns: string, timeoutMs: number): Promise<void> {
  if (!nsExists(ns)) return;
  try {
    await killNamespace(ns, timeoutMs);
    await ip('netns', 'del', ns);
  } catch (err) {
    if (nsExists(ns)) throw err; // else someone else (a stale sweep elsewhere) removed it meanwhile
  }
}

function nsExists(ns: string): boolean {
  return fs.existsSync(`${NETNS_DIR}/${ns}`);
}

async function portForwarding(sw: string, port: string): Promise<boolean> {
  const [link] = JSON.parse(await ip('-n', sw, '-j', 'link', 'show', 'dev', port)) as { operstate?: string }[];
  const [brPort] = JSON.parse(await exec('bridge', ['-n', sw, '-j', 'link', 'show', 'dev', port])) as { state?: string }[];
  return link?.operstate === 'UP' && brPort?.state === 'forwarding';
}

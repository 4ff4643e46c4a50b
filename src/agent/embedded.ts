// The embedded default. With no agents given, `cluster up` and `run` start one `warden agent`
// per member on this machine (on loopback, each with its state dir under <state>/agents/<member>/
// and a token generated into <state>/agents/token), then `cluster init` over them. From then on
// the local cluster is a cluster across agents like any other: status, restore, quorum restore,
// member replace and the rest take the same path as on real hosts. What is local is only that
// warden starts and stops the agent processes itself.
//
// A new cluster's plan (members, ports, agents) is written to <state>/agents/embedded.json before
// any agent starts, so a `cluster up` killed at any point finishes when run again; one that fails
// removes everything it created.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WARDEN_BIN } from '../paths.ts';
import { UsageError, WardenError } from '../errors.ts';
import { requireTool } from '../cluster/binaries.ts';
import { readClusterConfig } from '../cluster/cluster-config.ts';
import { stopSupervised, supervisorPid, turnAuthOn, validateMemberCount } from '../cluster/control.ts';
import { storedCredentials } from '../cluster/credentials.ts';
import { readInventory, requireInventory, type Inventory, type InventoryAgent } from '../cluster/inventory.ts';
import { StateLayout } from '../cluster/layout.ts';
import { memberNames } from '../cluster/manifest.ts';
import { lastLogLine } from '../cluster/supervisor.ts';
import { EtcdClient } from '../etcd/client.ts';
import { leaderOf } from '../restore/hosts.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { answersTls, freePortRun, isPortFree } from '../util/ports.ts';
import { EndWait, waitFor } from '../util/wait.ts';
import { agentHosts } from './host.ts';
import { ensureClusterCa } from '../cluster/tls.ts';
import { clusterInit, etcdTls } from './init.ts';
import { startAgentMembers } from './members.ts';

const LOOPBACK = '127.0.0.1';

export interface EmbeddedOptions {
  members: number;
  tls: boolean;
  /** Turn etcd authentication on (root with a generated password), on a new or an existing cluster. */
  auth?: boolean;
  basePort?: number;
  /** Extra etcd flags for every member. */
  etcdArgs?: string[];
  timeoutMs: number;
  log: (line: string) => void;
  /** The agents stop when this process ends, however it ends (`warden run`: they live and die with it). */
  tiedToThisProcess?: boolean;
}

/** <state>/agents/embedded.json: what a new embedded cluster is made of, written before anything starts. */
interface EmbeddedPlan {
  kind: 'WardenEmbedded';
  tls: boolean;
  etcdArgs?: string[];
  agents: { member: string; address: string; stateDir: string; client: number; peer: number }[];
}

function planFile(layout: StateLayout): string {
  return path.join(layout.agentsDir, 'embedded.json');
}

function readPlan(layout: StateLayout): EmbeddedPlan | undefined {
  try {
    return JSON.parse(fs.readFileSync(planFile(layout), 'utf8')) as EmbeddedPlan;
  } catch {
    return undefined;
  }
}

/** The agents warden runs itself on this machine (the embedded default's). */
export function localAgents(inv: Inventory): (InventoryAgent & { stateDir: string })[] {
  return inv.agents.filter((a): a is InventoryAgent & { stateDir: string } => !!a.stateDir);
}

/** The pid of the agent running from `stateDir` (it holds its supervisor's lock there), if any. */
export function localAgentPid(stateDir: string): number | undefined {
  return supervisorPid(new StateLayout(stateDir));
}

/** Whether this state dir holds an embedded cluster, or nothing yet (so `cluster up` may make one). */
export function isEmbedded(layout: StateLayout): boolean {
  const inv = readInventory(layout);
  if (inv) return localAgents(inv).length > 0;
  return fs.existsSync(planFile(layout)) || !readClusterConfig(layout);
}

/**
 * `cluster up` without agents: creates the embedded cluster the first time (or finishes one a
 * killed `cluster up` left), or starts its agents and members again. Waits until every member
 * is healthy.
 */
export async function embeddedUp(layout: StateLayout, o: EmbeddedOptions): Promise<{ created: boolean; inv: Inventory }> {
  const inv = readInventory(layout);
  if (!inv && readClusterConfig(layout) && !fs.existsSync(planFile(layout))) requireInventory(layout);
  if (inv?.phase === 'ready') {
    fs.rmSync(planFile(layout), { force: true });
    requireTool('etcd');
    const down = localAgents(inv).filter((a) => !localAgentPid(a.stateDir));
    await Promise.all(down.map((a) => startLocalAgent(layout, a, o.tiedToThisProcess)));
    if (!down.length) o.log(`cluster in ${layout.root} is already up`);
    await startAgentMembers(layout, inv, o.timeoutMs);
    if (o.auth) await turnAuthOn(layout, o.log);
    return { created: false, inv };
  }
  return { created: true, inv: await createEmbedded(layout, o) };
}

async function createEmbedded(layout: StateLayout, o: EmbeddedOptions): Promise<Inventory> {
  const file = planFile(layout);
  let plan = readPlan(layout);
  const resumed = !!plan;
  const createdRoot = !fs.existsSync(layout.root);
  if (!plan) {
    const { warning } = validateMemberCount(o.members);
    if (warning) o.log(warning);
    requireTool('etcd');
    const names = memberNames(o.members);
    const ports = await choosePorts(o.members, o.basePort);
    plan = {
      kind: 'WardenEmbedded', tls: o.tls, ...(o.etcdArgs?.length ? { etcdArgs: o.etcdArgs } : {}),
      agents: names.map((member, i) => ({
        member, address: `${LOOPBACK}:${ports.agents[i]}`, stateDir: path.join(layout.agentsDir, member),
        client: ports.members[i]?.client as number, peer: ports.members[i]?.peer as number,
      })),
    };
    fs.mkdirSync(layout.agentsDir, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(layout.agentTokenFile)) writeFileAtomic(layout.agentTokenFile, `${crypto.randomBytes(32).toString('base64')}\n`, 0o600);
    writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`, 0o600);
    o.log(`creating a ${o.members}-member cluster in ${layout.root}${o.tls ? ' with TLS' : ''}: one agent per member on ${LOOPBACK}`);
  } else {
    o.log(`finishing the cluster an interrupted \`cluster up\` began in ${layout.root}`);
  }
  const p = plan;
  const agents = p.agents.map((a) => ({ member: a.member, address: a.address, stateDir: a.stateDir }));
  try {
    // The cluster CA is made while the agents start (both take a while; cluster init finds it).
    // Settled together: a roll-back must not run while one of them still writes.
    const started = await Promise.allSettled([
      ensureClusterCa(layout.tlsDir),
      ...agents.filter((a) => !localAgentPid(a.stateDir)).map((a) => startLocalAgent(layout, a, o.tiedToThisProcess)),
    ]);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const token = fs.readFileSync(layout.agentTokenFile, 'utf8').trim();
    const inv = await clusterInit(layout, {
      agents: agents.map((a) => a.address), token, tls: p.tls, ...(p.etcdArgs ? { etcdArgs: p.etcdArgs } : {}),
      ports: p.agents.map((a) => ({ client: a.client, peer: a.peer })), embedded: agents.map((a) => a.stateDir),
      timeoutMs: o.timeoutMs, log: o.log,
    });
    fs.rmSync(file, { force: true });
    if (o.auth) await turnAuthOn(layout, o.log);
    return inv;
  } catch (err) {
    // A new cluster that does not come up leaves nothing behind; a resumed one is left for the next run.
    if (!resumed) {
      const stopped = await Promise.allSettled(agents.map((a) => stopSupervised(new StateLayout(a.stateDir))));
      const stuck = stopped.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      // Files are removed only from under agents that are gone.
      if (stuck) throw new WardenError(`${(err as Error).message} (and an agent did not stop: ${(stuck.reason as Error).message}; run \`warden cluster down\`)`);
      removeEmbedded(layout, createdRoot);
    }
    throw err;
  }
}

/** Removes what creating an embedded cluster made (its agents stopped first): the whole state dir when it made that too. */
export function removeEmbedded(layout: StateLayout, wholeRoot: boolean): void {
  if (wholeRoot) fs.rmSync(layout.root, { recursive: true, force: true });
  else for (const f of [layout.agentsDir, layout.clusterFile, layout.inventoryFile, layout.tlsDir, layout.authDir]) fs.rmSync(f, { recursive: true, force: true });
}

/** The member ports (client, peer) and the agents' ports: free ones, or from --base-port on. */
async function choosePorts(count: number, basePort?: number): Promise<{ members: { client: number; peer: number }[]; agents: number[] }> {
  // Without --base-port: a free run below the ephemeral range, which no outgoing connection and
  // no other process's port-0 pick can take before the members and agents bind it.
  basePort ??= await freePortRun(count * 3);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + count * 3 > 65535) {
    throw new UsageError(`--base-port must be a port from 1024 to ${65535 - count * 3} (got ${basePort})`);
  }
  const members = Array.from({ length: count }, (_, i) => ({ client: basePort + 2 * i, peer: basePort + 2 * i + 1 }));
  const agents = Array.from({ length: count }, (_, i) => basePort + 2 * count + i);
  for (const port of [...members.flatMap((x) => [x.client, x.peer]), ...agents]) {
    if (!(await isPortFree(port))) throw new WardenError(`port ${LOOPBACK}:${port} is already in use: choose another --base-port, or omit it to pick free ports`);
  }
  return { members, agents };
}

/** Starts `warden agent` for one member in the background and waits until it listens; `tied`: it stops when this process ends. */
export async function startLocalAgent(layout: StateLayout, a: { member: string; address: string; stateDir: string }, tied = false): Promise<number> {
  const logsDir = path.join(a.stateDir, 'logs');
  fs.mkdirSync(logsDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(logsDir, 'agent.log');
  const fd = fs.openSync(logFile, 'a', 0o600);
  // Only this child's own line says it listens: a TLS answer on the port may come from another
  // agent that took it first (this child then exits with EADDRINUSE).
  const logFrom = fs.fstatSync(fd).size;
  const child = spawn(process.execPath, [WARDEN_BIN, '--state-dir', a.stateDir, 'agent', '--listen', a.address, '--token-file', layout.agentTokenFile, ...(tied ? ['--exit-with', String(process.pid)] : [])], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: process.env,
  });
  fs.closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();
  const [host, port] = [a.address.slice(0, a.address.lastIndexOf(':')), Number(a.address.slice(a.address.lastIndexOf(':') + 1))];
  await waitFor(async () => {
    if (exited !== undefined) throw new EndWait(new WardenError(`the agent of ${a.member} exited (code ${exited}): ${(lastLogLine(logFile) ?? '').replace(/^\S+Z /, '') || `see ${logFile}`}`));
    return (servingSince(logFile, logFrom) && (await answersTls(host, port))) || undefined;
  }, { timeoutMs: 30_000, intervalMs: 50, what: `the agent of ${a.member} to listen on ${a.address} (log: ${logFile})` });
  return child.pid as number;
}

/** Whether the agent's log has said, after byte `from`, that it serves (`warden agent` writes it once it listens). */
function servingSince(logFile: string, from: number): boolean {
  try {
    const fd = fs.openSync(logFile, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - from));
      fs.readSync(fd, buf, 0, buf.length, from);
      return buf.includes('agent serving ');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * `cluster down` of the embedded cluster: every agent stops with its member, the followers'
 * first and the leader's last (a leader stopped with its followers tries to hand leadership
 * over to one that is itself stopping, and waits ~7 s). Members of agents warden does not run
 * (a member replaced onto another host) stop on their hosts with the followers.
 */
export async function embeddedDown(layout: StateLayout, inv: Inventory, log: (line: string) => void): Promise<void> {
  const tls = etcdTls(layout, inv);
  const auth = storedCredentials(layout);
  const client = new EtcdClient({ endpoints: inv.agents.map((a) => a.clientURL), ...(tls ? { tls } : {}), ...(auth ? { auth } : {}), commandTimeoutMs: 2000, dialTimeoutMs: 1000 });
  const hosts = agentHosts(layout, inv);
  let leader: (typeof hosts)[number] | undefined;
  try {
    leader = await leaderOf(client, hosts);
  } finally {
    client.close();
  }
  let stopped = 0;
  const stop = async (h: (typeof hosts)[number]) => {
    if (h.agent.stateDir) {
      if (await stopSupervised(new StateLayout(h.agent.stateDir))) stopped++;
      return;
    }
    await h.stop().then(() => stopped++, (err: unknown) => log(`warning: member ${h.name} on ${h.where} was not stopped: ${(err as Error).message}`));
  };
  // Every agent is stopped even when one of them fails to: the leader too, last.
  const results = await Promise.allSettled(hosts.filter((h) => h !== leader).map(stop));
  if (leader) results.push(...(await Promise.allSettled([stop(leader)])));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  log(stopped ? `cluster in ${layout.root} stopped` : `cluster in ${layout.root} was not running`);
}

/**
 * `cluster down` of a cluster whose `cluster up` was interrupted before it made the inventory:
 * the agents of its plan stop; the plan stays, so `cluster up` finishes the cluster later.
 * False when there is no such plan.
 */
export async function stopUnfinished(layout: StateLayout, log: (line: string) => void): Promise<boolean> {
  const plan = readPlan(layout);
  if (!plan) return false;
  const stopped = await Promise.all(plan.agents.map((a) => stopSupervised(new StateLayout(a.stateDir))));
  log(`${stopped.some(Boolean) ? 'stopped the agents' : 'no agent runs'} of the cluster an interrupted \`cluster up\` began in ${layout.root}: \`warden cluster up\` finishes it`);
  return true;
}

/** Whether any agent of the embedded cluster runs (what `run` refuses to start beside). */
export function runningLocalAgents(inv: Inventory): number[] {
  return localAgents(inv).map((a) => localAgentPid(a.stateDir)).filter((p): p is number => p !== undefined);
}

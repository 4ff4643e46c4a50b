// What the `warden cluster ...` commands do to the local cluster: create it and start its
// supervisor, stop it, report it, and stop/start single members by moving manifests.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { WARDEN_BIN } from '../paths.ts';
import { UsageError, WardenError } from '../errors.ts';
import { checkEndpointHealth } from '../etcd/health-check.ts';
import { EtcdClient } from '../etcd/client.ts';
import { pidAlive, processCmdline, writeFileAtomic } from '../util/fsutil.ts';
import { freePorts, isPortFree } from '../util/ports.ts';
import { EndWait, waitFor, WaitTimeoutError } from '../util/wait.ts';
import { etcdVersion, requireTool } from './binaries.ts';
import { embeddedConnection, readClusterConfig, readManifests, requireClusterConfig, type ClusterConfig } from './cluster-config.ts';
import { StateLayout } from './layout.ts';
import { buildClusterManifests, memberNames, serializeManifest, type MemberManifest } from './manifest.ts';
import { isMemberProcess, lastLogLine, manifestStamp, readRunStatus, terminate, type MemberRunStatus, type MemberState } from './supervisor.ts';
import { ensureClusterCa, generateClusterTls, tlsFiles } from './tls.ts';


export interface UpOptions {
  members: number;
  tls: boolean;
  /** Turn etcd authentication on (root with a generated password), on a new or an existing cluster. */
  auth?: boolean;
  basePort?: number;
  /** Extra etcd flags for every member. */
  etcdArgs?: string[];
  timeoutMs: number;
  log: (line: string) => void;
}

export interface MemberRow {
  name: string;
  /** The agent that runs the member (clusters made by `cluster init`). */
  host?: string;
  clientURL: string;
  peerURL: string;
  pid: number | null;
  dataDir: string;
  running: boolean;
  state: MemberState | 'pending' | 'unreachable';
  manifest: 'active' | 'moved-out';
  logFile: string;
  error?: string;
}

export function validateMemberCount(n: number): { warning?: string } {
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new UsageError(`--members must be a whole number from 1 to 9 (got ${n}): 1, 3 or 5 are usual`);
  if (n % 2 === 0) {
    return { warning: `warning: ${n} members tolerate no more failures than ${n - 1} (quorum is ${n / 2 + 1}): prefer an odd count` };
  }
  return {};
}

export function supervisorPid(layout: StateLayout): number | undefined {
  try {
    const pid = Number(fs.readFileSync(layout.supervisorPidFile, 'utf8').trim());
    return pid && pidAlive(pid) && (processCmdline(pid) ?? []).some((a) => /warden/.test(a)) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the cluster (when new) and starts its supervisor in the background. */
export async function clusterUp(layout: StateLayout, opts: UpOptions): Promise<{ created: boolean; rows: MemberRow[] }> {
  const existing = readClusterConfig(layout);
  const since = Date.now();
  if (existing) {
    readManifests(layout); // invalid manifests stop us here with one clear line
    if (supervisorPid(layout)) {
      opts.log(`cluster in ${layout.root} is already up`);
    } else {
      requireTool('etcd');
      await startSupervisorDetached(layout);
    }
    await waitHealthy(layout, opts.timeoutMs, undefined, since);
    if (opts.auth) await turnAuthOn(layout, opts.log);
    return { created: false, rows: clusterStatus(layout) };
  }

  const rollback = await createCluster(layout, opts);
  try {
    await startSupervisorDetached(layout);
    await waitHealthy(layout, opts.timeoutMs, undefined, since);
    if (opts.auth) await turnAuthOn(layout, opts.log);
  } catch (err) {
    await clusterDown(layout, () => undefined).catch(() => undefined);
    rollback();
    throw err;
  }
  return { created: true, rows: clusterStatus(layout) };
}

/** `--auth` of `cluster up` and `run`: once every member is healthy (see auth.ts). */
export async function turnAuthOn(layout: StateLayout, log: (line: string) => void): Promise<void> {
  const conn = embeddedConnection(layout);
  // Loaded here: only --auth needs it.
  const { enableAuth } = await import('./auth.ts');
  await enableAuth(layout, { endpoints: conn.endpoints, ...(conn.tls ? { tls: conn.tls } : {}), log });
}

/**
 * Writes a new cluster's files (config, manifests, certificates) without starting anything.
 * Returns the rollback that removes exactly what it created: a cluster that does not come up
 * leaves nothing behind.
 */
export async function createCluster(layout: StateLayout, opts: Omit<UpOptions, 'timeoutMs'>): Promise<() => void> {
  const { warning } = validateMemberCount(opts.members);
  if (warning) opts.log(warning);
  const etcdBin = requireTool('etcd');
  const version = etcdVersion(etcdBin);
  const ports = await choosePorts(opts.members, opts.basePort);
  const createdRoot = !fs.existsSync(layout.root);
  const rollback = () => {
    if (createdRoot) fs.rmSync(layout.root, { recursive: true, force: true });
    else for (const d of ['cluster.json', 'manifests', 'stopped', 'members', 'logs', 'run', 'tls', 'auth']) fs.rmSync(`${layout.root}/${d}`, { recursive: true, force: true });
  };
  try {
    for (const d of [layout.root, layout.manifestsDir, layout.stoppedDir, layout.membersDir, layout.logsDir, layout.runDir]) {
      fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    }
    const tls = opts.tls ? await generateClusterTls(layout.tlsDir) : undefined;
    // Without TLS for etcd, the operator's HTTPS listener still needs the cluster CA.
    if (!tls) await ensureClusterCa(layout.tlsDir);
    const token = `warden-${crypto.randomBytes(6).toString('hex')}`;
    const config: ClusterConfig = { kind: 'WardenCluster', createdAt: new Date().toISOString(), token, tls: opts.tls, etcdVersion: version };
    const manifests = buildClusterManifests({
      names: memberNames(opts.members),
      ports,
      dataDirOf: (n) => layout.dataDir(n),
      token,
      ...(tls ? { tls: { certFile: tls.serverCert, keyFile: tls.serverKey, trustedCAFile: tls.ca } } : {}),
      ...(opts.etcdArgs?.length ? { args: opts.etcdArgs } : {}),
    });
    for (const m of manifests) writeFileAtomic(layout.manifestFile(m.name), serializeManifest(m), 0o600);
    writeFileAtomic(layout.clusterFile, `${JSON.stringify(config, null, 2)}\n`, 0o600);
    opts.log(`creating a ${opts.members}-member etcd ${version} cluster in ${layout.root}${opts.tls ? ' with TLS' : ''}`);
  } catch (err) {
    rollback();
    throw err;
  }
  return rollback;
}

async function choosePorts(count: number, basePort?: number): Promise<{ client: number; peer: number }[]> {
  if (basePort === undefined) {
    const p = await freePorts(count * 2);
    return Array.from({ length: count }, (_, i) => ({ client: p[2 * i] as number, peer: p[2 * i + 1] as number }));
  }
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + count * 2 > 65535) {
    throw new UsageError(`--base-port must be a port from 1024 to ${65535 - count * 2} (got ${basePort})`);
  }
  const out = Array.from({ length: count }, (_, i) => ({ client: basePort + 2 * i, peer: basePort + 2 * i + 1 }));
  for (const p of out.flatMap((x) => [x.client, x.peer])) {
    if (!(await isPortFree(p))) throw new WardenError(`port 127.0.0.1:${p} is already in use: choose another --base-port, or omit it to pick free ports`);
  }
  return out;
}

/** Starts `warden cluster supervise` in the background and waits until it holds the lock. */
export async function startSupervisorDetached(layout: StateLayout): Promise<number> {
  fs.mkdirSync(layout.logsDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(layout.runDir, { recursive: true, mode: 0o700 });
  const logFd = fs.openSync(layout.supervisorLog, 'a', 0o600);
  const child = spawn(process.execPath, [WARDEN_BIN, 'cluster', 'supervise', '--state-dir', layout.root], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: process.env,
  });
  fs.closeSync(logFd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();
  await waitFor(() => {
    if (exited !== undefined) throw new EndWait(new WardenError(`the supervisor exited (code ${exited}): ${lastLogLine(layout.supervisorLog) ?? 'see ' + layout.supervisorLog}`));
    return supervisorPid(layout) === child.pid ? child.pid : undefined;
  }, { timeoutMs: 15_000, what: 'the supervisor to start' });
  return child.pid as number;
}

/**
 * Waits until every active member runs and answers a linearizable read. A member that exits (or
 * cannot start) meanwhile ends the wait at once, with the last line it logged: etcd refusing a
 * flag exits within milliseconds, and waiting out the whole bound for it only hides why.
 * `since` is when its start was asked for (an exit before it is an earlier death).
 */
export async function waitHealthy(layout: StateLayout, timeoutMs: number, names?: string[], since = Date.now()): Promise<void> {
  const conn = embeddedConnection(layout);
  const entries = readManifests(layout).filter((e) => e.active && (!names || names.includes(e.manifest.name)));
  const client = new EtcdClient({ endpoints: conn.endpoints, ...(conn.tls ? { tls: conn.tls } : {}), commandTimeoutMs: 3000 });
  let failed = false;
  try {
    await Promise.all(entries.map(async ({ manifest: m, file }) => {
      let outcome: 'healthy' | 'given up' | MemberRunStatus;
      try {
        outcome = await waitFor(async () => {
          if (failed) return 'given up';
          const ended = endedWith(layout, m.name, file);
          if (ended) return ended;
          const h = await checkEndpointHealth(client.member(m.clientURL));
          return h.health ? 'healthy' : undefined;
        }, { timeoutMs, intervalMs: 200, what: `member ${m.name} to become healthy` });
      } catch (err) {
        failed = true;
        if (err instanceof WaitTimeoutError) {
          throw new WardenError(`member ${m.name} was not healthy within ${Math.round(timeoutMs / 1000)}s (${lastLogLine(layout.memberLog(m.name)) ?? 'no log'}): see ${layout.memberLog(m.name)}`);
        }
        throw err;
      }
      if (typeof outcome === 'object') {
        failed = true;
        throw new WardenError(memberEndedMessage(layout, outcome, since));
      }
    }));
  } finally {
    client.close();
  }
}

/** The supervisor's record of this member having exited (or failed to start) with its current manifest. */
function endedWith(layout: StateLayout, name: string, manifestFile: string): MemberRunStatus | undefined {
  const st = readRunStatus(layout, name);
  if (!st || (st.state !== 'exited' && st.state !== 'failed')) return undefined;
  // A record about an earlier manifest is stale: the supervisor starts the member again.
  try {
    return st.manifestStamp === manifestStamp(fs.statSync(manifestFile)) ? st : undefined;
  } catch {
    return undefined;
  }
}

/** Why the member is not running; `since` tells an exit while we waited from an earlier one. */
function memberEndedMessage(layout: StateLayout, st: MemberRunStatus, since: number): string {
  const log = layout.memberLog(st.name);
  if (st.state === 'failed') return `member ${st.name} could not start: ${st.error ?? 'no reason recorded'}: see ${log}`;
  const how = st.signal ? `signal ${st.signal}` : `exit code ${st.exitCode ?? '?'}`;
  const why = st.error ?? 'it logged nothing';
  const endedAt = st.endedAt ? Date.parse(st.endedAt) : NaN;
  if (endedAt < since) return `member ${st.name} is down: it exited at ${st.endedAt} (${how}): ${why}: start it again with \`warden cluster start-member ${st.name}\` (see ${log})`;
  return `member ${st.name} exited while starting (${how}): ${why}: see ${log}`;
}

/** Stops the supervisor and every member; afterwards no etcd of this state dir runs. */
export async function clusterDown(layout: StateLayout, log: (line: string) => void): Promise<number> {
  const pid = supervisorPid(layout);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !pidAlive(pid), { timeoutMs: 30_000, what: `the supervisor (pid ${pid}) to stop` });
  }
  // Belt and braces: members left by a supervisor that was killed are stopped here.
  let stopped = 0;
  for (const { manifest: m } of readManifests(layout, { skipInvalid: true })) {
    const st = readRunStatus(layout, m.name);
    if (isMemberProcess(st?.pid, m.dataDir)) {
      const p = st?.pid as number;
      await terminate(p, waitFor(() => !pidAlive(p), { timeoutMs: 20_000, intervalMs: 50, what: `member ${m.name} to stop` }).then(() => undefined), 10_000);
      stopped++;
    }
  }
  if (pid || stopped) log(`cluster in ${layout.root} stopped`);
  else log(`cluster in ${layout.root} was not running`);
  return pid ?? 0;
}

export function clusterStatus(layout: StateLayout): MemberRow[] {
  requireClusterConfig(layout);
  return readManifests(layout).map(({ manifest: m, active }) => {
    const st = readRunStatus(layout, m.name);
    const running = isMemberProcess(st?.pid, m.dataDir);
    const state: MemberRow['state'] = running ? 'running' : st?.state === 'running' ? 'exited' : st?.state ?? 'pending';
    return {
      name: m.name,
      clientURL: m.clientURL,
      peerURL: m.peerURL,
      pid: running ? (st?.pid as number) : null,
      dataDir: m.dataDir,
      running,
      state,
      manifest: active ? 'active' : 'moved-out',
      logFile: layout.memberLog(m.name),
      ...(st?.error && !running ? { error: st.error } : {}),
    };
  });
}

function findMember(layout: StateLayout, name: string): { manifest: MemberManifest; active: boolean; file: string } {
  const e = readManifests(layout).find((x) => x.manifest.name === name);
  if (!e) {
    const names = readManifests(layout, { skipInvalid: true }).map((x) => x.manifest.name).join(', ');
    throw new UsageError(`no member named "${name}" in ${layout.root}: members are ${names || '(none)'}`);
  }
  return e;
}

function requireSupervisor(layout: StateLayout): void {
  if (!supervisorPid(layout)) throw new WardenError(`the supervisor of ${layout.root} is not running: start it with \`warden cluster up\``);
}

/** Moves the member's manifest out, as the seeds do with static pods, and waits until it stops. */
export async function stopMember(layout: StateLayout, name: string, timeoutMs: number): Promise<void> {
  const e = findMember(layout, name);
  requireSupervisor(layout);
  if (e.active) fs.renameSync(e.file, layout.stoppedManifestFile(name));
  await waitFor(() => {
    const st = readRunStatus(layout, name);
    return !isMemberProcess(st?.pid, e.manifest.dataDir) && st?.state !== 'running';
  }, { timeoutMs, what: `member ${name} to stop` });
}

/** Moves the manifest back (or renews it when the member died) and waits until it serves again. */
export async function startMember(layout: StateLayout, name: string, timeoutMs: number): Promise<void> {
  const e = findMember(layout, name);
  requireSupervisor(layout);
  if (!e.active) {
    fs.renameSync(e.file, layout.manifestFile(name));
  } else if (!isMemberProcess(readRunStatus(layout, name)?.pid, e.manifest.dataDir)) {
    // Same content, new file: the supervisor sees a changed manifest and starts the member.
    writeFileAtomic(e.file, fs.readFileSync(e.file), 0o600);
  }
  const since = Date.now();
  const started = await waitFor(() => endedWith(layout, name, layout.manifestFile(name)) ?? (isMemberProcess(readRunStatus(layout, name)?.pid, e.manifest.dataDir) || undefined), {
    timeoutMs: Math.min(timeoutMs, 15_000),
    what: `member ${name} to start`,
  }).catch((err: unknown) => {
    const st = readRunStatus(layout, name);
    if (st?.error) throw new WardenError(`member ${name} did not start: ${st.error}: see ${layout.memberLog(name)}`);
    throw err;
  });
  if (typeof started === 'object') throw new WardenError(memberEndedMessage(layout, started, since));
  await waitHealthy(layout, timeoutMs, [name], since);
}

export function tlsClientFiles(layout: StateLayout): { cacert: string; cert: string; key: string } | undefined {
  const cfg = readClusterConfig(layout);
  if (!cfg?.tls) return undefined;
  const f = tlsFiles(layout.tlsDir);
  return { cacert: f.ca, cert: f.clientCert, key: f.clientKey };
}


// The local supervisor: keeps one etcd process running for every manifest in
// <state>/manifests/, like a kubelet does for static pods. A manifest moved out stops its
// member; moved back, it starts again with its data. A member that dies on its own stays down
// (as a lost member would) until its manifest changes or `cluster start-member` is run, so
// fault injection is honest. Status goes to <state>/run/<name>.json for the CLI to read.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { pidAlive, processCmdline, writeFileAtomic } from '../util/fsutil.ts';
import { isPortFree } from '../util/ports.ts';
import { StateLayout } from './layout.ts';
import { etcdArgs, parseManifest, portOf, type MemberManifest } from './manifest.ts';
import { parsePodManifest } from './pod.ts';

export type MemberState = 'running' | 'exited' | 'stopped' | 'failed';

/** What the supervisor records about a member in run/<name>.json. */
export interface MemberRunStatus {
  name: string;
  state: MemberState;
  pid?: number;
  startedAt?: string;
  endedAt?: string;
  exitCode?: number | null;
  signal?: string | null;
  error?: string;
  /** Identity of the manifest file the state refers to; a changed manifest means "try again". */
  manifestStamp: string;
}

interface Running {
  manifest: MemberManifest;
  stamp: string;
  pid: number;
  child?: ChildProcess;
  exited: Promise<void>;
  stopping: boolean;
}

export interface SupervisorOptions {
  etcdBin: string;
  log: (line: string) => void;
  /** How long a member gets between SIGTERM and SIGKILL. */
  stopGraceMs?: number;
  pollMs?: number;
}

export function manifestStamp(st: fs.Stats): string {
  return `${st.ino}:${st.ctimeMs}:${st.size}`;
}

export function readRunStatus(layout: StateLayout, name: string): MemberRunStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(layout.memberStatusFile(name), 'utf8')) as MemberRunStatus;
  } catch {
    return undefined;
  }
}

export function writeRunStatus(layout: StateLayout, s: MemberRunStatus): void {
  writeFileAtomic(layout.memberStatusFile(s.name), `${JSON.stringify(s, null, 2)}\n`, 0o644);
}

/** True when `pid` is a live etcd serving this data dir (pids get reused). */
export function isMemberProcess(pid: number | undefined, dataDir: string): pid is number {
  if (!pid || !pidAlive(pid)) return false;
  const cmd = processCmdline(pid);
  return !!cmd && cmd.includes(`--data-dir=${dataDir}`);
}

export class Supervisor {
  private readonly running = new Map<string, Running>();
  private readonly failedStamps = new Map<string, string>();
  private watcher?: fs.FSWatcher;
  private timer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;
  private again = false;
  private closed = false;

  constructor(
    readonly layout: StateLayout,
    private readonly opts: SupervisorOptions,
  ) {}

  /** Takes the supervisor lock for the state dir, adopts live members and starts reconciling. */
  async start(): Promise<void> {
    for (const d of [this.layout.manifestsDir, this.layout.stoppedDir, this.layout.runDir, this.layout.logsDir, this.layout.membersDir]) {
      fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    }
    this.lock();
    this.adopt();
    this.watcher = fs.watch(this.layout.manifestsDir, () => this.kick());
    this.watcher.on('error', () => undefined);
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
    this.opts.log(`supervisor ${process.pid} watching ${this.layout.manifestsDir}`);
    this.kick();
    await this.reconciling;
  }

  /** Stops every member (SIGTERM, then SIGKILL after the grace period) and releases the lock. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.reconciling?.catch(() => undefined);
    // An agent's supervisor runs one member: the order of stops across hosts is the admin's (embedded.ts).
    await Promise.all([...this.running.keys()].map((name) => this.stopMember(name, 'stopped')));
    this.unlock();
    this.opts.log('supervisor stopped');
  }

  private lock(): void {
    const file = this.layout.supervisorPidFile;
    try {
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && pidAlive(pid) && (processCmdline(pid) ?? []).some((a) => /warden/.test(a))) {
        throw new WardenError(`a supervisor (pid ${pid}) already runs the cluster in ${this.layout.root}: use it, or stop it with \`warden cluster down\``);
      }
    } catch (err) {
      if (err instanceof WardenError) throw err;
    }
    writeFileAtomic(file, `${process.pid}\n`, 0o644);
  }

  private unlock(): void {
    try {
      if (Number(fs.readFileSync(this.layout.supervisorPidFile, 'utf8').trim()) === process.pid) fs.rmSync(this.layout.supervisorPidFile);
    } catch {
      /* already gone */
    }
  }

  /** After a supervisor restart, members that kept running are watched, not started twice. */
  private adopt(): void {
    for (const file of this.manifestFiles()) {
      const m = this.tryRead(file);
      if (!m) continue;
      const st = readRunStatus(this.layout, m.manifest.name);
      if (st?.state === 'running' && isMemberProcess(st.pid, m.manifest.dataDir)) {
        this.opts.log(`adopted running member ${m.manifest.name} (pid ${st.pid})`);
        this.track(m.manifest, m.stamp, st.pid);
      }
    }
  }

  private kick(): void {
    if (this.closed) return;
    if (this.reconciling) {
      this.again = true;
      return;
    }
    this.reconciling = this.reconcile()
      .catch((err: unknown) => this.opts.log(`reconcile failed: ${(err as Error).message}`))
      .finally(() => {
        this.reconciling = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private manifestFiles(): string[] {
    try {
      // .json: warden's member manifests; .yaml: static Pod manifests (kubeadm's etcd.yaml), run
      // the way the kubelet runs them, so the kubelet runtime is tested on its production path.
      return fs.readdirSync(this.layout.manifestsDir).filter((f) => f.endsWith('.json') || f.endsWith('.yaml')).map((f) => `${this.layout.manifestsDir}/${f}`);
    } catch {
      return [];
    }
  }

  private tryRead(file: string): { manifest: MemberManifest; stamp: string } | undefined {
    try {
      const st = fs.statSync(file);
      const text = fs.readFileSync(file, 'utf8');
      // A Pod runs as the kubelet would run it, on this host: its container paths through its mounts.
      return { manifest: file.endsWith('.yaml') ? parsePodManifest(text, file).onHost : parseManifest(text, file), stamp: manifestStamp(st) };
    } catch (err) {
      const stamp = (() => {
        try {
          return manifestStamp(fs.statSync(file));
        } catch {
          return '';
        }
      })();
      if (stamp && this.failedStamps.get(file) !== stamp) {
        this.failedStamps.set(file, stamp);
        this.opts.log(`skipping ${(err as Error).message}`);
      }
      return undefined;
    }
  }

  private async reconcile(): Promise<void> {
    const desired = new Map<string, { manifest: MemberManifest; stamp: string }>();
    const invalid = new Set<string>();
    for (const file of this.manifestFiles()) {
      const m = this.tryRead(file);
      const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.(json|yaml)$/, '');
      if (m) desired.set(m.manifest.name, m);
      else invalid.add(base);
    }
    // Members whose manifest left the folder stop. An invalid manifest keeps its member as it is.
    for (const name of [...this.running.keys()]) {
      if (!desired.has(name) && !invalid.has(name) && !this.running.get(name)?.stopping) {
        this.opts.log(`manifest of ${name} moved out: stopping it`);
        await this.stopMember(name, 'stopped');
      }
    }
    for (const [name, { manifest, stamp }] of desired) {
      if (this.closed) return;
      if (this.running.has(name)) continue;
      const last = readRunStatus(this.layout, name);
      // Died on its own, or failed to start, with this very manifest: leave it down.
      if (last && (last.state === 'exited' || last.state === 'failed') && last.manifestStamp === stamp) continue;
      await this.startMember(manifest, stamp);
    }
  }

  private writeStatus(s: MemberRunStatus): void {
    writeRunStatus(this.layout, s);
  }

  private async startMember(m: MemberManifest, stamp: string): Promise<void> {
    for (const url of [m.clientURL, m.peerURL]) {
      if (!(await isPortFree(portOf(url)))) {
        const error = `port 127.0.0.1:${portOf(url)} of member ${m.name} is in use by another process: free it, or give the member another port in its manifest`;
        this.opts.log(error);
        this.writeStatus({ name: m.name, state: 'failed', error, manifestStamp: stamp, endedAt: new Date().toISOString() });
        return;
      }
    }
    fs.mkdirSync(m.dataDir, { recursive: true, mode: 0o700 });
    const logFd = fs.openSync(this.layout.memberLog(m.name), 'a', 0o600);
    let child: ChildProcess;
    try {
      // detached: Ctrl-C in the terminal reaches the supervisor, which stops members in order.
      child = spawn(this.opts.etcdBin, etcdArgs(m), { detached: true, stdio: ['ignore', logFd, logFd] });
    } finally {
      fs.closeSync(logFd);
    }
    const pid = await new Promise<number | undefined>((resolve) => {
      child.once('spawn', () => resolve(child.pid));
      child.once('error', (err) => {
        this.writeStatus({ name: m.name, state: 'failed', error: `cannot start ${this.opts.etcdBin}: ${err.message}`, manifestStamp: stamp });
        resolve(undefined);
      });
    });
    if (!pid) return;
    this.opts.log(`started member ${m.name} (pid ${pid}) client ${m.clientURL} peer ${m.peerURL}`);
    this.writeStatus({ name: m.name, state: 'running', pid, startedAt: new Date().toISOString(), manifestStamp: stamp });
    this.track(m, stamp, pid, child);
  }

  private track(manifest: MemberManifest, stamp: string, pid: number, child?: ChildProcess): void {
    const entry: Running = { manifest, stamp, pid, child, stopping: false, exited: Promise.resolve() };
    entry.exited = new Promise<void>((resolve) => {
      const done = (code: number | null, signal: string | null) => {
        this.running.delete(manifest.name);
        if (!entry.stopping) {
          const log = lastLogLine(this.layout.memberLog(manifest.name));
          this.opts.log(`member ${manifest.name} (pid ${pid}) exited (${signal ?? `code ${code}`}); it stays down until started again`);
          this.writeStatus({
            name: manifest.name, state: 'exited', pid, exitCode: code, signal, manifestStamp: stamp,
            endedAt: new Date().toISOString(), ...(log ? { error: log } : {}),
          });
        }
        resolve();
      };
      if (child) {
        child.once('exit', (code, signal) => done(code, signal));
      } else {
        // Adopted: not our child, so poll for its end.
        const t = setInterval(() => {
          if (!isMemberProcess(pid, manifest.dataDir)) {
            clearInterval(t);
            done(null, null);
          }
        }, 250);
      }
    });
    this.running.set(manifest.name, entry);
  }

  private async stopMember(name: string, finalState: MemberState): Promise<void> {
    const r = this.running.get(name);
    if (!r) return;
    r.stopping = true;
    await terminate(r.pid, r.exited, this.opts.stopGraceMs ?? 10_000);
    this.writeStatus({ name, state: finalState, pid: r.pid, endedAt: new Date().toISOString(), manifestStamp: r.stamp });
    this.opts.log(`member ${name} (pid ${r.pid}) stopped`);
  }
}

/** SIGTERM, then SIGKILL when `exited` has not settled within `graceMs`. */
export async function terminate(pid: number, exited: Promise<void>, graceMs: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    signal('SIGKILL');
    await exited;
  }
}

export function lastLogLine(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 8192);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      const lines = buf.toString('utf8').split('\n').filter((l) => l.trim());
      const last = lines.reverse().find((l) => /"level":"(fatal|error|panic)"|\bfatal\b|\berror\b/i.test(l)) ?? lines[0];
      if (!last) return undefined;
      try {
        const j = JSON.parse(last) as { msg?: string; error?: string };
        return [j.msg, j.error].filter(Boolean).join(': ');
      } catch {
        return last.slice(0, 300);
      }
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

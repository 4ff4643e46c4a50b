// One interface for whatever runs a host's etcd member. Behind it: warden's own supervisor
// (manifests in the agent's state dir, supervisor.ts) and the kubelet's static pods (a Pod
// manifest in the kubelet's folder).
// The agent and every orchestration above it see only this interface.
import fs from 'node:fs';
import path from 'node:path';
import { readManifests } from '../cluster/cluster-config.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { serializeManifest, type MemberManifest } from '../cluster/manifest.ts';
import { parsePodManifest, podWithMember, type PodMember } from '../cluster/pod.ts';
import { WardenError } from '../errors.ts';
import { isMemberProcess, manifestStamp, readRunStatus, Supervisor, writeRunStatus } from '../cluster/supervisor.ts';
import { processEnv, processesWhere, writeFileAtomic } from '../util/fsutil.ts';
import { waitFor } from '../util/wait.ts';
import type { MemberProcessState } from './protocol.ts';

export interface MemberRunState {
  state: MemberProcessState;
  manifest: 'active' | 'moved-out';
  pid: number | null;
  error?: string;
  /** How it ended, when it exited: "exit code 2", "signal SIGKILL". */
  exit?: string;
  endedAt?: string;
}

export interface MemberRuntime {
  readonly kind: 'supervisor' | 'kubelet';
  /** Starts watching (and adopts a member that already runs). */
  open(): Promise<void>;
  /** Stops watching, and the member with it (as `cluster down` does). */
  close(): Promise<void>;
  /** The host's member, whether it runs or not; undefined before one was placed. */
  manifest(): MemberManifest | undefined;
  state(): MemberRunState;
  /** Writes the member's manifest: running (active) or moved out. Idempotent. */
  place(m: MemberManifest, active: boolean): void;
  /** Moves the manifest out and waits until the member's process is gone. */
  stop(timeoutMs: number): Promise<void>;
  /** Moves the manifest back (or renews it after the member died) and waits until it runs. */
  start(timeoutMs: number): Promise<void>;
  logFile(): string;
  /** Keeps the member stopped (its manifest moved out) and records why, for status to say. */
  hold(reason: string): void;
}

/** The member run by warden's supervisor from the manifests folder of the agent's state dir. */
export class SupervisorRuntime implements MemberRuntime {
  readonly kind = 'supervisor' as const;
  private supervisor?: Supervisor;

  constructor(
    private readonly layout: StateLayout,
    private readonly opts: { etcdBin: string; log: (line: string) => void },
  ) {}

  async open(): Promise<void> {
    this.supervisor = new Supervisor(this.layout, { etcdBin: this.opts.etcdBin, log: this.opts.log });
    await this.supervisor.start();
  }

  async close(): Promise<void> {
    await this.supervisor?.stop();
  }

  private entry() {
    return readManifests(this.layout, { skipInvalid: true })[0];
  }

  manifest(): MemberManifest | undefined {
    return this.entry()?.manifest;
  }

  state(): MemberRunState {
    const e = this.entry();
    if (!e) return { state: 'none', manifest: 'moved-out', pid: null };
    const st = readRunStatus(this.layout, e.manifest.name);
    const running = isMemberProcess(st?.pid, e.manifest.dataDir);
    const state: MemberProcessState = running ? 'running' : st?.state === 'running' ? 'exited' : st?.state ?? 'pending';
    const exited = !running && st?.state === 'exited';
    return {
      state, manifest: e.active ? 'active' : 'moved-out', pid: running ? (st?.pid as number) : null,
      ...(st?.error && !running ? { error: st.error } : {}),
      ...(exited ? { exit: st.signal ? `signal ${st.signal}` : `exit code ${st.exitCode ?? '?'}` } : {}),
      ...(!running && st?.endedAt ? { endedAt: st.endedAt } : {}),
    };
  }

  place(m: MemberManifest, active: boolean): void {
    const to = active ? this.layout.manifestFile(m.name) : this.layout.stoppedManifestFile(m.name);
    // One member per host: any other manifest (an earlier name) goes.
    for (const e of readManifests(this.layout, { skipInvalid: true })) if (e.file !== to) fs.rmSync(e.file, { force: true });
    const text = serializeManifest(m);
    if (readText(to) !== text) writeFileAtomic(to, text, 0o600);
  }

  async stop(timeoutMs: number): Promise<void> {
    const e = this.entry();
    if (!e) return;
    if (e.active) fs.renameSync(e.file, this.layout.stoppedManifestFile(e.manifest.name));
    // Short polls (a state is two small file reads): a restore or replace waits on each stop and start.
    await waitFor(() => this.state().pid === null, { timeoutMs, intervalMs: 20, what: `member ${e.manifest.name} to stop` });
  }

  async start(timeoutMs: number): Promise<void> {
    const e = this.entry();
    if (!e) return;
    const name = e.manifest.name;
    const file = this.layout.manifestFile(name);
    if (!e.active) fs.renameSync(e.file, file);
    else if (this.state().pid === null) writeFileAtomic(e.file, fs.readFileSync(e.file), 0o600); // a new file: the supervisor tries again
    const stamp = manifestStamp(fs.statSync(file));
    // A member that exits (or cannot start) with this very manifest ends the wait at once, with why.
    const outcome = await waitFor(() => {
      if (this.state().pid !== null) return 'running';
      const st = readRunStatus(this.layout, name);
      return st && st.manifestStamp === stamp && (st.state === 'exited' || st.state === 'failed') ? st : undefined;
    }, { timeoutMs, intervalMs: 20, what: `member ${name} to start` });
    if (outcome !== 'running') {
      const how = outcome.state === 'failed' ? 'could not start' : `exited while starting (${outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.exitCode ?? '?'}`})`;
      throw new WardenError(`member ${name} ${how}: ${outcome.error ?? 'it logged nothing'}: see ${this.layout.memberLog(name)}`);
    }
  }

  hold(reason: string): void {
    const e = this.entry();
    if (!e) return;
    if (e.active) fs.renameSync(e.file, this.layout.stoppedManifestFile(e.manifest.name));
    writeRunStatus(this.layout, { name: e.manifest.name, state: 'failed', error: reason, endedAt: new Date().toISOString(), manifestStamp: '' });
  }

  logFile(): string {
    const m = this.manifest();
    return m ? this.layout.memberLog(m.name) : this.layout.supervisorLog;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The pid of a running etcd member (not `etcd grpc-proxy`) whose data dir is one of `dirs`: named
 * on its command line (kubeadm), or in its ETCD_DATA_DIR variable (OpenShift's script execs etcd
 * without --data-dir).
 */
function etcdProcessFor(dirs: string[]): number | undefined {
  const want = new Set(dirs.map((d) => path.normalize(d).replace(/(.)\/$/, '$1')));
  const has = (d: string | undefined): boolean => d !== undefined && want.has(path.normalize(d).replace(/(.)\/$/, '$1'));
  return processesWhere((argv, pid) => {
    if (path.basename(argv[0] ?? '') !== 'etcd' || (argv[1] !== undefined && !argv[1].startsWith('-'))) return false;
    const i = argv.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
    if (i >= 0) return has(argv[i] === '--data-dir' ? argv[i + 1] : argv[i]!.slice('--data-dir='.length));
    return has(processEnv(pid).get('ETCD_DATA_DIR'));
  })[0];
}

/**
 * The member the kubelet runs from a static Pod manifest (kubeadm's etcd.yaml or OpenShift's
 * etcd-pod.yaml in /etc/kubernetes/manifests): adopted as it is, stopped by moving the manifest
 * out of the kubelet's folder into the agent's stopped/ (as the seeds do by hand), started by
 * moving it back. Placing a member rewrites only the cluster flags of the Pod's etcd command (a
 * script-run etcd becomes the command its script execs: see pod.ts).
 */
export class KubeletRuntime implements MemberRuntime {
  readonly kind = 'kubelet' as const;
  private readonly active: string;
  private readonly stopped: string;

  constructor(
    private readonly layout: StateLayout,
    private readonly o: { manifestsDir: string; podFile: string; memberLog?: string },
  ) {
    this.active = `${o.manifestsDir}/${o.podFile}`;
    this.stopped = `${layout.stoppedDir}/${o.podFile}`;
  }

  async open(): Promise<void> {
    if (!fs.existsSync(this.o.manifestsDir)) throw new WardenError(`the kubelet's manifests folder ${this.o.manifestsDir} does not exist: give --kubelet-manifests the folder the kubelet watches (kubeadm: /etc/kubernetes/manifests)`);
    fs.mkdirSync(this.layout.stoppedDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.layout.runDir, { recursive: true, mode: 0o700 });
  }

  /** The kubelet keeps running the member: the agent going away changes nothing on the host. */
  async close(): Promise<void> {}

  private file(): { file: string; active: boolean } | undefined {
    if (fs.existsSync(this.active)) return { file: this.active, active: true };
    if (fs.existsSync(this.stopped)) return { file: this.stopped, active: false };
    return undefined;
  }

  /** The Pod the manifest file holds (`f`: the file already found). */
  private pod(f = this.file()): PodMember | undefined {
    return f ? parsePodManifest(fs.readFileSync(f.file, 'utf8'), f.file) : undefined;
  }

  manifest(): MemberManifest | undefined {
    return this.pod()?.manifest;
  }

  /** The member's etcd process: its data dir as the container sees it, or as the host does. */
  private pid(p: PodMember): number | undefined {
    return etcdProcessFor([p.processDataDir, p.manifest.dataDir]);
  }

  state(): MemberRunState {
    const f = this.file();
    const p = this.pod(f);
    if (!f || !p) return { state: 'none', manifest: 'moved-out', pid: null };
    const m = p.manifest;
    const pid = this.pid(p) ?? null;
    if (pid) return { state: 'running', manifest: f.active ? 'active' : 'moved-out', pid };
    const held = readRunStatus(this.layout, m.name);
    if (!f.active && held?.state === 'failed') return { state: 'failed', manifest: 'moved-out', pid: null, ...(held.error ? { error: held.error } : {}) };
    return { state: f.active ? 'pending' : 'stopped', manifest: f.active ? 'active' : 'moved-out', pid: null };
  }

  place(m: MemberManifest, active: boolean): void {
    const f = this.file();
    if (!f) throw new WardenError(`no static pod manifest ${this.active} to place member ${m.name} in: the kubelet runtime adopts an existing etcd Pod manifest`);
    const text = podWithMember(fs.readFileSync(f.file, 'utf8'), f.file, m);
    const to = active ? this.active : this.stopped;
    if (readText(to) !== text) {
      // Written under a dot name first: the kubelet reads every other file in its folder as a
      // Pod, so a half-written `etcd.yaml.part` would be a second etcd.
      const tmp = path.join(path.dirname(to), `.${path.basename(to)}.warden-tmp`);
      writeFileAtomic(tmp, text, 0o600);
      fs.renameSync(tmp, to);
    }
    if (f.file !== to) fs.rmSync(f.file, { force: true });
  }

  async stop(timeoutMs: number): Promise<void> {
    const p = this.pod();
    if (!p) return;
    const m = p.manifest;
    if (fs.existsSync(this.active)) fs.renameSync(this.active, this.stopped);
    await waitFor(() => this.pid(p) === undefined, { timeoutMs, what: `the kubelet to stop member ${m.name}` });
  }

  async start(timeoutMs: number): Promise<void> {
    const p = this.pod();
    if (!p) return;
    const m = p.manifest;
    if (!fs.existsSync(this.active)) fs.renameSync(this.stopped, this.active);
    await waitFor(() => this.pid(p) !== undefined, { timeoutMs, what: `the kubelet to start member ${m.name} from ${this.active}` }).catch((err: unknown) => {
      throw new WardenError(`${(err as Error).message}: see its log (\`warden cluster logs ${m.name}\`, or \`crictl logs\` on the host)`);
    });
  }

  logFile(): string {
    if (this.o.memberLog) return this.o.memberLog;
    // The kubelet's: /var/log/pods/<namespace>_<pod>_<uid>/etcd/<restart>.log, the newest
    // (kubeadm's pod runs in kube-system, OpenShift's in openshift-etcd).
    try {
      const dirs = fs.readdirSync('/var/log/pods').filter((d) => /^(kube-system|openshift-etcd)_etcd/.test(d)).map((d) => `/var/log/pods/${d}/etcd`).filter((d) => fs.existsSync(d));
      const logs = dirs.flatMap((d) => fs.readdirSync(d).map((f) => `${d}/${f}`)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
      return logs[0] ?? '/var/log/pods';
    } catch {
      return '/var/log/pods';
    }
  }

  hold(reason: string): void {
    const m = this.manifest();
    if (!m) return;
    if (fs.existsSync(this.active)) fs.renameSync(this.active, this.stopped);
    writeRunStatus(this.layout, { name: m.name, state: 'failed', error: reason, endedAt: new Date().toISOString(), manifestStamp: '' });
  }
}

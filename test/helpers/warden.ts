// Runs the warden CLI as a user does (bin/warden.js in a child process) against a fresh state
// dir under WARDEN_TEST_ROOT, and tears every cluster down after the test.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { MemberRow } from '../../src/cluster/control.ts';
import { waitFor } from '../../src/util/wait.ts';
export { freePortRun } from '../../src/util/ports.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WARDEN = path.join(ROOT, 'bin/warden.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix: string): string {
  const base = process.env.WARDEN_TEST_ROOT ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${prefix}-`));
}

export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [WARDEN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...opts.env },
      timeout: opts.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export function etcdctl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('etcdctl', args, { env: { ...process.env, ETCDCTL_API: '3', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

export type MemberStatus = MemberRow;

export class TestCluster {
  constructor(readonly stateDir: string) {}

  run(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer } = {}): Promise<CliResult> {
    return cli(['--state-dir', this.stateDir, ...args], opts);
  }

  async status(): Promise<MemberStatus[]> {
    const r = await this.run(['cluster', 'status', '-w', 'json']);
    if (r.code !== 0) throw new Error(`cluster status failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as MemberStatus[];
  }

  async endpoints(): Promise<string> {
    return (await this.status()).map((m) => m.clientURL).join(',');
  }

  /** A member's etcd log, kept by its agent (<state>/agents/<member>/logs/<member>.log). */
  memberLog(name: string): string {
    return path.join(this.stateDir, 'agents', name, 'logs', `${name}.log`);
  }

  /** Every data dir moved aside on any of the cluster's agents (<state>/agents/<member>/moved-aside/<stamp>/<dir>). */
  movedAside(): string[] {
    const agents = path.join(this.stateDir, 'agents');
    const out: string[] = [];
    for (const a of fs.existsSync(agents) ? fs.readdirSync(agents) : []) {
      const dir = path.join(agents, a, 'moved-aside');
      if (!fs.existsSync(dir)) continue;
      for (const stamp of fs.readdirSync(dir)) for (const d of fs.readdirSync(path.join(dir, stamp))) out.push(path.join(dir, stamp, d));
    }
    return out.sort();
  }

  /**
   * `cluster down`; then no agent or member of this state dir may be left (one left is killed,
   * and the test fails naming it). Other processes (an operator a test started) are the test's.
   */
  async down(): Promise<void> {
    const r = await this.run(['cluster', 'down']);
    const left = processesMentioning(path.join(this.stateDir, 'agents'));
    if (left.length === 0) return;
    const what = left.map((pid) => `${pid}: ${(() => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 160);
      } catch {
        return '(gone)';
      }
    })()}`);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    throw new Error(`cluster down left ${left.length} process(es) running (exit ${r.code}: ${r.stderr.trim()}):\n${what.join('\n')}`);
  }
}

/** The cluster's revision now, as etcdctl reads it. */
export async function revisionNow(c: TestCluster): Promise<number> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', 'none', '-w', 'json']);
  return Number((JSON.parse(r.stdout) as { header: { revision: number } }).header.revision);
}

/** Starts a cluster with `cluster up` and registers its teardown on the test. */
export async function startCluster(t: TestContext | { after: (fn: () => Promise<void>) => void }, args: string[] = []): Promise<TestCluster> {
  const c = new TestCluster(path.join(tempDir('cluster'), 'state'));
  t.after(() => c.down());
  const r = await c.run(['cluster', 'up', ...args]);
  if (r.code !== 0) throw new Error(`cluster up failed (${r.code}): ${r.stderr}\n${r.stdout}`);
  return c;
}

/** Pids of processes whose command line mentions `needle` (e.g. a state dir). */
export function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(needle) && Number(pid) !== process.pid) out.push(Number(pid));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Waits on a condition with a bound (the project's one waiting helper). */
export function waitUntil<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  return waitFor(check, { what, timeoutMs, intervalMs: 100 });
}

/** A long-running warden command (run, operator) whose output lines can be awaited. */
export class Background {
  readonly child: ChildProcess;
  out = '';
  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [WARDEN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
  }

  waitFor(re: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    return waitUntil(`output matching ${re} (got: ${this.out.slice(-500)})`, () => {
      if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode}: ${this.out.slice(-1000)}`);
      return this.out.match(re) ?? undefined;
    }, timeoutMs);
  }

  exited(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  kill(sig: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null) this.child.kill(sig);
  }
}

/**
 * A failed command as users must see it: a non-zero exit, exactly one `Error:` line matching
 * `re`, no stack trace; with `only`, nothing else on stderr either.
 */
export function assertOneErrorLine(r: CliResult, re: RegExp, opts: { only?: boolean } = {}): void {
  assert.notEqual(r.code, 0, `expected a failure, got: ${r.stdout}`);
  const lines = r.stderr.trim().split('\n');
  const errors = lines.filter((l) => l.startsWith('Error:'));
  assert.equal(errors.length, 1, `one Error: line expected, got:\n${r.stderr}`);
  if (opts.only) assert.equal(lines.length, 1, `only one line expected, got:\n${r.stderr}`);
  assert.match(errors[0] as string, re);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

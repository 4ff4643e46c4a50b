// Shared by the benchmarks: a real local cluster started with the warden CLI in a temp state
// dir (stopped on exit), timing, and printing a ratio line.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WARDEN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));

export interface BenchCluster {
  stateDir: string;
  endpoints: string[];
  stop(): void;
}

export function startCluster(members = 3, extra: string[] = []): BenchCluster {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-'));
  const run = (args: string[]) => execFileSync(process.execPath, [WARDEN, '--state-dir', stateDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run(['cluster', 'up', '--members', String(members), ...extra]);
  const status = JSON.parse(run(['cluster', 'status', '-w', 'json'])) as { clientURL: string }[];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(['cluster', 'down']);
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  };
  process.on('exit', stop);
  return { stateDir, endpoints: status.map((s) => s.clientURL), stop };
}

export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Runs `count` tasks with `concurrency` workers. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await task(next++);
  }));
}

/** One result line: "<name>: <ratio> (target <op> <target>) <details>". */
export function report(name: string, ratio: number, target: string, details: string): void {
  const ok = target.startsWith('<=') ? ratio <= Number(target.slice(2)) : ratio >= Number(target.slice(2));
  console.log(`${name}: ratio ${ratio.toFixed(3)} (target ${target}) ${ok ? 'OK' : 'MISSED'} — ${details}`);
}

/** The size a benchmark runs at: `--mb N` (default 100). */
export function benchMb(fallback = 100): number {
  const i = process.argv.indexOf('--mb');
  const mb = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`--mb takes a size in MB, e.g. --mb 1000 (got ${process.argv[i + 1]})`);
  return mb;
}

const RESULTS = path.join(os.tmpdir(), 'warden-bench-results.json');
type Results = Record<string, Record<string, { mb: number; ms: number; at: string }>>;

/**
 * Keeps a result by size (100 MB, 1 GB, 4 GB) in os.tmpdir()/warden-bench-results.json, so runs
 * at several sizes can be compared: at 1 GB and 4 GB the time per MB is checked against the
 * 100 MB run's (no step may grow faster than the size). Returns the results of every size.
 */
export function record(what: string, mb: number, ms: number): Results[string] {
  let all: Results = {};
  try {
    all = JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as Results;
  } catch {
    /* the first result */
  }
  const size = mb >= 3000 ? '4 GB' : mb >= 900 ? '1 GB' : '100 MB';
  const mine = (all[what] ??= {});
  mine[size] = { mb, ms, at: new Date().toISOString() };
  fs.writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
  const base = mine['100 MB'];
  if (size !== '100 MB') {
    if (base) {
      report(`${what}: time per MB at ${size} vs at 100 MB`, ms / mb / (base.ms / base.mb), '<=1.5', `${(ms / mb).toFixed(2)} ms/MB at ${mb.toFixed(0)} MB, ${(base.ms / base.mb).toFixed(2)} ms/MB at ${base.mb.toFixed(0)} MB (run ${base.at})`);
    } else {
      console.log(`(${what}: no 100 MB run recorded in ${RESULTS}: run \`npm run bench\` too to compare how the time grows)`);
    }
  }
  return mine;
}

/**
 * Runs a command to completion with its peak RSS, throwing on failure: `peakMb` of the whole
 * tree as GNU time reports it (children it waited for included: etcdctl, a restore's etcd),
 * `nodePeakMb` of the Node processes alone (bench/rss-preload.cjs), i.e. warden's own memory.
 */
export function timedRss(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; peakMb: number; nodePeakMb: number; stderr: string } {
  const rssFile = path.join(os.tmpdir(), `warden-bench-rss-${process.pid}.txt`);
  fs.rmSync(rssFile, { force: true });
  const preload = `--require ${fileURLToPath(new URL('./rss-preload.cjs', import.meta.url))}`;
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb %M', cmd, ...args], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env, WARDEN_BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${preload}`.trim() },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const kb = Number(/peak-rss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  let nodeKb = 0;
  try {
    for (const line of fs.readFileSync(rssFile, 'utf8').split('\n').filter(Boolean)) nodeKb = Math.max(nodeKb, Number(line.split(' ')[1]));
  } catch {
    /* not a Node command */
  }
  fs.rmSync(rssFile, { force: true });
  return { ms, peakMb: kb / 1024, nodePeakMb: nodeKb / 1024, stderr: r.stderr };
}

/** `cluster up` flags for a DB of `mb` MB: a quota above etcd's 2 GB default when it needs one. */
export function quotaArgs(mb: number): string[] {
  return mb * 1e6 * 1.3 > 2 * 1024 ** 3 ? [`--etcd-arg=--quota-backend-bytes=${8 * 1024 ** 3}`] : [];
}

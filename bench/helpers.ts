// Shared by the benchmarks: a real local cluster started with the warden CLI in a temp state
// dir (stopped on exit), timing, and printing a ratio line.
import { execFileSync } from 'node:child_process';
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

// Benchmark: `warden snapshot status` and `snapshot inspect` on a snapshot of `--mb N` MB
// (default 100), against `etcdctl snapshot status` and against the floor of warden's own work.
// The snapshot is built once with a real etcd (overwrites, deletions, a compaction, values big
// enough for overflow pages) and cached under os.tmpdir(); each command then runs a few times
// and the medians are compared. Also measured: the reader in this process (no start-up), the
// CLI's start-up (`warden --version`), bare `node -e ''`, the floor (a Node process that starts,
// reads the file and checks its sha256 trailer, which etcdctl does not check), the CLI without
// NODE_EXTRA_CA_CERTS when the machine sets it, and the peak RSS of each.
// Targets at 1 GB and beyond, where the work decides: status <= 1.1x the floor and <= 1.3x
// etcdctl, inspect <= 1.5x status, peak RSS <= 256 MB; at 100 MB, where the process start
// weighs, the ratios are printed with the start-up floor beside them.
//
//   node --import tsx bench/snapshot-status.ts [--rebuild] [--runs N] [--mb SIZE]
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EtcdClient } from '../src/etcd/client.ts';
import { snapshotStatus } from '../src/snapshot/status.ts';
import { startSingleEtcd } from '../test/helpers/single-etcd.ts';
import { record, report } from './helpers.ts';

const execFileP = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WARDEN = path.join(ROOT, 'bin/warden.js');
const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const TARGET_MB_ARG = flag('--mb', 100);
const RUNS = flag('--runs', TARGET_MB_ARG >= 900 ? 3 : 7);
/** inspect is timed fewer times: it is the slower one, and its ratio needs no more. */
const INSPECT_RUNS = Math.min(RUNS, 3);
const TARGET_MB = TARGET_MB_ARG;
const CACHE = path.join(os.tmpdir(), `warden-bench-snapshot-${TARGET_MB}mb.db`);

/** Writes ~TARGET_MB of keys into a fresh etcd and saves a snapshot to CACHE. */
async function buildSnapshot(): Promise<void> {
  const started = Date.now();
  const etcd = await startSingleEtcd({ extraArgs: ['--quota-backend-bytes=4294967296', '--snapshot-count=1000000'] });
  const client = new EtcdClient({ endpoints: [etcd.endpoint], commandTimeoutMs: 30_000 });
  try {
    const valueSize = 2048;
    const keys = Math.ceil((TARGET_MB * 1e6 * 0.42) / (valueSize + 100));
    let inFlight: Promise<unknown>[] = [];
    const flush = async (max: number): Promise<void> => {
      if (inFlight.length >= max) {
        await Promise.all(inFlight);
        inFlight = [];
      }
    };
    const value = (i: number, size: number): Buffer => Buffer.alloc(size, `v${i % 97}-`);
    for (let i = 0; i < keys; i++) {
      const kind = i % 10;
      const key = kind < 6 ? `/kubernetes.io/configmaps/ns${i % 50}/cm-${i}` : kind < 9 ? `/kubernetes.io/secrets/ns${i % 50}/s-${i}` : `/kubernetes.io/pods/ns${i % 50}/p-${i}`;
      const v = kind >= 6 && kind < 8 ? Buffer.concat([Buffer.from('k8s:enc:aesgcm:v1:1:'), value(i, valueSize)]) : value(i, i % 500 === 0 ? 20_000 : valueSize);
      inFlight.push(client.put(key, v));
      await flush(128);
    }
    await flush(0);
    // Overwrites and deletions give keys several revisions and tombstones; the compaction
    // drops most old revisions, as a real cluster's history looks.
    for (let i = 0; i < keys; i += 7) {
      inFlight.push(client.put(`/kubernetes.io/configmaps/ns${i % 50}/cm-${i}`, value(i + 1, valueSize)));
      await flush(128);
    }
    await flush(0);
    const mid = await client.put('/bench/mark', 'compact here');
    for (let i = 0; i < keys; i += 13) {
      inFlight.push(client.delete(`/kubernetes.io/pods/ns${i % 50}/p-${i}`));
      inFlight.push(client.put(`/kubernetes.io/secrets/ns${i % 50}/s-${i}`, value(i + 2, valueSize)));
      await flush(128);
    }
    await flush(0);
    await client.compact(mid.header.revision);
    const part = `${CACHE}.part`;
    await execFileP('etcdctl', [`--endpoints=${etcd.endpoint}`, 'snapshot', 'save', part], { env: { ...process.env, ETCDCTL_API: '3' } });
    fs.renameSync(part, CACHE);
    console.log(`built ${CACHE}: ${(fs.statSync(CACHE).size / 1e6).toFixed(1)} MB, ${keys} keys, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    client.close();
    await etcd.stop();
  }
}

interface Run {
  ms: number;
  stdout: string;
  peakRssKb?: number;
}

/** Runs a command, timing it; with /usr/bin/time also its peak RSS. */
function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv = {}, baseEnv: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const [file, full] = timeBin ? [timeBin, ['-f', '%M', cmd, ...argv]] : [cmd, argv];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, full, { cwd: ROOT, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) return reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}: ${stderr.trim()}`));
      const rss = timeBin ? Number(stderr.trim().split('\n').at(-1)) : NaN;
      resolve({ ms, stdout, ...(Number.isFinite(rss) ? { peakRssKb: rss } : {}) });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const began = Date.now();
  if (args.includes('--rebuild') || !fs.existsSync(CACHE)) await buildSnapshot();
  else console.log(`using cached ${CACHE} (${(fs.statSync(CACHE).size / 1e6).toFixed(1)} MB; --rebuild to make a new one)`);

  const wardenArgs = [WARDEN, 'snapshot', 'status', CACHE, '-w', 'json'];
  const ctlArgs = ['snapshot', 'status', CACHE, '-w', 'json'];
  const ctlEnv = { ETCDCTL_API: '3' };
  // One untimed run each: page cache warm, tsx's transform cache filled.
  const [w0, e0] = [await timed(process.execPath, wardenArgs), await timed('etcdctl', ctlArgs, ctlEnv)];
  if (w0.stdout !== e0.stdout) throw new Error(`outputs differ:\n  warden:  ${w0.stdout.trim()}\n  etcdctl: ${e0.stdout.trim()}`);
  console.log(`both print ${e0.stdout.trim()}`);

  // This machine sets NODE_EXTRA_CA_CERTS: every Node process then parses that CA bundle at
  // start, before any warden code runs (etcdctl is not affected). Measured both ways.
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  const noCaEnv = { ...process.env };
  delete noCaEnv.NODE_EXTRA_CA_CERTS;
  const warden: Run[] = [];
  const wardenNoCa: Run[] = [];
  const etcdctl: Run[] = [];
  const startup: Run[] = [];
  const bare: Run[] = [];
  const reader: number[] = [];
  // The least any Node CLI must do for this status: start, read the file and check its sha256
  // (etcdctl does not check it; warden does, as the issue asks). No bbolt parsing at all.
  const floor: Run[] = [];
  const inspect: Run[] = [];
  const inspectArgs = [WARDEN, 'snapshot', 'inspect', CACHE, '-w', 'json'];
  await timed(process.execPath, inspectArgs);
  const floorScript = `const fs=require('fs'),h=require('crypto').createHash('sha256'),fd=fs.openSync(process.argv[1],'r'),end=fs.fstatSync(fd).size-32,b=Buffer.allocUnsafe(262144);for(let p=0;p<end;){const n=fs.readSync(fd,b,0,Math.min(262144,end-p),p);h.update(b.subarray(0,n));p+=n}h.digest()`;
  await snapshotStatus(CACHE); // warm the in-process reader once
  for (let i = 0; i < RUNS; i++) {
    warden.push(await timed(process.execPath, wardenArgs));
    etcdctl.push(await timed('etcdctl', ctlArgs, ctlEnv));
    if (extraCa) wardenNoCa.push(await timed(process.execPath, wardenArgs, {}, noCaEnv));
    startup.push(await timed(process.execPath, [WARDEN, '--version']));
    bare.push(await timed(process.execPath, ['-e', '']));
    floor.push(await timed(process.execPath, ['-e', floorScript, CACHE]));
    if (i < INSPECT_RUNS) inspect.push(await timed(process.execPath, inspectArgs));
    const t = performance.now();
    await snapshotStatus(CACHE);
    reader.push(performance.now() - t);
  }
  const w = median(warden.map((r) => r.ms));
  const e = median(etcdctl.map((r) => r.ms));
  const s = median(startup.map((r) => r.ms));
  const node = median(bare.map((r) => r.ms));
  const lib = median(reader);
  const least = median(floor.map((r) => r.ms));
  const mb = (runs: Run[]): string => {
    const kb = Math.max(...runs.map((r) => r.peakRssKb ?? 0));
    return kb ? `${(kb / 1024).toFixed(0)} MB` : 'n/a';
  };
  console.log(`medians of ${RUNS} runs on ${(fs.statSync(CACHE).size / 1e6).toFixed(0)} MB:`);
  console.log(`  warden snapshot status    ${w.toFixed(0).padStart(5)} ms   peak RSS ${mb(warden)}`);
  console.log(`  etcdctl snapshot status   ${e.toFixed(0).padStart(5)} ms   peak RSS ${mb(etcdctl)}`);
  console.log(`  reader in process         ${lib.toFixed(0).padStart(5)} ms   (the same status, sha256 check included, without starting a process)`);
  console.log(`  warden --version          ${s.toFixed(0).padStart(5)} ms   peak RSS ${mb(startup)}   (CLI start-up, paid by every command)`);
  console.log(`  node -e ''                ${node.toFixed(0).padStart(5)} ms   (bare Node start: the floor of any Node CLI)`);
  console.log(`  node: read + sha256 only  ${least.toFixed(0).padStart(5)} ms   (start, read the file, check its sha256 trailer; no bbolt at all)`);
  const ins = median(inspect.map((r) => r.ms));
  const fileMB = fs.statSync(CACHE).size / 1e6;
  console.log(`  warden snapshot inspect   ${ins.toFixed(0).padStart(5)} ms   peak RSS ${mb(inspect)}`);
  // At 1 GB and beyond the work decides, not the process start: the issue's targets hold there.
  const large = fileMB >= 900;
  report('snapshot status vs the floor of its own work (node: start, read + sha256 the file)', w / least, large ? '<=1.1' : '<=1.5', `warden ${w.toFixed(0)} ms, floor ${least.toFixed(0)} ms${large ? '' : ` (at ${fileMB.toFixed(0)} MB; the 1.1 target is for 1 GB: npm run bench -- --mb 1000)`}`);
  report('snapshot inspect vs snapshot status', ins / w, '<=1.5', `inspect ${ins.toFixed(0)} ms (median of ${inspect.length}), status ${w.toFixed(0)} ms`);
  const peak = Math.max(...[...warden, ...inspect].map((r) => r.peakRssKb ?? 0)) / 1024;
  if (peak) report('peak RSS of snapshot status and inspect, MB', peak, '<=256', `status ${mb(warden)}, inspect ${mb(inspect)} on ${fileMB.toFixed(0)} MB (etcdctl ${mb(etcdctl)})`);
  record('snapshot status', fileMB, w);
  record('snapshot inspect', fileMB, ins);
  report('snapshot status vs etcdctl snapshot status', w / e, large ? '<=1.3' : '<=1.2', `warden ${w.toFixed(0)} ms, etcdctl ${e.toFixed(0)} ms${extraCa ? ' (NODE_EXTRA_CA_CERTS set, as on this machine)' : ''}`);
  if (extraCa) {
    const wn = median(wardenNoCa.map((r) => r.ms));
    report('snapshot status vs etcdctl, Node without NODE_EXTRA_CA_CERTS', wn / e, '<=1.2', `warden ${wn.toFixed(0)} ms, etcdctl ${e.toFixed(0)} ms (Node skips parsing ${extraCa} at start)`);
  }
  report('the least a Node CLI must do (start, read, sha256) vs etcdctl snapshot status', least / e, '<=1.2', `${least.toFixed(0)} ms, etcdctl ${e.toFixed(0)} ms: the bound on warden's ratio on this machine`);
  report('snapshot status reader in process vs etcdctl', lib / e, '<=1.2', `reader ${lib.toFixed(0)} ms, etcdctl ${e.toFixed(0)} ms`);
  console.log(`done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

await main();

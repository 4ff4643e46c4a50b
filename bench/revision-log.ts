// Revision log benchmarks (point-in-time recovery), each a ratio against a reference measured
// in the same run, on a 3-member cluster:
//   1. recording overhead: write throughput (1 KiB puts, 16 in flight) with the recorder running
//      vs without, alternating rounds (target >= 0.95); beside it the same against a bare watch
//      whose events are dropped, and etcdctl's watch: on 2 cores a watcher alone costs etcd 8-13 %,
//      so the recorder's own share is the ratio against the bare watch (`--overhead-only`: just this)
//   2. recovery point: how far the log's durable end lags each write at 1,000 writes/s, p99
//      (target <= 1 s)
//   3. replay: revisions per second written into a restorable file from snapshot + log vs the same
//      revisions sent as one-revision txns to the same etcd (target >= 0.8)
//   4. `warden restore --to-revision N` (a ~100 MB snapshot + 100,000 revisions of log) vs
//      `warden restore` of a full snapshot taken at N (target <= 1.5)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EtcdClient, op } from '../src/etcd/client.ts';
import { logChains, readRevisions } from '../src/revlog/reader.ts';
import { buildPointInTime } from '../src/revlog/replay.ts';
import { pool, report, startCluster, time } from './helpers.ts';

const WARDEN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));
// The tests' recorder process: it runs beside the cluster as the operator's would.
const CHILD = fileURLToPath(new URL('../test/helpers/recorder-child.ts', import.meta.url));
const WATCH_ONLY = fileURLToPath(new URL('./lib/watch-only.ts', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

class Recorder {
  readonly child: ChildProcess;
  out = '';
  constructor(endpoints: string[], readonly root: string, snaps: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CHILD, endpoints.join(','), root, snaps], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
  }
  /** (revision, time it became durable) in order. */
  durable(): [number, number][] {
    return [...this.out.matchAll(/^durable (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  }
  async started(): Promise<{ file: string; revision: number }> {
    for (let i = 0; i < 600 && !/^snapshot /m.test(this.out); i++) await new Promise((r) => setTimeout(r, 50));
    const m = /^snapshot (\S+) (\d+)$/m.exec(this.out);
    if (!m) throw new Error('the recorder took no snapshot');
    return { file: m[1]!, revision: Number(m[2]) };
  }
  async reach(revision: number): Promise<void> {
    for (let i = 0; i < 1200; i++) {
      const d = this.durable();
      if ((d[d.length - 1]?.[0] ?? 0) >= revision) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the log never held revision ${revision}`);
  }
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

const value = Buffer.alloc(1024, 'v');

async function writes(client: EtcdClient, n: number, tag: string): Promise<number> {
  const { ms } = await time(() => pool(n, 16, (i) => client.put(`/bench/${tag}/${i % 500}`, value)));
  return n / (ms / 1000);
}

const cluster = startCluster(3);
const client = new EtcdClient({ endpoints: cluster.endpoints, commandTimeoutMs: 60_000 });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-revlog-'));
try {
  // 1. Overhead: the same writes with and without a recorder watching, alternating.
  await writes(client, 2000, 'warm');
  const root = path.join(work, 'revlog');
  const rec = new Recorder(cluster.endpoints, root, work);
  const anchor = await rec.started();
  await rec.stop();
  const on: number[] = [];
  const off: number[] = [];
  const bare: number[] = [];
  const etcdctlWatch: number[] = [];
  for (let r = 0; r < 3; r++) {
    off.push(await writes(client, 2000, `off${r}`));
    // The reference any watch-based recorder pays: a watch whose events are dropped.
    const watcher = spawn(process.execPath, ['--import', 'tsx', WATCH_ONLY, cluster.endpoints.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => watcher.stdout?.on('data', (d: Buffer) => /watching/.test(d.toString()) && resolve()));
    bare.push(await writes(client, 2000, `bare${r}`));
    const gone = new Promise((x) => watcher.once('exit', x));
    watcher.kill('SIGTERM');
    await gone;
    // And etcd's own client (Go) watching, its output dropped.
    const ctl = spawn('etcdctl', ['--endpoints', cluster.endpoints.join(','), 'watch', '--prefix', ''], { stdio: ['ignore', 'ignore', 'ignore'] });
    await client.put('/bench/marker', 'x');
    await new Promise((x) => setTimeout(x, 300)); // etcdctl has no "created" line: a moment to connect
    etcdctlWatch.push(await writes(client, 2000, `ctl${r}`));
    const ctlGone = new Promise((x) => ctl.once('exit', x));
    ctl.kill('SIGTERM');
    await ctlGone;
    const running = new Recorder(cluster.endpoints, root, work);
    // Caught up (the off round's writes recorded) before the round is timed.
    await running.reach((await client.put('/bench/marker', 'x')).header.revision);
    on.push(await writes(client, 2000, `on${r}`));
    await running.stop();
  }
  const ratios = on.map((x, i) => x / (off[i] as number));
  const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join('/');
  report('write throughput with the revision log recording vs without', median(ratios), '>=0.95', `median of ${ratios.length} round ratios; with ${list(on)} puts/s, without ${list(off)} puts/s (1 KiB, 16 in flight)`);
  report('write throughput with the revision log recording vs with a bare watch (events dropped)', median(on.map((x, i) => x / (bare[i] as number))), '>=0.95', `the bare watch alone: ${median(bare.map((x, i) => x / (off[i] as number))).toFixed(3)} of no watch (${list(bare)} puts/s): what etcd's fan-out and a watcher's decoding cost on 2 cores; etcd's own client watching (\`etcdctl watch --prefix ""\`, output dropped): ${median(etcdctlWatch.map((x, i) => x / (off[i] as number))).toFixed(3)} of no watch (${list(etcdctlWatch)} puts/s)`);
  if (process.argv.includes('--overhead-only')) process.exit(0);

  // 2. Recovery point at 1,000 writes/s: each write's commit time to the flush that holds it.
  const lagRec = new Recorder(cluster.endpoints, root, work);
  await lagRec.reach((await client.put('/bench/marker', 'x')).header.revision);
  const committed: [number, number][] = [];
  const t0 = Date.now();
  const total = 3000;
  await pool(total, 8, async (i) => {
    const due = t0 + i; // 1 per ms
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await client.put(`/bench/rp/${i % 500}`, value);
    committed.push([res.header.revision, Date.now()]);
  });
  const rate = total / ((Date.now() - t0) / 1000);
  await lagRec.reach(Math.max(...committed.map(([r]) => r)));
  await lagRec.stop();
  const durable = lagRec.durable();
  const lags = committed.map(([rev, at]) => {
    const d = durable.find(([r]) => r >= rev);
    return Math.max(0, (d?.[1] ?? Infinity) - at);
  }).sort((a, b) => a - b);
  const p99 = lags[Math.floor(lags.length * 0.99)] as number;
  report('recovery point: the log\'s durable end behind each write at 1,000 writes/s, p99 in s', p99 / 1000, '<=1', `${total} writes at ${rate.toFixed(0)}/s; lag p50 ${lags[Math.floor(lags.length / 2)]} ms, p99 ${p99} ms, max ${lags[lags.length - 1]} ms (flush every 100 ms)`);

  // 3. Replay rate: the log's revisions written into a file vs the same revisions as txns.
  const chain = logChains(root)[0]!;
  const snap = anchor.file;
  const from = (await import('../src/snapshot/hashkv.ts')).restoredRevisionOf;
  const base = (await from(snap)).current;
  const end = chain.runs[chain.runs.length - 1]!.last;
  const slice = readRevisions(chain.dir, base + 1, end);
  const built = await time(() => buildPointInTime({ snapshot: snap, log: chain, to: end, out: path.join(work, 'pit.db') }));
  const ourRate = slice.revisions.length / (built.ms / 1000);
  const sample = slice.revisions.slice(0, 1500);
  const txns = await time(async () => {
    for (const r of sample) {
      await client.txn({ compare: [], success: r.events.map((e) => (e.type === 'put' ? op.put(`/replay${e.key.toString()}`, e.value) : op.delete(`/replay${e.key.toString()}`))) });
    }
  });
  const txnRate = sample.length / (txns.ms / 1000);
  report('replay: revisions per second into a restorable file vs one-revision txns to the same etcd', ourRate / txnRate, '>=0.8', `${slice.revisions.length} revisions onto a ${(fs.statSync(snap).size / 1e6).toFixed(1)} MB snapshot in ${built.ms.toFixed(0)} ms (${ourRate.toFixed(0)}/s, the hashKV check included); txns ${txnRate.toFixed(0)}/s (${sample.length} in order)`);

  // 4. Restore to a point in time vs restore of a full snapshot taken there, like for like
  //    (neither bumps the revision).
  const fill = Buffer.alloc(100 * 1024, 'f');
  await pool(1000, 16, (i) => client.put(`/bench/fill/${i}`, fill)); // ~100 MB
  const dir = path.join(work, 'backups');
  let opOut = '';
  const operator = spawn(process.execPath, [WARDEN, '--state-dir', cluster.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-dir', dir, '--revision-log', '--no-auto-defrag'], { stdio: ['ignore', 'pipe', 'pipe'] });
  operator.stdout?.on('data', (d: Buffer) => (opOut += d.toString()));
  operator.stderr?.on('data', (d: Buffer) => (opOut += d.toString()));
  for (let i = 0; i < 1200 && !/revision log: starting after backup/.test(opOut); i++) await new Promise((r) => setTimeout(r, 100));
  if (!/revision log: starting after backup/.test(opOut)) throw new Error(`the operator's revision log did not start: ${opOut.slice(-1000)}`);
  const small = Buffer.alloc(100, 's');
  const revisions = 100_000;
  const filled = await time(() => pool(revisions, 64, (i) => client.put(`/bench/pit/${i % 5000}`, small)));
  const last = (await client.get('/bench/none', { countOnly: true })).header.revision;
  const logEnd = (): number => Math.max(0, ...logChains(path.join(dir, 'revlog')).flatMap((c) => c.runs.map((r) => r.last)));
  for (let i = 0; i < 1200 && logEnd() < last; i++) await new Promise((r) => setTimeout(r, 100));
  operator.kill('SIGTERM');
  await new Promise((r) => operator.once('exit', r));
  const n = logEnd();
  const atN = path.join(work, 'at-n');
  execFileSync(process.execPath, [WARDEN, '--state-dir', cluster.stateDir, 'backup', atN], { stdio: 'ignore' });
  const restore = (args: string[]): number => {
    const t = performance.now();
    execFileSync(process.execPath, [WARDEN, '--state-dir', cluster.stateDir, 'restore', ...args, '--no-bump-revision'], { stdio: 'ignore' });
    return performance.now() - t;
  };
  const pit = restore([dir, '--to-revision', String(n)]);
  const full = restore([atN]);
  const snapMb = fs.readdirSync(atN).filter((f) => f.startsWith('snapshot_')).map((f) => fs.statSync(path.join(atN, f)).size / 1e6)[0] ?? 0;
  report('restore to a revision (snapshot + revision log) vs restore of a full snapshot taken there', pit / full, '<=1.5', `--to-revision ${n}: ${pit.toFixed(0)} ms (${revisions} revisions of log written in ${(filled.ms / 1000).toFixed(1)} s, replayed onto the operator's first snapshot); full ${snapMb.toFixed(0)} MB snapshot at ${n}: ${full.toFixed(0)} ms`);
} finally {
  client.close();
  cluster.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

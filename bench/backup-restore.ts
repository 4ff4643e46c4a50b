// Backup and restore benchmarks, each a ratio against a reference in the same run:
//   1. `warden backup` vs `etcdctl snapshot save` of the same ~100 MB DB (target <= 1.1)
//   2. `warden backup --encrypt-to` (age) vs `warden backup` of the same DB (target <= 1.15)
//   3. `warden restore` to 3 healthy members vs the seeds' manual sequence scripted with
//      etcdctl: snapshot restore, start, member add x2 with their starts (target <= 1.2)
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { takeBackup } from '../src/backup/backup.ts';
import { StateLayout } from '../src/cluster/layout.ts';
import { EtcdClient } from '../src/etcd/client.ts';
import { freePorts } from '../src/util/ports.ts';
import { waitFor } from '../src/util/wait.ts';
import { pool, report, startCluster, time } from './helpers.ts';

const WARDEN = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../bin/warden.js');
const MB = 1024 * 1024;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ETCDCTL_API: '3', ...env } });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function manualRestore(snapshot: string): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-manual-'));
  const ports = await freePorts(6);
  const m = [0, 1, 2].map((i) => ({ name: `m${i}`, client: `http://127.0.0.1:${ports[2 * i]}`, peer: `http://127.0.0.1:${ports[2 * i + 1]}`, data: path.join(dir, `m${i}`) }));
  const procs: ChildProcess[] = [];
  const start = (x: (typeof m)[number], cluster: string, state: string) => {
    procs.push(spawn('etcd', ['--name', x.name, '--data-dir', x.data, '--listen-client-urls', x.client, '--advertise-client-urls', x.client, '--listen-peer-urls', x.peer, '--initial-advertise-peer-urls', x.peer, '--initial-cluster', cluster, '--initial-cluster-state', state], { stdio: 'ignore' }));
  };
  const healthy = (eps: string) => waitFor(() => {
    try {
      run('etcdctl', ['--endpoints', eps, 'endpoint', 'health']);
      return true;
    } catch {
      return undefined;
    }
  }, { timeoutMs: 120_000, intervalMs: 100, what: 'manual members healthy' });
  try {
    const t0 = performance.now();
    run('etcdctl', ['snapshot', 'restore', snapshot, '--name', 'm0', '--data-dir', m[0]!.data, '--initial-cluster', `m0=${m[0]!.peer}`, '--initial-advertise-peer-urls', m[0]!.peer, '--initial-cluster-token', 'manual']);
    start(m[0]!, `m0=${m[0]!.peer}`, 'new');
    await healthy(m[0]!.client);
    let cluster = `m0=${m[0]!.peer}`;
    for (const x of [m[1]!, m[2]!]) {
      // As an operator following the runbook would: etcd refuses the add ("unhealthy cluster")
      // until the cluster has been connected for a few seconds, so it is retried.
      await waitFor(() => {
        try {
          run('etcdctl', ['--endpoints', m[0]!.client, 'member', 'add', x.name, `--peer-urls=${x.peer}`]);
          return true;
        } catch {
          return undefined;
        }
      }, { timeoutMs: 60_000, intervalMs: 200, what: `member add ${x.name}` });
      cluster += `,${x.name}=${x.peer}`;
      start(x, cluster, 'existing');
      await healthy(m.slice(0, m.indexOf(x) + 1).map((y) => y.client).join(','));
    }
    return performance.now() - t0;
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const cluster = startCluster(3);
try {
  const client = new EtcdClient({ endpoints: cluster.endpoints, commandTimeoutMs: 60_000 });
  const value = Buffer.alloc(100 * 1024, 7);
  await pool(1000, 16, (i) => client.put(`/bench/${String(i).padStart(5, '0')}`, value));
  const statuses = await Promise.all(cluster.endpoints.map(async (e) => ({ e, st: await client.member(e).status() })));
  const follower = statuses.find((s) => s.st.leader !== s.st.header.member_id)!;
  const names = JSON.parse(run(process.execPath, [WARDEN, '--state-dir', cluster.stateDir, 'cluster', 'status', '-w', 'json'])) as { name: string; clientURL: string }[];
  const followerName = names.find((n) => n.clientURL === follower.e)!.name;
  client.close();
  const dbMB = follower.st.dbSize / MB;

  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-backup-'));
  // An identity made as a user makes one; its recipient is what encrypted backups go to.
  const keygen = spawnSync('age-keygen', ['-o', path.join(out, 'age-key.txt')], { encoding: 'utf8' });
  const recipient = /Public key: (age1\S+)/.exec(keygen.stderr)?.[1];
  if (!recipient) throw new Error(`age-keygen failed: ${keygen.stderr}`);
  const ours: number[] = [];
  const theirs: number[] = [];
  const encrypted: number[] = [];
  const backupCli = (d: string, extra: string[] = []) => time(() => run(process.execPath, [WARDEN, '--state-dir', cluster.stateDir, 'backup', d, '--member', followerName, ...extra]));
  // Five alternating rounds; the median of the pairs' ratios, so that the disk's write-back
  // state (both write and fsync ~100 MB) drifting between rounds cancels. The encrypted and
  // the plain backup take turns going first.
  const pairs = 5;
  for (let i = 0; i < pairs; i++) {
    const f = path.join(out, `etcdctl-${i}.db`);
    theirs.push((await time(() => run('etcdctl', ['--endpoints', follower.e, 'snapshot', 'save', f]))).ms);
    fs.rmSync(f);
    const d = path.join(out, `warden-${i}`);
    const e = path.join(out, `encrypted-${i}`);
    for (const which of i % 2 === 0 ? ['plain', 'age'] : ['age', 'plain']) {
      if (which === 'plain') ours.push((await backupCli(d)).ms);
      else encrypted.push((await backupCli(e, ['--encrypt-to', recipient])).ms);
    }
    fs.rmSync(e, { recursive: true });
    if (i < pairs - 1) fs.rmSync(d, { recursive: true });
  }
  const pairRatio = median(ours.map((o, i) => o / (theirs[i] as number)));
  const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
  report(`backup of a ${dbMB.toFixed(0)} MB DB vs etcdctl snapshot save`, pairRatio, '<=1.1', `median of ${pairs} pair ratios; warden backup ${list(ours)} ms (streams, verifies, archives), etcdctl ${list(theirs)} ms`);
  report(`backup encrypted to an age recipient vs plain backup of the same ${dbMB.toFixed(0)} MB DB`, median(encrypted.map((x, i) => x / (ours[i] as number))), '<=1.15', `median of ${pairs} pair ratios; --encrypt-to ${list(encrypted)} ms (age in its own process), plain ${list(ours)} ms`);
  // The same backup without the CLI process: what the operator's scheduled backups cost, and
  // how much of the gap above is Node's and the CLI's start-up.
  const inProcess: number[] = [];
  const inProcessEncrypted: number[] = [];
  const inClient = new EtcdClient({ endpoints: cluster.endpoints, commandTimeoutMs: 60_000 });
  const layout = new StateLayout(cluster.stateDir);
  // Encrypted in the first three rounds only: the whole `npm run bench` stays under 5 minutes.
  for (let i = 0; i < pairs; i++) {
    for (const which of i >= 3 ? ['plain'] : i % 2 === 0 ? ['plain', 'age'] : ['age', 'plain']) {
      const d = path.join(out, `inproc-${which}-${i}`);
      const encryptTo = which === 'age' ? { encryptTo: { recipients: [recipient], files: [] } } : {};
      const ms = (await time(() => takeBackup(inClient, { dir: d, member: followerName, layout, log: () => undefined, ...encryptTo }))).ms;
      (which === 'age' ? inProcessEncrypted : inProcess).push(ms);
      fs.rmSync(d, { recursive: true });
    }
  }
  inClient.close();
  report('backup in process (no CLI start-up) vs etcdctl snapshot save', median(inProcess) / median(theirs), '<=1.1', `in process ${median(inProcess).toFixed(0)} ms, etcdctl ${median(theirs).toFixed(0)} ms`);
  report('encrypted backup in process vs plain backup in process', median(inProcessEncrypted.map((x, i) => x / (inProcess[i] as number))), '<=1.15', `median of ${inProcessEncrypted.length} pair ratios; --encrypt-to ${list(inProcessEncrypted)} ms, plain ${list(inProcess.slice(0, inProcessEncrypted.length))} ms`);

  const setDir = path.join(out, `warden-${pairs - 1}`);
  const snapshot = path.join(setDir, fs.readdirSync(setDir).find((f) => f.startsWith('snapshot_'))!);
  // Both sequences vary by seconds with etcd's randomized election timeout and its 5 s
  // "connected for a while" rule between membership changes: three alternating rounds, medians.
  const manual: number[] = [];
  const restores: number[] = [];
  for (let i = 0; i < 3; i++) {
    manual.push(await manualRestore(snapshot));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [WARDEN, '--state-dir', cluster.stateDir, 'restore', setDir], { encoding: 'utf8' });
    restores.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`warden restore failed: ${r.stderr}`);
    if (process.env.BENCH_VERBOSE) console.log(r.stderr);
  }
  const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
  report(`restore of a ${dbMB.toFixed(0)} MB snapshot to 3 healthy members vs manual etcdctl sequence`, median(restores) / median(manual), '<=1.2', `warden restore ${ms(restores)} ms (incl. validation, stop, move aside, learners, hashKV check), manual ${ms(manual)} ms`);
  fs.rmSync(out, { recursive: true, force: true });
} finally {
  cluster.stop();
}

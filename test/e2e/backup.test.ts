// Backups on real etcd: verified sets that etcdctl accepts and restores, failures that leave
// nothing behind, refusals that say why.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readBackupInfo } from '../../src/backup/archive.ts';
import { freePorts } from '../../src/util/ports.ts';
import { Background, cli, etcdctl, startCluster, tempDir, waitUntil, assertOneErrorLine } from '../helpers/warden.ts';

function files(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}


describe('backup', () => {
  it('writes a verified set that etcdctl reads and restores with every key', async (t) => {
    const c = await startCluster(t);
    const eps = await c.endpoints();
    for (let i = 0; i < 200; i += 25) {
      const puts = await Promise.all(Array.from({ length: 25 }, (_, j) => etcdctl(['--endpoints', eps, 'put', `/oracle/${i + j}`, `value-${i + j}`])));
      for (const r of puts) assert.equal(r.code, 0, r.stderr);
    }
    const dir = path.join(tempDir('bk'), 'backups');
    const r = await c.run(['backup', dir]);
    assert.equal(r.code, 0, r.stderr);
    const snapshot = files(dir).find((f) => f.startsWith('snapshot_'));
    const archive = files(dir).find((f) => f.startsWith('static_'));
    assert.equal(files(dir).length, 2);
    assert.match(snapshot!, /^snapshot_\d{4}-\d{2}-\d{2}_\d{6}\.db$/);
    assert.equal(archive, snapshot!.replace('snapshot_', 'static_kuberesources_').replace('.db', '.tar.gz'));
    for (const f of files(dir)) assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
    assert.match(r.stdout, new RegExp(`^Snapshot saved at ${path.join(dir, snapshot!)}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^snapshot db and kube resources are successfully saved to ${dir}$`, 'm'));
    assert.match(r.stderr, /from member etcd-\d .*a follower/);

    const file = path.join(dir, snapshot!);
    const theirs = await etcdctl(['snapshot', 'status', file, '-w', 'json']);
    const ours = await cli(['snapshot', 'status', file, '-w', 'json']);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs.stdout));

    // etcdctl snapshot restore accepts the file (sha256 trailer included) and the data is all there.
    const restored = path.join(tempDir('restored'), 'data');
    const rr = await etcdctl(['snapshot', 'restore', file, '--data-dir', restored]);
    assert.equal(rr.code, 0, rr.stderr);
    const [client, peer] = await freePorts(2);
    const etcd = spawn('etcd', ['--data-dir', restored, '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`, '--listen-peer-urls', `http://127.0.0.1:${peer}`], { stdio: 'ignore' });
    t.after(() => etcd.kill('SIGKILL'));
    const ep = `127.0.0.1:${client}`;
    await waitUntil('the restored member to serve', async () => (await etcdctl(['--endpoints', ep, 'endpoint', 'health'])).code === 0);
    const got = await etcdctl(['--endpoints', ep, 'get', '--prefix', '/oracle/', '-w', 'json']);
    const kvs = (JSON.parse(got.stdout) as { kvs: { key: string; value: string }[] }).kvs;
    assert.equal(kvs.length, 200);
    for (const kv of kvs) {
      const k = Buffer.from(kv.key, 'base64').toString();
      assert.equal(Buffer.from(kv.value, 'base64').toString(), `value-${k.split('/')[2]}`);
    }

    // backup.json names the snapshot file by its whole sha256 (trailer included): what a restore sends it as.
    const info = await readBackupInfo(path.join(dir, archive!));
    assert.equal(info?.fileSha256, crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'));

    const list = await c.run(['backup', 'list', dir, '-w', 'json']);
    const sets = JSON.parse(list.stdout) as { member: string; revision: number; complete: boolean; encryption: string }[];
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.complete, true);
    assert.equal(sets[0]!.revision, JSON.parse(ours.stdout).revision);
    assert.equal(sets[0]!.encryption, 'identity');
  });

  it('keeps the keys archive apart with --keys-dir, with the encryption configuration inside', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    const base = tempDir('keys');
    const r = await c.run(['backup', path.join(base, 'snap'), '--keys-dir', path.join(base, 'keys')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(files(path.join(base, 'snap')).length, 1);
    const [archive] = files(path.join(base, 'keys'));
    const tar = await new Promise<string>((resolve) => {
      const p = spawn('tar', ['tzf', path.join(base, 'keys', archive!)]);
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.on('close', () => resolve(out));
    });
    assert.match(tar, /^encryption\/encryption-config\.yaml$/m);
    assert.match(tar, /^inventory\.json$/m);
    assert.match(tar, /^backup\.json$/m);
    const list = await c.run(['backup', 'list', path.join(base, 'snap'), '--keys-dir', path.join(base, 'keys'), '-w', 'json']);
    assert.equal((JSON.parse(list.stdout) as { encryption: string }[])[0]!.encryption, 'aesgcm:1');
  });

  it('a member killed during the stream: non-zero exit, no files left', async (t) => {
    const c = await startCluster(t);
    const dir = path.join(tempDir('kill'), 'backups');
    const victim = (await c.status()).find((m) => m.name === 'etcd-2')!;
    // The member is frozen first, so the stream (which a named member starts at once, into the
    // .part) holds until the kill, however fast the machine.
    process.kill(victim.pid!, 'SIGSTOP');
    const run = new Background(['--state-dir', c.stateDir, 'backup', dir, '--member', 'etcd-2']);
    await waitUntil('the stream to start', () => files(dir).some((f) => f.endsWith('.part')), 60_000);
    process.kill(victim.pid!, 'SIGKILL');
    assert.notEqual(await run.exited(), 0);
    // A named local member streams while the cluster checks run, so the kill is seen either by
    // the stream or by the health check: either way one line that names the member.
    assert.match(run.out, /Error: (the snapshot stream from etcd-2 .* failed after .*nothing was written|refusing to back up: the cluster is unhealthy \(.*etcd-2: [^;]*unreachable)/);
    assert.equal(run.out.trim().split('\n').filter((l) => l.startsWith('Error')).length, 1);
    assert.deepEqual(files(dir), []);
  });

  it('Ctrl-C during the stream leaves no files', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const dir = path.join(tempDir('int'), 'backups');
    const m = (await c.status())[0]!;
    process.kill(m.pid!, 'SIGSTOP'); // the stream holds open until the interrupt
    const run = new Background(['--state-dir', c.stateDir, '--dial-timeout', '2m', '--command-timeout', '2m', 'backup', dir, '--member', 'etcd-1']);
    try {
      await waitUntil('the stream to start', () => files(dir).some((f) => f.endsWith('.part')), 60_000);
      run.kill('SIGINT');
      assert.notEqual(await run.exited(), 0);
    } finally {
      process.kill(m.pid!, 'SIGCONT');
    }
    assert.match(run.out, /interrupted/);
    assert.deepEqual(files(dir), []);
  });

  it('what a backup killed with -9 left is removed by the next backup list and the next backup, which say so', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const m = (await c.status())[0]!;
    const dir = path.join(tempDir('killed'), 'backups');
    /**
     * A backup killed with -9 while its snapshot streams: the member is frozen first, so the
     * stream (which a named local member starts at once, into the .part) holds until the kill.
     */
    const killedBackup = async (): Promise<string> => {
      process.kill(m.pid!, 'SIGSTOP');
      try {
        const run = new Background(['--state-dir', c.stateDir, '--command-timeout', '2m', 'backup', dir, '--member', 'etcd-1']);
        const part = await waitUntil('the stream to start', () => files(dir).find((f) => f.endsWith('.db.part')), 60_000);
        run.kill('SIGKILL');
        await run.exited();
        return /^snapshot_(.*)\.db\.part$/.exec(part)![1]!;
      } finally {
        process.kill(m.pid!, 'SIGCONT');
      }
    };
    const ts = await killedBackup();
    // A kill a moment later, while the archive was staged, leaves its staging folder (with the keys) too.
    const staging = path.join(dir, `static_kuberesources_${ts}.tar.gz.staging`);
    fs.mkdirSync(path.join(staging, 'encryption'), { recursive: true });
    fs.writeFileSync(path.join(staging, 'encryption', 'encryption-config.yaml'), 'keys');
    assert.ok(files(dir).includes(`snapshot_${ts}.db.part`), files(dir).join());

    const list = await c.run(['backup', 'list', dir, '-w', 'json']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), []);
    assert.match(list.stderr, new RegExp(`^removed what an interrupted backup left in ${dir}: .*snapshot_${ts}\\.db\\.part \\([\\d.]+ [kMG]?B\\)`, 'm'));
    assert.match(list.stderr, new RegExp(`static_kuberesources_${ts}\\.tar\\.gz\\.staging/`));
    assert.deepEqual(files(dir), [], 'the .part, the staging folder and the dead lock are gone');

    const ts2 = await killedBackup();
    const next = await c.run(['backup', dir]);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, new RegExp(`^removed what an interrupted backup left in ${dir}: snapshot_${ts2}\\.db\\.part`, 'm'));
    assert.equal(files(dir).length, 2, files(dir).join());
    assert.ok(files(dir).every((f) => /^(snapshot|static_kuberesources)_[\d-]+_\d{6}\.(db|tar\.gz)$/.test(f)), files(dir).join());
  });

  it("a running backup's .part is never removed by a backup list beside it", async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    assert.equal((await c.run(['put', 'kept', 'yes'])).code, 0);
    const m = (await c.status())[0]!;
    const dir = path.join(tempDir('live'), 'backups');
    // The member frozen first: the backup is alive, its stream held open.
    process.kill(m.pid!, 'SIGSTOP');
    let run: Background | undefined;
    let part: string;
    let list;
    try {
      // A long --command-timeout: its checks of the frozen member wait instead of failing the backup.
      run = new Background(['--state-dir', c.stateDir, '--command-timeout', '2m', 'backup', dir, '--member', 'etcd-1']);
      t.after(() => run?.kill('SIGKILL'));
      part = await waitUntil('the stream to start', () => files(dir).find((f) => f.endsWith('.db.part')), 60_000);
      list = await c.run(['backup', 'list', dir]);
    } finally {
      process.kill(m.pid!, 'SIGCONT');
    }
    assert.equal(list.code, 0, list.stderr);
    assert.doesNotMatch(list.stderr, /removed/);
    assert.equal(await run.exited(), 0, run.out);
    assert.ok(!files(dir).includes(part), 'the .part became the snapshot');
    assert.equal(files(dir).length, 2, files(dir).join());
    const check = await cli(['snapshot', 'status', path.join(dir, part.replace(/\.part$/, ''))]);
    assert.equal(check.code, 0, check.stderr);
  });

  it('refuses during an encryption migration unless forced, then names the files __POSSIBLY_DIRTY__', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const docs = Array.from({ length: 300 }, (_, i) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s-${i}, namespace: d}\ndata: {k: dg==}\n`).join('---\n');
    const y = path.join(tempDir('y'), 'o.yaml');
    fs.writeFileSync(y, docs);
    assert.equal((await c.run(['apply', '-f', y])).code, 0);
    // 300 secrets at 3 a second: the migration outlasts the test by far, however slow the machine.
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--migration-rate', '3']);
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/is the leader/);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aescbc'])).code, 0);
    await waitUntil('the migration to run', async () => (await c.run(['encryption', 'status'])).stdout.startsWith('EncryptionInProgress'));
    const dir = path.join(tempDir('dirty'), 'b');
    const refused = await c.run(['backup', dir]);
    assertOneErrorLine(refused, /^Error: refusing to back up: an encryption migration is running \(EncryptionInProgress\).*: wait until it is resolved, or use --force/);
    assert.deepEqual(files(dir), []);
    const forced = await c.run(['backup', dir, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(files(dir).every((f) => f.includes('__POSSIBLY_DIRTY__')) && files(dir).length === 2, files(dir).join());
  });

  it('bad input: unwritable dir, unknown --member, unhealthy cluster', async (t) => {
    const c = await startCluster(t);
    const notDir = path.join(tempDir('nd'), 'file');
    fs.writeFileSync(notDir, '');
    assertOneErrorLine(await c.run(['backup', path.join(notDir, 'sub')]), /^Error: cannot write to backup dir .*file\/sub \(ENOTDIR\): choose a writable directory$/);
    const dir = path.join(tempDir('bad'), 'b');
    assertOneErrorLine(await c.run(['backup', dir, '--member', 'etcd-9']), /^Error: no member named "etcd-9": members are etcd-1, etcd-2, etcd-3$/);
    const m3 = (await c.status())[2]!;
    process.kill(m3.pid!, 'SIGKILL');
    await waitUntil('etcd-3 down', async () => !(await c.status())[2]!.running);
    // If etcd-3 led, the other two elect a new leader first (until then they are unhealthy too).
    await waitUntil('the survivors to serve', async () => (await c.run(['endpoint', 'health', '--cluster'])).stdout.split('\n').filter((l) => l.includes(' is healthy')).length === 2);
    assertOneErrorLine(await c.run(['backup', dir]), /^Error: refusing to back up: the cluster is unhealthy \(etcd-3: .*\): wait until it is resolved, or use --force/);
    assert.deepEqual(files(dir), []);
  });
});

describe('scheduled backups', () => {
  it('a schedule with retention 3 keeps exactly the 3 newest sets', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const dir = path.join(tempDir('sched'), 'b');
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-schedule', '*/2 * * * * *', '--backup-dir', dir, '--backup-retain-count', '3']);
    t.after(() => op.kill('SIGKILL'));
    const completed = () => (op.out.match(/BackupCompleted/g) ?? []).length;
    await waitUntil('5 scheduled backups', () => completed() >= 5, 60_000);
    op.kill('SIGTERM');
    await op.exited();
    const stamps = [...op.out.matchAll(/BackupCompleted: backup (\S+) /g)].map((m) => m[1]!).sort();
    const kept = [...new Set(files(dir).map((f) => /_(\d{4}-\d{2}-\d{2}_\d{6})/.exec(f)![1]!))].sort();
    assert.equal(files(dir).length, 6, files(dir).join());
    assert.deepEqual(kept, stamps.slice(-3));
    assert.match(op.out, /BackupsPruned: retention removed/);
    const cond = await c.run(['get', '/warden/conditions/Backup', '--print-value-only']);
    assert.equal(JSON.parse(cond.stdout).reason, 'BackupSucceeded');
  });

  it('a bad cron expression is one line and nothing starts', async () => {
    const r = await cli(['operator', '--backup-schedule', 'every hour', '--backup-dir', '/tmp/x']);
    assertOneErrorLine(r, /^Error: bad --backup-schedule "every hour" \(.*\): use cron syntax/);
  });
});

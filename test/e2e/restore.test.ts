// Disaster recovery on real etcd, with fault injection: restore to a previous state, restore
// encrypted data, refuse bad sets without touching the cluster, recover lost quorum, resume an
// interrupted restore, dry runs, data-dir mode and restore from a URL.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { Background, cli, etcdctl, ROOT, startCluster, tempDir, waitUntil, WARDEN, type CliResult, type TestCluster, assertOneErrorLine } from '../helpers/warden.ts';


function run(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => execFile(cmd, args, (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr })));
}

async function putOracle(c: TestCluster, n: number): Promise<Map<string, string>> {
  const eps = await c.endpoints();
  const oracle = new Map<string, string>();
  for (let i = 0; i < n; i += 40) {
    await Promise.all(Array.from({ length: Math.min(40, n - i) }, async (_, j) => {
      const k = `/oracle/${String(i + j).padStart(4, '0')}`;
      const r = await etcdctl(['--endpoints', eps, 'put', k, `v-${i + j}`]);
      assert.equal(r.code, 0, r.stderr);
      oracle.set(k, `v-${i + j}`);
    }));
  }
  return oracle;
}

async function readAll(c: TestCluster, prefix = '/oracle/'): Promise<Map<string, string>> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', '--prefix', prefix, '-w', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const kvs = (JSON.parse(r.stdout) as { kvs?: { key: string; value: string }[] }).kvs ?? [];
  return new Map(kvs.map((kv) => [Buffer.from(kv.key, 'base64').toString(), Buffer.from(kv.value, 'base64').toString()]));
}

async function healthy3(c: TestCluster): Promise<void> {
  const h = await c.run(['endpoint', 'health', '--cluster']);
  assert.equal(h.code, 0, h.stdout + h.stderr);
  assert.equal(h.stdout.split('\n').filter((l) => l.includes(' is healthy')).length, 3);
}

/** hashKV of every member at one revision, from `warden endpoint status` + etcdctl's hashkv. */
async function hashesAgree(c: TestCluster): Promise<void> {
  const st = await c.status();
  const rev = Math.max(...(await Promise.all(st.map(async (m) => JSON.parse((await etcdctl(['--endpoints', m.clientURL, 'endpoint', 'status', '-w', 'json'])).stdout)[0].Status.header.revision as number))));
  const hashes = await Promise.all(st.map(async (m) => {
    const r = await etcdctl(['--endpoints', m.clientURL, 'endpoint', 'hashkv', `--rev=${rev}`, '-w', 'json']);
    return JSON.parse(r.stdout)[0].HashKV.hash as number;
  }));
  assert.equal(new Set(hashes).size, 1, `hashKV per member: ${hashes}`);
}

async function applySecrets(c: TestCluster, n: number): Promise<void> {
  const y = path.join(tempDir('y'), 'o.yaml');
  fs.writeFileSync(y, Array.from({ length: n }, (_, i) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s-${i}, namespace: prod}\ndata: {password: ${Buffer.from(`pw-${i}`).toString('base64')}}\n`).join('---\n'));
  const r = await c.run(['apply', '-f', y]);
  assert.equal(r.code, 0, r.stderr);
}

/** The providers of the secrets rule in the state dir's EncryptionConfiguration: [["identity"], ["aesgcm", "1:<secret>", ...]]. */
function secretsProviders(c: TestCluster): string[][] {
  const doc = parseYaml(fs.readFileSync(path.join(c.stateDir, 'encryption', 'encryption-config.yaml'), 'utf8')) as { resources: { resources: string[]; providers: Record<string, { keys?: { name: string; secret: string }[] }>[] }[] };
  const rule = doc.resources.find((r) => r.resources.includes('secrets'))!;
  return rule.providers.map((p) => {
    const [type, body] = Object.entries(p)[0]!;
    return [type, ...(body?.keys ?? []).map((k) => `${k.name}:${k.secret}`)];
  });
}

async function secretsCoverage(c: TestCluster): Promise<{ plaintext: number; encrypted: Record<string, number> }> {
  const scan = await c.run(['encryption', 'scan', '-w', 'json']);
  assert.equal(scan.code, 0, scan.stderr);
  return (JSON.parse(scan.stdout) as { resource: string; plaintext: number; encrypted: Record<string, number> }[]).find((x) => x.resource === 'secrets')!;
}

async function encryptionReason(c: TestCluster): Promise<string> {
  const st = await c.run(['encryption', 'status', '-w', 'json']);
  assert.equal(st.code, 0, st.stderr);
  return (JSON.parse(st.stdout) as { condition: { reason: string } }).condition.reason;
}

describe('restore', () => {
  it('restores exactly the backed-up state into 3 healthy members that agree', async (t) => {
    const c = await startCluster(t);
    const oracle = await putOracle(c, 200);
    const dir = path.join(tempDir('rb'), 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    const eps = await c.endpoints();
    await etcdctl(['--endpoints', eps, 'put', '/oracle/0001', 'changed']);
    await etcdctl(['--endpoints', eps, 'del', '/oracle/0002']);
    await etcdctl(['--endpoints', eps, 'put', '/oracle/extra', 'new']);

    const dry = await c.run(['restore', dir, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout.trim(), /^dry run of backup .*: OK: a member restored from it serves revision \d+, \d+ keys, hashKV \d+ \(matches the snapshot\); nothing else was touched$/);
    assert.equal((await readAll(c)).get('/oracle/0001'), 'changed', 'the dry run touched nothing');

    const before = JSON.parse((await etcdctl(['--endpoints', eps, 'get', 'none', '-w', 'json'])).stdout) as { header: { revision: number } };
    const r = await c.run(['restore', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /moved the data dir of etcd-1 aside/);
    // No operator noted a highest revision: bumped by 1.2 x the revision clients could hold (the
    // cluster's before the restore) and marked compacted, so a reader or watcher of an old
    // revision is told to re-list.
    const amount = Math.ceil(before.header.revision * 1.2);
    assert.match(r.stderr, new RegExp(`bumped the revision by ${amount} and marked it compacted \\(1\\.2 × ${before.header.revision}, the cluster's revision before the restore\\)`));
    assert.deepEqual(await readAll(c), oracle);
    const snapRev = Number(/revision (\d+), \d+ keys/.exec(r.stderr)?.[1]);
    const eps2 = await c.endpoints();
    assert.match((await etcdctl(['--endpoints', eps2, 'get', '/oracle/0001', '--rev', String(snapRev)])).stderr, /required revision has been compacted/);
    const put = JSON.parse((await etcdctl(['--endpoints', eps2, 'put', '/oracle/next', 'x', '-w', 'json'])).stdout) as { header: { revision: number } };
    assert.ok(put.header.revision > snapRev + amount && put.header.revision > before.header.revision, `the next write (revision ${put.header.revision}) comes after the bump, above any revision clients held`);
    await healthy3(c);
    await hashesAgree(c);
    assert.ok(c.movedAside().length >= 1, 'old data dirs kept');
  });

  it('a learner kept from serving by etcd 3.4 (its publish inside the leader\'s snapshot) is restarted, not left waiting ~7 s', async (t) => {
    // With one voting member the leader commits a new learner's first publish on its own and
    // sends it inside the snapshot the learner needs; etcd 3.4 retries the publish only after 7 s.
    const c = await startCluster(t, ['--members', '2']);
    const oracle = await putOracle(c, 20);
    const dir = path.join(tempDir('lr'), 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    const r = await c.run(['restore', dir]);
    assert.equal(r.code, 0, r.stderr);
    const at = (re: RegExp) => Number(re.exec(r.stderr)?.[1]);
    const took = at(/\[(\d+\.\d)s\] member etcd-2 promoted to a voting member and healthy/) - at(/\[(\d+\.\d)s\] member etcd-2 added as a learner/);
    // etcd's retry comes only after its 7 s request timeout; restarted, the learner serves in ~2 s.
    assert.ok(took < 6.9, `the learner took ${took.toFixed(1)} s to serve and be promoted (etcd's 7 s publish retry):\n${r.stderr}`);
    assert.deepEqual(await readAll(c), oracle);
    await hashesAgree(c);
  });

  it('encrypted resources are readable after restore with the restored keys and stay encrypted', async (t) => {
    const c = await startCluster(t);
    const y = path.join(tempDir('y'), 'o.yaml');
    fs.writeFileSync(y, Array.from({ length: 30 }, (_, i) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s-${i}, namespace: prod}\ndata: {password: ${Buffer.from(`pw-${i}`).toString('base64')}}\n`).join('---\n'));
    assert.equal((await c.run(['apply', '-f', y])).code, 0);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    const base = tempDir('eb');
    assert.equal((await c.run(['backup', path.join(base, 'snap'), '--keys-dir', path.join(base, 'keys')])).code, 0);
    // Lose the keys locally: only the archive has them now.
    fs.rmSync(path.join(c.stateDir, 'encryption'), { recursive: true });
    // A damaged copy of the snapshot in the keys dir is never used: it supplies only the archive.
    const snapName = fs.readdirSync(path.join(base, 'snap')).find((f) => f.startsWith('snapshot_'))!;
    const copy = fs.readFileSync(path.join(base, 'snap', snapName));
    copy[copy.length - 5000] = (copy[copy.length - 5000] as number) ^ 0xff;
    fs.writeFileSync(path.join(base, 'keys', snapName), copy);
    const r = await c.run(['restore', path.join(base, 'snap'), '--keys-dir', path.join(base, 'keys')]);
    assert.equal(r.code, 0, r.stderr);
    const got = await c.run(['get', 'secret', 's-17', '-n', 'prod', '-o', 'json']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(Buffer.from(JSON.parse(got.stdout).data.password, 'base64').toString(), 'pw-17');
    const scan = await c.run(['encryption', 'scan', '-w', 'json']);
    const secrets = (JSON.parse(scan.stdout) as { resource: string; plaintext: number; encrypted: Record<string, number> }[]).find((x) => x.resource === 'secrets')!;
    assert.equal(secrets.plaintext, 0);
    assert.equal(secrets.encrypted['aesgcm:1'], 30);
  });

  it('a mismatched pair, a missing archive, a corrupted snapshot: one line, cluster untouched', async (t) => {
    const c = await startCluster(t);
    const oracle = await putOracle(c, 20);
    const base = tempDir('bad');
    const good = path.join(base, 'good');
    assert.equal((await c.run(['backup', good])).code, 0);
    const snap = fs.readdirSync(good).find((f) => f.startsWith('snapshot_'))!;
    const arch = fs.readdirSync(good).find((f) => f.startsWith('static_'))!;
    const pidsBefore = (await c.status()).map((m) => m.pid);

    const mismatched = path.join(base, 'mismatched');
    fs.mkdirSync(mismatched);
    fs.copyFileSync(path.join(good, snap), path.join(mismatched, snap));
    fs.copyFileSync(path.join(good, arch), path.join(mismatched, arch.replace(/_\d{6}\./, '_000000.')));
    assertOneErrorLine(await c.run(['restore', mismatched]), /^Error: no complete backup set in .*mismatched: snapshot_.* has no static_kuberesources_.*: a restore needs both files of one timestamp/);

    const noArchive = path.join(base, 'noarchive');
    fs.mkdirSync(noArchive);
    fs.copyFileSync(path.join(good, snap), path.join(noArchive, snap));
    assertOneErrorLine(await c.run(['restore', noArchive]), /^Error: no complete backup set in .*noarchive: snapshot_.* has no static_kuberesources_/);

    const corrupt = path.join(base, 'corrupt');
    fs.mkdirSync(corrupt);
    const bytes = fs.readFileSync(path.join(good, snap));
    bytes[bytes.length - 5000] = (bytes[bytes.length - 5000] as number) ^ 0xff;
    fs.writeFileSync(path.join(corrupt, snap), bytes);
    fs.copyFileSync(path.join(good, arch), path.join(corrupt, arch));
    // Found by the recovery host's agent as the snapshot arrives (it is sent while the set is checked).
    assertOneErrorLine(await c.run(['restore', corrupt]), /^Error: the snapshot .* is damaged \(agent 127\.0\.0\.1:\d+ received it with another sha256 than backup\.json recorded\): restore from another backup set$/);
    const received = path.join(c.stateDir, 'agents', 'etcd-1', 'snapshots');
    const nothingReceived = () => waitUntil('the recovery host to hold no snapshot', () => !fs.existsSync(received) || fs.readdirSync(received).length === 0);
    await nothingReceived();

    // Sets whose backup.json says otherwise than their snapshot: made from the good archive.
    const unpacked = tempDir('unpacked');
    assert.equal((await run('tar', ['xzf', path.join(good, arch), '-C', unpacked])).code, 0);
    const info = JSON.parse(fs.readFileSync(path.join(unpacked, 'backup.json'), 'utf8')) as { etcdVersion: string; revision: number };
    const variant = async (name: string, changed: object): Promise<string> => {
      const d = path.join(base, name);
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(unpacked, 'backup.json'), JSON.stringify({ ...info, ...changed }));
      assert.equal((await run('tar', ['czf', path.join(d, arch), '-C', unpacked, ...fs.readdirSync(unpacked)])).code, 0);
      fs.copyFileSync(path.join(good, snap), path.join(d, snap));
      return d;
    };
    // A set the local etcd cannot run is refused before its snapshot is sent anywhere.
    const older = await c.run(['restore', await variant('older', { etcdVersion: '3.2.0' })]);
    assertOneErrorLine(older, /^Error: the backup was taken with etcd 3\.2\.0 but the local etcd is 3\.\d+\.\d+: restore with etcd 3\.2\.x binaries$/);
    assert.doesNotMatch(older.stderr, /sending the snapshot/);
    // A good snapshot beside another set's archive is named as such, not as damaged.
    const mixed = await c.run(['restore', await variant('mixed', { revision: info.revision + 1, sha256: '0'.repeat(64), fileSha256: 'f'.repeat(64) })]);
    assertOneErrorLine(mixed, /^Error: .*static_kuberesources_.* describes revision \d+ but .*snapshot_.* holds revision \d+: the two files are not one backup set$/);
    await nothingReceived();
    // A set refused after its snapshot reached the recovery host: the snapshot is removed there.
    const other = await c.run(['restore', await variant('other', { revision: info.revision + 1 })]);
    assertOneErrorLine(other, /^Error: .*static_kuberesources_.* describes revision \d+ but .*snapshot_.* holds revision \d+: the two files are not one backup set$/);
    assert.match(other.stderr, /sent the snapshot .* on agent 127\.0\.0\.1:\d+ in /);
    assert.match(other.stderr, /removed the snapshot from agent 127\.0\.0\.1:\d+: the restore does not go on/);
    await nothingReceived();

    assert.deepEqual((await c.status()).map((m) => m.pid), pidsBefore, 'no member was restarted');
    assert.deepEqual(await readAll(c), oracle);
    await healthy3(c);
    assert.deepEqual(c.movedAside(), []);
  });

  it('SIGKILL two of three members, quorum restore: every committed key, 3 healthy members', async (t) => {
    const c = await startCluster(t);
    const oracle = await putOracle(c, 120);
    const st = await c.status();
    // Every member has applied everything before the failure.
    await waitUntil('members in sync', async () => {
      const idx = await Promise.all(st.map(async (m) => JSON.parse((await etcdctl(['--endpoints', m.clientURL, 'endpoint', 'status', '-w', 'json'])).stdout)[0].Status.raftAppliedIndex as number));
      return new Set(idx).size === 1;
    });
    assertOneErrorLine(await c.run(['quorum', 'restore']), /^Error: the cluster still has quorum \(3 of 3 members healthy\): quorum restore is only for lost quorum/);
    process.kill(st[0]!.pid!, 'SIGKILL');
    process.kill(st[1]!.pid!, 'SIGKILL');
    await waitUntil('two members down', async () => (await c.status()).filter((m) => m.running).length === 1);
    const r = await c.run(['quorum', 'restore']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^quorum restored from etcd-3: 3 healthy members agree at revision \d+/);
    assert.deepEqual(await readAll(c), oracle);
    await healthy3(c);
    await hashesAgree(c);
  });

  it('a restore killed midway completes when run again', async (t) => {
    const c = await startCluster(t);
    const oracle = await putOracle(c, 50);
    const dir = path.join(tempDir('kr'), 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    await etcdctl(['--endpoints', await c.endpoints(), 'del', '--prefix', '/oracle/']);
    const first = new Background(['--state-dir', c.stateDir, 'restore', dir]);
    await first.waitFor(/runs alone on .* and is healthy/, 60_000);
    first.kill('SIGKILL');
    await first.exited();
    // Another recovery member would not finish it: refused, and said why.
    assertOneErrorLine(await c.run(['restore', dir, '--recovery-member', 'etcd-2']),
      /^Error: nothing was changed: the interrupted restore in \S+restore\.json restores into etcd-1, not etcd-2: run it again without --recovery-member to finish it/);
    const again = await c.run(['restore', dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resuming the interrupted restore/);
    assert.deepEqual(await readAll(c), oracle);
    await healthy3(c);
  });

  it('a recovery member whose host was rebuilt (its agent\'s identity only, no member placed) is refused before anything stops', async (t) => {
    const c = await startCluster(t);
    const oracle = await putOracle(c, 20);
    const dir = path.join(tempDir('rb'), 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    // etcd-1's host lost for good, rebuilt at the same address with its agent's identity.
    const a = path.join(c.stateDir, 'agents', 'etcd-1');
    const kept = tempDir('kept');
    fs.cpSync(path.join(a, 'agent.json'), path.join(kept, 'agent.json'));
    fs.cpSync(path.join(a, 'tls'), path.join(kept, 'tls'), { recursive: true });
    assert.equal((await c.run(['cluster', 'stop-member', 'etcd-1'])).code, 0);
    const pid = Number(fs.readFileSync(path.join(a, 'run', 'supervisor.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    await waitUntil('the agent of etcd-1 to exit', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    fs.rmSync(a, { recursive: true, force: true });
    fs.mkdirSync(path.join(a, 'logs'), { recursive: true, mode: 0o700 });
    fs.cpSync(path.join(kept, 'agent.json'), path.join(a, 'agent.json'));
    fs.cpSync(path.join(kept, 'tls'), path.join(a, 'tls'), { recursive: true });
    const listen = (JSON.parse(fs.readFileSync(path.join(kept, 'agent.json'), 'utf8')) as { listen: string }).listen;
    const agent = new Background(['--state-dir', a, 'agent', '--listen', listen, '--token-file', path.join(c.stateDir, 'agents', 'token')]);
    t.after(() => agent.kill('SIGKILL'));
    await agent.waitFor(/agent serving/);

    const refused = await c.run(['restore', dir, '--recovery-member', 'etcd-1']);
    assertOneErrorLine(refused, /^Error: nothing was changed: etcd-1's host \(agent 127\.0\.0\.1:\d+\) runs no member yet \(a host rebuilt with only its agent's identity\), so it cannot be the recovery member: give --recovery-member etcd-2 or etcd-3$/);
    assert.ok(!fs.existsSync(path.join(c.stateDir, 'restore.json')), 'no restore recorded');
    const running = (await c.status()).filter((m) => m.running).map((m) => m.name).sort();
    assert.deepEqual(running, ['etcd-2', 'etcd-3'], 'the other members still run');
    assert.deepEqual(await readAll(c), oracle, 'their data is untouched');
    // Restored into a member whose host runs one, the rebuilt host comes back as a learner.
    const r = await c.run(['restore', dir, '--recovery-member', 'etcd-2']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await readAll(c), oracle);
    await healthy3(c);
  });

  it('data-dir mode restores into an empty dir, refuses a non-empty one; --from-url downloads first', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const oracle = await putOracle(c, 10);
    const base = tempDir('dd');
    const dir = path.join(base, 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    const snap = path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('snapshot_'))!);
    const target = path.join(base, 'data');
    const r = await cli(['restore', snap, '--data-dir', target, '--name', 'n1', '--initial-advertise-peer-urls', 'http://127.0.0.1:23800']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /etcd --name n1 --data-dir /);
    assert.ok(fs.existsSync(path.join(target, 'member', 'snap', 'db')));
    assertOneErrorLine(await cli(['restore', snap, '--data-dir', target, '--name', 'n1', '--initial-advertise-peer-urls', 'http://127.0.0.1:23800']), /^Error: data dir .* is not empty: restore into an empty or new directory/);

    // --from-url: a plain HTTP GET (what a presigned URL is), keys from the archive kept apart.
    const keys = path.join(base, 'keys');
    fs.mkdirSync(keys);
    const archive = fs.readdirSync(dir).find((f) => f.startsWith('static_'))!;
    fs.renameSync(path.join(dir, archive), path.join(keys, archive));
    const server = http.createServer((req, res) => {
      if (req.url === `/${path.basename(snap)}`) fs.createReadStream(snap).pipe(res);
      else res.writeHead(403).end('expired');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    await etcdctl(['--endpoints', await c.endpoints(), 'del', '--prefix', '/oracle/']);
    assertOneErrorLine(await c.run(['restore', '--from-url', `${url}/nope.db`, '--keys-dir', keys]), /403/);
    const fromUrl = await c.run(['restore', '--from-url', `${url}/${path.basename(snap)}`, '--keys-dir', keys]);
    assert.equal(fromUrl.code, 0, fromUrl.stderr);
    // The recovery host fetched the snapshot from the URL itself (checked against its sha256).
    assert.match(fromUrl.stderr, /agent 127\.0\.0\.1:\d+ fetched the snapshot \(\d+\.\d MB, sha256 [0-9a-f]{12}\.\.\.\) from the URL/);
    assert.deepEqual(await readAll(c), oracle);
  });

  it('--from-url: Ctrl-C during the download or during the restore leaves no download folder, and the restore then completes', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const oracle = await putOracle(c, 10);
    const base = tempDir('ci');
    const dir = path.join(base, 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    const snap = path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('snapshot_'))!);
    let stall = true;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(fs.statSync(snap).size) });
      // While stalled, the first bytes arrive and the rest never does: the CLI is mid-download.
      if (stall) res.write(fs.readFileSync(snap).subarray(0, 4096));
      else fs.createReadStream(snap).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/${path.basename(snap)}`;
    const tmp = tempDir('citmp');
    const downloads = () => fs.readdirSync(tmp).filter((f) => f.startsWith('warden-download-'));
    await etcdctl(['--endpoints', await c.endpoints(), 'del', '--prefix', '/oracle/']);

    /** Runs the restore in its own process group and presses Ctrl-C (SIGINT to the group, as a terminal does) once `ready`. */
    const ctrlC = async (ready: (stderr: string) => boolean): Promise<CliResult> => {
      const child = spawn(process.execPath, [WARDEN, '--state-dir', c.stateDir, 'restore', '--from-url', url, '--keys-dir', dir], {
        cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      t.after(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      });
      await waitUntil(`the restore to be ready for Ctrl-C (stderr: ${stderr})`, () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
        return ready(stderr);
      }, 60_000);
      process.kill(-child.pid!, 'SIGINT');
      return { code: (await exited) ?? -1, stdout, stderr };
    };

    const duringDownload = await ctrlC(() => downloads().some((d) => fs.readdirSync(path.join(tmp, d)).some((f) => f.endsWith('.part'))));
    assertOneErrorLine(duringDownload, /^Error: interrupted before the restore started \(the download was removed\): nothing was changed; run the command again to restore$/);
    assert.deepEqual(downloads(), [], 'no download folder after Ctrl-C during the download');
    assert.equal(fs.existsSync(path.join(c.stateDir, 'restore.json')), false, 'the restore had not started');

    stall = false;
    const duringRestore = await ctrlC((err) => /stopped every member/.test(err));
    assertOneErrorLine(duringRestore, /^Error: interrupted during the restore: run the same command again to finish it/);
    assert.deepEqual(downloads(), [], 'no download folder after Ctrl-C during the restore');

    const again = await c.run(['restore', '--from-url', url, '--keys-dir', dir], { env: { TMPDIR: tmp } });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resuming the interrupted restore/);
    assert.deepEqual(await readAll(c), oracle);
    assert.deepEqual(downloads(), []);
  });

  it('a set taken before encryption was enabled restores settled: identity writes, the newer key kept as a read key, backup works', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await applySecrets(c, 10);
    const dir = path.join(tempDir('pre'), 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    const key1 = secretsProviders(c).find((p) => p[0] === 'aesgcm')?.[1] ?? '';
    assert.match(key1, /^1:/);
    const newerConfig = path.join(tempDir('pre'), 'encryption-config.yaml');
    fs.copyFileSync(path.join(c.stateDir, 'encryption', 'encryption-config.yaml'), newerConfig);

    const r = await c.run(['restore', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await encryptionReason(c), 'DecryptionCompleted');
    const providers = secretsProviders(c);
    assert.deepEqual(providers[0], ['identity'], 'the restored values are plaintext: identity writes');
    assert.ok(providers.some((p) => p[0] === 'aesgcm' && p.includes(key1)), `key 1 is kept as a read key: ${JSON.stringify(providers.map((p) => p.map((k) => k.split(':')[0])))}`);
    assert.deepEqual(await secretsCoverage(c), { resource: 'secrets', total: 10, plaintext: 10, encrypted: {}, shouldBeEncrypted: true });
    const got = await c.run(['get', 'secret', 's-3', '-n', 'prod', '-o', 'json']);
    assert.equal(Buffer.from(JSON.parse(got.stdout).data.password, 'base64').toString(), 'pw-3');
    const b = await c.run(['backup', path.join(tempDir('pre'), 'after')]);
    assert.equal(b.code, 0, b.stderr);
    assert.doesNotMatch(b.stdout, /POSSIBLY DIRTY/);

    // The same snapshot from a URL with the newer EncryptionConfiguration given apart (its write
    // key aesgcm 1): the values are plaintext, so identity writes again and the cluster is settled.
    const snap = path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('snapshot_'))!);
    const server = http.createServer((_req, res) => fs.createReadStream(snap).pipe(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/${path.basename(snap)}`;
    const fromUrl = await c.run(['restore', '--from-url', url, '--encryption-config', newerConfig]);
    assert.equal(fromUrl.code, 0, fromUrl.stderr);
    assert.equal(await encryptionReason(c), 'DecryptionCompleted');
    assert.deepEqual(secretsProviders(c)[0], ['identity']);
    assert.ok(secretsProviders(c).some((p) => p.includes(key1)));

    // Enabled again, the next key gets a new name: key 1 of the keys kept is not reused.
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    assert.deepEqual((await secretsCoverage(c)).encrypted, { 'aesgcm:2': 10 });
    assert.ok(secretsProviders(c).some((p) => p.includes(key1)));
  });

  it('a set taken before a key rotation restores writing with its own key and keeps the newer key as a read key', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await applySecrets(c, 10);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    const dir = path.join(tempDir('rot'), 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    assert.equal((await c.run(['encryption', 'rotate', '--wait'])).code, 0);
    assert.deepEqual((await secretsCoverage(c)).encrypted, { 'aesgcm:2': 10 });
    const keys = secretsProviders(c).find((p) => p[0] === 'aesgcm')!.slice(1);
    assert.equal(keys.length, 2);

    const r = await c.run(['restore', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await encryptionReason(c), 'EncryptionCompleted');
    const providers = secretsProviders(c);
    assert.equal(providers[0]?.[0], 'aesgcm');
    assert.match(providers[0]?.[1] ?? '', /^1:/, 'the restored values\' key 1 writes');
    for (const k of keys) assert.ok(providers.some((p) => p.includes(k)), `key ${k.split(':')[0]} is kept`);
    assert.deepEqual((await secretsCoverage(c)).encrypted, { 'aesgcm:1': 10 });
    const b = await c.run(['backup', path.join(tempDir('rot'), 'after')]);
    assert.equal(b.code, 0, b.stderr);
  });

  it('the closing list names every data dir moved aside, also those moved while resuming', async (t) => {
    const c = await startCluster(t, ['--members', '2']);
    const oracle = await putOracle(c, 20);
    const dir = path.join(tempDir('ma'), 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    const first = new Background(['--state-dir', c.stateDir, 'restore', dir]);
    t.after(() => first.kill('SIGKILL'));
    // Killed the moment etcd-2 is added back: the supervisor then starts it with a new data
    // dir, which the resumed restore moves aside before adding it again.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (/member etcd-2 added as a learner/.test(first.out)) {
          first.kill('SIGKILL');
          resolve();
        }
      };
      first.child.stderr?.on('data', check);
      check();
    });
    await first.exited();
    const etcd2 = (await c.status()).find((m) => m.name === 'etcd-2')!;
    await waitUntil('etcd-2 to write its new data dir', () => fs.existsSync(etcd2.dataDir) && fs.readdirSync(etcd2.dataDir).length > 0);
    const again = await c.run(['restore', dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resuming the interrupted restore/);
    const movedNow = /moved the old data dir of etcd-2 aside to (\S+)/.exec(again.stderr)?.[1];
    assert.ok(movedNow, again.stderr);
    // Listed as <agent address>:<path on its host>.
    const listed = (/^old data dirs moved aside: (.*)$/m.exec(again.stdout)?.[1]?.split(', ') ?? []).map((x) => x.replace(/^[^/]*:/, ''));
    assert.deepEqual([...listed].sort(), c.movedAside());
    assert.ok(listed.includes(movedNow));
    assert.deepEqual(await readAll(c), oracle);
  });
});

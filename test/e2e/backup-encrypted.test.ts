// Backups encrypted to age recipients, with the real `age` and `age-keygen` binaries, real etcd
// and a real s3rver: `age -d -i` reads what warden writes, warden reads it back with
// --identity, and the plaintext of an encrypted set never lies on disk outside a restore's
// private scratch (each test writes a unique marker value before the backup and scans the
// backup dir, the state dir and the temp dir the CLI uses for it).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { S3Store } from '../../src/backup/s3.ts';
import { ageKeygen, assertAgeFile, filesHolding, run } from '../helpers/age.ts';
import { startS3, S3RVER_ENV, type TestS3 } from '../helpers/s3.ts';
import { Background, assertOneErrorLine, cli, etcdctl, startCluster, tempDir, waitUntil, type CliResult, type TestCluster } from '../helpers/warden.ts';

const s3env = S3RVER_ENV;

function files(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** A file's size, 0 when it is gone (a run may remove it as we look). */
function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** A cluster holding a unique marker value, plus `/k/0..n-1`; the CLI's temp dir is private. */
async function markedCluster(t: Parameters<typeof startCluster>[0], keys = 50): Promise<{ c: TestCluster; marker: Buffer; tmp: string; env: NodeJS.ProcessEnv }> {
  const c = await startCluster(t, ['--members', '1']);
  const marker = Buffer.from(`plaintext-marker-${crypto.randomBytes(12).toString('hex')}`);
  const eps = await c.endpoints();
  assert.equal((await etcdctl(['--endpoints', eps, 'put', '/secret/marker', marker.toString()])).code, 0);
  for (let i = 0; i < keys; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, keys - i) }, (_, j) => etcdctl(['--endpoints', eps, 'put', `/k/${i + j}`, `v${i + j}`])));
  }
  const tmp = tempDir('tmpdir');
  return { c, marker, tmp, env: { TMPDIR: tmp } };
}

/** Deletes the marker, compacts and defragments: only a backup (or the WAL) still holds its bytes. */
async function forgetMarker(c: TestCluster): Promise<void> {
  const eps = await c.endpoints();
  assert.equal((await etcdctl(['--endpoints', eps, 'del', '/secret/marker'])).code, 0);
  assert.equal((await etcdctl(['--endpoints', eps, 'put', '/after', 'backup'])).code, 0);
  const rev = (JSON.parse((await etcdctl(['--endpoints', eps, 'get', '/after', '-w', 'json'])).stdout) as { header: { revision: number } }).header.revision;
  assert.equal((await etcdctl(['--endpoints', eps, 'compaction', String(rev), '--physical'])).code, 0);
  assert.equal((await etcdctl(['--endpoints', eps, 'defrag'])).code, 0);
}

/** The live members' data dirs (their WAL keeps every value ever written). */
function liveDataDirs(c: TestCluster): string[] {
  const agents = path.join(c.stateDir, 'agents');
  return fs.readdirSync(agents).map((a) => path.join(agents, a, 'members', a)).filter((d) => fs.existsSync(d));
}

/** Where restores moved old data dirs aside, on every agent (never deleted, so they keep the plaintext they held). */
function movedAside(c: TestCluster): string[] {
  const agents = path.join(c.stateDir, 'agents');
  return fs.readdirSync(agents).map((a) => path.join(agents, a, 'moved-aside'));
}

function assertNoPlaintext(where: string[], marker: Buffer, exclude: string[] = []): void {
  for (const w of where) assert.deepEqual(filesHolding(w, marker, exclude), [], `plaintext of the backup under ${w}`);
}


async function values(c: TestCluster, prefix: string): Promise<Map<string, string>> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', '--prefix', prefix, '-w', 'json']);
  const kvs = (JSON.parse(r.stdout) as { kvs?: { key: string; value: string }[] }).kvs ?? [];
  return new Map(kvs.map((kv) => [Buffer.from(kv.key, 'base64').toString(), Buffer.from(kv.value, 'base64').toString()]));
}

function oneLine(r: CliResult, re: RegExp): void {
  assertOneErrorLine(r, re);
}

describe('encrypted backups (age)', () => {
  it('writes both files in the age format: age -d decrypts them, etcdctl reads the snapshot, warden reads them with --identity; no plaintext file is ever created', async (t) => {
    const { c, marker, tmp, env } = await markedCluster(t);
    // The attack: whoever reads the backup folder reads the EncryptionConfiguration's keys.
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    const keyMaterial = [...fs.readFileSync(path.join(c.stateDir, 'encryption', 'encryption-config.yaml'), 'utf8').matchAll(/secret: (\S+)/g)].map((m) => Buffer.from(m[1]!));
    assert.ok(keyMaterial.length > 0);
    const keys = tempDir('agekeys');
    const k1 = await ageKeygen(keys, 'k1.txt');
    const k2 = await ageKeygen(keys, 'k2.txt');
    const recipientsFile = path.join(keys, 'recipients.txt');
    fs.writeFileSync(recipientsFile, `# the backup operators\n\n${k2.recipient}\n`);
    const dir = path.join(tempDir('enc'), 'backups');
    fs.mkdirSync(dir);
    const seen = new Set<string>();
    const watcher = fs.watch(dir, (_e, name) => name && seen.add(name.toString()));
    t.after(() => watcher.close());

    const r = await c.run(['backup', dir, '--encrypt-to', k1.recipient, '--encrypt-to-file', recipientsFile], { env });
    assert.equal(r.code, 0, r.stderr);
    watcher.close();
    const [snapshot, archive] = files(dir);
    assert.match(snapshot!, /^snapshot_\d{4}-\d{2}-\d{2}_\d{6}\.db\.age$/);
    assert.equal(archive, snapshot!.replace('snapshot_', 'static_kuberesources_').replace('.db.age', '.tar.gz.age'));
    assert.equal(files(dir).length, 2);
    for (const f of files(dir)) assertAgeFile(path.join(dir, f));
    assert.match(r.stdout, new RegExp(`^Snapshot saved at ${path.join(dir, snapshot!)}$`, 'm'));
    // Every name that ever appeared in the folder: ciphertext (.age, .age.part) and the lock.
    for (const name of seen) assert.match(name, /(\.age|\.age\.part|^\.warden-backup_[\d-]+_\d{6}\.lock)$/, `no plaintext file: saw ${name}`);
    assertNoPlaintext([dir, tmp], marker);
    for (const secret of keyMaterial) assertNoPlaintext([dir, tmp], secret);

    // The standard tool decrypts both, with either recipient's identity.
    const snap = await run('age', ['-d', '-i', k1.file, path.join(dir, snapshot!)]);
    assert.equal(snap.code, 0, snap.stderr);
    assert.ok(snap.stdout.includes(marker), 'the decrypted snapshot holds the data');
    const plainDir = tempDir('decrypted');
    const plain = path.join(plainDir, 'snapshot.db');
    fs.writeFileSync(plain, snap.stdout);
    const theirs = await etcdctl(['snapshot', 'status', plain, '-w', 'json']);
    assert.equal(theirs.code, 0, theirs.stderr);
    const restoredByEtcdctl = await etcdctl(['snapshot', 'restore', plain, '--data-dir', path.join(plainDir, 'data')]);
    assert.equal(restoredByEtcdctl.code, 0, restoredByEtcdctl.stderr);
    const tgz = await run('age', ['-d', '-i', k2.file, path.join(dir, archive!)]);
    assert.equal(tgz.code, 0, tgz.stderr);
    const listing = await run('tar', ['tz'], { input: tgz.stdout });
    assert.match(listing.stdout.toString(), /^backup\.json$/m);
    assert.match(listing.stdout.toString(), /^inventory\.json$/m);
    // backup.json names the plaintext file by its whole sha256: what a restore sends it as.
    const recorded = await run('tar', ['xzO', 'backup.json'], { input: tgz.stdout });
    assert.equal((JSON.parse(recorded.stdout.toString()) as { fileSha256: string }).fileSha256, crypto.createHash('sha256').update(fs.readFileSync(plain)).digest('hex'));
    const config = await run('tar', ['xzO', 'encryption/encryption-config.yaml'], { input: tgz.stdout });
    for (const secret of keyMaterial) assert.ok(config.stdout.includes(secret), 'the keys are in the decrypted archive');

    // warden reads them with --identity, and says which identity it needs without one.
    const file = path.join(dir, snapshot!);
    oneLine(await cli(['snapshot', 'status', file], { env }), /^Error: .*snapshot_.*\.db\.age is encrypted to age recipients: give --identity FILE \(an age-keygen identity\)/);
    const ours = await cli(['snapshot', 'status', file, '--identity', k1.file, '-w', 'json'], { env });
    assert.equal(ours.code, 0, ours.stderr);
    assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs.stdout));
    oneLine(await cli(['snapshot', 'inspect', file], { env }), /is encrypted to age recipients: give --identity FILE/);
    const inspect = await cli(['snapshot', 'inspect', file, '--identity', k2.file, '-w', 'json'], { env });
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.ok((JSON.parse(inspect.stdout) as { keys: { live: number } }).keys.live >= 51);
    assert.doesNotMatch(inspect.stdout + inspect.stderr, /AGE-SECRET-KEY/);

    const listed = await c.run(['backup', 'list', dir, '-w', 'json'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const [row] = JSON.parse(listed.stdout) as { encrypted: boolean; complete: boolean; member: string; revision: number | null }[];
    assert.equal(row!.encrypted, true);
    assert.equal(row!.complete, true);
    assert.equal(row!.revision, null, 'what the set describes is inside the encrypted archive');
    const withId = JSON.parse((await c.run(['backup', 'list', dir, '--identity', k1.file, '-w', 'json'], { env })).stdout) as { member: string; revision: number }[];
    assert.equal(withId[0]!.member, 'etcd-1');
    assert.equal(withId[0]!.revision, (JSON.parse(theirs.stdout) as { revision: number }).revision);
    assert.equal((withId[0] as unknown as { encryption: string }).encryption, 'aesgcm:1');
    const table = await c.run(['backup', 'list', dir, '-w', 'table'], { env });
    assert.match(table.stdout, /ENCRYPTED/);
    assert.match(table.stdout, /\|\s+yes \|/);

    oneLine(await c.run(['restore', dir, '--dry-run'], { env }), /is encrypted to age recipients: give --identity FILE \(an age-keygen identity\)/);
    const dry = await c.run(['restore', dir, '--dry-run', '--identity', k2.file], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /: OK: /);

    // Data-dir mode (an etcd warden does not run): decrypted next to the data dir, removed after.
    const target = tempDir('datadir');
    const dd = await cli(['restore', file, '--data-dir', path.join(target, 'etcd-new'), '--name', 'etcd-new', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380', '--identity', k1.file], { env });
    assert.equal(dd.code, 0, dd.stderr);
    assert.match(dd.stdout, /^restored revision \d+ \(\d+ keys\) into /);
    assert.deepEqual(files(target), ['etcd-new']);

    assertNoPlaintext([dir, tmp], marker);
    assert.deepEqual(files(tmp), [], 'every scratch folder was removed');
  });

  it('restore: without --identity or with a wrong one, one line and nothing changed; with it every key comes back and no plaintext is left', async (t) => {
    const { c, marker, tmp, env } = await markedCluster(t, 100);
    const keys = tempDir('agekeys');
    const k = await ageKeygen(keys, 'key.txt');
    const wrong = await ageKeygen(keys, 'other.txt');
    const dir = path.join(tempDir('enc'), 'backups');
    const b = await c.run(['backup', dir, '--encrypt-to', k.recipient], { env });
    assert.equal(b.code, 0, b.stderr);
    await forgetMarker(c);
    const exclude = liveDataDirs(c);
    assertNoPlaintext([dir, tmp, c.stateDir], marker, exclude);

    const untouched = async (): Promise<void> => {
      assert.equal((await values(c, '/after')).get('/after'), 'backup', 'the cluster is untouched');
      assert.equal((await values(c, '/secret/')).size, 0);
      assert.ok(!fs.existsSync(path.join(c.stateDir, 'restore.json')), 'no restore started');
      assert.deepEqual(c.movedAside(), [], 'no data dir moved');
      assertNoPlaintext([dir, tmp, c.stateDir], marker, exclude);
    };
    oneLine(await c.run(['restore', dir], { env }), /^Error: .*snapshot_.*\.db\.age is encrypted to age recipients: give --identity FILE \(an age-keygen identity\)/);
    await untouched();
    const bad = await c.run(['restore', dir, '--identity', wrong.file], { env });
    oneLine(bad, /^Error: .*is encrypted to other age recipients: the identity .*other\.txt is not one of them/);
    assert.doesNotMatch(bad.stderr + bad.stdout, /AGE-SECRET-KEY/, 'no secret key in the output');
    await untouched();

    const r = await c.run(['restore', dir, '--identity', k.file], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr + r.stdout, /AGE-SECRET-KEY/);
    const got = await values(c, '/');
    assert.equal(got.get('/secret/marker'), marker.toString());
    for (let i = 0; i < 100; i++) assert.equal(got.get(`/k/${i}`), `v${i}`);
    assert.ok(!got.has('/after'));
    // The restored member holds the data again (its data dir); nothing else does.
    assertNoPlaintext([dir, tmp, c.stateDir], marker, [...liveDataDirs(c), ...movedAside(c)]);
    assert.deepEqual(files(tmp), []);
  });

  it('a restore killed with -9 while the decrypted snapshot exists: the next run removes it and finishes', async (t) => {
    const { c, marker, tmp, env } = await markedCluster(t, 50);
    const eps = await c.endpoints();
    // ~20 MB: the restore holds its decrypted copy for a while.
    const value = 'x'.repeat(100_000);
    for (let i = 0; i < 200; i += 25) await Promise.all(Array.from({ length: 25 }, (_, j) => etcdctl(['--endpoints', eps, 'put', `/big/${i + j}`, value])));
    const k = await ageKeygen(tempDir('agekeys'), 'key.txt');
    const dir = path.join(tempDir('enc'), 'backups');
    assert.equal((await c.run(['backup', dir, '--encrypt-to', k.recipient], { env })).code, 0);
    await forgetMarker(c);

    const scratch = () => files(c.stateDir).filter((f) => f.startsWith('warden-decrypted-'));
    const restore = new Background(['--state-dir', c.stateDir, 'restore', dir, '--identity', k.file], env);
    t.after(() => restore.kill('SIGKILL'));
    // The folder alone is not enough: killed between making it and recording its owner, the next
    // run leaves it for a grace period (an owner may still be writing). Wait for the snapshot in it.
    const left = await waitUntil(
      'the decrypted snapshot',
      () => scratch().find((d) => files(path.join(c.stateDir, d)).some((f) => f !== '.warden-owner' && sizeOf(path.join(c.stateDir, d, f)) > 0)),
      60_000,
    );
    restore.kill('SIGKILL');
    await restore.exited();
    assert.equal(fs.statSync(path.join(c.stateDir, left)).mode & 0o777, 0o700);

    const again = await c.run(['restore', dir, '--identity', k.file], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`removed ${path.join(c.stateDir, left)}, left by a warden that was interrupted`));
    assert.deepEqual(scratch(), []);
    assert.equal((await values(c, '/secret/')).get('/secret/marker'), marker.toString());
    const big = await etcdctl(['--endpoints', await c.endpoints(), 'get', '--prefix', '/big/', '--keys-only']);
    assert.equal(big.stdout.split('\n').filter((l) => l.startsWith('/big/')).length, 200);
    assertNoPlaintext([dir, tmp, c.stateDir], marker, [...liveDataDirs(c), ...movedAside(c)]);
  });

  it('a backup killed with -9 leaves only ciphertext, which the next backup list removes', async (t) => {
    const { c, marker, tmp, env } = await markedCluster(t, 10);
    const k = await ageKeygen(tempDir('agekeys'), 'key.txt');
    const m = (await c.status())[0]!;
    const dir = path.join(tempDir('killed'), 'backups');
    // The member frozen first: the stream (started at once for a named local member) holds until the kill.
    process.kill(m.pid!, 'SIGSTOP');
    let part: string;
    try {
      const bk = new Background(['--state-dir', c.stateDir, '--command-timeout', '2m', 'backup', dir, '--member', 'etcd-1', '--encrypt-to', k.recipient], env);
      t.after(() => bk.kill('SIGKILL'));
      part = await waitUntil('the stream to start', () => files(dir).find((f) => f.endsWith('.part')), 60_000);
      bk.kill('SIGKILL');
      await bk.exited();
    } finally {
      process.kill(m.pid!, 'SIGCONT');
    }
    assert.match(part, /^snapshot_.*\.db\.age\.part$/);
    for (const f of files(dir)) assert.match(f, /(\.age\.part|\.lock)$/, `only ciphertext and the lock: ${f}`);
    assertNoPlaintext([dir, tmp], marker);
    const list = await c.run(['backup', 'list', dir, '-w', 'json'], { env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stderr, new RegExp(`removed what an interrupted backup left in ${dir}: ${part.replace(/\./g, '\\.')}`));
    assert.deepEqual(files(dir), []);
  });

  it('bad recipients and identities: one line, nothing written, no secret printed', async () => {
    const keys = tempDir('agekeys');
    const k = await ageKeygen(keys, 'key.txt');
    const secret = /AGE-SECRET-KEY-1[0-9A-Z]+/.exec(fs.readFileSync(k.file, 'utf8'))![0];
    const state = path.join(tempDir('nostate'), 'state');
    const dir = path.join(tempDir('bad'), 'backups');
    const backup = (args: string[]) => cli(['--state-dir', state, 'backup', dir, ...args]);
    oneLine(await backup(['--encrypt-to', 'age1notarecipient']), /^Error: invalid --encrypt-to recipient .*: give age public keys \(age1\.\.\., as age-keygen prints them\)/);
    const leaked = await backup(['--encrypt-to', secret]);
    oneLine(leaked, /^Error: --encrypt-to was given an age identity \(a secret key\), not a recipient: give its public key \(`age-keygen -y FILE` prints it\)/);
    assert.ok(!leaked.stderr.includes(secret) && !leaked.stdout.includes(secret), 'the secret key is not printed');
    oneLine(await backup(['--encrypt-to-file', path.join(keys, 'missing.txt')]), /^Error: .*missing\.txt/);
    const comments = path.join(keys, 'comments.txt');
    fs.writeFileSync(comments, '# nobody yet\n');
    oneLine(await backup(['--encrypt-to-file', comments]), /no recipients/);
    // An identity file given as the recipients file: refused without printing it.
    const asFile = await backup(['--encrypt-to-file', k.file]);
    oneLine(asFile, /^Error: /);
    assert.ok(!asFile.stderr.includes(secret));
    assert.ok(!fs.existsSync(dir), 'nothing was written');
    assert.ok(!fs.existsSync(state), 'nothing was started');

    oneLine(await cli(['snapshot', 'status', path.join(keys, 'x.db.age'), '--identity', path.join(keys, 'missing.txt')]), /^Error: /);
    const notAge = path.join(keys, 'plain.db.age');
    fs.writeFileSync(notAge, 'not encrypted at all');
    oneLine(await cli(['snapshot', 'status', notAge, '--identity', k.file]), /is not an age file/);
  });
});

describe('encrypted backups in S3 and in the operator', () => {
  let s3: TestS3;
  before(async () => {
    s3 = await startS3(['backups']);
  });
  after(() => s3.close());

  it('the bucket holds only ciphertext; list shows ENCRYPTED; restore --from-url of the .age needs --identity', async (t) => {
    const { c, marker, tmp, env } = await markedCluster(t, 20);
    const k = await ageKeygen(tempDir('agekeys'), 'key.txt');
    const s3flags = ['--s3-endpoint', s3.endpoint];
    const allEnv = { ...env, ...s3env };
    // No local dir: staged in the temp dir (ciphertext only), then uploaded.
    const only = await c.run(['backup', '--to', 's3://backups/only', '--encrypt-to', k.recipient, ...s3flags], { env: allEnv });
    assert.equal(only.code, 0, only.stderr);
    const dir = path.join(tempDir('s3enc'), 'b');
    const r = await c.run(['backup', dir, '--to', 's3://backups/etcd', '--encrypt-to', k.recipient, ...s3flags], { env: allEnv });
    assert.equal(r.code, 0, r.stderr);
    for (const prefix of ['only/', 'etcd/']) {
      const store = new S3Store({ bucket: 'backups', prefix }, s3.options);
      t.after(() => store.close());
      const objects = await store.list({ metadata: true });
      assert.equal(objects.length, 2);
      for (const o of objects) {
        assert.match(o.name, /\.age$/);
        assert.deepEqual(o.metadata, { encryption: 'age' }, 'no description of the cluster in the clear');
      }
    }
    assertNoPlaintext([s3.dir, dir, tmp], marker);

    const list = await c.run(['backup', 'list', 's3://backups/etcd', ...s3flags, '-w', 'json'], { env: allEnv });
    assert.equal(list.code, 0, list.stderr);
    const sets = JSON.parse(list.stdout) as { encrypted: boolean; complete: boolean; revision: number | null }[];
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.encrypted, true);
    assert.equal(sets[0]!.complete, true);
    const withId = JSON.parse((await c.run(['backup', 'list', 's3://backups/etcd', ...s3flags, '--identity', k.file, '-w', 'json'], { env: allEnv })).stdout) as { revision: number; member: string }[];
    assert.ok(withId[0]!.revision > 20);
    assert.equal(withId[0]!.member, 'etcd-1');

    const snapName = files(dir).find((f) => f.startsWith('snapshot_'))!;
    const url = (await c.run(['backup', 'presign', `s3://backups/etcd/${snapName}`, '--expires', '10m', ...s3flags], { env: allEnv })).stdout.trim();
    await forgetMarker(c);
    const exclude = liveDataDirs(c);
    oneLine(await c.run(['restore', '--from-url', url, '--keys-dir', dir], { env }), /is encrypted to age recipients: give --identity FILE/);
    assert.ok(!fs.existsSync(path.join(c.stateDir, 'restore.json')));
    assertNoPlaintext([tmp, c.stateDir], marker, exclude);
    const restored = await c.run(['restore', '--from-url', url, '--keys-dir', dir, '--identity', k.file], { env });
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal((await values(c, '/secret/')).get('/secret/marker'), marker.toString());
    assertNoPlaintext([tmp, c.stateDir], marker, [...liveDataDirs(c), ...movedAside(c)]);
    assert.deepEqual(files(tmp), []);
  });

  it('scheduled backups are encrypted with --backup-encrypt-to; a bad recipient stops the operator with one line', async (t) => {
    const { c, marker, tmp, env } = await markedCluster(t, 10);
    const k = await ageKeygen(tempDir('agekeys'), 'key.txt');
    const bad = await c.run(['operator', '--listen', '127.0.0.1:0', '--backup-schedule', '* * * * * *', '--backup-dir', path.join(tempDir('x'), 'b'), '--backup-encrypt-to', 'age1bad'], { env });
    oneLine(bad, /^Error: invalid --backup-encrypt-to recipient/);
    const dir = path.join(tempDir('sched'), 'b');
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-schedule', '*/2 * * * * *', '--backup-dir', dir, '--backup-encrypt-to', k.recipient], env);
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/BackupCompleted/, 60_000);
    op.kill('SIGTERM');
    await op.exited();
    const done = files(dir).filter((f) => !f.endsWith('.part') && !f.endsWith('.lock'));
    assert.ok(done.length >= 2, done.join());
    for (const f of done) assertAgeFile(path.join(dir, f));
    assertNoPlaintext([dir, tmp], marker);
    const st = await cli(['snapshot', 'status', path.join(dir, done.find((f) => f.startsWith('snapshot_'))!), '--identity', k.file]);
    assert.equal(st.code, 0, st.stderr);
  });
});

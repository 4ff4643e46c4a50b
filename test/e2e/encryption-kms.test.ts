// KMS v2 end to end on real etcd with warden's own plugin (a separate process on a unix socket):
// enable under an operator, the plugin killed mid-migration (the migration waits, nothing is
// written in plaintext, the condition says why), resumed; the values opened by an independent
// decryptor (Python's `cryptography`); counted per key ID; a KEK rotation rewrites everything
// under the new key ID while values under the old one stay readable; a backup carries the KEK
// only age-encrypted, and its restore merges it back into a plugin that lost it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ageKeygen, filesHolding } from '../helpers/age.ts';
import { assertOneErrorLine, Background, cli, etcdctl, ROOT, startCluster, tempDir, waitUntil, type TestCluster } from '../helpers/warden.ts';

const N = 120;

async function rawValues(c: TestCluster, prefix: string): Promise<Map<string, { value: Buffer; mod: number }>> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', '--prefix', prefix, '-w', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const kvs = (JSON.parse(r.stdout) as { kvs?: { key: string; value: string; mod_revision: number }[] }).kvs ?? [];
  return new Map(kvs.map((kv) => [Buffer.from(kv.key, 'base64').toString(), { value: Buffer.from(kv.value, 'base64'), mod: kv.mod_revision }]));
}

function plugin(t: { after: (fn: () => void) => void }, socket: string, kek: string): Background {
  const p = new Background(['kms-plugin', '--socket', socket, '--kek-file', kek]);
  t.after(() => p.kill('SIGKILL'));
  return p;
}

/** Python's own AES-GCM and HKDF read a stored value with only the KEK file (no warden code). */
function independentDecrypt(kek: string, etcdKey: string, stored: Buffer): string {
  const r = spawnSync('python3', [path.join(ROOT, 'test/fixtures/kmsv2_decrypt.py'), kek, etcdKey], { input: stored.toString('base64'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('KMS v2 encryption', () => {
  it('enable under an operator, plugin killed mid-migration and back, independent decrypt, per key ID counts, KEK rotation', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const dir = tempDir('kms');
    const socket = path.join(dir, 'plugin.sock');
    const kek = path.join(dir, 'kek.json');
    const endpoint = `unix://${socket}`;
    const docs = Array.from({ length: N }, (_, i) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-${i}\n  namespace: ns-${i % 3}\ndata:\n  password: ${Buffer.from(`pw-${i}`).toString('base64')}\n`);
    fs.writeFileSync(path.join(dir, 'objs.yaml'), docs.join('---\n'));
    assert.equal((await c.run(['apply', '-f', path.join(dir, 'objs.yaml')])).code, 0);
    const before = await rawValues(c, '/kubernetes.io/secrets/');
    assert.equal(before.size, N);

    let p = plugin(t, socket, kek);
    const firstKeyId = (await p.waitFor(/kms plugin serving on \S+ \(key ID (\S+)\)/))[1] as string;
    assert.equal(fs.statSync(kek).mode & 0o777, 0o600);
    // Seeds expire 2 s after the plugin last answered; Status is asked every 0.5 s (kube: 3 min, 1 min).
    const env = { WARDEN_KMS_WRITE_TTL_MS: '2000', WARDEN_KMS_REFRESH_MS: '500' };
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '2', '--migration-rate', '15'], env);
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/is the leader/);

    const on = await c.run(['encryption', 'enable', '--type', 'kms', '--kms-endpoint', endpoint]);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /encryption type set to kms \(provider warden, plugin at unix:\/\/\S+plugin\.sock\)/);

    // Mid-migration, the plugin dies.
    await waitUntil('the migration under way', async () => {
      const m = /secrets: (\d+)\/120/.exec((await c.run(['encryption', 'status'])).stdout);
      return m && Number(m[1]) >= 10 && Number(m[1]) < 90 ? true : undefined;
    }, 60_000);
    p.kill('SIGKILL');
    await p.exited();
    const condition = async () => {
      const r = await c.run(['status', '-w', 'json']);
      return ((JSON.parse(r.stdout) as { conditions: { type: string; status: string; message: string }[] }).conditions ?? []).find((x) => x.type === 'KMSPluginHealthy');
    };
    const down = await waitUntil('KMSPluginHealthy False', async () => ((await condition())?.status === 'False' ? await condition() : undefined), 30_000);
    assert.match(down?.message ?? '', /kmsv2 Provider warden is not healthy, error: KMS plugin at unix:\S+ is unreachable/);
    // Writes stopped: past the seed's TTL nothing more is rewritten. Every value is either
    // untouched plaintext (its old mod revision) or under the kms provider: none was ever
    // written in plaintext by the migration.
    await waitUntil('the operator to report the write failure', () => (/expired at|is unreachable/.test(op.out) ? true : undefined), 30_000);
    const during = await rawValues(c, '/kubernetes.io/secrets/');
    let rewritten = 0;
    for (const [k, v] of during) {
      if (v.value.subarray(0, 22).toString() === 'k8s:enc:kms:v2:warden:') rewritten++;
      else assert.equal(v.mod, before.get(k)?.mod, `${k} is plaintext and was rewritten`);
    }
    assert.ok(rewritten > 0 && rewritten < N, `part done: ${rewritten}`);
    const midStatus = (await c.run(['encryption', 'status'])).stdout.split('\n');
    assert.equal(midStatus[0], 'EncryptionInProgress');
    assert.ok(midStatus.some((l) => /^kms provider warden \(unix:\S+\): not healthy: KMS plugin at \S+ is unreachable/.test(l)), midStatus.join('\n'));

    // The plugin back: the migration resumes and completes.
    p = plugin(t, socket, kek);
    await p.waitFor(/kms plugin serving/);
    await waitUntil('EncryptionCompleted', async () => (await c.run(['encryption', 'status'])).stdout.startsWith('EncryptionCompleted'), 90_000);
    await waitUntil('KMSPluginHealthy True', async () => ((await condition())?.status === 'True' ? true : undefined), 30_000);
    assert.match((await c.run(['encryption', 'status'])).stdout, new RegExp(`^kms provider warden \\(unix:\\S+\\): key ID ${firstKeyId}$`, 'm'));
    const after = await rawValues(c, '/kubernetes.io/secrets/');
    for (const [k, v] of after) assert.ok(v.value.subarray(0, 22).equals(Buffer.from('k8s:enc:kms:v2:warden:')), `${k} is under kms`);
    // The configuration kube-apiserver would read.
    const cfg = fs.readFileSync(path.join(c.stateDir, 'encryption', 'encryption-config.yaml'), 'utf8');
    assert.match(cfg, /- kms:\n\s+apiVersion: v2\n\s+name: warden\n\s+endpoint: unix:\/\/\S+plugin\.sock\n\s+timeout: 3s/);

    // An independent reader opens them with the KEK file alone; the API reads them too.
    const key = '/kubernetes.io/secrets/ns-2/s-5';
    const plain = JSON.parse(independentDecrypt(kek, key, (after.get(key) as { value: Buffer }).value)) as { data: { password: string }; metadata: { name: string } };
    assert.equal(plain.metadata.name, 's-5');
    assert.equal(Buffer.from(plain.data.password, 'base64').toString(), 'pw-5');
    const got = await c.run(['get', 'secret', 's-7', '-n', 'ns-1', '-o', 'json']);
    assert.equal(Buffer.from((JSON.parse(got.stdout) as { data: { password: string } }).data.password, 'base64').toString(), 'pw-7');

    // Counted per key ID, without any key.
    const scan = async () => (JSON.parse((await c.run(['encryption', 'scan', '-w', 'json'])).stdout) as { resource: string; encrypted: Record<string, number>; plaintext: number }[]).find((r) => r.resource === 'secrets');
    assert.deepEqual((await scan())?.encrypted, { [`kms:warden:${firstKeyId}`]: N });

    // A snapshot counts them by key ID too (`snapshot inspect`, from the file alone).
    const snap = path.join(dir, 'snap.db');
    assert.equal((await etcdctl(['--endpoints', await c.endpoints(), 'snapshot', 'save', snap])).code, 0);
    const inspected = JSON.parse((await cli(['snapshot', 'inspect', snap, '-w', 'json'])).stdout) as { encryption: { storage: { provider: string }[] } };
    assert.deepEqual(inspected.encryption.storage.filter((x) => x.provider === 'kms'), [{ provider: 'kms', keyName: 'warden', keyId: firstKeyId, count: N }]);

    // A backup carrying the KEK: only into an age-encrypted archive, never in the clear.
    const ageKey = await ageKeygen(dir, 'backup-key.txt');
    const backups = path.join(dir, 'backups');
    assertOneErrorLine(await c.run(['backup', backups, '--include-kek', '--kek-file', kek]), /--include-kek puts the KMS plugin's key-encryption keys into the backup: give --encrypt-to/);
    assert.ok(!fs.existsSync(backups) || fs.readdirSync(backups).length === 0, 'nothing written');
    const b = await c.run(['backup', backups, '--encrypt-to', ageKey.recipient, '--include-kek', '--kek-file', kek]);
    assert.equal(b.code, 0, b.stderr);
    const firstKek = (JSON.parse(fs.readFileSync(kek, 'utf8')) as { keks: { key: string }[] }).keks[0]?.key as string;
    assert.deepEqual(filesHolding(backups, Buffer.from(firstKek)), [], 'the KEK is in no file of the backup dir in the clear');

    // KEK rotation in the plugin: the operator sees the new key ID and rewrites everything.
    const rot = await c.run(['kms-plugin', 'rotate', '--kek-file', kek]);
    assert.equal(rot.code, 0, rot.stderr);
    const newKeyId = (/new key ID (\S+)/.exec(rot.stdout) ?? [])[1] as string;
    assert.ok(newKeyId && newKeyId !== firstKeyId);
    await waitUntil('everything under the new key ID', async () => ((await scan())?.encrypted[`kms:warden:${newKeyId}`] === N ? true : undefined), 90_000);
    await waitUntil('EncryptionCompleted', async () => (await c.run(['encryption', 'status'])).stdout.startsWith('EncryptionCompleted'), 30_000);
    assert.match(op.out, /KMSKeyIDChanged/);
    // A value kept from before the rotation still reads: the old KEK stays in the file.
    const oldValue = (after.get(key) as { value: Buffer }).value;
    assert.equal(JSON.parse(independentDecrypt(kek, key, oldValue)).metadata.name, 's-5');
    const cfgFile = path.join(c.stateDir, 'encryption', 'encryption-config.yaml');
    const tr = spawnSync(process.execPath, [path.join(ROOT, 'bin/warden.js'), 'encryption', 'transform', '--config', cfgFile, '--etcd-key', key, '--decrypt'], { input: oldValue });
    assert.equal(tr.status, 0, tr.stderr.toString());
    assert.equal(JSON.parse(tr.stdout.toString()).metadata.name, 's-5');
    // The key material appears in no output.
    const keks = (JSON.parse(fs.readFileSync(kek, 'utf8')) as { keks: { key: string }[] }).keks.map((k) => k.key);
    for (const k of keks) assert.ok(!op.out.includes(k) && !p.out.includes(k) && !rot.stdout.includes(k), 'no KEK in any output');

    op.kill('SIGTERM');
    assert.equal(await op.exited(), 0);

    // The plugin loses the old KEK (its file re-created with the current one only): the set's
    // values would be unreadable. The restore merges back the KEK the set carried.
    p.kill('SIGTERM');
    await p.exited();
    const doc = JSON.parse(fs.readFileSync(kek, 'utf8')) as { keks: unknown[] };
    fs.writeFileSync(kek, JSON.stringify({ ...doc, keks: doc.keks.slice(-1) }));
    p = plugin(t, socket, kek);
    await p.waitFor(/kms plugin serving/);
    const restored = await c.run(['restore', backups, '--identity', ageKey.file, '--kek-file', kek]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stderr, new RegExp(`merged 1 KEK\\(s\\) from the archive into \\S+kek\\.json for decryption \\(key ID ${firstKeyId}\\)`));
    assert.equal(fs.statSync(kek).mode & 0o777, 0o600);
    assert.deepEqual((await scan())?.encrypted, { [`kms:warden:${firstKeyId}`]: N });
    const back = await c.run(['get', 'secret', 's-9', '-n', 'ns-0', '-o', 'json']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(Buffer.from((JSON.parse(back.stdout) as { data: { password: string } }).data.password, 'base64').toString(), 'pw-9');
    // An operator again: the restored values, under the old key ID, are rewritten under the current one.
    const op2 = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '2'], env);
    t.after(() => op2.kill('SIGKILL'));
    await waitUntil('the restored values under the current key ID', async () => ((await scan())?.encrypted[`kms:warden:${newKeyId}`] === N ? true : undefined), 90_000);
    op2.kill('SIGTERM');
    assert.equal(await op2.exited(), 0);
  });
});

describe('warden run --kms', () => {
  it('the embedded default serves warden\'s plugin; `encryption enable --type kms --wait` needs no endpoint; a plugin down is waited for, then one line', async (t) => {
    const dir = path.join(tempDir('kms-run'), 'state');
    const run = new Background(['--state-dir', dir, 'run', '--kms', '--members', '1', '--listen', '127.0.0.1:0']);
    t.after(async () => {
      run.kill('SIGTERM');
      await run.exited();
    });
    await run.waitFor(/Press Ctrl-C/);
    assert.match(run.out, /kms: +warden's KMS v2 plugin at unix:\/\/\S+\/kms\/plugin\.sock/);
    const kek = path.join(dir, 'kms', 'kek.json');
    assert.equal(fs.statSync(kek).mode & 0o777, 0o600);
    const ws = (args: string[]) => cli(['--state-dir', dir, ...args]);
    fs.writeFileSync(path.join(dir, '..', 's.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: prod}\ndata: {password: aHVudGVyMg==}\n');
    assert.equal((await ws(['apply', '-f', path.join(dir, '..', 's.yaml')])).code, 0);
    const on = await ws(['encryption', 'enable', '--type', 'kms', '--wait', '--timeout', '60s']);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /^EncryptionCompleted$/m);
    const raw = await ws(['get', '/kubernetes.io/secrets/prod/db', '--print-value-only']);
    assert.ok(raw.stdout.startsWith('k8s:enc:kms:v2:warden:'), raw.stdout.slice(0, 30));
    await waitUntil('KMSPluginHealthy True', async () => {
      const s = JSON.parse((await ws(['status', '-w', 'json'])).stdout) as { conditions: { type: string; status: string }[] };
      return s.conditions.some((x) => x.type === 'KMSPluginHealthy' && x.status === 'True') ? true : undefined;
    }, 60_000);
    // `encryption rotate` is the plugin's affair with kms.
    const rot = await ws(['encryption', 'rotate']);
    assert.notEqual(rot.code, 0);
    assert.match(rot.stderr, /^Error: with kms the key is the KMS plugin's: rotate it there \(`warden kms-plugin rotate --kek-file FILE`/m);
    // An endpoint nothing serves: --wait waits for it (saying so), then ends in one line; nothing is written in plaintext.
    const gone = await ws(['encryption', 'enable', '--type', 'kms', '--kms-name', 'other', '--kms-endpoint', `unix://${path.join(dir, 'nothing.sock')}`, '--wait', '--timeout', '4s']);
    assert.notEqual(gone.code, 0);
    assert.equal(gone.stderr.split('\n').filter((l) => l.startsWith('Error:')).length, 1, gone.stderr);
    assert.match(gone.stderr, /Error: the migration did not finish within 4s \(last error: .*KMS plugin.*nothing\.sock.*\)/);
    // Not configured while its plugin never answered: kube-apiservers reading the file would check it.
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'encryption', 'encryption-config.yaml'), 'utf8'), /nothing\.sock/);
    const still = await ws(['get', '/kubernetes.io/secrets/prod/db', '--print-value-only']);
    assert.ok(still.stdout.startsWith('k8s:enc:kms:v2:'), still.stdout.slice(0, 30));
    run.kill('SIGTERM');
    assert.equal(await run.exited(), 0);
    assert.ok(!fs.existsSync(path.join(dir, 'kms', 'plugin.sock')), 'the socket is removed');
  });
});

// Encryption at rest end to end on real etcd: enable, disable, switch, rotate, resume after a
// kill, writers during migration, the resource API, and bad input.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { adminApi } from '../helpers/api.ts';
import { assertOneErrorLine, Background, cli, etcdctl, startCluster, tempDir, waitUntil, type TestCluster } from '../helpers/warden.ts';

function objectsYaml(n: number, kinds: ('Secret' | 'ConfigMap')[] = ['Secret', 'ConfigMap'], tag = 'v1'): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const kind of kinds) {
      const data = kind === 'Secret' ? `password: ${Buffer.from(`${tag}-secret-${i}`).toString('base64')}` : `value: "${tag}-config-${i}"`;
      docs.push(`apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: obj-${i}\n  namespace: ns-${i % 4}\ndata:\n  ${data}\n`);
    }
  }
  return docs.join('---\n');
}

async function apply(c: TestCluster, yaml: string): Promise<void> {
  const file = path.join(tempDir('yaml'), 'objs.yaml');
  fs.writeFileSync(file, yaml);
  const r = await c.run(['apply', '-f', file]);
  assert.equal(r.code, 0, r.stderr);
}

/** Raw stored values under a prefix, straight from etcd with etcdctl. */
async function rawValues(c: TestCluster, prefix: string): Promise<Map<string, Buffer>> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', '--prefix', prefix, '-w', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const kvs = (JSON.parse(r.stdout) as { kvs?: { key: string; value: string }[] }).kvs ?? [];
  return new Map(kvs.map((kv) => [Buffer.from(kv.key, 'base64').toString(), Buffer.from(kv.value, 'base64')]));
}

async function assertAllStartWith(c: TestCluster, prefixes: string[], head: string | RegExp, expectCount: number): Promise<void> {
  let n = 0;
  for (const p of prefixes) {
    for (const [k, v] of await rawValues(c, p)) {
      n++;
      const s = v.subarray(0, 40).toString('latin1');
      if (typeof head === 'string') assert.ok(s.startsWith(head), `${k} starts with ${JSON.stringify(s.slice(0, 25))}, expected ${head}`);
      else assert.match(s, head, k);
    }
  }
  assert.equal(n, expectCount);
}

async function secretData(c: TestCluster, name: string, ns: string): Promise<string> {
  const r = await c.run(['get', 'secret', name, '-n', ns, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return Buffer.from((JSON.parse(r.stdout) as { data: { password: string } }).data.password, 'base64').toString();
}

const ALL = ['/kubernetes.io/secrets/', '/kubernetes.io/configmaps/'];

describe('encryption at rest', () => {
  it('enable aesgcm over 400 secrets and configmaps, disable, switch aescbc -> aesgcm, rotate', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await apply(c, objectsYaml(400));
    const off = await c.run(['encryption', 'status']);
    assert.deepEqual(off.stdout.trim().split('\n').slice(0, 2), ['EncryptionDisabled', 'Encryption is not enabled']);

    const on = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait']);
    assert.equal(on.code, 0, on.stderr);
    const lines = on.stdout.trim().split('\n');
    assert.equal(lines[1], 'EncryptionCompleted');
    assert.equal(lines[2], 'All resources encrypted: secrets, configmaps, routes.route.openshift.io, oauthaccesstokens.oauth.openshift.io, oauthauthorizetokens.oauth.openshift.io');
    assert.ok(lines.includes('secrets: 400/400') && lines.includes('configmaps: 400/400'), on.stdout);
    await assertAllStartWith(c, ALL, 'k8s:enc:aesgcm:v1:1:', 800);
    assert.equal(await secretData(c, 'obj-7', 'ns-3'), 'v1-secret-7');
    const cfg = path.join(c.stateDir, 'encryption', 'encryption-config.yaml');
    assert.equal(fs.statSync(cfg).mode & 0o777, 0o600);
    // The host's copy (what its kube-apiserver reads), byte for byte, also 0600.
    const hostCopy = path.join(c.stateDir, 'agents', 'etcd-1', 'encryption', 'encryption-config.yaml');
    assert.equal(fs.readFileSync(hostCopy, 'utf8'), fs.readFileSync(cfg, 'utf8'));
    assert.equal(fs.statSync(hostCopy).mode & 0o777, 0o600);
    const oldValue = (await rawValues(c, '/kubernetes.io/secrets/ns-1/obj-1')).get('/kubernetes.io/secrets/ns-1/obj-1')!;

    const off2 = await c.run(['encryption', 'disable', '--wait']);
    assert.equal(off2.code, 0, off2.stderr);
    assert.deepEqual(off2.stdout.trim().split('\n').slice(1, 3), ['DecryptionCompleted', 'Encryption mode set to identity and everything is decrypted']);
    await assertAllStartWith(c, ALL, '{', 800);

    assert.equal((await c.run(['encryption', 'enable', '--type', 'aescbc', '--wait'])).code, 0);
    await assertAllStartWith(c, ALL, 'k8s:enc:aescbc:v1:2:', 800);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    await assertAllStartWith(c, ALL, 'k8s:enc:aesgcm:v1:3:', 800);
    const rot = await c.run(['encryption', 'rotate', '--wait']);
    assert.equal(rot.code, 0, rot.stderr);
    await assertAllStartWith(c, ALL, 'k8s:enc:aesgcm:v1:4:', 800);
    assert.equal(await secretData(c, 'obj-399', 'ns-3'), 'v1-secret-399');
    assert.equal(fs.readFileSync(hostCopy, 'utf8'), fs.readFileSync(cfg, 'utf8'), 'the host holds every key after the rotation');

    // Old keys stay readable: the value written with key 1 before all of this still decrypts.
    const dec = await cli(['encryption', 'transform', '--config', cfg, '--etcd-key', '/kubernetes.io/secrets/ns-1/obj-1', '--decrypt'], { input: oldValue });
    assert.equal(dec.code, 0, dec.stderr);
    assert.match(dec.stdout, /"name":"obj-1"/);
    // Key material never appears in output.
    const secrets = fs.readFileSync(cfg, 'utf8').match(/secret: (\S+)/g)!.map((s) => s.slice(8));
    for (const out of [on, off2, rot]) for (const s of secrets) assert.ok(!out.stdout.includes(s) && !out.stderr.includes(s));
  });

  it('no value is written with a key until every host holds the configuration: a host down holds the migration back', async (t) => {
    const c = await startCluster(t);
    await apply(c, objectsYaml(20, ['Secret']));
    // etcd-3's agent stops (with its member): 2 of 3 keep quorum, but its host cannot get the keys.
    const pid = Number(fs.readFileSync(path.join(c.stateDir, 'agents', 'etcd-3', 'run', 'supervisor.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    await waitUntil('the agent of etcd-3 to stop', async () => (await c.status()).find((m) => m.name === 'etcd-3')?.state === 'stopped');
    const held = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait', '--timeout', '30s']);
    assertOneErrorLine(held, /the EncryptionConfiguration could not be copied to etcd-3 on 127\.0\.0\.1:\d+ .*: kube-apiserver there would not read values written with a new key/);
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], '{', 20);
    assert.equal(fs.existsSync(path.join(c.stateDir, 'agents', 'etcd-3', 'encryption', 'encryption-config.yaml')), false);
    // Back, it gets the configuration and the migration completes.
    assert.equal((await c.run(['cluster', 'up'])).code, 0);
    const done = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait']);
    assert.equal(done.code, 0, done.stderr);
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], 'k8s:enc:aesgcm:v1:1:', 20);
    const admin = fs.readFileSync(path.join(c.stateDir, 'encryption', 'encryption-config.yaml'), 'utf8');
    for (const m of ['etcd-1', 'etcd-2', 'etcd-3']) assert.equal(fs.readFileSync(path.join(c.stateDir, 'agents', m, 'encryption', 'encryption-config.yaml'), 'utf8'), admin, `${m}'s host holds the cluster's configuration`);
  });

  it('an operator killed mid-migration resumes after restart and nothing is lost', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await apply(c, objectsYaml(600, ['Secret']));
    // 20 a second: the kill lands mid-migration (50 to 550 of 600 done is a 25 s window) even when each status call is slow.
    const op1 = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '2', '--migration-rate', '20']);
    t.after(() => op1.kill('SIGKILL'));
    await op1.waitFor(/is the leader/);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm'])).code, 0);
    await waitUntil('the migration to be part done', async () => {
      const m = /secrets: (\d+)\/600/.exec((await c.run(['encryption', 'status'])).stdout);
      return m && Number(m[1]) > 50 && Number(m[1]) < 550 ? true : undefined;
    }, 30_000);
    op1.kill('SIGKILL');
    await op1.exited();
    const mid = await c.run(['encryption', 'status']);
    assert.equal(mid.stdout.split('\n')[0], 'EncryptionInProgress');

    const op2 = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '2']);
    t.after(() => op2.kill('SIGKILL'));
    await waitUntil('EncryptionCompleted', async () => (await c.run(['encryption', 'status'])).stdout.startsWith('EncryptionCompleted'), 60_000);
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], 'k8s:enc:aesgcm:v1:1:', 600);
    for (const i of [0, 299, 599]) assert.equal(await secretData(c, `obj-${i}`, `ns-${i % 4}`), `v1-secret-${i}`);
    op2.kill('SIGTERM');
    assert.equal(await op2.exited(), 0);
  });

  it('writers during migration: every write is preserved (oracle), through the resource API', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await apply(c, objectsYaml(300, ['Secret']));
    // 30 a second: the migration lasts 10 s, long enough for the writes below to overlap it on a loaded machine.
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '2', '--migration-rate', '30']);
    t.after(() => op.kill('SIGKILL'));
    const admin = await adminApi(t, c, op);
    const url = admin.url;
    await op.waitFor(/is the leader/);
    const api = (ns: string, name = '') => `${url}/api/v1/namespaces/${ns}/secrets${name ? `/${name}` : ''}`;
    const oracle = new Map<string, string>();
    for (let i = 0; i < 300; i++) oracle.set(`ns-${i % 4}/obj-${i}`, `v1-secret-${i}`);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm'])).code, 0);
    const inProgress = async () => {
      const m = /^EncryptionInProgress[\s\S]*secrets: (\d+)\/300/.exec((await c.run(['encryption', 'status'])).stdout);
      return m && Number(m[1]) > 0 && Number(m[1]) < 300 ? true : undefined;
    };
    await waitUntil('the migration to run', inProgress);

    let conflicts = 0;
    let overlapped = 0;
    const migrating = async () => {
      const conds = (await (await admin.fetch(`${url}/conditions`)).json()) as { type: string; reason: string }[];
      return conds.find((x) => x.type === 'Encrypted')?.reason === 'EncryptionInProgress';
    };
    for (let round = 0; round < 150; round++) {
      if (await migrating()) overlapped++;
      const i = (round * 7) % 300;
      const ns = `ns-${i % 4}`;
      const value = `w-${round}`;
      for (let attempt = 0; ; attempt++) {
        const cur = (await (await admin.fetch(api(ns, `obj-${i}`))).json()) as { metadata: { resourceVersion: string } };
        const res = await admin.fetch(api(ns, `obj-${i}`), {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `obj-${i}`, namespace: ns, resourceVersion: cur.metadata.resourceVersion }, data: { password: Buffer.from(value).toString('base64') } }),
        });
        if (res.status === 200) break;
        assert.equal(res.status, 409, await res.text());
        conflicts++;
        assert.ok(attempt < 20);
      }
      oracle.set(`${ns}/obj-${i}`, value);
      if (round % 10 === 0) {
        const name = `new-${round}`;
        const res = await admin.fetch(api('ns-0'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: { password: Buffer.from(name).toString('base64') } }) });
        assert.equal(res.status, 201, await res.text());
        oracle.set(`ns-0/${name}`, name);
      }
    }
    assert.ok(overlapped >= 20, `at least 20 writes overlapped the migration (saw ${overlapped})`);
    await waitUntil('EncryptionCompleted', async () => (await c.run(['encryption', 'status'])).stdout.startsWith('EncryptionCompleted'), 60_000);
    const list = (await (await admin.fetch(`${url}/api/v1/secrets`)).json()) as { items: { metadata: { name: string; namespace: string }; data: { password: string } }[] };
    const seen = new Map(list.items.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, Buffer.from(o.data.password, 'base64').toString()]));
    assert.deepEqual(seen, oracle);
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], 'k8s:enc:aesgcm:v1:1:', oracle.size);
    t.diagnostic(`${conflicts} conflicting writes retried`);
  });

  it('the resource API: create, get, list, stale update (409), delete', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0']);
    t.after(() => op.kill('SIGKILL'));
    const admin = await adminApi(t, c, op);
    const url = admin.url;
    const routes = `${url}/apis/route.openshift.io/v1/namespaces/web/routes`;
    const json = { 'content-type': 'application/json' };
    const created = await admin.fetch(routes, { method: 'POST', headers: json, body: JSON.stringify({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'shop' }, spec: { host: 'shop.example.com' } }) });
    assert.equal(created.status, 201);
    const obj = (await created.json()) as { metadata: { resourceVersion: string; namespace: string } };
    assert.equal(obj.metadata.namespace, 'web');
    assert.equal((await admin.fetch(routes, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name: 'shop' } }) })).status, 409);
    const raw = await rawValues(c, '/openshift.io/routes/web/shop');
    assert.ok(raw.has('/openshift.io/routes/web/shop'), 'stored at the OpenShift key layout');
    const tok = await admin.fetch(`${url}/apis/oauth.openshift.io/v1/oauthaccesstokens`, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name: 'sha256~abc' } }) });
    assert.equal(tok.status, 422, 'names are validated (at least 32 characters)');
    const token = `sha256~${'A'.repeat(43)}`;
    const tok2 = await admin.fetch(`${url}/apis/oauth.openshift.io/v1/oauthaccesstokens`, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name: token } }) });
    assert.equal(tok2.status, 201);
    assert.ok((await rawValues(c, `/openshift.io/oauth/accesstokens/${token}`)).size === 1);

    const upd = await admin.fetch(`${routes}/shop`, { method: 'PUT', headers: json, body: JSON.stringify({ metadata: { name: 'shop', resourceVersion: obj.metadata.resourceVersion }, spec: { host: 'v2.example.com' } }) });
    assert.equal(upd.status, 200);
    const stale = await admin.fetch(`${routes}/shop`, { method: 'PUT', headers: json, body: JSON.stringify({ metadata: { name: 'shop', resourceVersion: obj.metadata.resourceVersion }, spec: { host: 'lost.example.com' } }) });
    assert.equal(stale.status, 409);
    assert.equal(((await (await admin.fetch(`${routes}/shop`)).json()) as { spec: { host: string } }).spec.host, 'v2.example.com');
    assert.equal(((await (await admin.fetch(routes)).json()) as { items: unknown[] }).items.length, 1);
    assert.equal((await admin.fetch(`${routes}/shop`, { method: 'DELETE' })).status, 200);
    assert.equal((await admin.fetch(`${routes}/shop`)).status, 404);

    // The CLI's delete, and a get of what is gone.
    assert.equal((await c.run(['delete', 'oauthaccesstokens.oauth.openshift.io', token])).stdout.trim(), `oauthaccesstoken "${token}" deleted`);
    const gone = await c.run(['get', 'oauthaccesstokens.oauth.openshift.io', token, '-o', 'json']);
    assert.notEqual(gone.code, 0);
    assert.equal(gone.stderr.trim(), `Error: oauthaccesstokens.oauth.openshift.io "${token}" not found (NotFound)`);
  });

  it('bad input: unknown type, malformed config, a missing key, an unreadable value left untouched', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const r1 = await c.run(['encryption', 'enable', '--type', 'rot13']);
    assert.equal(r1.code, 2);
    assert.equal(r1.stderr.trim(), 'Error: unknown encryption type "rot13": use aescbc, aesgcm, secretbox, kms or identity');

    const dir = tempDir('enc');
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'kind: EncryptionConfiguration\nresources: [\n');
    const r2 = await cli(['encryption', 'transform', '--config', bad, '--etcd-key', '/kubernetes.io/secrets/a/b', '--decrypt'], { input: 'x' });
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr.trim(), /^Error: EncryptionConfiguration .*bad\.yaml: malformed YAML .*: fix the file$/);

    const key1 = Buffer.alloc(32, 1).toString('base64');
    const key2 = Buffer.alloc(32, 2).toString('base64');
    const conf = (k: string, name: string) => `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - aesgcm:\n          keys:\n            - name: "${name}"\n              secret: ${k}\n`;
    fs.writeFileSync(path.join(dir, 'k1.yaml'), conf(key1, '1'));
    fs.writeFileSync(path.join(dir, 'k2.yaml'), conf(key2, '2'));
    const enc = await cli(['encryption', 'transform', '--config', path.join(dir, 'k1.yaml'), '--etcd-key', '/kubernetes.io/secrets/a/b', '--encrypt'], { input: 'top secret' });
    assert.equal(enc.code, 0);
    assert.ok(enc.stdout.startsWith('k8s:enc:aesgcm:v1:1:'));
    const dec = await cli(['encryption', 'transform', '--config', path.join(dir, 'k2.yaml'), '--etcd-key', '/kubernetes.io/secrets/a/b', '--decrypt'], { input: enc.stdout });
    assert.notEqual(dec.code, 0);
    assert.equal(dec.stdout, '', 'a failed decrypt prints nothing to stdout');
    assert.equal(dec.stderr.trim(), 'Error: unable to transform key "/kubernetes.io/secrets/a/b": no matching key was found for the provided AES transformer');

    // A value under a key warden does not have: migration reports it and never overwrites it.
    const orphan = 'k8s:enc:aesgcm:v1:99:not-a-real-ciphertext-but-long-enough-000000';
    assert.equal((await etcdctl(['--endpoints', await c.endpoints(), 'put', '/kubernetes.io/secrets/x/orphan', orphan])).code, 0);
    const r3 = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait']);
    assert.notEqual(r3.code, 0);
    assert.equal(r3.stderr.trim().split('\n').filter((l) => l.startsWith('Error:')).length, 1);
    assert.match(r3.stderr, /Error: 1 value\(s\) cannot be read/);
    assert.match(r3.stderr, /\/kubernetes\.io\/secrets\/x\/orphan: no matching key was found for the provided AES transformer/);
    assert.equal((await rawValues(c, '/kubernetes.io/secrets/x/orphan')).get('/kubernetes.io/secrets/x/orphan')?.toString(), orphan);
  });
});

/** An operator on the cluster, killed with SIGKILL after the test whatever happens. */
function operator(t: { after: (fn: () => void) => void }, c: TestCluster, flags: string[]): Background {
  const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', ...flags]);
  t.after(() => op.kill('SIGKILL'));
  return op;
}

/** A `warden encryption ...` run in the background, killed with SIGKILL after the test. */
function background(t: { after: (fn: () => void) => void }, c: TestCluster, args: string[]): Background {
  const b = new Background(['--state-dir', c.stateDir, 'encryption', ...args]);
  t.after(() => b.kill('SIGKILL'));
  return b;
}

/** The done/total counts `encryption status` prints for secrets, if any. */
async function secretsProgress(c: TestCluster): Promise<{ reason: string; done?: number; total?: number }> {
  const out = (await c.run(['encryption', 'status'])).stdout;
  const m = /^secrets: (\d+)\/(\d+)$/m.exec(out);
  return { reason: out.split('\n')[0] ?? '', ...(m ? { done: Number(m[1]), total: Number(m[2]) } : {}) };
}

describe('encryption --wait and status', () => {
  it('--wait takes over from an operator killed with -9 within the lease TTL plus a few seconds', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await apply(c, objectsYaml(300, ['Secret']));
    const op = operator(t, c, ['--lease-ttl', '4', '--migration-rate', '10']);
    await op.waitFor(/is the leader/);
    const w = background(t, c, ['enable', '--type', 'aesgcm', '--wait', '--timeout', '5m']);
    await w.waitFor(/waiting for it/);
    op.kill('SIGKILL');
    await op.exited();
    const killedAt = Date.now();
    // The dead operator's lease (and so /warden/operator/leader) lives on for up to 4 s.
    await w.waitFor(/migrating in this process/, 4_000 + 8_000);
    const tookOver = Date.now() - killedAt;
    assert.ok(tookOver < 4_000 + 8_000, `took over after ${tookOver} ms`);
    t.diagnostic(`took over ${tookOver} ms after the kill (lease TTL 4 s)`);
    assert.equal(await w.exited(), 0, w.out);
    assert.match(w.out, /^EncryptionCompleted$/m);
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], 'k8s:enc:aesgcm:v1:1:', 300);
  });

  it('--wait that takes over migrates the keyspace the operator was given (--prefix), not the default one', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const op = operator(t, c, ['--lease-ttl', '2', '--prefix', '/registry']);
    await op.waitFor(/is the leader/);
    // apply without --prefix: the roots the operator recorded.
    await waitUntil('the operator to record its key roots', async () => (await etcdctl(['--endpoints', await c.endpoints(), 'get', '/warden/config/keyroots', '--print-value-only'])).stdout.includes('/registry'));
    await apply(c, objectsYaml(20, ['Secret']));
    assert.equal((await rawValues(c, '/registry/secrets/')).size, 20, 'apply wrote under the recorded root');
    op.kill('SIGKILL');
    await op.exited();
    const r = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait', '--timeout', '2m']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /migrating in this process/);
    await assertAllStartWith(c, ['/registry/secrets/'], 'k8s:enc:aesgcm:v1:1:', 20);
    const scan = await c.run(['encryption', 'scan', '-w', 'json']);
    const secrets = (JSON.parse(scan.stdout) as { resource: string; total: number; plaintext: number }[]).find((x) => x.resource === 'secrets');
    assert.deepEqual([secrets?.total, secrets?.plaintext], [20, 0], 'scan looks under the recorded root too');
  });

  it('--wait takes over from an earlier --wait run killed with -9 mid-migration', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await apply(c, objectsYaml(300, ['Secret']));
    const first = background(t, c, ['enable', '--type', 'aesgcm', '--wait', '--lease-ttl', '4', '--migration-rate', '10']);
    await first.waitFor(/migrating in this process/);
    await waitUntil('the migration to be part done', async () => {
      const p = await secretsProgress(c);
      return p.done !== undefined && p.done > 10 && p.done < 150;
    });
    const second = background(t, c, ['enable', '--type', 'aesgcm', '--wait', '--timeout', '5m']);
    await second.waitFor(/waiting for it/);
    first.kill('SIGKILL');
    await first.exited();
    const killedAt = Date.now();
    await second.waitFor(/migrating in this process/, 4_000 + 8_000);
    const tookOver = Date.now() - killedAt;
    assert.ok(tookOver < 4_000 + 8_000, `took over after ${tookOver} ms`);
    t.diagnostic(`took over ${tookOver} ms after the kill (lease TTL 4 s)`);
    assert.equal(await second.exited(), 0, second.out);
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], 'k8s:enc:aesgcm:v1:1:', 300);
    assert.equal(await secretData(c, 'obj-299', 'ns-3'), 'v1-secret-299');
  });

  it('rotate --wait with an operator leading returns once every value uses the new write key', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await apply(c, objectsYaml(150, ['Secret']));
    const op = operator(t, c, ['--lease-ttl', '2', '--migration-rate', '100']);
    await op.waitFor(/is the leader/);
    const on = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait', '--timeout', '5m']);
    assert.equal(on.code, 0, on.stderr);
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], 'k8s:enc:aesgcm:v1:1:', 150);

    const rot = await c.run(['encryption', 'rotate', '--wait', '--timeout', '5m']);
    assert.equal(rot.code, 0, rot.stderr);
    assert.match(rot.stdout, /^EncryptionCompleted$/m);
    assert.match(rot.stdout, /^secrets: 150\/150$/m);
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], 'k8s:enc:aesgcm:v1:2:', 150);
    const cfg = fs.readFileSync(path.join(c.stateDir, 'encryption', 'encryption-config.yaml'), 'utf8');
    assert.match(cfg, /- aesgcm:\n\s+keys:\n\s+- name: "?2"?\n/, 'key 2 is the write key');
    assert.doesNotMatch(op.out, /rotation requested[\s\S]*rotation requested/, 'one rotation, not two');
  });

  it('a --wait that runs out of time says so in one line, whoever migrates', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await apply(c, objectsYaml(100, ['Secret']));
    const op = operator(t, c, ['--lease-ttl', '2', '--migration-rate', '5']);
    await op.waitFor(/is the leader/);
    const r1 = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait', '--timeout', '2s']);
    assertOneErrorLine(r1, /^Error: the migration did not finish within 2s: .*`warden encryption status`/);
    op.kill('SIGTERM');
    assert.equal(await op.exited(), 0);

    // No operator now: this process migrates, and stops at the bound.
    const r2 = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait', '--timeout', '2s', '--migration-rate', '5']);
    assertOneErrorLine(r2, /^Error: the migration did not finish within 2s: .*`warden encryption status`/);
    assert.match(r2.stderr, /migrating in this process/);
    assert.doesNotMatch(r2.stderr, /Warning:/, 'no warnings from Node either');
  });

  it('status during a migration shows that migration\'s counts, never the previous one\'s', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await apply(c, objectsYaml(51, ['Secret']));
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    const off = await c.run(['encryption', 'disable', '--wait']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /^secrets: 51\/51$/m);

    // Nothing has migrated towards aesgcm yet: no counts (the decryption's 51/51 are not these).
    const on = await c.run(['encryption', 'enable', '--type', 'aesgcm']);
    assert.equal(on.code, 0, on.stderr);
    assert.deepEqual(on.stdout.trim().split('\n'), ['encryption type set to aesgcm (was identity)', 'EncryptionInProgress', 'Encryption mode set to aesgcm, encrypting resources']);
    assert.deepEqual(await secretsProgress(c), { reason: 'EncryptionInProgress' });

    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    assert.deepEqual(await secretsProgress(c), { reason: 'EncryptionCompleted', done: 51, total: 51 });
    // A requested rotation is a migration in progress too, with no counts until it rewrites.
    const rot = await c.run(['encryption', 'rotate']);
    assert.equal(rot.code, 0, rot.stderr);
    assert.deepEqual(rot.stdout.trim().split('\n'), ['key rotation requested', 'EncryptionInProgress', 'Encryption mode set to aesgcm, encrypting resources']);

    // While it rewrites, the counts are its own: below 51, rising.
    const w = background(t, c, ['rotate', '--wait', '--migration-rate', '20']);
    const seen = await waitUntil('counts of the running rotation', async () => {
      const p = await secretsProgress(c);
      return p.reason === 'EncryptionInProgress' && p.done !== undefined && p.done < 51 ? p : undefined;
    });
    assert.equal(seen.total, 51);
    assert.equal(await w.exited(), 0, w.out);
    assert.deepEqual(await secretsProgress(c), { reason: 'EncryptionCompleted', done: 51, total: 51 });
    await assertAllStartWith(c, ['/kubernetes.io/secrets/'], 'k8s:enc:aesgcm:v1:3:', 51);
  });
});

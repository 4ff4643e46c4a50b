// The operator's API as an attacker meets it (issue 12, "Why"): nothing readable or writable
// without credentials, roles per route, TLS by default, browser attacks (DNS rebinding, a
// cross-site form POST), oversized bodies refused without being read into memory, failed
// authentications rate-limited per client; tokens that are created, listed and revoked.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import https from 'node:https';
import { describe, it } from 'node:test';
import { clusterPki, createToken, operatorUrl, request, type ClientCert, type RequestOptions } from '../helpers/api.ts';
import { assertOneErrorLine, Background, etcdctl, startCluster, tempDir, waitUntil, type TestCluster } from '../helpers/warden.ts';

const SECRET = `hunter2-${Math.random().toString(36).slice(2)}`;
const SECRET_B64 = Buffer.from(SECRET).toString('base64');

function secretYaml(ns: string, name: string): string {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  password: ${SECRET_B64}\n`;
}

async function applySecret(c: TestCluster, ns: string, name: string): Promise<void> {
  const file = `${tempDir('yaml')}/s.yaml`;
  fs.writeFileSync(file, secretYaml(ns, name));
  const r = await c.run(['apply', '-f', file]);
  assert.equal(r.code, 0, r.stderr);
}

function caOf(c: TestCluster): Buffer | undefined {
  try {
    return clusterPki(c).ca;
  } catch {
    return undefined;
  }
}

/** The body never carries the secret, in clear or base64. */
function assertNoSecret(body: string, what: string): void {
  assert.ok(!body.includes(SECRET) && !body.includes(SECRET_B64), `${what}: the response carries the secret: ${body.slice(0, 300)}`);
}

async function assertStatus(res: Response, code: number, reason: string, what: string): Promise<string> {
  const body = await res.text();
  assert.equal(res.status, code, `${what}: ${body.slice(0, 300)}`);
  const s = JSON.parse(body) as { kind: string; apiVersion: string; status: string; code: number; reason: string; message: string };
  assert.equal(s.kind, 'Status', what);
  assert.equal(s.status, 'Failure', what);
  assert.equal(s.code, code, what);
  assert.equal(s.reason, reason, what);
  assertNoSecret(body, what);
  return s.message;
}

async function exists(c: TestCluster, key: string): Promise<boolean> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), ...(fs.existsSync(`${c.stateDir}/tls/client.crt`) && (await c.endpoints()).startsWith('https') ? ['--cacert', `${c.stateDir}/tls/ca.crt`, '--cert', `${c.stateDir}/tls/client.crt`, '--key', `${c.stateDir}/tls/client.key`] : []), 'get', key, '--keys-only']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim() === key;
}

/** The operator's peak resident memory since `reset` (VmHWM after writing 5 to clear_refs). */
function peakRss(pid: number, reset = false): number {
  if (reset) fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/**
 * Sends a body of `size` bytes (1 MiB pieces of one buffer: nothing of that size in this
 * process), with a Content-Length or chunked; resolves with the response, stopping at once.
 */
function hugePost(url: string, size: number, o: RequestOptions & { chunked: boolean }): Promise<{ status: number; body: string; sent: number }> {
  const u = new URL(url);
  const piece = Buffer.alloc(1024 * 1024, 0x61);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.chunked ? {} : { 'content-length': String(size) }) };
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = false;
    const opts = { method: 'POST', headers, ...(o.ca ? { ca: o.ca } : {}) };
    const req = (u.protocol === 'https:' ? https : http).request(u, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        done = true;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), sent });
        req.destroy();
      });
    });
    req.on('error', (err) => {
      if (!done) reject(err);
    });
    const pump = () => {
      while (!done && sent < size) {
        const n = Math.min(piece.length, size - sent);
        sent += n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (!done && sent >= size) req.end();
    };
    pump();
  });
}

describe('operator API security', () => {
  it('the attacks of issue 12: no credentials, a foreign Host, a cross-site form POST, 3 MB and 300 MB bodies', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    await applySecret(c, 'ns1', 's-1');
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0']);
    t.after(() => op.kill('SIGKILL'));
    const url = await operatorUrl(op);
    const ca = caOf(c);
    const port = new URL(url).port;
    const secretUrl = `${url}/api/v1/namespaces/ns1/secrets/s-1`;
    const secrets = `${url}/api/v1/namespaces/ns1/secrets`;

    // 1. The decrypted Secret, with no credentials at all.
    assert.match(await assertStatus(await request(secretUrl, { ...(ca ? { ca } : {}) }), 401, 'Unauthorized', 'GET without credentials'), /credentials/);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const target = method === 'POST' ? secrets : secretUrl;
      const res = await request(target, { method, ...(ca ? { ca } : {}), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: method === 'POST' ? 's-2' : 's-1', namespace: 'ns1' }, data: { password: 'eA==' } }) });
      await assertStatus(res, 401, 'Unauthorized', `${method} without credentials`);
    }
    assert.equal(await exists(c, '/kubernetes.io/secrets/ns1/s-2'), false, 'nothing created');
    assert.equal(await exists(c, '/kubernetes.io/secrets/ns1/s-1'), true, 'nothing deleted');

    // From here on the attacker rides on a real admin's credentials (a browser presents them).
    const token = await createToken(c, 'browser-admin', 'admin');
    const admin = { ...(ca ? { ca } : {}), token };
    const ok = await request(secretUrl, admin);
    assert.equal(ok.status, 200, 'the admin reads the secret');
    assert.equal(((await ok.json()) as { data: { password: string } }).data.password, SECRET_B64);

    // 2. DNS rebinding: the browser sends the attacker's host name.
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`]) {
      await assertStatus(await request(secretUrl, { ...admin, headers: { host } }), 421, 'MisdirectedRequest', `Host: ${host}`);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) assert.equal((await request(secretUrl, { ...admin, headers: { host } })).status, 200, `Host: ${host}`);

    // 3. A cross-site form POST: text/plain needs no CORS preflight.
    const form = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'planted', namespace: 'ns1' }, data: { password: 'eA==' } });
    await assertStatus(await request(secrets, { ...admin, method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: form }), 403, 'Forbidden', 'POST from evil.example as text/plain');
    await assertStatus(await request(secrets, { ...admin, method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: form }), 403, 'Forbidden', 'POST from evil.example as JSON');
    await assertStatus(await request(secrets, { ...admin, method: 'POST', headers: { 'content-type': 'text/plain' }, body: form }), 415, 'UnsupportedMediaType', 'POST as text/plain');
    await assertStatus(await request(secretUrl, { ...admin, method: 'DELETE', headers: { origin: 'http://evil.example' } }), 403, 'Forbidden', 'DELETE from evil.example');
    assert.equal(await exists(c, '/kubernetes.io/secrets/ns1/planted'), false, 'no secret planted');
    assert.equal(await exists(c, '/kubernetes.io/secrets/ns1/s-1'), true, 'nothing deleted');
    const sameOrigin = await request(secrets, { ...admin, method: 'POST', headers: { origin: url, 'content-type': 'application/json; charset=utf-8' }, body: form });
    assert.equal(sameOrigin.status, 201, `a same-origin JSON POST is served: ${await sameOrigin.clone().text()}`);

    // 4. Bodies: 3 MB (over etcd's request limit), 3 MiB + 1 (over the API's), then 300 MB.
    const big = (n: number) => JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `big-${n}`, namespace: 'ns1' }, data: { password: 'eA==' }, stringData: { pad: 'x'.repeat(n) } });
    await assertStatus(await request(secrets, { ...admin, method: 'POST', headers: { 'content-type': 'application/json' }, body: big(3_000_000) }), 413, 'RequestEntityTooLarge', '3 MB body');
    const overLimit = big(3 * 1024 * 1024 + 1);
    assert.match(await assertStatus(await request(secrets, { ...admin, method: 'POST', headers: { 'content-type': 'application/json' }, body: overLimit }), 413, 'RequestEntityTooLarge', '3 MiB + 1 body'), /3145728/);

    const pid = op.child.pid!;
    for (const chunked of [false, true]) {
      const before = peakRss(pid, true);
      const r = await hugePost(secrets, 300 * 1024 * 1024, { ...admin, chunked });
      const grew = peakRss(pid) - before;
      assert.equal(r.status, 413, `300 MB ${chunked ? 'chunked' : 'with Content-Length'}: ${r.body.slice(0, 300)}`);
      assert.ok(grew < 50 * 1024 * 1024, `the operator grew by ${(grew / 1048576).toFixed(1)} MB for a 300 MB ${chunked ? 'chunked ' : ''}body`);
      t.diagnostic(`300 MB ${chunked ? 'chunked' : 'Content-Length'} body: 413 after ${(r.sent / 1048576).toFixed(0)} MiB sent, peak RSS +${(grew / 1048576).toFixed(1)} MB`);
    }
    assert.equal((await request(secretUrl, admin)).status, 200, 'the operator still serves');
  });

  it('role x route: every route with no credentials, viewer, operator and admin tokens, and client certificates', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const dir = tempDir('matrix');
    const file = `${dir}/objects.yaml`;
    fs.writeFileSync(file, [
      secretYaml('ns1', 's-1'),
      ...['viewer', 'operator', 'admin', 'adminCert', 'viewerCert', 'noRoleCert', 'none'].map((k) => secretYaml('ns1', `del-${k.toLowerCase()}`)),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-1\n  namespace: ns1\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"token":"${SECRET}"}}'\n    team: web\ndata:\n  token: ${SECRET}\n`,
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names:\n    plural: widgets\n    kind: Widget\n  versions:\n    - name: v1\n      served: true\n      storage: true\n',
    ].join('---\n'));
    assert.equal((await c.run(['apply', '-f', file])).code, 0);
    fs.writeFileSync(file, 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: ns1\nspec:\n  size: 3\n');
    assert.equal((await c.run(['apply', '-f', file])).code, 0);
    const enc = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait']);
    assert.equal(enc.code, 0, enc.stderr);

    const backups = `${dir}/backups`;
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--no-auto-defrag', '--backup-dir', backups]);
    t.after(() => op.kill('SIGKILL'));
    const url = await operatorUrl(op);
    const { ca, client: clusterCert } = clusterPki(c);
    const openssl = opensslCerts(c, dir);
    const creds: Record<string, RequestOptions> = {
      none: {},
      viewer: { token: await createToken(c, 'm-viewer', 'viewer') },
      operator: { token: await createToken(c, 'm-operator', 'operator') },
      admin: { token: await createToken(c, 'm-admin', 'admin') },
      adminCert: { cert: clusterCert },
      viewerCert: { cert: openssl.viewer },
      noRoleCert: { cert: openssl.noRole },
    };
    const cols = Object.keys(creds);
    // Expected status per column: none, viewer, operator, admin, adminCert, viewerCert, noRoleCert.
    const read = [401, 200, 200, 200, 200, 200, 403];
    const write = (ok: number) => [401, 403, 403, ok, ok, 403, 403];
    const act = (ok: number) => [401, 403, ok, ok, ok, 403, 403];
    const sec = (name: string) => `/api/v1/namespaces/ns1/secrets/${name}`;
    const body = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ns1' }, data: { password: SECRET_B64 } });
    const routes: { method: string; path: (col: string) => string; expect: number[]; body?: (col: string) => string }[] = [
      { method: 'GET', path: () => '/healthz', expect: [200, 200, 200, 200, 200, 200, 200] },
      { method: 'GET', path: () => '/metrics', expect: read },
      { method: 'GET', path: () => '/conditions', expect: read },
      { method: 'GET', path: () => '/events', expect: read },
      { method: 'GET', path: () => '/api/v1/secrets', expect: read },
      { method: 'GET', path: () => '/api/v1/namespaces/ns1/secrets', expect: read },
      { method: 'GET', path: () => sec('s-1'), expect: read },
      { method: 'GET', path: () => '/api/v1/namespaces/ns1/configmaps/cm-1', expect: read },
      { method: 'GET', path: () => '/apis/example.com/v1/namespaces/ns1/widgets/w1', expect: read },
      { method: 'GET', path: () => '/apis/example.com/v1/namespaces/ns1/widgets', expect: read },
      { method: 'GET', path: () => '/no/such/route', expect: [401, 404, 404, 404, 404, 404, 403] },
      { method: 'POST', path: () => '/api/v1/namespaces/ns1/secrets', body: (col) => body(`new-${col.toLowerCase()}`), expect: write(201) },
      { method: 'PUT', path: () => sec('s-1'), body: () => body('s-1'), expect: write(200) },
      { method: 'DELETE', path: (col) => sec(`del-${col.toLowerCase()}`), expect: write(200) },
      { method: 'POST', path: () => '/apis/warden.io/v1/actions/defrag', body: () => '{"wait":"0s"}', expect: act(200) },
      { method: 'POST', path: () => '/apis/warden.io/v1/actions/space-recover', body: () => '{"wait":"0s"}', expect: act(200) },
      { method: 'POST', path: () => '/apis/warden.io/v1/actions/backup', body: () => '{}', expect: act(200) },
      // Last: a rotation starts a migration, and a backup refuses to run during one (409).
      { method: 'POST', path: () => '/apis/warden.io/v1/actions/rotate', body: () => '{}', expect: act(202) },
    ];
    const seen: string[] = [];
    let lastBackup = 0;
    for (const r of routes) {
      for (const [i, col] of cols.entries()) {
        const what = `${r.method} ${r.path(col)} as ${col}`;
        // Backup sets are named by the second: one per second.
        if (r.path(col).endsWith('/backup')) await waitUntil('the next second', () => Math.floor(Date.now() / 1000) > lastBackup || undefined, 2000);
        const res = await request(`${url}${r.path(col)}`, { ...creds[col], ca, method: r.method, ...(r.body ? { body: r.body(col), headers: { 'content-type': 'application/json' } } : {}) });
        const text = await res.text();
        if (r.path(col).endsWith('/backup')) lastBackup = Math.floor(Date.now() / 1000);
        assert.equal(res.status, r.expect[i], `${what}: ${text.slice(0, 300)}`);
        seen.push(`${what}: ${res.status}`);
        if (res.status >= 400) {
          assertNoSecret(text, what);
          const st = JSON.parse(text) as { kind: string; code: number };
          assert.equal(st.kind, 'Status', what);
          assert.equal(st.code, res.status, what);
        }
        if (!['admin', 'adminCert'].includes(col)) assertNoSecret(text, what);
        if (r.method === 'GET' && res.status === 200 && r.path(col) === sec('s-1')) {
          const o = JSON.parse(text) as { kind: string; metadata: { name: string; resourceVersion: string }; data?: unknown };
          assert.equal(o.metadata.name, 's-1', what);
          assert.ok(o.metadata.resourceVersion, what);
          if (['admin', 'adminCert'].includes(col)) assert.deepEqual(o.data, { password: SECRET_B64 }, `${what}: an admin reads the data`);
          else assert.equal(o.data, undefined, `${what}: metadata only`);
        }
        if (r.method === 'GET' && res.status === 200 && r.path(col).endsWith('/configmaps/cm-1') && !['admin', 'adminCert'].includes(col)) {
          const o = JSON.parse(text) as { metadata: { annotations?: Record<string, string> } };
          assert.deepEqual(o.metadata.annotations, { team: 'web' }, `${what}: annotations that copy the data are dropped`);
        }
        if (r.method === 'GET' && res.status === 200 && r.path(col).endsWith('/widgets/w1')) {
          assert.deepEqual((JSON.parse(text) as { spec: unknown }).spec, { size: 3 }, `${what}: a resource that is not secret is read whole`);
        }
      }
    }
    t.diagnostic(`${seen.length} requests checked`);
    // The writes that were allowed happened, the refused ones did not.
    for (const col of cols) {
      const allowed = ['admin', 'adminCert'].includes(col);
      assert.equal(await exists(c, `/kubernetes.io/secrets/ns1/new-${col.toLowerCase()}`), allowed, `POST as ${col}`);
      assert.equal(await exists(c, `/kubernetes.io/secrets/ns1/del-${col.toLowerCase()}`), !allowed, `DELETE as ${col}`);
    }
    assert.equal(fs.readdirSync(backups).filter((f) => f.endsWith('.db')).length, 3, 'three backups: operator, admin, admin certificate');

    // A certificate from another CA, even with the cluster client's CN and O=system:masters, is no credential.
    const foreign = await request(`${url}/conditions`, { ca, cert: openssl.foreign });
    assert.match(await assertStatus(foreign, 401, 'Unauthorized', 'a certificate from another CA'), /not one the cluster CA signed/);
  });

  it('tokens: printed once, never listed nor stored in clear; revoked and expired tokens refused; failed authentications rate-limited per client', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const created = await c.run(['token', 'create', 'ci', '--role', 'operator']);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^wdn_[A-Za-z0-9_-]{43}$/, 'the token alone on stdout');
    assert.match(created.stderr, /^token "ci" created \(role operator, expires \S+\): it is shown only now; /);
    assert.ok(!created.stderr.includes(token));
    const forever = await createToken(c, 'robot', 'viewer', ['--ttl', '0']);
    const short = await createToken(c, 'short', 'viewer', ['--ttl', '2s']);
    const tokens = [token, forever, short];

    const again = await c.run(['token', 'create', 'ci', '--role', 'viewer']);
    assert.equal(again.code, 1);
    assert.equal(again.stderr.trim(), 'Error: token "ci" already exists: pick another name, or revoke it first (`warden token revoke ci`)');
    assert.equal(again.stdout, '');
    const badRole = await c.run(['token', 'create', 'x', '--role', 'root']);
    assert.equal(badRole.code, 2);
    assert.equal(badRole.stderr.trim(), 'Error: unknown role "root": use viewer, operator or admin');
    const badName = await c.run(['token', 'create', 'Bad Name', '--role', 'viewer']);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr.trim(), /^Error: invalid token name "Bad Name": /);

    const listed = await c.run(['token', 'list', '-w', 'json']);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as { name: string; role: string; created: string; expires: string | null }[];
    assert.deepEqual(rows.map((r) => [r.name, r.role]), [['ci', 'operator'], ['robot', 'viewer'], ['short', 'viewer']]);
    assert.equal(rows[1]!.expires, null);
    assert.ok(Date.parse(rows[0]!.expires!) - Date.parse(rows[0]!.created) === 24 * 3600_000, 'the default TTL is 24h');
    const table = await c.run(['token', 'list']);
    assert.match(table.stdout, /NAME\s*\|\s*ROLE\s*\|\s*CREATED\s*\|\s*EXPIRES\s*\|\s*STATE/);
    const raw = await etcdctl(['--endpoints', await c.endpoints(), 'get', '/warden/tokens/', '--prefix', '-w', 'json']);
    const values = (JSON.parse(raw.stdout) as { kvs: { value: string }[] }).kvs.map((kv) => Buffer.from(kv.value, 'base64').toString());
    assert.equal(values.length, 3);
    for (const out of [listed.stdout, table.stdout, ...values]) for (const tk of tokens) assert.ok(!out.includes(tk) && !out.includes(tk.slice(4)), 'no token in list output or in etcd');
    assert.ok(values.every((v) => /"hash":"sha256:[0-9a-f]{64}"/.test(v)), 'etcd keeps a SHA-256');

    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--no-auto-defrag']);
    t.after(() => op.kill('SIGKILL'));
    const url = await operatorUrl(op);
    const { ca } = clusterPki(c);
    const get = (tk: string, localAddress?: string) => request(`${url}/conditions`, { ca, token: tk, ...(localAddress ? { localAddress } : {}) });
    assert.equal((await get(token)).status, 200);
    assert.equal((await get(forever)).status, 200);
    const expired = await waitUntil('the 2s token to expire', async () => {
      const r = await get(short);
      return r.status === 401 ? r : undefined;
    }, 10_000);
    assert.match(await assertStatus(expired, 401, 'Unauthorized', 'an expired token'), /^token "short" expired at /);
    assert.match((await c.run(['token', 'list'])).stdout, /short .*\| expired/);

    const revoked = await c.run(['token', 'revoke', 'ci']);
    assert.equal(revoked.stdout.trim(), 'token "ci" revoked');
    // Every operator learns it through its watch on /warden/tokens/.
    const refused = await waitUntil('the revoked token to be refused', async () => {
      const r = await get(token);
      return r.status === 401 ? r : undefined;
    }, 10_000);
    assert.match(await assertStatus(refused, 401, 'Unauthorized', 'a revoked token'), /invalid bearer token/);
    const gone = await c.run(['token', 'revoke', 'ci']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr.trim(), 'Error: no token named "ci": see `warden token list`');

    // Failed authentications so far: the expired and the revoked token (each once, at least). Up to
    // ten within a minute are answered 401; then this client is refused, whatever it presents.
    let failures = 0;
    for (;;) {
      const r = await get(`wdn_guess${failures}`);
      if (r.status === 429) {
        const retry = Number(r.headers.get('retry-after'));
        assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
        assert.match(await assertStatus(r, 429, 'TooManyRequests', 'after too many failures'), /too many failed authentications from 127\.0\.0\.1: try again in \d+s/);
        break;
      }
      assert.equal(r.status, 401);
      failures++;
      assert.ok(failures <= 10, 'refused after at most 10 failures');
    }
    assert.ok(failures >= 7, `${failures} guesses before the limit`);
    assert.equal((await get(forever)).status, 429, 'a good token from the same client waits too');
    assert.equal((await request(`${url}/conditions`, { ca })).status, 401, 'no credentials: 401, not a failure');
    assert.equal((await get(forever, '127.0.0.2')).status, 200, 'another client is not affected');
    assert.equal((await request(`${url}/healthz`, { ca })).status, 200, '/healthz stays open');
    for (const tk of tokens) assert.ok(!op.out.includes(tk), 'no token in the operator\'s log');
  });

  it('TLS by default: the cluster CA, or --tls-cert/--tls-key; a non-loopback --listen with TLS only; plain HTTP on loopback keeps authentication', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const dir = tempDir('listen');
    const { ca, client } = clusterPki(c);

    // Refused before anything starts.
    assertOneErrorLine(await c.run(['operator', '--insecure-http', '--listen', '0.0.0.0:0']), /^Error: --listen 0\.0\.0\.0 with --insecure-http: plain HTTP serves on loopback only /, { only: true });
    assertOneErrorLine(await c.run(['operator', '--tls-cert', `${dir}/x.crt`]), /^Error: --tls-cert and --tls-key go together: /, { only: true });
    assertOneErrorLine(await c.run(['operator', '--insecure-http', '--tls-cert', `${dir}/x.crt`, '--tls-key', `${dir}/x.key`]), /^Error: --insecure-http serves plain HTTP: /, { only: true });

    // Every address, over HTTPS: reachable on loopback and on this host's other addresses.
    const all = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '0.0.0.0:0', '--no-auto-defrag', '--id', 'op-all']);
    t.after(() => all.kill('SIGKILL'));
    const url = await operatorUrl(all);
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const port = new URL(url).port;
    assert.equal((await request(`${url}/conditions`, { ca, cert: client })).status, 200);
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (external) {
      const r = await request(`https://${external}:${port}/conditions`, { ca, cert: client });
      assert.equal(r.status, 200, `via ${external}: ${await r.clone().text()}`);
    }
    await assertStatus(await request(`${url}/conditions`, { ca, cert: client, headers: { host: `evil.example:${port}` } }), 421, 'MisdirectedRequest', 'a foreign Host on a wildcard listener');
    await assert.rejects(request(`http://127.0.0.1:${port}/healthz`), 'no plain HTTP on the TLS port');
    await assert.rejects(request(`${url}/healthz`), /self[- ]signed|unable to verify|issuer/, 'a client without the cluster CA does not trust the operator');
    all.kill('SIGTERM');
    assert.equal(await all.exited(), 0);

    // Plain HTTP: loopback only, and still no answer without credentials.
    const plain = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--insecure-http', '--metrics-public', '--no-auto-defrag', '--id', 'op-plain']);
    t.after(() => plain.kill('SIGKILL'));
    const plainUrl = await operatorUrl(plain);
    assert.match(plainUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    await assertStatus(await request(`${plainUrl}/api/v1/secrets`), 401, 'Unauthorized', 'plain HTTP without credentials');
    assert.match(await (await request(`${plainUrl}/metrics`)).text(), /^warden_operator_is_leader /m, '--metrics-public: /metrics without credentials');
    await assertStatus(await request(`${plainUrl}/conditions`), 401, 'Unauthorized', '--metrics-public opens /metrics only');
    assert.equal((await request(`${plainUrl}/api/v1/secrets`, { token: await createToken(c, 'plain', 'viewer') })).status, 200);
    plain.kill('SIGTERM');
    assert.equal(await plain.exited(), 0);

    // One's own certificate (another CA, naming op.test); client certificates are still the cluster CA's.
    const sh = (args: string[]) => assert.equal(spawnSync('openssl', args, { encoding: 'utf8' }).status, 0, `openssl ${args.join(' ')}`);
    sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${dir}/own-ca.key`, '-subj', '/CN=own CA', '-days', '1', '-out', `${dir}/own-ca.crt`]);
    sh(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${dir}/own.key`, '-subj', '/CN=op.test', '-out', `${dir}/own.csr`]);
    fs.writeFileSync(`${dir}/own.ext`, 'subjectAltName=DNS:op.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    sh(['x509', '-req', '-in', `${dir}/own.csr`, '-CA', `${dir}/own-ca.crt`, '-CAkey', `${dir}/own-ca.key`, '-set_serial', '7', '-days', '1', '-extfile', `${dir}/own.ext`, '-out', `${dir}/own.crt`]);
    assertOneErrorLine(await c.run(['operator', '--listen', '127.0.0.1:0', '--tls-cert', `${dir}/own.crt`, '--tls-key', `${dir}/own-ca.key`]), /^Error: --tls-cert .* \/ --tls-key .*: the key does not belong to the certificate: /, { only: true });
    const own = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--tls-cert', `${dir}/own.crt`, '--tls-key', `${dir}/own.key`, '--no-auto-defrag', '--id', 'op-own']);
    t.after(() => own.kill('SIGKILL'));
    const ownUrl = await operatorUrl(own);
    const ownCa = fs.readFileSync(`${dir}/own-ca.crt`);
    assert.equal((await request(`${ownUrl}/conditions`, { ca: ownCa, cert: client })).status, 200);
    assert.equal((await request(`${ownUrl}/conditions`, { ca: ownCa, cert: client, headers: { host: `op.test:${new URL(ownUrl).port}` } })).status, 200, 'a name of the certificate is served');
    await assert.rejects(request(`${ownUrl}/healthz`, { ca }), 'the cluster CA does not vouch for this certificate');
  });

});

/** Client certificates made with openssl: a viewer and one without a role from the cluster CA, and an impostor from another CA. */
function opensslCerts(c: TestCluster, dir: string): { viewer: ClientCert; noRole: ClientCert; foreign: ClientCert } {
  const tls = `${c.stateDir}/tls`;
  const ext = `${dir}/client.ext`;
  fs.writeFileSync(ext, 'extendedKeyUsage=clientAuth\n');
  const sh = (args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  };
  const make = (name: string, subject: string, caCert: string, caKey: string): ClientCert => {
    sh(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${dir}/${name}.key`, '-subj', subject, '-out', `${dir}/${name}.csr`]);
    sh(['x509', '-req', '-in', `${dir}/${name}.csr`, '-CA', caCert, '-CAkey', caKey, '-set_serial', String(Date.now()), '-days', '1', '-extfile', ext, '-out', `${dir}/${name}.crt`]);
    return { cert: fs.readFileSync(`${dir}/${name}.crt`), key: fs.readFileSync(`${dir}/${name}.key`) };
  };
  sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${dir}/other-ca.key`, '-subj', '/CN=another CA', '-days', '1', '-out', `${dir}/other-ca.crt`]);
  return {
    viewer: make('alice', '/CN=alice/O=warden:viewer', `${tls}/ca.crt`, `${tls}/ca.key`),
    noRole: make('bob', '/CN=bob/O=developers', `${tls}/ca.crt`, `${tls}/ca.key`),
    foreign: make('mallory', '/CN=etcd-warden client/O=system:masters', `${dir}/other-ca.crt`, `${dir}/other-ca.key`),
  };
}

// The operator's API as an attacker meets it (issue 12, "Why"): nothing readable or writable
// without credentials, roles per route, TLS by default, browser attacks (DNS rebinding, a
// cross-site form POST), oversized bodies refused without being read into memory, failed
// authentications rate-limited per client; tokens that are created, listed and revoked.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { describe, it } from 'node:test';
import { clusterPki, createToken, operatorUrl, request, type RequestOptions } from '../helpers/api.ts';
import { Background, etcdctl, startCluster, tempDir, type TestCluster } from '../helpers/warden.ts';

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
});

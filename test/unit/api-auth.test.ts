// The operator API's pure decisions: the role each request needs, the role a certificate
// carries, what a non-admin sees of a secret object, the failure limiter, and the Host, Origin
// and content-type checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureLimiter } from '../../src/auth/failures.ts';
import { certificateRole, metadataOnly, parseRole, requiredAccess, roleAtLeast } from '../../src/auth/roles.ts';
import { checkTokenName, hashToken, isExpired, newToken } from '../../src/auth/tokens.ts';
import { hostName, isJsonContentType, sameOrigin } from '../../src/operator/guard.ts';

test('reads need a viewer, actions an operator, other writes an admin; /healthz is public, /metrics with --metrics-public', () => {
  assert.equal(requiredAccess('GET', '/healthz'), 'public');
  assert.equal(requiredAccess('POST', '/healthz'), 'admin');
  assert.equal(requiredAccess('GET', '/metrics'), 'viewer');
  assert.equal(requiredAccess('GET', '/metrics', { metricsPublic: true }), 'public');
  for (const p of ['/conditions', '/events', '/api/v1/secrets', '/api/v1/namespaces/a/secrets/b', '/anything']) assert.equal(requiredAccess('GET', p), 'viewer', p);
  for (const a of ['backup', 'defrag', 'rotate', 'space-recover', 'unknown']) assert.equal(requiredAccess('POST', `/apis/warden.io/v1/actions/${a}`), 'operator');
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) assert.equal(requiredAccess(m, '/api/v1/namespaces/a/secrets/b'), 'admin', m);
  assert.ok(roleAtLeast('admin', 'operator') && roleAtLeast('operator', 'viewer') && !roleAtLeast('viewer', 'operator') && !roleAtLeast(undefined, 'viewer'));
  assert.throws(() => parseRole('root'), /unknown role "root": use viewer, operator or admin/);
});

test('a certificate gets the highest role of its organizations; the cluster client certificate is an admin', () => {
  const cn = 'etcd-warden client';
  assert.equal(certificateRole({ cn: 'alice', groups: ['warden:viewer'] }, cn), 'viewer');
  assert.equal(certificateRole({ cn: 'ops', groups: ['warden:viewer', 'warden:operator'] }, cn), 'operator');
  assert.equal(certificateRole({ cn: 'root', groups: ['system:masters'] }, cn), 'admin');
  assert.equal(certificateRole({ cn, groups: [] }, cn), 'admin');
  assert.equal(certificateRole({ cn: 'bob', groups: ['developers'] }, cn), undefined);
  assert.equal(certificateRole({ groups: [] }, cn), undefined);
});

test('metadata only: no data, no annotation that copies it, no managedFields', () => {
  const o = metadataOnly({
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data: { p: 'c2VjcmV0' }, stringData: { q: 'secret' },
    metadata: { name: 's', namespace: 'n', resourceVersion: '7', labels: { a: 'b' }, managedFields: [{ x: 1 }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"p":"c2VjcmV0"}}', team: 'web' } },
  });
  assert.deepEqual(o, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n', resourceVersion: '7', labels: { a: 'b' }, annotations: { team: 'web' } } });
  assert.deepEqual(metadataOnly({ metadata: { name: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } }), { metadata: { name: 'x' } });
});

test('failed authentications: the client is refused after max failures in the window, until the oldest leaves it', () => {
  const l = new FailureLimiter({ max: 3, windowMs: 1000 });
  l.fail('a', 0);
  l.fail('a', 100);
  assert.equal(l.blockedFor('a', 200), 0);
  l.fail('a', 200);
  assert.equal(l.blockedFor('a', 200), 800);
  assert.equal(l.blockedFor('b', 200), 0, 'per client');
  assert.equal(l.blockedFor('a', 999), 1);
  assert.equal(l.blockedFor('a', 1000), 0, 'the first failure left the window');
  l.fail('a', 1000);
  assert.equal(l.blockedFor('a', 1000), 100);
  assert.equal(l.blockedFor('a', 5000), 0);
  const small = new FailureLimiter({ max: 1, windowMs: 1000 }, 2);
  for (const c of ['x', 'y', 'z']) small.fail(c, 0);
  assert.equal(small.blockedFor('x', 1), 0, 'the least recent client is forgotten beyond maxClients');
  assert.ok(small.blockedFor('z', 1) > 0);
});

test('tokens: 256 random bits, a SHA-256 stored, names checked, expiry', () => {
  const t = newToken();
  assert.match(t, /^wdn_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newToken(), t);
  assert.match(hashToken(t), /^sha256:[0-9a-f]{64}$/);
  assert.ok(!hashToken(t).includes(t.slice(4)));
  assert.equal(checkTokenName('ci-deploy.1@team'), 'ci-deploy.1@team');
  for (const bad of ['', 'Upper', '-x', 'x-', 'a/b', 'a b', 'x'.repeat(64)]) assert.throws(() => checkTokenName(bad), /invalid token name/, bad);
  const r = { name: 'n', role: 'viewer' as const, created: '2026-01-01T00:00:00.000Z', expires: '2026-01-01T01:00:00.000Z', hash: 'sha256:00' };
  assert.equal(isExpired(r, new Date('2026-01-01T00:59:59Z')), false);
  assert.equal(isExpired(r, new Date('2026-01-01T01:00:00Z')), true);
  assert.equal(isExpired({ ...r, expires: undefined }, new Date('2099-01-01')), false);
});

test('Host names, same-origin and JSON content types', () => {
  assert.equal(hostName('LocalHost:9479'), 'localhost');
  assert.equal(hostName('127.0.0.1'), '127.0.0.1');
  assert.equal(hostName('[::1]:9479'), '::1');
  assert.equal(hostName('[::1]'), '::1');
  assert.equal(hostName('evil.example:9479'), 'evil.example');
  assert.ok(sameOrigin('https://127.0.0.1:9479', '127.0.0.1:9479', 'https'));
  assert.ok(sameOrigin('https://LOCALHOST:9479', 'localhost:9479', 'https'));
  assert.ok(sameOrigin('https://op.example', 'op.example:443', 'https'), 'default port');
  assert.ok(!sameOrigin('http://127.0.0.1:9479', '127.0.0.1:9479', 'https'), 'scheme');
  assert.ok(!sameOrigin('https://127.0.0.1:9480', '127.0.0.1:9479', 'https'), 'port');
  assert.ok(!sameOrigin('https://evil.example:9479', '127.0.0.1:9479', 'https'), 'host');
  assert.ok(!sameOrigin('null', '127.0.0.1:9479', 'https'), 'an opaque origin');
  for (const ok of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json']) assert.ok(isJsonContentType(ok), ok);
  for (const bad of [undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/json', 'application/jsonp']) assert.ok(!isJsonContentType(bad), String(bad));
});

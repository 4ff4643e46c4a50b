// A TLS cluster: clients must present a certificate; warden's own commands use its certificates.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { etcdctl, startCluster } from '../helpers/warden.ts';

describe('TLS cluster', () => {
  it('refuses a client without a certificate and serves warden and etcdctl with one', async (t) => {
    const c = await startCluster(t, ['--tls']);
    const tls = path.join(c.stateDir, 'tls');
    // The CA and the admin's client key in the state dir; each member serves with its agent's key.
    const agentKeys = ['etcd-1', 'etcd-2', 'etcd-3'].map((m) => path.join(c.stateDir, 'agents', m, 'tls', 'agent.key'));
    for (const key of [path.join(tls, 'ca.key'), path.join(tls, 'client.key'), ...agentKeys]) {
      assert.equal(fs.statSync(key).mode & 0o777, 0o600, `${key} is 0600`);
    }
    const eps = await c.endpoints();
    assert.match(eps, /^https:\/\//);

    const noCert = await etcdctl(['--endpoints', eps, '--cacert', path.join(tls, 'ca.crt'), '--dial-timeout=2s', '--command-timeout=3s', 'put', 'x', 'y']);
    assert.notEqual(noCert.code, 0, 'a client without a certificate is refused');

    const withCert = await etcdctl(['--endpoints', eps, '--cacert', path.join(tls, 'ca.crt'), '--cert', path.join(tls, 'client.crt'), '--key', path.join(tls, 'client.key'), 'put', 'x', 'y']);
    assert.equal(withCert.code, 0, withCert.stderr);

    const get = await c.run(['get', 'x', '--print-value-only']);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout.trim(), 'y');
    const health = await c.run(['endpoint', 'health', '--cluster']);
    assert.equal(health.code, 0, health.stderr);

    // warden with explicit endpoints but no client certificate is refused too, in one line.
    const bare = await c.run(['--endpoints', eps, '--cacert', path.join(tls, 'ca.crt'), '--command-timeout', '3s', 'get', 'x']);
    assert.notEqual(bare.code, 0);
    assert.equal(bare.stderr.trim().split('\n').length, 1, bare.stderr);
    const explicit = await c.run(['--endpoints', eps, '--cacert', path.join(tls, 'ca.crt'), '--cert', path.join(tls, 'client.crt'), '--key', path.join(tls, 'client.key'), 'get', 'x', '--print-value-only']);
    assert.equal(explicit.stdout.trim(), 'y', explicit.stderr);
  });
});

// A client certificate signed with a member's own CA (kubeadm's RSA one, or an ECDSA one), as an
// agent issues it to the admin: etcd (Go) finds the issuer by its name's exact bytes, so the
// certificate must carry the CA's own encoding of it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import 'reflect-metadata'; // before @peculiar/x509, as src/cluster/tls.ts loads it
import { agentKeyRequest, signClientRequestWith } from '../../src/cluster/tls.ts';
import { tempDir } from '../helpers/warden.ts';

function openssl(cwd: string, ...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

describe('signing with a member\'s own CA', () => {
  for (const kind of ['rsa (PKCS #1, as kubeadm writes it)', 'ecdsa P-256'] as const) {
    it(`${kind}: the certificate verifies against the CA, names it byte for byte, and is for the requester's key`, async () => {
      const dir = tempDir('ca');
      if (kind.startsWith('rsa')) {
        openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=etcd-ca');
        openssl(dir, 'rsa', '-in', 'k', '-out', 'ca.key', '-traditional');
        assert.match(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), /BEGIN RSA PRIVATE KEY/);
      } else {
        openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=etcd-ca');
      }
      const { keyPem, csrPem } = await agentKeyRequest();
      const pem = await signClientRequestWith(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'), fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), csrPem, 'CN=etcd-warden admin');
      fs.writeFileSync(path.join(dir, 'client.crt'), pem);
      const verify = spawnSync('openssl', ['verify', '-CAfile', 'ca.crt', '-purpose', 'sslclient', 'client.crt'], { cwd: dir, encoding: 'utf8' });
      assert.match(verify.stdout, /client\.crt: OK/, verify.stderr);
      const x509 = await import('@peculiar/x509');
      const cert = new x509.X509Certificate(pem);
      const ca = new x509.X509Certificate(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'));
      assert.deepEqual(Buffer.from(cert.issuerName.toArrayBuffer()), Buffer.from(ca.subjectName.toArrayBuffer()));
      assert.ok(new crypto.X509Certificate(pem).checkPrivateKey(crypto.createPrivateKey(keyPem)));
    });
  }

  it('a request whose signature does not verify is refused', async () => {
    const dir = tempDir('ca');
    openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=etcd-ca');
    const { csrPem } = await agentKeyRequest();
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    der.writeUInt8((der.at(-5) ?? 0) ^ 0xff, der.length - 5); // inside the signature
    const bad = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await assert.rejects(signClientRequestWith(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'), fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), bad, 'CN=x'), /does not verify/);
  });
});

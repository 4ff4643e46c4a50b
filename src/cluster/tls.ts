// Certificates for a TLS cluster: one CA, one server/peer certificate for every member
// (127.0.0.1 and localhost), and one client certificate for warden and other clients. A cluster
// without TLS gets the CA and the client certificate too: the operator's HTTPS listener gets its
// server certificate from it (made in memory at each start) and trusts client certificates it signed.
// ECDSA P-256 keeps generation instant; keys are written 0600 and never printed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { waitFor } from '../util/wait.ts';

type X509 = typeof import('@peculiar/x509');

/** Loaded on first use (certificates: an agent's start, cluster init, TLS), as it is slow to load. */
async function loadX509(): Promise<X509> {
  await import('reflect-metadata'); // @peculiar/x509 (tsyringe) needs it loaded first
  const mod = await import('@peculiar/x509');
  // Bundled (bin/warden.js bundles it: ~0.3 s less CPU at an agent's start), its CommonJS
  // exports arrive as `default`.
  const x509 = ((mod as { cryptoProvider?: unknown }).cryptoProvider ? mod : (mod as unknown as { default: X509 }).default) as X509;
  x509.cryptoProvider.set(crypto.webcrypto as unknown as Crypto);
  return x509;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface TlsFiles {
  ca: string;
  caKey: string;
  clientCert: string;
  clientKey: string;
}

export function tlsFiles(dir: string): TlsFiles {
  return {
    ca: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    clientCert: path.join(dir, 'client.crt'),
    clientKey: path.join(dir, 'client.key'),
  };
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await crypto.webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.webcrypto.subtle.exportKey('pkcs8', key));
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  // Positive 16-byte serial: clear the top bit.
  const b = crypto.randomBytes(16);
  b[0] = (b[0] as number) & 0x7f;
  return b.toString('hex');
}

interface Ca {
  cert: import('@peculiar/x509').X509Certificate;
  keys: { privateKey: CryptoKey };
}

async function newCa(x509: X509): Promise<{ ca: Ca; certPem: string; keyPem: string }> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 10 * YEAR_MS);
  const caKeys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=etcd-warden CA',
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  return { ca: { cert, keys: caKeys }, certPem: cert.toString('pem'), keyPem: await pkcs8Pem(caKeys.privateKey) };
}

/** A certificate signed by the CA: `subject` as `CN=...[, O=...]`, extended key usages, and SANs. */
async function leaf(x509: X509, ca: Ca, subject: string, eku: string[], san: { type: 'ip' | 'dns'; value: string }[]): Promise<{ pem: string; key: string }> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 10 * YEAR_MS),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(eku),
      ...(san.length ? [new x509.SubjectAlternativeNameExtension(san)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { pem: cert.toString('pem'), key: await pkcs8Pem(keys.privateKey) };
}

/** The CN of the client certificate warden makes for itself (the operator's API maps it to admin). */
export const CLUSTER_CLIENT_CN = 'etcd-warden client';

/**
 * Makes sure `dir` holds the cluster CA and the admin's client certificate (an admin of the
 * operator's API and of the agents; with --tls, also etcd's client). Safe against a concurrent caller: the CA is
 * published by hard links that fail when another process published first, key before
 * certificate, so whoever sees ca.crt finds ca.key beside it. Returns true when it created it.
 */
export async function ensureClusterCa(dir: string): Promise<boolean> {
  const files = tlsFiles(dir);
  if (fs.existsSync(files.ca)) return false;
  const x509 = await loadX509();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { ca, certPem, keyPem } = await newCa(x509);
  const client = await leaf(x509, ca, `CN=${CLUSTER_CLIENT_CN}`, [x509.ExtendedKeyUsage.clientAuth], []);
  const tmp = fs.mkdtempSync(path.join(dir, '.new-ca-'));
  try {
    const put = (name: string, data: string, mode: number) => writeFileAtomic(path.join(tmp, name), data, mode);
    put('ca.key', keyPem, 0o600);
    put('ca.crt', certPem, 0o644);
    put('client.key', client.key, 0o600);
    put('client.crt', client.pem, 0o644);
    try {
      fs.linkSync(path.join(tmp, 'ca.key'), files.caKey);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another process publishes it: ca.crt comes last.
      await waitFor(() => fs.existsSync(files.ca), { what: `${files.ca}`, timeoutMs: 10_000, intervalMs: 50 }).catch(() => {
        throw new WardenError(`${dir} holds ca.key but no ca.crt (a CA creation was interrupted): remove ${files.caKey} and start again`);
      });
      return false;
    }
    for (const [name, to] of [['client.key', files.clientKey], ['client.crt', files.clientCert], ['ca.crt', files.ca]] as const) fs.linkSync(path.join(tmp, name), to);
    return true;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The CA in `dir` (certificate and key), to sign with. */
async function loadCa(x509: X509, dir: string): Promise<Ca> {
  const files = tlsFiles(dir);
  const cert = new x509.X509Certificate(fs.readFileSync(files.ca, 'utf8'));
  const pem = fs.readFileSync(files.caKey, 'utf8');
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const privateKey = await crypto.webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
  return { cert, keys: { privateKey } };
}

/**
 * A server certificate for the operator's listener, signed by the cluster CA in `dir`, naming
 * `hosts` (IP addresses and DNS names). Made in memory at every start: its key never touches
 * the disk, and it always names the addresses served.
 */
export async function issueServerCertificate(dir: string, hosts: string[]): Promise<{ cert: string; key: string }> {
  const x509 = await loadX509();
  const ca = await loadCa(x509, dir);
  const san = [...new Set(hosts)].map((h) => (net.isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }));
  const { pem, key } = await leaf(x509, ca, 'CN=etcd-warden operator', [x509.ExtendedKeyUsage.serverAuth], san);
  return { cert: pem, key };
}

/** A client certificate signed by the cluster CA in `dir` (e.g. `CN=alice, O=warden:viewer`). */
export async function issueClientCertificate(dir: string, subject: string): Promise<{ cert: string; key: string }> {
  const x509 = await loadX509();
  const ca = await loadCa(x509, dir);
  const { pem, key } = await leaf(x509, ca, subject, [x509.ExtendedKeyUsage.clientAuth], []);
  return { cert: pem, key };
}

/**
 * The files warden's own etcd client uses: the cluster CA and the admin's client certificate,
 * or, for members adopted with their own CA (kubeadm's /etc/kubernetes/pki/etcd), the member CA
 * and the client certificate an agent signed with it (`etcd-ca.crt`, `etcd-client.{crt,key}`).
 */
export function etcdClientFiles(dir: string): { ca: string; cert: string; key: string } {
  const own = memberCaClientFiles(dir);
  if (fs.existsSync(own.cert)) return own;
  const f = tlsFiles(dir);
  return { ca: f.ca, cert: f.clientCert, key: f.clientKey };
}

/** Where the admin keeps a client certificate of members' own CA (cluster init writes them, the certificate last). */
export function memberCaClientFiles(dir: string): { ca: string; cert: string; key: string } {
  return { ca: path.join(dir, 'etcd-ca.crt'), cert: path.join(dir, 'etcd-client.crt'), key: path.join(dir, 'etcd-client.key') };
}

/**
 * Signs a client certificate request with a CA given as PEM files' contents, of any key type
 * kubeadm or OpenShift use (RSA or ECDSA): how an agent issues the admin a client certificate of
 * the member's own CA. The request's signature is checked; the subject is the one given.
 */
export async function signClientRequestWith(caCertPem: string, caKeyPem: string, csrPem: string, subject: string, validMs = YEAR_MS): Promise<string> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(caCertPem);
  const key = crypto.createPrivateKey(caKeyPem);
  const rsa = key.asymmetricKeyType === 'rsa';
  const alg = rsa ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: (key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'P-384' : 'P-256'), hash: 'SHA-256' };
  if (!rsa && key.asymmetricKeyType !== 'ec') throw new WardenError(`the CA key is ${key.asymmetricKeyType}: only RSA and ECDSA CA keys can sign here`);
  const signingKey = await crypto.webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), alg, false, ['sign']);
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await csr.verify())) throw new WardenError('the certificate request\'s signature does not verify');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    // The CA's own encoding of its name: verifiers (Go's, so etcd's) match the issuer byte for byte.
    issuer: caCert.subjectName,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + validMs),
    signingAlgorithm: alg,
    publicKey: await csr.publicKey.export(),
    signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return cert.toString('pem');
}

/** The organization of every agent's certificate (its group; it grants no role on the operator's API). */
export const AGENT_GROUP = 'warden:agent';

/**
 * An agent's new key and a certificate request for it (PKCS #10, PEM): the key stays on the
 * agent's host; only the request travels to the admin who signs it.
 */
export async function agentKeyRequest(): Promise<{ keyPem: string; csrPem: string }> {
  const x509 = await loadX509();
  const keys = await keyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=etcd-warden agent', keys, signingAlgorithm: ALG });
  return { keyPem: await pkcs8Pem(keys.privateKey), csrPem: csr.toString('pem') };
}

/**
 * Signs an agent's certificate request with the CA in `dir`: the request gives only its key
 * (its signature checked); the names are the address the admin reached the agent at, so an
 * agent cannot ask for a name it was not reached by. Server and client usage: the agent serves
 * its API, and its member's etcd uses it as server and peer certificate.
 */
export async function signAgentRequest(dir: string, csrPem: string, host: string): Promise<string> {
  const x509 = await loadX509();
  const ca = await loadCa(x509, dir);
  let csr: import('@peculiar/x509').Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (err) {
    throw new WardenError(`the agent at ${host} sent a certificate request that cannot be read (${(err as Error).message}): check that it runs this warden version`);
  }
  if (!(await csr.verify())) throw new WardenError(`the agent at ${host} sent a certificate request whose signature does not verify: check that it runs this warden version`);
  const names = [{ type: net.isIP(host) ? ('ip' as const) : ('dns' as const), value: host }];
  if (host !== '127.0.0.1' && net.isIP(host)) names.push({ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' });
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=etcd-warden agent ${host}, O=${AGENT_GROUP}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 10 * YEAR_MS),
    signingAlgorithm: ALG,
    publicKey: await csr.publicKey.export(),
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return cert.toString('pem');
}

/**
 * A self-signed server certificate made in memory, for an agent that has not joined a cluster
 * yet: the bootstrap proofs, not a CA, tell the admin it is the agent holding the token.
 */
export async function throwawayServerCertificate(): Promise<{ cert: string; key: string }> {
  const x509 = await loadX509();
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=etcd-warden agent (not joined)',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + YEAR_MS),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  return { cert: cert.toString('pem'), key: await pkcs8Pem(keys.privateKey) };
}

// Certificates for a TLS cluster: one CA, one server/peer certificate for every member
// (127.0.0.1 and localhost), and one client certificate for warden and other clients.
// ECDSA P-256 keeps generation instant; keys are written 0600 and never printed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/fsutil.ts';

type X509 = typeof import('@peculiar/x509');

/** Loaded on first use: only `cluster up --tls` needs it, and it is slow to load. */
async function loadX509(): Promise<X509> {
  await import('reflect-metadata'); // @peculiar/x509 (tsyringe) needs it loaded first
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(crypto.webcrypto as unknown as Crypto);
  return x509;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface TlsFiles {
  ca: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export function tlsFiles(dir: string): TlsFiles {
  return {
    ca: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'server.crt'),
    serverKey: path.join(dir, 'server.key'),
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

/** Generates the CA and certificates into `dir` (created 0700). */
export async function generateClusterTls(dir: string): Promise<TlsFiles> {
  const x509 = await loadX509();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = tlsFiles(dir);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 10 * YEAR_MS);

  const caKeys = await keyPair();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
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

  const leaf = async (cn: string, eku: string[], san: boolean) => {
    const keys = await keyPair();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${cn}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: ALG,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension(eku),
        ...(san
          ? [new x509.SubjectAlternativeNameExtension([
              { type: 'ip', value: '127.0.0.1' },
              { type: 'dns', value: 'localhost' },
            ])]
          : []),
        await x509.AuthorityKeyIdentifierExtension.create(ca),
      ],
    });
    return { pem: cert.toString('pem'), key: await pkcs8Pem(keys.privateKey) };
  };

  // Members use one certificate as server and as peer: peers authenticate each other as
  // clients too, so it carries both usages.
  const server = await leaf('etcd-warden member', [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], true);
  const client = await leaf('etcd-warden client', [x509.ExtendedKeyUsage.clientAuth], false);

  writeFileAtomic(files.ca, ca.toString('pem'), 0o644);
  writeFileAtomic(files.caKey, await pkcs8Pem(caKeys.privateKey), 0o600);
  writeFileAtomic(files.serverCert, server.pem, 0o644);
  writeFileAtomic(files.serverKey, server.key, 0o600);
  writeFileAtomic(files.clientCert, client.pem, 0o644);
  writeFileAtomic(files.clientKey, client.key, 0o600);
  return files;
}

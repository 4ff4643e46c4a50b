// What the operator's listener serves: the host names and addresses it answers to (the Host
// check and the server certificate's names), and its TLS material: a certificate the cluster CA
// signs at each start (its key stays in memory), or the user's own (--tls-cert/--tls-key).
// Client certificates are checked against the cluster CA either way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { UsageError, WardenError } from '../errors.ts';
import { ensureClusterCa, issueServerCertificate, tlsFiles } from '../cluster/tls.ts';
import { LOOPBACK_HOSTS } from '../util/ports.ts';

export const WILDCARD_HOSTS = ['0.0.0.0', '::'];

/** How the operator's API listens (flags of `warden operator` and `warden run`). */
export interface ApiListenOptions {
  /** Plain HTTP, loopback only (--insecure-http). */
  insecureHttp?: boolean;
  /** The server certificate and key to use instead of one from the cluster CA (PEM files). */
  certFile?: string;
  keyFile?: string;
  /** /metrics without authentication (--metrics-public). */
  metricsPublic?: boolean;
  /** false: no authentication at all. Only a benchmark's reference sets it; no flag does. */
  authenticate?: boolean;
}

export interface PreparedListener {
  tls?: { cert: string | Buffer; key: string | Buffer; clientCa: Buffer };
  /** Host names and addresses served (lowercase; IPv6 without brackets). */
  hosts: string[];
  /** Where the server certificate comes from, for the start-up line. */
  certificate: string;
}

/** The names a listener bound to `host` answers to: loopback, and the address (or every one, for a wildcard) with this host's name. */
export function servedHosts(host: string): string[] {
  const names = new Set([...LOOPBACK_HOSTS, host.toLowerCase()]);
  if (WILDCARD_HOSTS.includes(host)) {
    names.delete(host);
    names.add(os.hostname().toLowerCase());
    for (const addrs of Object.values(os.networkInterfaces())) {
      for (const a of addrs ?? []) names.add(a.address.replace(/%.*$/, '').toLowerCase());
    }
  }
  return [...names];
}

/** The DNS names and IP addresses a certificate's subjectAltName lists. */
function certificateNames(cert: crypto.X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(/,\s*/).map((e) => /^(?:DNS|IP Address):(.+)$/.exec(e)?.[1]?.toLowerCase()).filter((n): n is string => !!n);
}

function readFile(file: string, flag: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new WardenError(`cannot read ${flag} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check the path`);
  }
}

/** Checks the options and makes (or reads) the TLS material for a listener on `host`. */
export async function prepareListener(tlsDir: string, host: string, o: ApiListenOptions): Promise<PreparedListener> {
  const hosts = servedHosts(host);
  if (o.insecureHttp) {
    if (o.certFile || o.keyFile) throw new UsageError('--insecure-http serves plain HTTP: drop --tls-cert/--tls-key, or drop --insecure-http');
    if (!LOOPBACK_HOSTS.includes(host)) throw new UsageError(`--listen ${host} with --insecure-http: plain HTTP serves on loopback only (127.0.0.1, localhost, ::1); drop --insecure-http to serve HTTPS with authentication on ${host}`);
    return { hosts, certificate: 'none (plain HTTP)' };
  }
  if (!!o.certFile !== !!o.keyFile) throw new UsageError('--tls-cert and --tls-key go together: give both, or neither (a certificate from the cluster CA is used then)');
  await ensureClusterCa(tlsDir);
  const clientCa = fs.readFileSync(tlsFiles(tlsDir).ca);
  if (o.certFile && o.keyFile) {
    const cert = readFile(o.certFile, '--tls-cert');
    const key = readFile(o.keyFile, '--tls-key');
    let x509: crypto.X509Certificate;
    try {
      x509 = new crypto.X509Certificate(cert);
      if (!x509.checkPrivateKey(crypto.createPrivateKey(key))) throw new Error('the key does not belong to the certificate');
    } catch (err) {
      throw new WardenError(`--tls-cert ${o.certFile} / --tls-key ${o.keyFile}: ${(err as Error).message}: give a PEM certificate and its private key`);
    }
    return { tls: { cert, key, clientCa }, hosts: [...new Set([...hosts, ...certificateNames(x509)])], certificate: o.certFile };
  }
  const issued = await issueServerCertificate(tlsDir, hosts);
  return { tls: { ...issued, clientCa }, hosts, certificate: `signed by the cluster CA ${tlsFiles(tlsDir).ca}` };
}

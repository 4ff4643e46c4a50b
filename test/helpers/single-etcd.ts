// Test helper: one real single-member etcd on free loopback ports, in its own temp directory,
// optionally with TLS (certificates made with the openssl CLI) and client-certificate auth.
// Owns starting it, waiting until it serves /health, and stopping it without leaving a process
// or a directory behind.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { freePorts } from '../../src/util/ports.ts';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before } from 'node:test';
import { EtcdClient } from '../../src/etcd/client.ts';

const execFileP = promisify(execFile);

export { freePorts };

export interface TestTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface SingleEtcd {
  /** Client URL, `http://127.0.0.1:<port>` or `https://...` with TLS. */
  endpoint: string;
  /** The temp directory holding data, certificates and the etcd log. */
  dir: string;
  dataDir: string;
  peerUrl: string;
  /** Client certificate material (CN=root) when started with `tls`. */
  tls?: TestTls;
  /** `--endpoints` plus, with TLS, `--cacert/--cert/--key`: prefix for etcdctl calls. */
  ctlArgs: string[];
  /** Runs etcdctl against this member and returns stdout. */
  etcdctl(args: string[]): Promise<string>;
  /** Freezes the process (SIGSTOP) until `resume` (SIGCONT): it answers nothing meanwhile. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface SingleEtcdOptions {
  tls?: boolean;
  extraArgs?: string[];
  /** How long to wait for /health (default 20 s). */
  startTimeoutMs?: number;
  /** A snapshot file to restore (`etcdctl snapshot restore`) into the data dir before starting. */
  restoreFrom?: string;
}

const running = new Set<ChildProcess>();
// Last resort if a test process dies without running its `after` hooks: never leak an etcd.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** PIDs of etcd processes this helper started in this process that have not exited. */
export function liveEtcdPids(): number[] {
  return [...running].map((c) => c.pid!).filter((pid) => pid !== undefined);
}

export async function startSingleEtcd(opts: SingleEtcdOptions = {}): Promise<SingleEtcd> {
  const root = process.env.WARDEN_TEST_ROOT ?? os.tmpdir();
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(path.join(root, 'etcd-'));
  const dataDir = path.join(dir, 'data');
  const [clientPort, peerPort] = await freePorts(2);
  const scheme = opts.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const tls = opts.tls ? await makeCerts(path.join(dir, 'pki')) : undefined;

  const args = [
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--initial-cluster-state=new',
    `--initial-cluster-token=test-${clientPort}`,
    '--logger=zap',
    ...(tls
      ? [`--cert-file=${tls.serverCertFile}`, `--key-file=${tls.serverKeyFile}`, `--trusted-ca-file=${tls.caFile}`, '--client-cert-auth']
      : []),
    ...(opts.extraArgs ?? []),
  ];
  if (opts.restoreFrom) {
    await execFileP('etcdctl', ['snapshot', 'restore', opts.restoreFrom, '--name=default', `--data-dir=${dataDir}`, `--initial-cluster=default=${peerUrl}`,
      `--initial-cluster-token=test-${clientPort}`, `--initial-advertise-peer-urls=${peerUrl}`], { env: { ...process.env, ETCDCTL_API: '3' } }).catch(async (err: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw err;
    });
  }
  const logFile = path.join(dir, 'etcd.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn('etcd', args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  running.add(child);
  let exited = child.exitCode !== null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
  });

  const clientTls = tls && { ca: tls.ca, cert: tls.cert, key: tls.key, caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile };
  const ctlArgs = [`--endpoints=${endpoint}`, ...(tls ? [`--cacert=${tls.caFile}`, `--cert=${tls.certFile}`, `--key=${tls.keyFile}`] : [])];

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (!exited) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exitPromise;
        clearTimeout(killTimer);
      }
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    await waitHealthy(endpoint, tls, () => exited, opts.startTimeoutMs ?? 20_000);
  } catch (err) {
    const log = tail(logFile);
    await stop();
    throw new Error(`${(err as Error).message}; etcd log tail:\n${log}`, { cause: err });
  }

  return {
    endpoint,
    dir,
    dataDir,
    peerUrl,
    ...(clientTls ? { tls: clientTls } : {}),
    ctlArgs,
    etcdctl: async (ctl) => (await execFileP('etcdctl', [...ctlArgs, ...ctl], { env: { ...process.env, ETCDCTL_API: '3' } })).stdout,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop,
  };
}

async function waitHealthy(
  endpoint: string,
  tls: { ca: Buffer; cert: Buffer; key: Buffer } | undefined,
  hasExited: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`etcd at ${endpoint} exited before becoming healthy`);
    try {
      const body = await fetchHealth(`${endpoint}/health`, tls);
      if (/"health":\s*"true"/.test(body)) return;
      last = body;
    } catch (err) {
      last = (err as Error).message;
    }
    // A short pause between polls only paces the loop; the condition above decides.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`etcd at ${endpoint} not healthy within ${timeoutMs} ms (last: ${last})`);
}

function fetchHealth(url: string, tls: { ca: Buffer; cert: Buffer; key: Buffer } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    };
    const req = tls ? httpsGet(url, { ca: tls.ca, cert: tls.cert, key: tls.key, timeout: 1000 }, onResponse) : httpGet(url, { timeout: 1000 }, onResponse);
    req.on('timeout', () => req.destroy(new Error('health request timed out')));
    req.on('error', reject);
  });
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate with CN=root. */
async function makeCerts(dir: string): Promise<TestTls & { serverCertFile: string; serverKeyFile: string }> {
  await mkdir(dir, { recursive: true });
  const f = (name: string): string => path.join(dir, name);
  const openssl = (args: string[]): Promise<unknown> => execFileP('openssl', args, { cwd: dir });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=warden-test-ca']);
  const issue = async (name: string, cn: string, ext: string): Promise<void> => {
    await writeFile(f(`${name}.ext`), ext);
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${cn}`]);
    await openssl(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.crt`), '-days', '2', '-extfile', f(`${name}.ext`)]);
  };
  await issue('server', 'etcd-server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  await issue('client', 'root', 'extendedKeyUsage=clientAuth\n');
  return {
    ca: readFileSync(f('ca.crt')),
    cert: readFileSync(f('client.crt')),
    key: readFileSync(f('client.key')),
    caFile: f('ca.crt'),
    certFile: f('client.crt'),
    keyFile: f('client.key'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * One etcd and a client of it for every test of the describe block this is called in: started
 * before the first test, stopped after the last. Its fields are set once the block runs.
 */
export function suiteEtcd(): { etcd: SingleEtcd; client: EtcdClient } {
  const s = {} as { etcd: SingleEtcd; client: EtcdClient };
  before(async () => {
    s.etcd = await startSingleEtcd();
    s.client = new EtcdClient({ endpoints: [s.etcd.endpoint] });
  });
  after(async () => {
    s.client?.close();
    await s.etcd?.stop();
  });
  return s;
}


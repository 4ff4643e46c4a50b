// The operator API's security costs (issue 12): the resource API's request rate over HTTPS with
// a bearer token (what every client now does) vs plain HTTP without authentication (what it was),
// same operator code, same requests. Target: >= 0.85 of the plain rate.
//
// Each side is an operator of its own, started by this same script in a child process
// (`--serve tls|plain`), so the client here and the server do not share one event loop. Clients
// keep their connections alive (16 of them, as a controller's client pool would), so the TLS
// handshake is paid once per connection and what is measured is the per-request cost: record
// encryption, the token check, the Host/Origin checks. Both sides run at once in rounds of 1.5 s,
// so both meet the same load from whatever else runs on the machine; the median of the
// per-round ratios of completed requests is reported.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToken } from '../src/auth/tokens.ts';
import { EtcdClient } from '../src/etcd/client.ts';
import { Operator } from '../src/operator/operator.ts';
import { pool, report, startCluster } from './helpers.ts';

const SELF = fileURLToPath(import.meta.url);

async function serve(mode: string, stateDir: string, endpoints: string[]): Promise<void> {
  const client = new EtcdClient({ endpoints });
  const op = new Operator({
    client, stateDir, listenHost: '127.0.0.1', listenPort: 0, leaseTtlSeconds: 10, controllers: [], log: () => undefined,
    api: mode === 'plain' ? { insecureHttp: true, authenticate: false } : {},
  });
  await op.start();
  process.stdout.write(`URL ${op.url}\n`);
  process.on('SIGTERM', () => void op.stop().finally(() => {
    client.close();
    process.exit(0);
  }));
}

function startServer(mode: string, stateDir: string, endpoints: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--serve', mode, stateDir, endpoints.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^URL (\S+)$/m.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited ${code}`)));
  });
}

function getter(url: string, o: { ca?: Buffer; token?: string }): (p: string) => Promise<number> {
  const tls = url.startsWith('https:');
  const agent = tls ? new https.Agent({ keepAlive: true, maxSockets: 16, ...(o.ca ? { ca: o.ca } : {}) }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
  const headers = o.token ? { authorization: `Bearer ${o.token}` } : {};
  return (p) => new Promise((resolve, reject) => {
    const req = (tls ? https : http).request(`${url}${p}`, { agent, headers }, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => (n += d.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`GET ${p}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const cluster = startCluster(1);
  const client = new EtcdClient({ endpoints: cluster.endpoints });
  const servers: ChildProcess[] = [];
  try {
    const value = Buffer.alloc(1024, 7).toString('base64');
    const objects = 200;
    await pool(objects, 16, (i) => client.put(`/kubernetes.io/secrets/bench/s-${i}`, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${i}`, namespace: 'bench' }, data: { v: value } })));
    const { token } = await createToken(client, { name: 'bench', role: 'admin' });
    const ca = fs.readFileSync(path.join(cluster.stateDir, 'tls', 'ca.crt'));
    const plain = await startServer('plain', cluster.stateDir, cluster.endpoints);
    const secure = await startServer('tls', cluster.stateDir, cluster.endpoints);
    servers.push(plain.child, secure.child);
    const getPlain = getter(plain.url, {});
    const getSecure = getter(secure.url, { ca, token });
    // Both sides at once, 16 connections each, for rounds of 1.5 s: whatever else loads the machine
    // loads both alike, and the ratio of their completed requests is the ratio of their rates.
    const roundMs = 1500;
    const drive = async (get: (p: string) => Promise<number>, until: number) => {
      let done = 0;
      await Promise.all(Array.from({ length: 16 }, async (_, w) => {
        for (let i = w; performance.now() < until; i += 16) {
          await get(`/api/v1/namespaces/bench/secrets/s-${i % objects}`);
          done++;
        }
      }));
      return done;
    };
    const round = async () => {
      const t0 = performance.now();
      const until = t0 + roundMs;
      const [p, s] = await Promise.all([drive(getPlain, until), drive(getSecure, until)]);
      const secs = (performance.now() - t0) / 1000;
      return { p: p / secs, s: s / secs };
    };
    await round(); // warm-up: connections, JIT, etcd caches
    const ratios: number[] = [];
    const plainRates: number[] = [];
    const secureRates: number[] = [];
    for (let r = 0; r < 10; r++) {
      const { p, s } = await round();
      plainRates.push(p);
      secureRates.push(s);
      ratios.push(s / p);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const load = os.loadavg()[0]!.toFixed(2);
    report('resource API GET rate, HTTPS + bearer token vs plain HTTP without auth (keep-alive, 16 connections)', median(ratios), '>=0.85',
      `HTTPS+token ${median(secureRates).toFixed(0)} req/s, plain ${median(plainRates).toFixed(0)} req/s (medians of ${ratios.length} rounds of ${roundMs / 1000} s, both at once); per-round ratios ${ratios.map((x) => x.toFixed(2)).join(' ')}; load average ${load}`);
  } finally {
    for (const s of servers) s.kill('SIGTERM');
    client.close();
    cluster.stop();
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!, process.argv[4]!, process.argv[5]!.split(','));
else await main();

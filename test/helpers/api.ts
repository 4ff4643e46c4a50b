// Talking to the operator's API as a client does: HTTPS with the cluster CA (Node's fetch cannot
// take a custom CA or a client certificate without undici's Agent, so this is node:https), a
// bearer token or a client certificate, and keep-alive connections.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import type { Background, TestCluster } from './warden.ts';

export interface ClientCert {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface Credentials {
  token?: string;
  cert?: ClientCert;
}

export interface RequestOptions extends Credentials {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The CA that signed the operator's certificate (default: none, for plain HTTP). */
  ca?: string | Buffer;
  /** A source address on the loopback network (127.0.0.2 ...), to be another client. */
  localAddress?: string;
  agent?: http.Agent;
}

/** One request; the answer as a fetch Response (status, headers, text(), json()). */
export function request(url: string, o: RequestOptions = {}): Promise<Response> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...o.headers };
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(Buffer.byteLength(o.body));
  const base = { method: o.method ?? 'GET', headers, ...(o.localAddress ? { localAddress: o.localAddress } : {}), ...(o.agent ? { agent: o.agent } : {}) };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('error', reject);
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 0;
        const body = [204, 304].includes(status) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers: h }));
      });
    };
    const req = u.protocol === 'https:'
      ? https.request(u, {
        ...base, ...(o.ca ? { ca: o.ca } : {}), ...(o.cert ? { cert: o.cert.cert, key: o.cert.key } : {}),
        // The certificate is checked against the URL's host, not a Host header a test forges.
        checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(u.hostname.replace(/^\[|\]$/g, ''), cert),
      }, onResponse)
      : http.request(u, base, onResponse);
    req.on('error', reject);
    req.end(o.body);
  });
}

/** The operator's base URL from the line it logs when it serves. */
export async function operatorUrl(op: Background): Promise<string> {
  return (await op.waitFor(/serving (https?:\/\/[^/\s]+)\/healthz/))[1]!;
}

/** The cluster CA and the cluster's own client certificate (an admin), from the state dir. */
export function clusterPki(c: TestCluster): { ca: Buffer; client: ClientCert } {
  const dir = path.join(c.stateDir, 'tls');
  return { ca: fs.readFileSync(path.join(dir, 'ca.crt')), client: { cert: fs.readFileSync(path.join(dir, 'client.crt')), key: fs.readFileSync(path.join(dir, 'client.key')) } };
}

/** `warden token create`: the token it prints once. */
export async function createToken(c: TestCluster, name: string, role: 'viewer' | 'operator' | 'admin', extra: string[] = []): Promise<string> {
  const r = await c.run(['token', 'create', name, '--role', role, ...extra]);
  if (r.code !== 0) throw new Error(`token create failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A client of one operator with one set of credentials, over keep-alive connections. */
export class OperatorApi {
  private readonly agent: http.Agent;
  constructor(
    readonly url: string,
    readonly ca: Buffer | undefined,
    readonly credentials: Credentials = {},
  ) {
    this.agent = url.startsWith('https:') ? new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}), ...(credentials.cert ? { cert: credentials.cert.cert, key: credentials.cert.key } : {}) }) : new http.Agent({ keepAlive: true });
  }

  /** Like fetch: a path (or a full URL of this operator), an init with method, headers and body. */
  fetch(pathOrUrl: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.url}${pathOrUrl}`;
    return request(url, {
      ...(init.method ? { method: init.method } : {}),
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(this.credentials.token !== undefined ? { token: this.credentials.token } : {}),
      ...(this.credentials.cert ? { cert: this.credentials.cert } : {}),
      ...(this.ca ? { ca: this.ca } : {}),
      agent: this.agent,
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** An admin client of the operator `op` runs on `c` (a token made with `warden token create`). */
export async function adminApi(t: { after: (fn: () => void) => void }, c: TestCluster, op: Background): Promise<OperatorApi> {
  const url = await operatorUrl(op);
  const token = await createToken(c, `admin-${Math.random().toString(36).slice(2, 8)}`, 'admin');
  const api = new OperatorApi(url, clusterPki(c).ca, { token });
  t.after(() => api.close());
  return api;
}

/** A client of the operator `op` runs on `c` with the cluster's own client certificate (an admin; no etcd write needed). */
export async function certApi(t: { after: (fn: () => void) => void }, c: TestCluster, op: Background): Promise<OperatorApi> {
  const url = await operatorUrl(op);
  const { ca, client } = clusterPki(c);
  const api = new OperatorApi(url, ca, { cert: client });
  t.after(() => api.close());
  return api;
}

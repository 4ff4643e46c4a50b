// Talking to agents from the admin's side: the bootstrap (pinned to the certificate the agent
// shows, proved with the token) and, once joined, AgentClient over mutual TLS with the cluster CA.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WardenError } from '../errors.ts';
import {
  AGENT_API, bootstrapProof, certificateDigest, fingerprintOf, proofMatches,
  type AgentErrorBody, type AgentStatus, type JoinResponse, type MemberSpec, type PlanResponse,
} from './protocol.ts';

export interface ClientTls {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
}

/** How long a connection to an agent may take (TCP and TLS). */
const CONNECT_TIMEOUT_MS = 10_000;

/** host:port split, with IPv6 in brackets allowed. */
export function splitAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  const port = Number(m?.[3]);
  if (!m || !(port > 0 && port < 65536)) throw new WardenError(`invalid agent address "${address}": give HOST:PORT, e.g. 10.0.0.11:7700`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/** One line saying why an agent could not be reached. */
function unreachable(address: string, err: Error & { code?: string }, timeoutMs: number): WardenError {
  if (err.message === 'timeout') return new WardenError(`the agent at ${address} did not answer within ${Math.round(timeoutMs / 1000)}s: check that \`warden agent\` runs there and that this machine reaches it`);
  return new WardenError(`cannot reach the agent at ${address} (${err.code ?? err.message}): check that \`warden agent --listen ${address}\` runs there and that this machine reaches it`);
}

interface RawResponse {
  status: number;
  body: string;
  fingerprint: string;
}

/**
 * One HTTPS request. `body` is made once the TLS handshake is done, from the fingerprint of the
 * certificate the server showed on this very connection (the bootstrap binds its proofs to it).
 */
function request(address: string, method: string, path: string, o: {
  tls?: ClientTls; body?: (fingerprint: string) => unknown; timeoutMs: number;
}): Promise<RawResponse> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host, port, method, path, agent: false, timeout: o.timeoutMs,
      headers: { accept: 'application/json', ...(o.body ? { 'content-type': 'application/json' } : {}) },
      ...(o.tls ? { ca: o.tls.ca, cert: o.tls.cert, key: o.tls.key } : { rejectUnauthorized: false }),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), fingerprint }));
      res.on('error', (err) => reject(unreachable(address, err, o.timeoutMs)));
    });
    let fingerprint = '';
    let refused: WardenError | undefined;
    // A host cut off the network never answers the connection: that is known long before a
    // long request (a member's stop) would time out.
    const connectMs = Math.min(o.timeoutMs, CONNECT_TIMEOUT_MS);
    const connectTimer = setTimeout(() => {
      refused = new WardenError(`the agent at ${address} did not answer within ${Math.round(connectMs / 1000)}s: check that \`warden agent\` runs there and that this machine reaches it`);
      req.destroy(refused);
    }, connectMs);
    req.on('close', () => clearTimeout(connectTimer));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => reject(refused ?? unreachable(address, err, o.timeoutMs)));
    req.on('socket', (socket) => {
      (socket as TLSSocket).once('secureConnect', () => {
        clearTimeout(connectTimer);
        const peer = (socket as TLSSocket).getPeerCertificate();
        fingerprint = peer?.raw ? fingerprintOf(peer.raw) : '';
        try {
          req.end(o.body ? JSON.stringify(o.body(fingerprint)) : undefined);
        } catch (err) {
          refused = err instanceof WardenError ? err : new WardenError((err as Error).message);
          req.destroy(refused);
        }
      });
    });
  });
}

/** An agent that answered with an error: its one line, and the HTTP status it came with. */
export class AgentAnswerError extends WardenError {
  override readonly name = 'AgentAnswerError';
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

function parsed<T>(address: string, r: RawResponse): T {
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    throw new WardenError(`the agent at ${address} answered ${r.status} with something that is not JSON: check that a warden agent listens there`);
  }
  if (r.status >= 400) throw new AgentAnswerError(`agent ${address}: ${(body as AgentErrorBody).message ?? `HTTP ${r.status}`}`, r.status);
  return body as T;
}

/**
 * Joins an agent to the cluster whose CA signs with `sign`: both sides prove they hold the
 * token, the agent sends a certificate request, and gets back its certificate.
 */
export async function bootstrapAgent(address: string, token: string, ca: string, sign: (csr: string) => Promise<string>, timeoutMs = 15_000): Promise<JoinResponse['agent']> {
  const nonce = crypto.randomBytes(32).toString('hex');
  const joinRaw = await request(address, 'POST', `${AGENT_API}/bootstrap/join`, { timeoutMs, body: (fp) => ({ nonce, proof: bootstrapProof(token, 'admin', fp) }) });
  const join = parsed<JoinResponse>(address, joinRaw);
  if (!proofMatches(bootstrapProof(token, 'agent', joinRaw.fingerprint, nonce), join.proof)) {
    throw new WardenError(`the agent at ${address} could not prove it holds the token (another token, or not the agent you meant): check its --token-file and the address`);
  }
  const certificate = await sign(join.csr);
  const certRaw = await request(address, 'POST', `${AGENT_API}/bootstrap/certificate`, {
    timeoutMs,
    body: (fp) => {
      // The same agent as the join's: a certificate is never sent to another.
      if (fp !== joinRaw.fingerprint) throw new WardenError(`the agent at ${address} showed another certificate than at the join (restarted, or not the same agent): run \`warden cluster init\` again`);
      return { ca, certificate, proof: bootstrapProof(token, 'certificate', fp, certificateDigest(ca, certificate)) };
    },
  });
  parsed(address, certRaw);
  return join.agent;
}

/** The agent at `address`, reached over mutual TLS with the cluster's CA and the admin's certificate. */
export class AgentClient {
  constructor(
    readonly address: string,
    private readonly tls: ClientTls,
    private readonly timeoutMs = 15_000,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const r = await request(this.address, method, `${AGENT_API}${path}`, { tls: this.tls, timeoutMs, ...(body !== undefined ? { body: () => body } : {}) });
    return parsed<T>(this.address, r);
  }

  status(): Promise<AgentStatus> {
    return this.call('GET', '/status');
  }

  /** The URLs the agent's member will use, none of `avoid` (what other agents planned). */
  plan(name: string, tls: boolean, avoid: string[] = [], ports?: { client: number; peer: number }): Promise<PlanResponse> {
    return this.call('POST', '/member/plan', { name, tls, avoid, ...(ports ? { ports } : {}) });
  }

  /** Places and starts the member; waits up to `timeoutMs` for its process to run. */
  putMember(spec: MemberSpec, timeoutMs: number): Promise<AgentStatus> {
    return this.call('PUT', `/member?timeout=${Math.ceil(timeoutMs / 1000)}s`, spec, timeoutMs + 5000);
  }

  stopMember(timeoutMs: number): Promise<AgentStatus> {
    return this.call('POST', `/member/stop?timeout=${Math.ceil(timeoutMs / 1000)}s`, {}, timeoutMs + 5000);
  }

  startMember(timeoutMs: number): Promise<AgentStatus> {
    return this.call('POST', `/member/start?timeout=${Math.ceil(timeoutMs / 1000)}s`, {}, timeoutMs + 5000);
  }

  async moveAside(stamp: string, label?: string): Promise<string | undefined> {
    return (await this.call<{ movedTo?: string }>('POST', '/member/move-aside', { stamp, ...(label ? { label } : {}) })).movedTo;
  }

  async copyAside(stamp: string, label: string): Promise<string> {
    return (await this.call<{ copiedTo: string }>('POST', '/member/copy-aside', { stamp, label }, 10 * 60_000)).copiedTo;
  }

  async listAside(stamp: string): Promise<string[]> {
    return (await this.call<{ paths: string[] }>('GET', `/member/aside/${encodeURIComponent(stamp)}`)).paths;
  }

  /** Sends a snapshot file (named by its sha256) unless the agent already holds it. */
  async sendSnapshot(file: string, sha256: string, o: { signal?: AbortSignal } = {}): Promise<{ sent: boolean }> {
    if ((await this.call<{ present: boolean }>('GET', `/snapshots/${sha256}`)).present) return { sent: false };
    const { host, port } = splitAddress(this.address);
    const size = fs.statSync(file).size;
    if (o.signal?.aborted) throw new WardenError('interrupted: the snapshot was not sent');
    const r = await new Promise<RawResponse>((resolve, reject) => {
      const req = https.request({
        host, port, method: 'PUT', path: `${AGENT_API}/snapshots/${sha256}`, agent: false, timeout: 60_000,
        headers: { 'content-type': 'application/octet-stream', 'content-length': size },
        ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), fingerprint: '' }));
        res.on('error', (err) => reject(unreachable(this.address, err, 60_000)));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => reject(unreachable(this.address, err, 60_000)));
      // A send given up (the restore stopped before it) is cut: the agent drops what it got.
      const onAbort = () => req.destroy(new WardenError('interrupted: the snapshot was not sent'));
      o.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => o.signal?.removeEventListener('abort', onAbort));
      const src = fs.createReadStream(file, { highWaterMark: 1 << 20 });
      src.on('error', (err) => req.destroy(err));
      src.pipe(req);
    });
    parsed(this.address, r);
    return { sent: true };
  }

  /** Removes a snapshot the agent received (one sent for a restore that did not go on); false when it had none. */
  async dropSnapshot(sha256: string): Promise<boolean> {
    return (await this.call<{ removed: boolean }>('DELETE', `/snapshots/${sha256}`)).removed;
  }

  /** Has the agent fetch a snapshot from a URL itself (a presigned S3 URL), checked against its sha256. */
  fetchSnapshot(sha256: string, url: string): Promise<{ bytes: number; already: boolean }> {
    return this.call('POST', `/snapshots/${sha256}/fetch`, { url }, 30 * 60_000);
  }

  /** Restores a snapshot the agent received into its member's (emptied) data dir. */
  restoreSnapshot(req: { sha256: string; token: string; bumpRevision?: number }): Promise<{ tool: string; canBump: boolean; already: boolean }> {
    return this.call('POST', '/member/restore', req, 10 * 60_000);
  }

  /** A client certificate of the member's own CA for this request (members adopted with their CA). */
  memberClientCertificate(csr: string): Promise<{ ca: string; certificate: string }> {
    return this.call('POST', '/member/client-certificate', { csr });
  }

  /** The host's copy of the EncryptionConfiguration, or undefined when it has none. */
  async encryptionConfig(): Promise<{ config: string; sha256: string } | undefined> {
    const r = await this.call<{ config?: string; sha256?: string }>('GET', '/encryption-config');
    return r.config && r.sha256 ? { config: r.config, sha256: r.sha256 } : undefined;
  }

  /** Replaces the host's copy when it differs. */
  putEncryptionConfig(config: string): Promise<{ sha256: string; changed: boolean }> {
    return this.call('PUT', '/encryption-config', { config });
  }

  async log(lines: number): Promise<string> {
    const r = await request(this.address, 'GET', `${AGENT_API}/member/log?lines=${lines}`, { tls: this.tls, timeoutMs: this.timeoutMs });
    if (r.status >= 400) parsed(this.address, r);
    return r.body;
  }
}

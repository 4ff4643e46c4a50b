// The agent's HTTPS API (Hono on node:https). Before the agent joins a cluster it serves with a
// throwaway certificate and answers only the bootstrap (protocol.ts); once joined it switches,
// without a restart, to its certificate from the cluster CA and serves only clients with a
// certificate that CA signed and that grants admin (the CLI's client certificate).
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { HttpBindings } from '@hono/node-server';
import { certificateRole } from '../auth/roles.ts';
import { CLUSTER_CLIENT_CN, throwawayServerCertificate } from '../cluster/tls.ts';
import { parseDuration } from '../util/duration.ts';
import { Agent, AgentRequestError, type AgentTls } from './agent.ts';
import { AGENT_API, fingerprintOf, type CertificateRequest, type JoinRequest, type MemberSpec, type PlanRequest } from './protocol.ts';

type Env = { Bindings: Partial<HttpBindings> };

/** Requests carry small JSON bodies. */
const MAX_BODY = 1024 * 1024;

export interface AgentServer {
  url: string;
  close(): Promise<void>;
}

function socketOf(c: Context<Env>): TLSSocket | undefined {
  return (c.env?.incoming as IncomingMessage | undefined)?.socket as TLSSocket | undefined;
}

async function jsonBody<T>(c: Context<Env>): Promise<T> {
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_BODY) throw new AgentRequestError(400, `the request body (${length} bytes) is over the agent's limit of ${MAX_BODY} bytes`);
  try {
    const v = (await c.req.json()) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as T;
  } catch (err) {
    throw new AgentRequestError(400, `the request body is not a JSON object (${(err as Error).message})`);
  }
}

/** A duration from the query (?timeout=30s), bounded; `fallback` when absent. */
function timeoutOf(c: Context<Env>, fallback: number): number {
  const t = c.req.query('timeout');
  if (!t) return fallback;
  try {
    return parseDuration(t, 'timeout', { maxMs: 10 * 60_000 });
  } catch (err) {
    throw new AgentRequestError(400, (err as Error).message);
  }
}

export function buildAgentApp(agent: Agent, serverFingerprint: () => string): Hono<Env> {
  const app = new Hono<Env>();
  app.onError((err, c) => {
    if (err instanceof AgentRequestError) return c.json({ message: err.message }, err.status);
    return c.json({ message: (err as Error).message }, 500);
  });

  // Every body but a snapshot's is small JSON: counted as it streams in (a chunked request has
  // no length to check first), so nobody fills the host's memory, with or without the token.
  app.use('*', async (c, next) => {
    if (c.req.method === 'PUT' && c.req.path.startsWith(`${AGENT_API}/snapshots/`)) return next();
    return bodyLimit({ maxSize: MAX_BODY, onError: (ctx) => ctx.json({ message: `the request body is over the agent's limit of ${MAX_BODY} bytes` }, 413) })(c, next);
  });

  // The bootstrap: open to anyone, answered only to a holder of the token.
  app.post(`${AGENT_API}/bootstrap/join`, async (c) => c.json(await agent.join(await jsonBody<JoinRequest>(c), serverFingerprint())));
  app.post(`${AGENT_API}/bootstrap/certificate`, async (c) => {
    agent.installCertificate(await jsonBody<CertificateRequest>(c), serverFingerprint());
    return c.json({ joined: true });
  });

  // Everything else: a client certificate from the cluster CA that grants admin.
  app.use(`${AGENT_API}/*`, async (c, next) => {
    if (!agent.tls()) throw new AgentRequestError(503, 'this agent has not joined a cluster yet: run `warden cluster init --agents ... --token-file FILE` from the admin machine');
    const socket = socketOf(c);
    const cert = socket?.getPeerCertificate?.();
    if (!socket || !cert || Object.keys(cert).length === 0) throw new AgentRequestError(401, 'no client certificate: the agent serves only clients with a certificate from the cluster CA (the admin\'s state dir holds one)');
    if (!socket.authorized) throw new AgentRequestError(401, `the client certificate is not one the cluster CA signed (${String(socket.authorizationError ?? 'unverified')})`);
    const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
    const cn = Array.isArray(subject.CN) ? subject.CN[0] : subject.CN;
    const groups = subject.O === undefined ? [] : Array.isArray(subject.O) ? subject.O : [subject.O];
    if (certificateRole({ ...(cn !== undefined ? { cn } : {}), groups }, CLUSTER_CLIENT_CN) !== 'admin') {
      throw new AgentRequestError(403, `certificate CN=${cn ?? '(none)'} may not use the agent: it needs admin (O=warden:admin)`);
    }
    await next();
  });

  app.get(`${AGENT_API}/status`, (c) => c.json(agent.status()));
  app.post(`${AGENT_API}/member/plan`, async (c) => c.json(await agent.plan(await jsonBody<PlanRequest>(c))));
  app.put(`${AGENT_API}/member`, async (c) => {
    await agent.putMember(await jsonBody<MemberSpec>(c), timeoutOf(c, 30_000));
    return c.json(agent.status());
  });
  app.post(`${AGENT_API}/member/stop`, async (c) => {
    await agent.stopMember(timeoutOf(c, 30_000));
    return c.json(agent.status());
  });
  app.post(`${AGENT_API}/member/start`, async (c) => {
    await agent.startMember(timeoutOf(c, 30_000));
    return c.json(agent.status());
  });
  app.post(`${AGENT_API}/member/move-aside`, async (c) => {
    const b = await jsonBody<{ stamp: string; label?: string }>(c);
    const movedTo = agent.moveAside(b.stamp, b.label);
    return c.json(movedTo ? { movedTo } : {});
  });
  app.post(`${AGENT_API}/member/copy-aside`, async (c) => {
    const b = await jsonBody<{ stamp: string; label: string }>(c);
    return c.json({ copiedTo: agent.copyAside(b.stamp, b.label) });
  });
  app.get(`${AGENT_API}/member/aside/:stamp`, (c) => c.json({ paths: agent.listAside(c.req.param('stamp')) }));
  app.get(`${AGENT_API}/snapshots/:sha`, (c) => c.json({ present: agent.hasSnapshot(c.req.param('sha')) }));
  app.put(`${AGENT_API}/snapshots/:sha`, async (c) => {
    const incoming = c.env?.incoming as IncomingMessage | undefined;
    if (!incoming) throw new AgentRequestError(500, 'no request stream');
    return c.json(await agent.receiveSnapshot(c.req.param('sha'), incoming));
  });
  app.delete(`${AGENT_API}/snapshots/:sha`, (c) => c.json({ removed: agent.dropSnapshot(c.req.param('sha')) }));
  app.post(`${AGENT_API}/snapshots/:sha/fetch`, async (c) => c.json(await agent.fetchSnapshot(c.req.param('sha'), await jsonBody<{ url?: unknown }>(c))));
  app.post(`${AGENT_API}/member/restore`, async (c) => c.json(await agent.restoreSnapshot(await jsonBody<{ sha256: string; token: string; bumpRevision?: number }>(c))));
  app.post(`${AGENT_API}/member/client-certificate`, async (c) => c.json(await agent.memberClientCertificate(await jsonBody<{ csr?: unknown }>(c))));
  app.get(`${AGENT_API}/encryption-config`, (c) => c.json(agent.encryptionConfig() ?? {}));
  app.put(`${AGENT_API}/encryption-config`, async (c) => c.json(agent.putEncryptionConfig(await jsonBody<{ config?: unknown }>(c))));
  app.get(`${AGENT_API}/member/log`, (c) => {
    const n = Number(c.req.query('lines') ?? 100);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new AgentRequestError(400, `invalid lines "${c.req.query('lines')}": give a whole number from 1 to 100000`);
    return c.text(agent.logTail(n));
  });
  app.notFound((c) => c.json({ message: `no such agent route: ${c.req.method} ${c.req.path}` }, 404));
  return app;
}

/** Serves the agent on host:port until closed. */
export async function serveAgent(agent: Agent, host: string, port: number): Promise<AgentServer> {
  const { serve } = await import('@hono/node-server');
  const https = await import('node:https');
  const joined = agent.tls();
  const initial = joined ? { cert: joined.cert, key: joined.key } : await throwawayServerCertificate();
  let fingerprint = fingerprintOf(new crypto.X509Certificate(initial.cert).raw);
  const app = buildAgentApp(agent, () => fingerprint);
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      hostname: host,
      port,
      createServer: https.createServer,
      // Client certificates are asked for, not required: before the join nobody has one, and
      // one the CA did not sign gets a 401 with a reason rather than a failed handshake.
      serverOptions: { cert: initial.cert, key: initial.key, ...(joined ? { ca: joined.ca } : {}), requestCert: true, rejectUnauthorized: false },
    }, (info) => {
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `https://${shown}:${info.port}`,
        close: () => new Promise<void>((r) => {
          server.close(() => r());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
      });
    });
    server.once('error', reject);
    agent.onJoined((tls: AgentTls) => {
      (server as unknown as { setSecureContext(o: object): void }).setSecureContext({ cert: tls.cert, key: tls.key, ca: tls.ca });
      fingerprint = fingerprintOf(new crypto.X509Certificate(tls.cert).raw);
    });
  });
}

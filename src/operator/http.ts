// The operator's HTTP(S) server: /healthz, /metrics, conditions, events, the actions and the
// resource API, every route behind the guard (guard.ts): authentication, roles, Host and
// Origin checks, a 3 MiB body limit. HTTPS by default; plain HTTP only on loopback.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { UNAUTHENTICATED_ADMIN } from '../auth/roles.ts';
import { registerResourceRoutes } from '../resources/routes.ts';
import { registerActionRoutes } from './actions.ts';
import { registerConsoleRoutes } from '../console/routes.ts';
import { apiAuditEntry } from '../audit/audit.ts';
import { failure, guard, MAX_BODY_BYTES, STATE_CHANGING, responseHeaders, tooLarge, type ApiEnv, type GuardOptions } from './guard.ts';
import type { Operator } from './operator.ts';

/**
 * Hono is loaded on first use: only the operator serves HTTP, and CLI start-up stays quick.
 * Without `guardOptions` nothing is authenticated: only a benchmark's reference does that.
 */
export async function buildApp(op: Operator, guardOptions: GuardOptions | undefined): Promise<Hono<ApiEnv>> {
  const { Hono } = await import('hono');
  const { bodyLimit } = await import('hono/body-limit');
  const app = new Hono<ApiEnv>();
  app.use('*', responseHeaders);
  app.use('*', guardOptions ? guard(guardOptions) : async (c, next) => {
    c.set('caller', UNAUTHENTICATED_ADMIN);
    await next();
  });
  // After the guard: nothing is read from a request it refuses. A Content-Length over the
  // limit is refused unread; a chunked body is counted as it streams and cut at the limit.
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => tooLarge(c, Number(c.req.header('content-length')) || undefined) }));
  // Every state-changing request an authenticated caller made, with its outcome (what the guard
  // refused before knowing who asks is not recorded: an unauthenticated flood cannot push the
  // trail's real entries out of etcd's bounded window).
  app.use('*', async (c, next) => {
    await next();
    const caller = c.get('caller');
    if (!STATE_CHANGING.has(c.req.method) || !caller || caller.kind === 'anonymous') return;
    let message: string | undefined;
    if (c.res.status >= 400) {
      try {
        message = ((await c.res.clone().json()) as { message?: string }).message;
      } catch {
        /* not a Status */
      }
    }
    await op.audit.record(apiAuditEntry(caller, c.req.method, c.req.path, c.res.status, message));
  });
  app.get('/healthz', (c) => c.json({ status: 'ok', identity: op.identity, leader: op.isLeader }));
  app.get('/metrics', async (c) => {
    const body = await op.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': op.metrics.registry.contentType });
  });
  app.get('/conditions', async (c) => c.json(await op.conditions.list()));
  app.get('/events', async (c) => c.json(await op.events.list()));
  registerActionRoutes(app, op);
  registerConsoleRoutes(app, op, { secure: guardOptions?.scheme === 'https', log: op.actions.log });
  registerResourceRoutes(app, op.resources, (gr) => op.isSensitive(gr));
  app.notFound((c) => failure(c, 404, 'NotFound', `the server could not find the requested resource (${c.req.method} ${c.req.path})`));
  // A route that fails unforeseen (etcd unreachable for /conditions...) answers a Status and logs one line, no stack.
  app.onError((err, c) => {
    op.actions.log(`${c.req.method} ${c.req.path} failed: ${err.message}`);
    return failure(c, 500, 'InternalError', err.message);
  });
  return app;
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** HTTPS with this server certificate; client certificates are asked for and checked against `clientCa`. */
  tls?: { cert: string | Buffer; key: string | Buffer; clientCa: string | Buffer };
}

/** The host part of a URL for a bound address: brackets for IPv6, loopback for a wildcard bind. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * A client that sends `Expect: 100-continue` (curl does for big bodies) with a Content-Length
 * over the limit gets the 413 before it sends a byte of the body.
 */
function onCheckContinue(server: ServerType) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_BODY_BYTES) {
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `the request body (${length} bytes) is over the limit of ${MAX_BODY_BYTES} bytes (3 MiB)`, reason: 'RequestEntityTooLarge', code: 413 });
      res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(body);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  };
}

/** Listens on host:port (port 0 picks a free one), over HTTPS when `tls` is given. */
export async function listen(app: Hono<ApiEnv>, o: ListenOptions): Promise<Listening> {
  const { serve } = await import('@hono/node-server');
  const https = o.tls ? await import('node:https') : undefined;
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    try {
      server = serve({
        fetch: app.fetch,
        hostname: o.host,
        port: o.port,
        ...(o.tls && https
          ? {
              createServer: https.createServer,
              // A client certificate is asked for, not required: token clients have none, and
              // one the CA did not sign gets a 401 Status rather than a failed handshake.
              serverOptions: { cert: o.tls.cert, key: o.tls.key, ca: o.tls.clientCa, requestCert: true, rejectUnauthorized: false },
            }
          : {}),
      }, (info) => {
        resolve({
          url: `${o.tls ? 'https' : 'http'}://${urlHost(o.host)}:${info.port}`,
          close: () => new Promise<void>((r) => {
            if (!server) return r();
            server.close(() => r());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
        });
      });
      server.on('checkContinue', onCheckContinue(server));
      server.once('error', reject);
    } catch (err) {
      reject(err as Error);
    }
  });
}

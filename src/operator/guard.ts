// The operator API's front door, run before every route: the Host must be one the operator
// serves (no DNS rebinding), a state-changing request must be JSON and, when it carries an
// Origin, same-origin (no cross-site form posts), the caller is authenticated (bearer token,
// client certificate signed by the cluster CA, or the console's session cookie, whose changes
// must carry the page's Origin), failed authentications are rate-limited per
// client address, the caller's role must reach the route's (src/auth/roles.ts), and request
// bodies stop at 3 MiB. The caller is put on the context (`c.get('caller')`) for the routes.
// Every refusal is a Kubernetes Status; none says anything about the resource asked for.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FailureLimiter } from '../auth/failures.ts';
import { certificateRole, requiredAccess, roleAtLeast, type Caller, type Role } from '../auth/roles.ts';
import { isExpired, type TokenAuthenticator } from '../auth/tokens.ts';

export type ApiEnv = { Bindings: Partial<HttpBindings>; Variables: { caller: Caller } };
export type ApiContext = Context<ApiEnv>;

/** kube-apiserver's request body limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface GuardOptions {
  scheme: 'http' | 'https';
  /** Host names and addresses the listener serves (lowercase, IPv6 without brackets). */
  hosts: ReadonlySet<string>;
  metricsPublic: boolean;
  tokens: TokenAuthenticator;
  limiter: FailureLimiter;
  /** The CN of the cluster's own client certificate (an admin). */
  clusterClientCn: string;
  /** The console session a cookie names (console/sessions.ts), if it is current. */
  sessions?: (id: string) => Promise<{ name: string; role: Role } | undefined>;
  now?: () => number;
}

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a request comes from a browser page load (which gets an HTML answer, not a Status). */
export function wantsHtml(c: Context): boolean {
  return c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
}

/** The page a browser gets instead of a 401 Status: how to get in. */
export function loginNeededPage(c: Context, why: string): Response {
  c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>etcd-warden: log in</title>
<style>body{font:16px system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#1b1f24}code{background:#eef1f4;padding:.1em .3em;border-radius:3px}</style></head>
<body><main><h1>etcd-warden console</h1><p>${escapeHtml(why)}</p>
<p>Run <code>warden console</code> (add <code>--role operator</code> to act, not only to look) and open the URL it prints: it logs you in once, for the next few minutes.</p></main></body></html>`, 401);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

export const SESSION_COOKIE = 'warden_session';

export function failure(c: Context, code: number, reason: string, message: string, headers: Record<string, string> = {}): Response {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }, code as ContentfulStatusCode);
}

/** The host name of a Host header or URL authority: lowercase, no port, IPv6 without brackets. */
export function hostName(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']') < 0 ? undefined : a.indexOf(']'));
  const colon = a.indexOf(':');
  // More than one colon and no brackets: a bare IPv6 address (not a valid Host, but no port either).
  return colon < 0 || a.indexOf(':', colon + 1) >= 0 ? a : a.slice(0, colon);
}

/** host:port of an authority with the scheme's default port made explicit. */
function withPort(authority: string, scheme: 'http' | 'https'): string {
  const a = authority.trim().toLowerCase();
  return /(\]|^[^:]*):\d+$/.test(a) ? a : `${a}:${scheme === 'https' ? 443 : 80}`;
}

/** Whether an Origin header names the same origin as the request (scheme, host and port). */
export function sameOrigin(origin: string, host: string, scheme: 'http' | 'https'): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file:) and anything malformed
  }
  return u.protocol === `${scheme}:` && withPort(u.host, scheme) === withPort(host, scheme);
}

/** application/json, or a JSON-based type (application/merge-patch+json ...), any parameters. */
export function isJsonContentType(value: string | undefined): boolean {
  const type = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface CertAuth {
  caller?: Caller;
  /** Why a presented certificate is refused. */
  refused?: string;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The client certificate of a TLS connection, checked once per connection. */
function certificateOf(incoming: IncomingMessage | undefined, clusterClientCn: string, cache: WeakMap<object, CertAuth>): CertAuth | undefined {
  const socket = incoming?.socket as TLSSocket | undefined;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return undefined;
  const known = cache.get(socket);
  if (known) return known;
  const cert = socket.getPeerCertificate();
  let auth: CertAuth | undefined;
  if (!cert || Object.keys(cert).length === 0) {
    auth = {};
  } else if (!socket.authorized) {
    auth = { refused: `the client certificate is not one the cluster CA signed (${String(socket.authorizationError ?? 'unverified')})` };
  } else {
    const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
    const cn = first(subject.CN);
    const o = subject.O;
    const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
    const role = certificateRole({ ...(cn !== undefined ? { cn } : {}), groups }, clusterClientCn);
    auth = { caller: { kind: 'cert', name: cn ?? '(no CN)', ...(role ? { role } : {}), groups } };
  }
  cache.set(socket, auth);
  return auth;
}

function who(caller: Caller): string {
  if (caller.kind === 'token') return `token "${caller.name}"`;
  if (caller.kind === 'session') return `console session of ${caller.name}`;
  return `certificate CN=${caller.name}${caller.groups?.length ? ` (O=${caller.groups.join(', O=')})` : ''}`;
}

export function guard(o: GuardOptions): MiddlewareHandler<ApiEnv> {
  const now = o.now ?? Date.now;
  const certs = new WeakMap<object, CertAuth>();
  const unauthorized = (c: ApiContext, message: string) => failure(c, 401, 'Unauthorized', message, { 'www-authenticate': 'Bearer realm="etcd-warden"' });

  return async (c, next) => {
    const method = c.req.method;
    const host = c.req.header('host');
    if (!host || !o.hosts.has(hostName(host))) {
      return failure(c, 421, 'MisdirectedRequest', `this server does not serve the host ${JSON.stringify(host ?? '')}: use one of ${[...o.hosts].join(', ')}`);
    }
    if (STATE_CHANGING.has(method)) {
      const origin = c.req.header('origin');
      if (origin !== undefined && !sameOrigin(origin, host, o.scheme)) {
        return failure(c, 403, 'Forbidden', `cross-origin request refused (Origin ${origin}): send it from ${o.scheme}://${host}, or without an Origin header`);
      }
      const hasBody = method !== 'DELETE' || c.req.header('transfer-encoding') !== undefined || Number(c.req.header('content-length') ?? 0) > 0;
      if (hasBody && !isJsonContentType(c.req.header('content-type'))) {
        return failure(c, 415, 'UnsupportedMediaType', `${method} needs a JSON body: send it with Content-Type: application/json`);
      }
    }

    const path = c.req.path;
    const access = requiredAccess(method, path, { metricsPublic: o.metricsPublic });
    if (access === 'public') {
      c.set('caller', { kind: 'anonymous', name: 'anonymous' });
      return next();
    }

    const incoming = c.env?.incoming;
    const client = incoming?.socket?.remoteAddress ?? 'unknown';
    const authorization = c.req.header('authorization');
    const cert = certificateOf(incoming, o.clusterClientCn, certs);
    const session = o.sessions ? cookieValue(c.req.header('cookie'), SESSION_COOKIE) : undefined;
    const presented = authorization !== undefined || cert?.caller !== undefined || cert?.refused !== undefined;
    if (!presented && session === undefined) {
      if (wantsHtml(c) && o.sessions) return loginNeededPage(c, 'You are not logged in.');
      return unauthorized(c, 'no credentials: send a bearer token (Authorization: Bearer <token>, made with `warden token create NAME --role viewer`) or a client certificate signed by the cluster CA');
    }
    const wait = o.limiter.blockedFor(client, now());
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      return failure(c, 429, 'TooManyRequests', `too many failed authentications from ${client}: try again in ${seconds}s`, { 'retry-after': String(seconds) });
    }

    let caller: Caller;
    if (authorization !== undefined) {
      const m = /^Bearer +(\S+) *$/i.exec(authorization);
      if (!m) {
        o.limiter.fail(client, now());
        return unauthorized(c, 'the Authorization header is not "Bearer <token>"');
      }
      let record;
      try {
        record = await o.tokens.lookup(m[1] as string);
      } catch (err) {
        return failure(c, 503, 'ServiceUnavailable', `cannot check the token now (${(err as Error).message}): try again`);
      }
      if (!record) {
        o.limiter.fail(client, now());
        return unauthorized(c, 'invalid bearer token: it is not one `warden token create` made, or it was revoked');
      }
      if (isExpired(record, new Date(now()))) {
        o.limiter.fail(client, now());
        return unauthorized(c, `token "${record.name}" expired at ${record.expires}: create a new one with \`warden token create\``);
      }
      caller = { kind: 'token', name: record.name, role: record.role };
    } else if (cert?.caller) {
      caller = cert.caller;
    } else if (presented || !o.sessions || session === undefined) {
      o.limiter.fail(client, now());
      return unauthorized(c, `${cert?.refused ?? 'invalid client certificate'}: use a certificate signed by the cluster CA, or a bearer token`);
    } else {
      // A console session (its cookie is HttpOnly and SameSite=Strict). A change made with it
      // must also say it comes from the console's own page: an Origin.
      let found;
      try {
        found = await o.sessions(session);
      } catch (err) {
        return failure(c, 503, 'ServiceUnavailable', `cannot check the console session now (${(err as Error).message}): try again`);
      }
      if (!found) {
        // Counted as a failed authentication: guessing session ids costs etcd a read each.
        o.limiter.fail(client, now());
        const why = 'your console session ended (it expired, you logged out, or it was never valid)';
        return wantsHtml(c) ? loginNeededPage(c, `${why}.`) : unauthorized(c, `${why}: run \`warden console\` for a new login URL`);
      }
      if (STATE_CHANGING.has(method) && c.req.header('origin') === undefined) {
        return failure(c, 403, 'Forbidden', 'a change made with a console session must come from the console page (no Origin header was sent)');
      }
      caller = { kind: 'session', name: found.name, role: found.role };
    }

    if (!roleAtLeast(caller.role, access as Role)) {
      const has = caller.role ? `has the role ${caller.role}` : 'has no warden role (certificates get one from O=warden:viewer, warden:operator, warden:admin or system:masters)';
      return failure(c, 403, 'Forbidden', `${who(caller)} ${has}: ${method} ${path} needs ${access}`);
    }
    c.set('caller', caller);
    return next();
  };
}

/** Headers on every answer: nothing cached, nothing sniffed into something executable. */
export const responseHeaders: MiddlewareHandler<ApiEnv> = async (c, next) => {
  await next();
  c.res.headers.set('cache-control', 'no-store');
  c.res.headers.set('x-content-type-options', 'nosniff');
};

/** How long a connection whose body was refused stays open to read (and drop) what still comes. */
const LINGER_MS = 5_000;

/**
 * A Status for bodies over MAX_BODY_BYTES, sent before the body is read; the connection is
 * closed after it. Closed at once, a client still sending (a 300 MB POST) got a reset that
 * dropped the 413 from its receive buffer, so it saw EPIPE or "socket hang up" instead (a CI
 * run under load). So the close is a lingering one, as Go's server does: the answer is sent, the
 * write side ends (FIN), and what the client still sends is read and dropped (never kept) until
 * it closes or for LINGER_MS; only then is the socket destroyed.
 */
export function tooLarge(c: Context, size?: number): Response {
  const socket = c.env?.incoming?.socket;
  if (socket && !socket.destroyed) {
    const destroy = socket.destroy.bind(socket);
    socket.destroySoon = () => {
      if (socket.writable) socket.end();
      const timer = setTimeout(destroy, LINGER_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    };
  }
  return failure(c, 413, 'RequestEntityTooLarge', `the request body${size !== undefined ? ` (${size} bytes)` : ''} is over the limit of ${MAX_BODY_BYTES} bytes (3 MiB)`, { connection: 'close' });
}

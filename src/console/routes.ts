// The console's routes on the operator's listener, behind the same guard as the API: the page
// at / (and its script and stylesheet), /login (the one-time link `warden console` prints,
// exchanged for a session cookie), /logout, and the JSON the page reads. The page itself holds
// no data: it reads the API with the session, as any other client would, so a viewer's page
// gets what a viewer's token gets, and an action it shows is one the API lets that role run.
import type { Hono } from 'hono';
import { LOGIN_PATH, LOGOUT_PATH } from '../auth/roles.ts';
import { EVENTS } from '../operator/conditions.ts';
import { cookieValue, failure, loginNeededPage, SESSION_COOKIE, type ApiContext, type ApiEnv } from '../operator/guard.ts';
import { readBackups, type BackupSettings } from './backups.ts';
import { consoleBundle, type Asset } from './bundle.ts';
import { readEncryption } from './encryption.ts';
import { historyOf, readSamples } from './history.ts';
import { readOverview, type OverviewSource } from './overview.ts';
import { createSession, endSession, lookupSession, redeemLogin, SESSION_TTL_MS } from './sessions.ts';

export const CONSOLE_API = '/apis/warden.io/v1/console/';
/** Events a page gets when it connects, before the live ones (the store keeps MAX_EVENTS). */
const EVENT_BACKLOG = 200;

/** Only the operator's own script, style and API: nothing else may run or load in the page. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>etcd-warden</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/style.css">
<script type="module" src="/console/app.js"></script>
</head>
<body><div id="app"><p class="loading">Loading…</p></div></body>
</html>
`;

function serveAsset(c: ApiContext, a: Asset): Response {
  if (c.req.header('if-none-match') === a.etag) return c.body(null, 304);
  const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  c.header('content-type', a.type);
  c.header('etag', a.etag);
  c.header('vary', 'accept-encoding');
  if (gzip) c.header('content-encoding', 'gzip');
  return c.body(new Uint8Array(gzip ? a.gzip : a.body), 200);
}

export interface ConsoleSource extends OverviewSource {
  consoleBackups?: BackupSettings | undefined;
  consoleEncryption: Parameters<typeof readEncryption>[1];
  historyIntervalMs: number;
}

export function registerConsoleRoutes(app: Hono<ApiEnv>, src: ConsoleSource, o: { secure: boolean; log: (line: string) => void }): void {
  const cookie = (value: string, maxAgeSeconds: number): string =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${o.secure ? '; Secure' : ''}`;

  app.get('/', (c) => {
    c.header('content-security-policy', CSP);
    c.header('x-frame-options', 'DENY');
    c.header('referrer-policy', 'no-referrer');
    return c.html(PAGE);
  });
  app.get('/console/app.js', async (c) => serveAsset(c, (await consoleBundle()).js));
  app.get('/console/style.css', async (c) => serveAsset(c, (await consoleBundle()).css));

  // The one-time link: the token in it is spent here, whatever comes next.
  app.get(LOGIN_PATH, async (c) => {
    c.header('referrer-policy', 'no-referrer');
    const who = await redeemLogin(src.client, c.req.query('token') ?? '');
    if (!who) return loginNeededPage(c, 'This login link was already used, has expired, or is not one `warden console` made.');
    const id = await createSession(src.client, who);
    o.log(`console: ${who.name} logged in (${who.role})`);
    c.header('set-cookie', cookie(id, Math.floor(SESSION_TTL_MS / 1000)));
    return c.redirect('/', 303);
  });
  // Public: a session that already ended still gets its cookie cleared.
  app.post(LOGOUT_PATH, async (c) => {
    const id = cookieValue(c.req.header('cookie'), SESSION_COOKIE);
    if (id) await endSession(src.client, id).catch(() => undefined);
    c.header('set-cookie', cookie('', 0));
    return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message: 'logged out', code: 200 });
  });

  // The events as they are recorded: the last EVENT_BACKLOG (oldest first), then each new one
  // from a watch on /warden/events/, as server-sent events; a comment every 15 s keeps proxies
  // from closing a quiet stream.
  app.get(`${CONSOLE_API}events`, async (c) => {
    const { streamSSE } = await import('hono/streaming');
    // A stream opened with a session ends when the session does (logout, expiry).
    const session = c.get('caller').kind === 'session' ? cookieValue(c.req.header('cookie'), SESSION_COOKIE) : undefined;
    return streamSSE(c, async (stream) => {
      // Told first, before any await: a client that leaves at once is not missed.
      let closed = false;
      let wake: (() => void) | undefined;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      const res = await src.client.get(EVENTS, { prefix: true });
      const send = (value: Buffer, id: string): Promise<void> => stream.writeSSE({ event: 'warden-event', id, data: value.toString('utf8') });
      for (const kv of res.kvs.slice(-EVENT_BACKLOG)) {
        if (closed || stream.aborted) return;
        await send(kv.value, kv.key.toString('utf8'));
      }
      if (closed || stream.aborted) return;
      let failed: Error | undefined;
      const queue: { value: Buffer; id: string }[] = [];
      const watcher = src.client.watch(EVENTS, { prefix: true, startRevision: res.header.revision + 1, onError: (err) => { failed = err; wake?.(); } }, (events) => {
        for (const e of events) if (e.type === 'put') queue.push({ value: e.kv.value, id: e.kv.key.toString('utf8') });
        wake?.();
      });
      try {
        while (!closed && !stream.aborted && !failed) {
          const next = queue.shift();
          if (next) {
            await send(next.value, next.id);
            continue;
          }
          const timedOut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), 15_000);
            wake = () => {
              clearTimeout(timer);
              resolve(false);
            };
          });
          wake = undefined;
          if (!timedOut || closed) continue;
          if (session !== undefined && !(await lookupSession(src.client, session).catch(() => undefined))) {
            await stream.writeSSE({ event: 'warden-error', data: 'your console session ended' });
            break;
          }
          await stream.write(': keep-alive\n\n');
        }
        // A watch that ended: the page reconnects (EventSource does by itself) and gets the backlog again.
        if (failed && !closed) await stream.writeSSE({ event: 'warden-error', data: (failed as Error).message });
      } finally {
        watcher.cancel();
      }
    });
  });

  app.get(`${CONSOLE_API}backups`, async (c) => c.json(await readBackups(src.consoleBackups)));
  app.get(`${CONSOLE_API}history`, async (c) => c.json(historyOf(await readSamples(src.client), src.historyIntervalMs)));
  app.get(`${CONSOLE_API}encryption`, async (c) => c.json(await readEncryption(src.client, src.consoleEncryption)));

  app.get(`${CONSOLE_API}overview`, async (c) => {
    const caller = c.get('caller');
    if (!caller.role) return failure(c, 403, 'Forbidden', 'no role');
    return c.json(await readOverview(src, { name: caller.name, role: caller.role }));
  });
}

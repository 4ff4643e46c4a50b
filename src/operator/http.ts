// The operator's HTTP server on a loopback port: /healthz, /metrics, and read-only views of
// conditions and events. Later features add their routes to the same Hono app.
import type { ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { registerResourceRoutes } from '../resources/routes.ts';
import type { Operator } from './operator.ts';

/** Hono is loaded on first use: only the operator serves HTTP, and CLI start-up stays quick. */
export async function buildApp(op: Operator): Promise<Hono> {
  const { Hono } = await import('hono');
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok', identity: op.identity, leader: op.isLeader }));
  app.get('/metrics', async (c) => {
    const body = await op.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': op.metrics.registry.contentType });
  });
  app.get('/conditions', async (c) => c.json(await op.conditions.list()));
  app.get('/events', async (c) => c.json(await op.events.list()));
  registerResourceRoutes(app, op.resources);
  return app;
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one); refuses non-loopback hosts. */
export async function listen(app: Hono, host: string, port: number): Promise<Listening> {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    try {
      server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
        resolve({
          url: `http://${host}:${info.port}`,
          close: () => new Promise<void>((r) => (server ? server.close(() => r()) : r())),
        });
      });
      server.once('error', reject);
    } catch (err) {
      reject(err as Error);
    }
  });
}

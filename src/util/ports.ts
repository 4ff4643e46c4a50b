// Loopback port helpers: finding free ports and telling whether one is taken.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { WardenError } from '../errors.ts';

/** The hosts the operator may serve on. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/** What the operator says when its --listen port is taken. */
export function listenInUseMessage(host: string, port: number): string {
  return `port ${host}:${port} is already in use: pick another with --listen HOST:PORT, e.g. --listen 127.0.0.1:0 for any free port`;
}

/**
 * Fails with one line when the operator could not listen on host:port (taken, or no such
 * address here); `run` asks before it starts any member. Port 0 is always free.
 */
export async function checkListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const code = await new Promise<string | undefined>((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    srv.listen(port, host, () => srv.close(() => resolve(undefined)));
  });
  if (code === 'EADDRINUSE') throw new WardenError(listenInUseMessage(host, port));
  if (code) throw new WardenError(`cannot listen on ${host}:${port} (${code}): pick another with --listen HOST:PORT, e.g. --listen 127.0.0.1:0`);
}

/** Asks the kernel for a free port on 127.0.0.1 by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `count` free ports in a row on 127.0.0.1, below the kernel's ephemeral range: a port picked
 * by binding port 0 lies in that range, where any outgoing connection (and any other process's
 * port-0 pick) may take it between the pick and its use. Random runs are tried until one is free.
 */
export async function freePortRun(count: number): Promise<number> {
  let [low, high] = [32768, 60999];
  try {
    [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number, number];
  } catch {
    /* not Linux: the usual range */
  }
  // Below the range when there is room there (the usual case), else above it.
  const [bottom, top] = low - 1024 >= 2000 + count ? [Math.max(1024, Math.min(20000, low - 1000 - count)), low - count] : [high + 1, 65536 - count];
  if (top - bottom < count) throw new WardenError(`no room for ${count} ports outside the kernel's ephemeral range ${low}-${high}: give --base-port`);
  for (let tries = 0; tries < 200; tries++) {
    const base = bottom + Math.floor(Math.random() * (top - bottom));
    let free = true;
    for (let i = 0; i < count && free; i++) free = await isPortFree(base + i);
    if (free) return base;
  }
  throw new WardenError(`no ${count} free ports in a row from ${bottom} to ${top + count} on 127.0.0.1: free some, or give --base-port`);
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** True when nothing listens on 127.0.0.1:port and we may bind it. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * True when a TLS server answers on host:port: the handshake completes. A bare TCP connect is
 * not proof enough: it also succeeds against a port check that listens for a moment (as `warden
 * agent` does before it serves), and, on a port in the ephemeral range with nothing listening,
 * against itself (a TCP self-connect).
 */
export function answersTls(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tls.connect({ host, port, rejectUnauthorized: false, ...(net.isIP(host) ? {} : { servername: host }) });
    s.setTimeout(timeoutMs, () => s.destroy());
    s.once('secureConnect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('close', () => resolve(false));
  });
}

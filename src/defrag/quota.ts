// A member's backend quota. etcd 3.4's Status call has no quota field, but every member serves
// Prometheus metrics on its client URL, and `etcd_server_quota_backend_bytes` there is the
// effective --quota-backend-bytes (etcd reports its 2 GiB default when the flag is 0 or unset).
// When /metrics cannot be read (blocked, other TLS setup), we assume etcd's default.
import net from 'node:net';

export const DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;

export interface MetricsTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** The value of etcd_server_quota_backend_bytes in a Prometheus text exposition, if present. */
export function parseQuotaMetric(text: string): number | undefined {
  const m = /^etcd_server_quota_backend_bytes(?:\{[^}]*\})?\s+(\S+)/m.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * GETs `<clientURL>/metrics` and returns the member's quota, or undefined when it cannot be
 * read within `timeoutMs`. `clientURL` is a member's advertised client URL (http:// or https://).
 */
export async function fetchQuotaBytes(clientURL: string, opts: { tls?: MetricsTls; timeoutMs?: number } = {}): Promise<number | undefined> {
  let url: URL;
  try {
    url = new URL('/metrics', /^https?:\/\//.test(clientURL) ? clientURL : `${opts.tls ? 'https' : 'http'}://${clientURL}`);
  } catch {
    return Promise.resolve(undefined);
  }
  const secure = url.protocol === 'https:';
  // Loaded here: most commands never read /metrics and need not load node:http(s).
  const { get } = secure ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    const done = (v: number | undefined) => resolve(v);
    const req = get(url, {
      timeout: opts.timeoutMs ?? 2000,
      // No SNI for IP hosts (Node warns about IP server names); the certificate is still checked.
      ...(secure ? { ca: opts.tls?.ca, cert: opts.tls?.cert, key: opts.tls?.key, ...(net.isIP(url.hostname.replace(/^\[|\]$/g, '')) ? { servername: '' } : {}) } : {}),
    }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        done(undefined);
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => done(parseQuotaMetric(body)));
      res.on('error', () => done(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(undefined));
  });
}

/** Caches quotas per client URL: a quota only changes when the member restarts with a new flag. */
export class QuotaCache {
  private readonly cache = new Map<string, { value: number; known: boolean; at: number }>();
  constructor(
    /** TLS for the members' /metrics; a function when it is only known once the cluster exists. */
    private readonly tls?: MetricsTls | (() => MetricsTls | undefined),
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async get(clientURL: string, now = Date.now()): Promise<{ bytes: number; known: boolean }> {
    const hit = this.cache.get(clientURL);
    if (hit && now - hit.at < (hit.known ? this.ttlMs : 30_000)) return { bytes: hit.value, known: hit.known };
    let tls: MetricsTls | undefined;
    try {
      tls = typeof this.tls === 'function' ? this.tls() : this.tls;
    } catch {
      tls = undefined;
    }
    const v = await fetchQuotaBytes(clientURL, tls ? { tls } : {});
    const entry = { value: v ?? DEFAULT_QUOTA_BYTES, known: v !== undefined, at: now };
    this.cache.set(clientURL, entry);
    return { bytes: entry.value, known: entry.known };
  }
}

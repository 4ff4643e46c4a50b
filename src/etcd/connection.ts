// One gRPC channel to one etcd member: endpoint parsing, TLS credentials, the dial timeout, the
// auth token (Authenticate once, send it as `token` metadata, re-authenticate once when etcd
// rejects it; one token for every member of a client), per-call deadlines and error mapping. There is deliberately no retry policy and
// no circuit breaker here: a failed call reports at once and the next call goes straight out.

import net from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import { UsageError } from '../errors.ts';
import { EtcdError, EtcdUnavailableError, GrpcStatus, mapGrpcError, type ErrorContext } from './errors.ts';
import { callNeeds } from './permissions.ts';
import type { ServiceName } from './grpc-lib.ts';
import type { H2SnapshotSource } from './snapshot-h2.ts';

export interface ConnectionOptions {
  /** `127.0.0.1:2379`, `http://127.0.0.1:2379` or `https://...`. */
  endpoints: string[];
  /** TLS for endpoints without a scheme; `https://` endpoints use TLS anyway (system CAs if no `ca`). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  auth?: Credentials;
  /** Deadline of each unary call, default 5000. Also the idle limit of snapshot streams. */
  commandTimeoutMs?: number;
  /** How long to wait for a connection before a call fails, default 2000. */
  dialTimeoutMs?: number;
}

/** An etcd user and its password; `hint` is what to do when etcd refuses them (where they came from). */
export interface Credentials {
  user: string;
  password: string;
  hint?: string;
}

/**
 * The auth token of one client, shared by its connections to every member: etcd applies a login
 * through raft, so each member knows the token (a member behind waits until it has applied it),
 * and each login costs a raft write and a bcrypt check (and, in etcd 3.4, puts the password in
 * the WAL once more): one per client instead of one per member.
 */
export class SharedToken {
  /** undefined: not logged in yet; null: no token needed (auth not enabled on the cluster). */
  token: string | null | undefined;
  pending: Promise<string | null> | undefined;
}

export interface ResolvedOptions {
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  auth?: Credentials;
  /** Set with `auth`. */
  tokens?: SharedToken;
  commandTimeoutMs: number;
  dialTimeoutMs: number;
}

export function resolveOptions(o: Omit<ConnectionOptions, 'endpoints'> & { tokens?: SharedToken }): ResolvedOptions {
  if (o.tls && Boolean(o.tls.cert) !== Boolean(o.tls.key)) {
    throw new UsageError('a client certificate needs its key and a key needs its certificate: pass both --cert and --key');
  }
  const resolved: ResolvedOptions = { commandTimeoutMs: o.commandTimeoutMs ?? 5000, dialTimeoutMs: o.dialTimeoutMs ?? 2000 };
  if (o.tls) resolved.tls = o.tls;
  if (o.auth) {
    resolved.auth = o.auth;
    resolved.tokens = o.tokens ?? new SharedToken();
  }
  return resolved;
}

export interface ParsedEndpoint {
  /** `host:port` as users write it (brackets kept for IPv6): the name used in messages. */
  address: string;
  host: string;
  port: number;
  secure: boolean;
}

/**
 * Like etcd's clientv3: `https://` means TLS, `http://` means plaintext even when TLS options
 * are set, and a bare `host:port` uses TLS exactly when TLS options are set.
 */
export function parseEndpoint(raw: string, tlsConfigured: boolean): ParsedEndpoint {
  const text = raw.trim();
  const m = /^(?:(https?):\/\/)?(\[[0-9a-fA-F:.]+\]|[^/:\s]+)(?::(\d+))?\/?$/.exec(text);
  if (!m) throw new UsageError(`invalid endpoint "${raw}": use host:port, http://host:port or https://host:port`);
  const scheme = m[1];
  const host = m[2]!;
  const port = m[3] !== undefined ? Number(m[3]) : 2379;
  if (port < 1 || port > 65535) throw new UsageError(`invalid endpoint "${raw}": port must be 1-65535`);
  const secure = scheme === 'https' || (scheme === undefined && tlsConfigured);
  return { address: `${host}:${port}`, host, port, secure };
}

export type { ServiceName } from './grpc-lib.ts';
type GrpcLib = typeof import('./grpc-lib.ts');

let libLoading: Promise<GrpcLib> | undefined;
/** grpc-js and the etcd service classes, loaded on the first call of any connection. */
function loadGrpcLib(): Promise<GrpcLib> {
  return (libLoading ??= import('./grpc-lib.ts'));
}

type UnaryFn = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => grpc.ClientUnaryCall;
type ServerStreamFn = (req: unknown, md: grpc.Metadata) => grpc.ClientReadableStream<unknown>;
type DuplexFn = (md: grpc.Metadata) => grpc.ClientDuplexStream<unknown, unknown>;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Range answers and watch events can be large; etcd itself allows up to 2 GiB per message.
  'grpc.max_receive_message_length': -1,
  // A 64 KiB HTTP/2 window stalls the 32 KiB snapshot chunks on window updates: 16 MiB lets
  // etcd stream at full speed.
  'grpc-node.flow_control_window': 16 * 1024 * 1024,
  // A member restarted by warden (defrag, restore) must be reachable again within about a
  // second, not after grpc's default backoff of up to two minutes.
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 1000,
  // Detects dead peers under long streams (watch, lease keep-alive). etcd refuses pings more
  // often than every 5 s (--grpc-keepalive-min-time) and pings without calls.
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};


/**
 * How a TLS peer is identified: its host without IPv6 brackets and, for an IP address, a check
 * of the certificate against that IP (SNI is meaningless for an IP and Go sends none, so no
 * server name is sent for it).
 */
function tlsIdentity(ep: ParsedEndpoint): { host: string; checkServerIdentity?: (name: string, cert: PeerCertificate) => Error | undefined } {
  const host = ep.host.replace(/^\[|\]$/g, '');
  if (!net.isIP(host)) return { host };
  return { host, checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert) };
}

/** Errors after which a fresh token may succeed. */
export function isTokenError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  const text = typeof e.details === 'string' ? e.details : typeof e.message === 'string' ? e.message : '';
  return e.code === GrpcStatus.UNAUTHENTICATED || /invalid auth token|revision of auth store is old|user name is empty/.test(text);
}

export class Connection {
  readonly endpoint: string;
  readonly secure: boolean;
  private readonly parsed: ParsedEndpoint;
  /** The gRPC channel and a stub per service, made on the first call (see open()). */
  private stack: { lib: GrpcLib; channel: grpc.Channel; stubs: Map<ServiceName, grpc.Client> } | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;

  constructor(
    rawEndpoint: string,
    private readonly opts: ResolvedOptions,
  ) {
    const ep = parseEndpoint(rawEndpoint, opts.tls !== undefined);
    this.parsed = ep;
    this.endpoint = ep.address;
    this.secure = ep.secure;
  }

  /** Loads grpc-js (first connection only) and makes the channel and the service stubs. */
  private open(): Promise<void> {
    this.opening ??= loadGrpcLib().then((lib) => {
      if (this.stack || this.closed) return;
      const { grpc: g, etcdServices } = lib;
      const ep = this.parsed;
      const options: grpc.ChannelOptions = { ...CHANNEL_OPTIONS };
      let credentials = g.credentials.createInsecure();
      if (ep.secure) {
        const t = this.opts.tls ?? {};
        const id = tlsIdentity(ep);
        if (id.checkServerIdentity) {
          // grpc-js sends the host as TLS server name, which Node warns about for IP addresses
          // (DEP0123) on every CLI run: send a placeholder name instead.
          options['grpc.ssl_target_name_override'] = 'etcd';
          credentials = g.credentials.createSsl(t.ca ?? null, t.key ?? null, t.cert ?? null, { checkServerIdentity: id.checkServerIdentity });
        } else {
          credentials = g.credentials.createSsl(t.ca ?? null, t.key ?? null, t.cert ?? null);
        }
      }
      const target = `${ep.host}:${ep.port}`;
      const channel = new g.Channel(target, credentials, options);
      const stubs = new Map<ServiceName, grpc.Client>();
      for (const [name, Ctor] of Object.entries(etcdServices()) as [ServiceName, grpc.ServiceClientConstructor][]) {
        stubs.set(name, new Ctor(target, credentials, { channelOverride: channel }));
      }
      this.stack = { lib, channel, stubs };
    });
    return this.opening;
  }

  get commandTimeoutMs(): number {
    return this.opts.commandTimeoutMs;
  }

  get hasAuth(): boolean {
    return this.opts.auth !== undefined;
  }

  /** One unary call with the command deadline; token refreshed and call repeated once if stale. */
  async unary<T>(service: ServiceName, method: string, request: object, o: { auth?: boolean; timeoutMs?: number } = {}): Promise<T> {
    const timeoutMs = o.timeoutMs ?? this.opts.commandTimeoutMs;
    const useAuth = o.auth !== false && this.opts.auth !== undefined;
    await this.ensureConnected();
    let dropped = 0;
    let refreshed = false;
    for (;;) {
      const token = useAuth ? await this.getToken() : null;
      try {
        return await new Promise<T>((resolve, reject) => {
          const fn = this.method<UnaryFn>(service, method);
          fn(request, this.metadata(token), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as T)));
        });
      } catch (err) {
        // etcd drops a token unused for --auth-token-ttl (simple tokens: 300 s by default) and
        // every token when the auth store changes: log in again, once per call.
        if (useAuth && !refreshed && isTokenError(err)) {
          refreshed = true;
          this.dropToken(token);
          continue;
        }
        // During a leader change etcd drops proposals it never appended: sending the same
        // request again cannot apply it twice, so a few quick retries hide the hand-over.
        if (dropped < 5 && /raft proposal dropped/.test(String((err as Error).message))) {
          dropped++;
          await new Promise((r) => setTimeout(r, 50 * dropped));
          continue;
        }
        throw mapGrpcError(err, this.endpoint, { timeoutMs, ...this.errorContext(`${service}.${method}`, request) });
      }
    }
  }

  /** Opens a server-streaming call (no deadline). Pass the error that ended the previous try. */
  async openServerStream<T>(service: ServiceName, method: string, request: object, lastError?: unknown): Promise<grpc.ClientReadableStream<T>> {
    const md = await this.streamMetadata(lastError);
    return this.method<ServerStreamFn>(service, method)(request, md) as grpc.ClientReadableStream<T>;
  }

  /**
   * Opens Maintenance.Snapshot on a connection of its own, straight over node:http2 (see
   * snapshot-h2.ts: grpc-js would copy every 32 KiB message once more), with this
   * connection's TLS settings and auth token.
   */
  async openSnapshotStream(lastError?: unknown): Promise<H2SnapshotSource> {
    if (this.closed) throw new EtcdError(`${this.endpoint}: client already closed`, this.endpoint);
    if (lastError !== undefined && isTokenError(lastError)) this.dropToken(this.opts.tokens?.token);
    const token = this.opts.auth ? await this.getToken() : null;
    const ep = this.parsed;
    const id = tlsIdentity(ep);
    // Its own chunk: node:http2 is loaded only by commands that take a snapshot.
    const { H2SnapshotSource } = await import('./snapshot-h2.ts');
    return new H2SnapshotSource({
      host: id.host,
      port: ep.port,
      secure: ep.secure,
      ...(this.opts.tls ? { tls: this.opts.tls } : {}),
      // As for the gRPC channel: no SNI for an IP address, but the certificate must name it.
      ...(ep.secure && id.checkServerIdentity ? { checkServerIdentity: id.checkServerIdentity } : {}),
      ...(ep.secure && !id.checkServerIdentity ? { servername: id.host } : {}),
      token,
      dialTimeoutMs: this.opts.dialTimeoutMs,
    });
  }

  /** Opens a bidirectional stream (no deadline). Pass the error that ended the previous try. */
  async openDuplex<Req, Res>(service: ServiceName, method: string, lastError?: unknown): Promise<grpc.ClientDuplexStream<Req, Res>> {
    const md = await this.streamMetadata(lastError);
    return this.method<DuplexFn>(service, method)(md) as grpc.ClientDuplexStream<Req, Res>;
  }

  /** `method` is `Service.Method`; `request` (when known) lets a refusal name the keys it needed. */
  mapError(err: unknown, method?: string, request?: object): Error {
    return mapGrpcError(err, this.endpoint, method ? this.errorContext(method, request) : { tls: this.secure });
  }

  /** What error messages need to know about a call: TLS, the method, and who made it asking for what. */
  private errorContext(method: string, request?: object): ErrorContext {
    const [service = '', name = ''] = method.split('.');
    const auth = this.opts.auth;
    return {
      tls: this.secure,
      method,
      ...(auth ? { user: auth.user, ...(auth.hint ? { authHint: auth.hint } : {}) } : {}),
      need: () => callNeeds(service, name, request),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.stack) return;
    for (const stub of this.stack.stubs.values()) stub.close();
    this.stack.channel.close();
  }

  private async streamMetadata(lastError?: unknown): Promise<grpc.Metadata> {
    if (lastError !== undefined && isTokenError(lastError)) this.dropToken(this.opts.tokens?.token);
    await this.ensureConnected();
    return this.metadata(this.opts.auth ? await this.getToken() : null);
  }

  private method<F>(service: ServiceName, method: string): F {
    const stub = this.ready().stubs.get(service)!;
    const fn = (stub as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function') throw new Error(`etcd proto has no method ${service}.${method}`);
    return fn.bind(stub) as F;
  }

  private metadata(token: string | null): grpc.Metadata {
    const md = new (this.ready().lib.grpc.Metadata)();
    if (token) md.set('token', token);
    return md;
  }

  /**
   * Waits (up to the dial timeout) for the channel to connect. A channel that already failed
   * is left to the call, which then fails at once with grpc's reason (refused, DNS, TLS).
   */
  private async ensureConnected(): Promise<void> {
    if (this.closed) throw new EtcdError(`${this.endpoint}: client already closed`, this.endpoint);
    await this.open();
    if (this.closed) throw new EtcdError(`${this.endpoint}: client already closed`, this.endpoint);
    const { lib, channel } = this.ready();
    const { READY, TRANSIENT_FAILURE } = lib.grpc.connectivityState;
    let state = channel.getConnectivityState(true);
    if (state === READY || state === TRANSIENT_FAILURE) return;
    const deadline = Date.now() + this.opts.dialTimeoutMs;
    while (state !== READY && state !== TRANSIENT_FAILURE) {
      const current = state;
      const changed = await new Promise<boolean>((resolve) => channel.watchConnectivityState(current, deadline, (err) => resolve(!err)));
      if (!changed) {
        throw new EtcdUnavailableError(
          this.endpoint,
          `unreachable (no connection within ${this.opts.dialTimeoutMs} ms)`,
          'check --endpoints and that etcd is running, or raise --dial-timeout',
          false,
        );
      }
      state = channel.getConnectivityState(true);
    }
  }

  /** The channel and stubs; only after open() (every call path awaits ensureConnected first). */
  private ready(): NonNullable<Connection['stack']> {
    if (!this.stack) throw new EtcdError(`${this.endpoint}: client already closed`, this.endpoint);
    return this.stack;
  }

  private async getToken(): Promise<string | null> {
    const shared = this.opts.tokens!;
    if (shared.token !== undefined) return shared.token;
    shared.pending ??= this.authenticate().finally(() => {
      shared.pending = undefined;
    });
    return shared.pending;
  }

  private async authenticate(): Promise<string | null> {
    const auth = this.opts.auth!;
    const shared = this.opts.tokens!;
    try {
      const res = await this.unary<{ token: string }>('Auth', 'Authenticate', { name: auth.user, password: auth.password }, { auth: false });
      shared.token = res.token;
    } catch (err) {
      // Credentials for a cluster without auth: etcd would ignore a token anyway.
      if (err instanceof EtcdError && /authentication is not enabled/.test(err.details ?? '')) shared.token = null;
      else throw err;
    }
    return shared.token;
  }

  private dropToken(used: string | null | undefined): void {
    const shared = this.opts.tokens;
    if (shared && shared.token === used) shared.token = undefined;
  }
}

// One gRPC channel to one etcd member: endpoint parsing, TLS credentials, the dial timeout, the
// auth token (Authenticate once, send it as `token` metadata, re-authenticate once when etcd
// rejects it), per-call deadlines and error mapping. There is deliberately no retry policy and
// no circuit breaker here: a failed call reports at once and the next call goes straight out.

import net from 'node:net';
import { checkServerIdentity } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { UsageError } from '../errors.ts';
import { EtcdError, EtcdUnavailableError, mapGrpcError } from './errors.ts';
import { PROTO_DIR } from '../paths.ts';
import type { SnapshotChunk } from './snapshot.ts';

export interface ConnectionOptions {
  /** `127.0.0.1:2379`, `http://127.0.0.1:2379` or `https://...`. */
  endpoints: string[];
  /** TLS for endpoints without a scheme; `https://` endpoints use TLS anyway (system CAs if no `ca`). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  auth?: { user: string; password: string };
  /** Deadline of each unary call, default 5000. Also the idle limit of snapshot streams. */
  commandTimeoutMs?: number;
  /** How long to wait for a connection before a call fails, default 2000. */
  dialTimeoutMs?: number;
}

export interface ResolvedOptions {
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  auth?: { user: string; password: string };
  commandTimeoutMs: number;
  dialTimeoutMs: number;
}

export function resolveOptions(o: Omit<ConnectionOptions, 'endpoints'>): ResolvedOptions {
  if (o.tls && Boolean(o.tls.cert) !== Boolean(o.tls.key)) {
    throw new UsageError('a client certificate needs its key and a key needs its certificate: pass both --cert and --key');
  }
  const resolved: ResolvedOptions = { commandTimeoutMs: o.commandTimeoutMs ?? 5000, dialTimeoutMs: o.dialTimeoutMs ?? 2000 };
  if (o.tls) resolved.tls = o.tls;
  if (o.auth) resolved.auth = o.auth;
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

export type ServiceName = 'KV' | 'Watch' | 'Lease' | 'Cluster' | 'Maintenance' | 'Auth';

let serviceCtors: Record<ServiceName, grpc.ServiceClientConstructor> | undefined;

function services(): Record<ServiceName, grpc.ServiceClientConstructor> {
  if (!serviceCtors) {
    const definition = protoLoader.loadSync('rpc.proto', {
      includeDirs: [PROTO_DIR],
      keepCase: true,
      longs: String,
      bytes: Buffer,
      defaults: true,
      oneofs: true,
    });
    const pkg = grpc.loadPackageDefinition(definition).etcdserverpb as grpc.GrpcObject;
    const ctor = (name: ServiceName): grpc.ServiceClientConstructor => pkg[name] as grpc.ServiceClientConstructor;
    serviceCtors = { KV: ctor('KV'), Watch: ctor('Watch'), Lease: ctor('Lease'), Cluster: ctor('Cluster'), Maintenance: ctor('Maintenance'), Auth: ctor('Auth') };
  }
  return serviceCtors;
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

/** SnapshotResponse {header = 1; uint64 remaining_bytes = 2; bytes blob = 3;} without copying the blob. */
export function decodeSnapshotResponse(buf: Buffer): SnapshotChunk {
  let pos = 0;
  let remaining = 0;
  let blob: Buffer = Buffer.alloc(0);
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = buf[pos++];
      if (b === undefined) throw new Error('truncated SnapshotResponse');
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const v = varint();
      if (field === 2) remaining = v;
    } else if (wire === 2) {
      const len = varint();
      if (field === 3) blob = buf.subarray(pos, pos + len);
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unexpected wire type ${wire} in SnapshotResponse`);
  }
  return { remaining_bytes: remaining, blob };
}

/** Errors after which a fresh token may succeed. */
export function isTokenError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  const text = typeof e.details === 'string' ? e.details : typeof e.message === 'string' ? e.message : '';
  return e.code === grpc.status.UNAUTHENTICATED || /invalid auth token|revision of auth store is old|user name is empty/.test(text);
}

export class Connection {
  readonly endpoint: string;
  readonly secure: boolean;
  private readonly channel: grpc.Channel;
  private readonly stubs = new Map<ServiceName, grpc.Client>();
  /** undefined: not authenticated yet; null: no token needed (no auth, or auth not enabled). */
  private token: string | null | undefined;
  private authenticating: Promise<string | null> | undefined;
  private closed = false;

  constructor(
    rawEndpoint: string,
    private readonly opts: ResolvedOptions,
  ) {
    const ep = parseEndpoint(rawEndpoint, opts.tls !== undefined);
    this.endpoint = ep.address;
    this.secure = ep.secure;
    const options: grpc.ChannelOptions = { ...CHANNEL_OPTIONS };
    let credentials = grpc.credentials.createInsecure();
    if (ep.secure) {
      const t = opts.tls ?? {};
      const ipHost = ep.host.replace(/^\[|\]$/g, '');
      if (net.isIP(ipHost)) {
        // grpc-js sends the host as TLS server name, which Node warns about for IP addresses
        // (DEP0123) on every CLI run. SNI is meaningless for an IP (Go sends none), so send a
        // placeholder name and still verify the certificate against the IP itself.
        options['grpc.ssl_target_name_override'] = 'etcd';
        credentials = grpc.credentials.createSsl(t.ca ?? null, t.key ?? null, t.cert ?? null, {
          checkServerIdentity: (_name, cert) => checkServerIdentity(ipHost, cert),
        });
      } else {
        credentials = grpc.credentials.createSsl(t.ca ?? null, t.key ?? null, t.cert ?? null);
      }
    }
    const target = `${ep.host}:${ep.port}`;
    this.channel = new grpc.Channel(target, credentials, options);
    for (const [name, Ctor] of Object.entries(services()) as [ServiceName, grpc.ServiceClientConstructor][]) {
      this.stubs.set(name, new Ctor(target, credentials, { channelOverride: this.channel }));
    }
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
    for (let attempt = 0; ; attempt++) {
      const token = useAuth ? await this.getToken() : null;
      try {
        return await new Promise<T>((resolve, reject) => {
          const fn = this.method<UnaryFn>(service, method);
          fn(request, this.metadata(token), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as T)));
        });
      } catch (err) {
        if (useAuth && attempt === 0 && isTokenError(err)) {
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
        throw mapGrpcError(err, this.endpoint, { timeoutMs, tls: this.secure, method: `${service}.${method}` });
      }
    }
  }

  /** Opens a server-streaming call (no deadline). Pass the error that ended the previous try. */
  async openServerStream<T>(service: ServiceName, method: string, request: object, lastError?: unknown): Promise<grpc.ClientReadableStream<T>> {
    const md = await this.streamMetadata(lastError);
    return this.method<ServerStreamFn>(service, method)(request, md) as grpc.ClientReadableStream<T>;
  }

  /**
   * Opens Maintenance.Snapshot with a hand-written decoder: each 32 KiB chunk's blob is a view
   * into the received message instead of a protobufjs copy, which streams a large database
   * markedly faster.
   */
  async openSnapshotStream(lastError?: unknown): Promise<grpc.ClientReadableStream<SnapshotChunk>> {
    const md = await this.streamMetadata(lastError);
    const stub = this.stubs.get('Maintenance') as grpc.Client;
    return stub.makeServerStreamRequest('/etcdserverpb.Maintenance/Snapshot', () => Buffer.alloc(0), decodeSnapshotResponse, {}, md);
  }

  /** Opens a bidirectional stream (no deadline). Pass the error that ended the previous try. */
  async openDuplex<Req, Res>(service: ServiceName, method: string, lastError?: unknown): Promise<grpc.ClientDuplexStream<Req, Res>> {
    const md = await this.streamMetadata(lastError);
    return this.method<DuplexFn>(service, method)(md) as grpc.ClientDuplexStream<Req, Res>;
  }

  mapError(err: unknown, method?: string): Error {
    return mapGrpcError(err, this.endpoint, { tls: this.secure, ...(method ? { method } : {}) });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stub of this.stubs.values()) stub.close();
    this.channel.close();
  }

  private async streamMetadata(lastError?: unknown): Promise<grpc.Metadata> {
    if (lastError !== undefined && isTokenError(lastError)) this.dropToken(this.token);
    await this.ensureConnected();
    return this.metadata(this.opts.auth ? await this.getToken() : null);
  }

  private method<F>(service: ServiceName, method: string): F {
    const stub = this.stubs.get(service)!;
    const fn = (stub as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function') throw new Error(`etcd proto has no method ${service}.${method}`);
    return fn.bind(stub) as F;
  }

  private metadata(token: string | null): grpc.Metadata {
    const md = new grpc.Metadata();
    if (token) md.set('token', token);
    return md;
  }

  /**
   * Waits (up to the dial timeout) for the channel to connect. A channel that already failed
   * is left to the call, which then fails at once with grpc's reason (refused, DNS, TLS).
   */
  private async ensureConnected(): Promise<void> {
    if (this.closed) throw new EtcdError(`${this.endpoint}: client already closed`, this.endpoint);
    const { READY, TRANSIENT_FAILURE } = grpc.connectivityState;
    let state = this.channel.getConnectivityState(true);
    if (state === READY || state === TRANSIENT_FAILURE) return;
    const deadline = Date.now() + this.opts.dialTimeoutMs;
    while (state !== READY && state !== TRANSIENT_FAILURE) {
      const current = state;
      const changed = await new Promise<boolean>((resolve) => this.channel.watchConnectivityState(current, deadline, (err) => resolve(!err)));
      if (!changed) {
        throw new EtcdUnavailableError(
          this.endpoint,
          `unreachable (no connection within ${this.opts.dialTimeoutMs} ms)`,
          'check --endpoints and that etcd is running, or raise --dial-timeout',
          false,
        );
      }
      state = this.channel.getConnectivityState(true);
    }
  }

  private async getToken(): Promise<string | null> {
    if (this.token !== undefined) return this.token;
    this.authenticating ??= this.authenticate().finally(() => {
      this.authenticating = undefined;
    });
    return this.authenticating;
  }

  private async authenticate(): Promise<string | null> {
    const auth = this.opts.auth!;
    try {
      const res = await this.unary<{ token: string }>('Auth', 'Authenticate', { name: auth.user, password: auth.password }, { auth: false });
      this.token = res.token;
    } catch (err) {
      // Credentials for a cluster without auth: etcd would ignore a token anyway.
      if (err instanceof EtcdError && /authentication is not enabled/.test(err.details ?? '')) this.token = null;
      else throw err;
    }
    return this.token;
  }

  private dropToken(used: string | null | undefined): void {
    if (this.token === used) this.token = undefined;
  }
}

// Maintenance.Snapshot spoken directly over node:http2, without @grpc/grpc-js.
//
// Why: a snapshot is hundreds of MB in 32 KiB messages. grpc-js copies every message once more
// (its frame decoder concatenates the HTTP/2 DATA frames of a message into one Buffer), which
// costs as much CPU as the rest of the backup and made `warden backup` slower than
// `etcdctl snapshot save`. Here each message's blob is handed on as the list of DATA-frame
// slices it arrived in: no copy between the socket and the file. The call itself is the
// simplest gRPC there is (one empty request, a stream of responses, status in the trailers),
// so the wire format is small enough to own: the length-prefixed message framing of the gRPC
// HTTP/2 protocol and the three fields of SnapshotResponse. Unary calls, watches and leases
// stay on grpc-js (src/etcd/connection.ts), which also keeps the auth token this call sends.
import http2 from 'node:http2';
import { EventEmitter } from 'node:events';
import type { SnapshotChunk } from './snapshot.ts';

export interface H2SnapshotTarget {
  host: string;
  port: number;
  secure: boolean;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** TLS server name to send (undefined: none, as for an IP address). */
  servername?: string;
  checkServerIdentity?: (host: string, cert: import('node:tls').PeerCertificate) => Error | undefined;
  /** etcd auth token, sent as the `token` metadata like grpc-js does. */
  token: string | null;
  /** Fail with UNAVAILABLE when the connection is not up within this long. */
  dialTimeoutMs: number;
}

/** A failure shaped like a grpc-js ServiceError, so mapGrpcError treats both paths alike. */
export class H2CallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${details}`);
  }
}

const UNAVAILABLE = 14;
const INTERNAL = 13;
const CANCELLED = 1;
/** 16 MiB stream and connection windows: etcd never waits on a window update. */
const WINDOW = 16 * 1024 * 1024;

/**
 * Splits a byte stream (given as arbitrary slices) into gRPC length-prefixed messages, each
 * returned as the list of slices it spans. Pure: fed in order, no I/O.
 */
export class GrpcFrameReader {
  private header = Buffer.alloc(5);
  private headerFill = 0;
  private remaining = -1;
  private parts: Buffer[] = [];

  /** Feeds `data`; returns the messages it completed. */
  push(data: Buffer): Buffer[][] {
    const out: Buffer[][] = [];
    let pos = 0;
    while (pos < data.length) {
      if (this.remaining < 0) {
        const n = Math.min(5 - this.headerFill, data.length - pos);
        data.copy(this.header, this.headerFill, pos, pos + n);
        this.headerFill += n;
        pos += n;
        if (this.headerFill < 5) break;
        if (this.header[0] !== 0) throw new H2CallError(INTERNAL, 'compressed gRPC message received, but none was negotiated');
        this.remaining = this.header.readUInt32BE(1);
        this.headerFill = 0;
        this.parts = [];
        if (this.remaining === 0) {
          out.push([]);
          this.remaining = -1;
        }
        continue;
      }
      const n = Math.min(this.remaining, data.length - pos);
      this.parts.push(data.subarray(pos, pos + n));
      this.remaining -= n;
      pos += n;
      if (this.remaining === 0) {
        out.push(this.parts);
        this.parts = [];
        this.remaining = -1;
      }
    }
    return out;
  }

  /** True between messages (a stream may only end here). */
  get idle(): boolean {
    return this.remaining < 0 && this.headerFill === 0;
  }
}

/**
 * SnapshotResponse {ResponseHeader header = 1; uint64 remaining_bytes = 2; bytes blob = 3;}
 * decoded from the slices of one message; the blob stays a list of views into them.
 */
export function decodeSnapshotParts(parts: Buffer[]): { remaining_bytes: number; blob: Buffer[] } {
  let p = 0;
  let off = 0;
  /** Steps over exhausted parts; true when no byte is left. */
  const atEnd = (): boolean => {
    while (p < parts.length && off >= parts[p]!.length) {
      p++;
      off = 0;
    }
    return p >= parts.length;
  };
  const byte = (): number => {
    if (atEnd()) throw new H2CallError(INTERNAL, 'truncated SnapshotResponse');
    return parts[p]![off++]!;
  };
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = byte();
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new H2CallError(INTERNAL, 'malformed varint in SnapshotResponse');
  };
  /** The next `len` bytes as views, advancing past them. */
  const take = (len: number): Buffer[] => {
    const views: Buffer[] = [];
    while (len > 0) {
      if (p >= parts.length) throw new H2CallError(INTERNAL, 'truncated SnapshotResponse');
      const part = parts[p]!;
      const n = Math.min(len, part.length - off);
      if (n > 0) views.push(part.subarray(off, off + n));
      off += n;
      len -= n;
      if (off >= part.length) {
        p++;
        off = 0;
      }
    }
    return views;
  };
  let remaining = 0;
  let blob: Buffer[] = [];
  while (!atEnd()) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const v = varint();
      if (field === 2) remaining = v;
    } else if (wire === 2) {
      const views = take(varint());
      if (field === 3) blob = views;
    } else if (wire === 1) take(8);
    else if (wire === 5) take(4);
    else throw new H2CallError(INTERNAL, `unexpected wire type ${wire} in SnapshotResponse`);
  }
  return { remaining_bytes: remaining, blob };
}

/** One Snapshot call; emits 'data' (SnapshotChunk with blob parts), 'error', 'end'. */
export class H2SnapshotSource extends EventEmitter {
  private readonly session: http2.ClientHttp2Session;
  private readonly req: http2.ClientHttp2Stream;
  private readonly frames = new GrpcFrameReader();
  private status: { code: number; details: string } | undefined;
  private done = false;
  private dialTimer: NodeJS.Timeout | undefined;

  constructor(t: H2SnapshotTarget) {
    super();
    const host = t.host.includes(':') && !t.host.startsWith('[') ? `[${t.host}]` : t.host;
    const authority = `${t.secure ? 'https' : 'http'}://${host}:${t.port}`;
    const tlsOptions: http2.SecureClientSessionOptions = t.secure
      ? {
        ...(t.tls?.ca ? { ca: t.tls.ca } : {}),
        ...(t.tls?.cert ? { cert: t.tls.cert } : {}),
        ...(t.tls?.key ? { key: t.tls.key } : {}),
        ...(t.servername !== undefined ? { servername: t.servername } : {}),
        ...(t.checkServerIdentity ? { checkServerIdentity: t.checkServerIdentity } : {}),
        ALPNProtocols: ['h2'],
      }
      : {};
    this.session = http2.connect(authority, { ...tlsOptions, settings: { initialWindowSize: WINDOW } });
    this.session.on('error', (err: Error) => this.fail(UNAVAILABLE, `No connection established. Last error: ${err.message}`));
    this.session.on('connect', () => {
      clearTimeout(this.dialTimer);
      // A call cancelled while connecting (Ctrl-C) destroyed the session already, and Node
      // still emits its connect: the window of a destroyed session throws.
      if (!this.session.destroyed) this.session.setLocalWindowSize(WINDOW);
    });
    this.dialTimer = setTimeout(() => this.fail(UNAVAILABLE, `No connection established. Last error: no connection within ${t.dialTimeoutMs} ms`), t.dialTimeoutMs);
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': '/etcdserverpb.Maintenance/Snapshot',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': 'etcd-warden',
    };
    if (t.token) headers.token = t.token;
    this.req = this.session.request(headers);
    // SnapshotRequest is empty: one uncompressed message of length 0.
    this.req.end(Buffer.alloc(5));
    this.req.on('response', (h) => this.readStatus(h));
    this.req.on('trailers', (h) => this.readStatus(h));
    this.req.on('data', (data: Buffer) => this.onData(data));
    this.req.on('error', (err: Error) => this.fail(UNAVAILABLE, err.message));
    this.req.on('end', () => this.onEnd());
  }

  pause(): void {
    this.req.pause();
  }

  resume(): void {
    this.req.resume();
  }

  cancel(): void {
    if (this.done) return;
    this.fail(CANCELLED, 'Cancelled on client');
  }

  private readStatus(h: http2.IncomingHttpHeaders): void {
    const status = h[':status'];
    if (status !== undefined && Number(status) !== 200) {
      this.status = { code: UNAVAILABLE, details: `HTTP status ${String(status)} from the endpoint (not an etcd gRPC port?)` };
    }
    const code = h['grpc-status'];
    if (code !== undefined) {
      const message = h['grpc-message'];
      let details = typeof message === 'string' ? message : '';
      try {
        details = decodeURIComponent(details);
      } catch {
        // not percent-encoded: keep as is
      }
      this.status = { code: Number(code), details };
    }
  }

  private onData(data: Buffer): void {
    if (this.done) return;
    let messages: Buffer[][];
    try {
      messages = this.frames.push(data);
      for (const m of messages) {
        const chunk: SnapshotChunk = decodeSnapshotParts(m);
        this.emit('data', chunk);
        if (this.done) return;
      }
    } catch (err) {
      const e = err instanceof H2CallError ? err : new H2CallError(INTERNAL, (err as Error).message);
      this.fail(e.code, e.details);
    }
  }

  private onEnd(): void {
    if (this.done) return;
    const s = this.status;
    if (!s) return this.fail(INTERNAL, 'stream ended without a gRPC status');
    if (s.code !== 0) return this.fail(s.code, s.details);
    if (!this.frames.idle) return this.fail(INTERNAL, 'stream ended in the middle of a message');
    this.done = true;
    this.close();
    this.emit('end');
  }

  private fail(code: number, details: string): void {
    if (this.done) return;
    this.done = true;
    this.close();
    this.emit('error', new H2CallError(code, details));
  }

  private close(): void {
    clearTimeout(this.dialTimer);
    if (!this.req.closed) this.req.close(http2.constants.NGHTTP2_CANCEL);
    this.session.close();
    // A session whose peer vanished may never finish closing on its own.
    if (!this.session.destroyed) setImmediate(() => this.session.destroy());
  }
}

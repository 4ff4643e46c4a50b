// The KMS v2 plugin API on the wire (k8s.io/kms/apis/v2: gRPC over a unix socket), both ends:
// kmsClient calls a plugin as kube-apiserver does, serveKms serves a KmsService to kube-apiserver
// (and to warden). grpc-js and the protobuf runtime load on the first call, not on import: the
// messages are built from the JSON descriptor below (no .proto parsing, no generated code).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type * as Grpc from '@grpc/grpc-js';
import { WardenError, errorMessage } from '../../errors.ts';
import { cleanDetails } from '../../etcd/errors.ts';
import { kmsEndpointSocket } from '../config.ts';
import type { KmsService } from './service.ts';

/** kube-apiserver's default KMS call timeout. */
export const DEFAULT_KMS_TIMEOUT_MS = 3000;

/** A failed call to a KMS plugin, naming its endpoint. */
export class KmsPluginError extends WardenError {
  override readonly name = 'KmsPluginError';
  constructor(
    message: string,
    readonly endpoint: string,
    /** The gRPC status code of the failure. */
    readonly grpcCode?: number,
  ) {
    super(message);
  }
}

/** A request a service refuses as malformed: served back as INVALID_ARGUMENT (anything else: INTERNAL). */
export class KmsRequestError extends WardenError {
  override readonly name = 'KmsRequestError';
}

// api.proto of k8s.io/kms/apis/v2 as a protobufjs JSON descriptor; field names as in the .proto.
const PROTO = {
  nested: {
    v2: {
      nested: {
        StatusRequest: { fields: {} },
        StatusResponse: { fields: { version: { type: 'string', id: 1 }, healthz: { type: 'string', id: 2 }, key_id: { type: 'string', id: 3 } } },
        DecryptRequest: {
          fields: { ciphertext: { type: 'bytes', id: 1 }, uid: { type: 'string', id: 2 }, key_id: { type: 'string', id: 3 }, annotations: { keyType: 'string', type: 'bytes', id: 4 } },
        },
        DecryptResponse: { fields: { plaintext: { type: 'bytes', id: 1 } } },
        EncryptRequest: { fields: { plaintext: { type: 'bytes', id: 1 }, uid: { type: 'string', id: 2 } } },
        EncryptResponse: { fields: { ciphertext: { type: 'bytes', id: 1 }, key_id: { type: 'string', id: 2 }, annotations: { keyType: 'string', type: 'bytes', id: 3 } } },
      },
    },
  },
};

type Method = 'Status' | 'Encrypt' | 'Decrypt';

// The messages as the codecs give and take them.
interface StatusResponse { version: string; healthz: string; key_id: string }
interface EncryptRequest { plaintext: Buffer; uid: string }
interface EncryptResponse { ciphertext: Buffer; key_id: string; annotations: Record<string, Buffer> }
interface DecryptRequest { ciphertext: Buffer; uid: string; key_id: string; annotations: Record<string, Buffer> }
interface DecryptResponse { plaintext: Buffer }

interface Lib {
  grpc: (typeof Grpc)['default'];
  service: Record<Method, Grpc.MethodDefinition<object, object>>;
}

let loaded: Promise<Lib> | undefined;

/**
 * A CommonJS module's exports from import(): Node gives them as the default export (and most
 * as named ones), the esbuild bundle only as the default, tsx sometimes only as named ones.
 */
function exportsOf<T extends { default?: unknown }>(m: T): NonNullable<T['default']> {
  return (m.default ?? m) as NonNullable<T['default']>;
}

function lib(): Promise<Lib> {
  return (loaded ??= (async () => {
    const [grpcModule, protobufModule] = await Promise.all([import('@grpc/grpc-js'), import('protobufjs/light.js')]);
    const grpc = exportsOf(grpcModule);
    const protobuf = exportsOf(protobufModule);
    const root = protobuf.Root.fromJSON(PROTO);
    // defaults: absent fields (proto3 omits empty ones) come out as '', empty Buffers and {}.
    const codec = (name: string) => {
      const t = root.lookupType(`v2.${name}`);
      return {
        serialize: (o: object) => Buffer.from(t.encode(t.fromObject(o)).finish()),
        deserialize: (b: Buffer) => t.toObject(t.decode(b), { bytes: Buffer, defaults: true }),
      };
    };
    const method = (name: Method): Grpc.MethodDefinition<object, object> => {
      const req = codec(`${name}Request`);
      const res = codec(`${name}Response`);
      return {
        path: `/v2.KeyManagementService/${name}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: req.serialize,
        requestDeserialize: req.deserialize,
        responseSerialize: res.serialize,
        responseDeserialize: res.deserialize,
      };
    };
    return { grpc, service: { Status: method('Status'), Encrypt: method('Encrypt'), Decrypt: method('Decrypt') } };
  })());
}

/** What grpc-js dials for a kms endpoint (the forms kube-apiserver's config takes; /@name is abstract). */
export function kmsDialTarget(endpoint: string): string {
  const sock = kmsEndpointSocket(endpoint);
  if (!sock) throw new WardenError(`KMS endpoint ${JSON.stringify(endpoint)} is not a unix socket: give it as unix:///absolute/path/plugin.sock`);
  return sock.abstract ? `unix-abstract:${sock.path}` : `unix://${sock.path}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A gRPC failure as one line naming the plugin. Requests and answers never go into it. */
function kmsError(err: unknown, endpoint: string, method: Method, timeoutMs: number): Error {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return err instanceof Error ? err : new Error(String(err));
  const details = cleanDetails((err as { details?: string }).details ?? '');
  const at = `KMS plugin at ${endpoint}`;
  switch (code) {
    case 14: {
      // UNAVAILABLE: grpc-js says "connect ENOENT /x/plugin.sock" and the like.
      const sys = /connect (E[A-Z]+)/.exec(details);
      const hint = sys?.[1] === 'EACCES'
        ? 'run as a user that may open the socket (warden creates it mode 0600)'
        : 'start the plugin (warden\'s own: warden kms-plugin --socket PATH --kek-file FILE)';
      return new KmsPluginError(`${at} is unreachable (${sys?.[0] ?? (details || 'no connection')}): ${hint}`, endpoint, code);
    }
    case 4: // DEADLINE_EXCEEDED
      return new KmsPluginError(`${at} did not answer ${method} within ${seconds(timeoutMs)}: check that the plugin is running and healthy (see its log)`, endpoint, code);
    case 12: // UNIMPLEMENTED
      return new KmsPluginError(`${at} does not implement KMS v2 ${method} (${details || 'unimplemented'}): use a plugin of the KMS v2 API`, endpoint, code);
    default:
      // The plugin's own message (warden's: `<what went wrong>: <what to do>`).
      return new KmsPluginError(`${at} failed ${method}: ${details || `gRPC status ${code}`}`, endpoint, code);
  }
}

/**
 * A client of the KMS v2 plugin at `endpoint` (unix:///path). Each call has its own deadline
 * (default 3s, kube-apiserver's); the connection opens on the first call, close() releases it.
 */
export function kmsClient(endpoint: string, opts: { timeoutMs?: number } = {}): KmsService {
  const target = kmsDialTarget(endpoint);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_KMS_TIMEOUT_MS;
  let client: Grpc.Client | undefined;
  let closed = false;

  const call = async <Res>(method: Method, request: object): Promise<Res> => {
    const { grpc, service } = await lib();
    if (closed) throw new Error(`KMS client for ${endpoint} used after close()`);
    // kube-apiserver dials its plugin with the authority "localhost" too.
    // Reconnects back off to 5 s at most (grpc-js would wait up to 2 min): a plugin back after
    // an outage is found within kube-apiserver's 10 s retry of a failed Status.
    client ??= new grpc.Client(target, grpc.credentials.createInsecure(), {
      'grpc.default_authority': 'localhost', 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 5000,
    });
    const m = service[method];
    const c = client;
    return new Promise<Res>((resolve, reject) => {
      c.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(kmsError(err, endpoint, method, timeoutMs)) : resolve(res as Res));
    });
  };

  return {
    async status() {
      const r = await call<StatusResponse>('Status', {});
      return { version: r.version, healthz: r.healthz, keyId: r.key_id };
    },
    async encrypt(plaintext, uid) {
      const r = await call<EncryptResponse>('Encrypt', { plaintext, uid } satisfies EncryptRequest);
      // What kube-apiserver checks too: data stored without either could never be decrypted.
      if (r.ciphertext.length === 0 || !r.key_id) throw new KmsPluginError(`KMS plugin at ${endpoint} answered Encrypt without ${r.key_id ? 'a ciphertext' : 'a key ID'}: fix or replace the plugin`, endpoint);
      return { ciphertext: r.ciphertext, keyId: r.key_id, annotations: r.annotations };
    },
    async decrypt(req) {
      const r = await call<DecryptResponse>('Decrypt', { ciphertext: req.ciphertext, uid: req.uid, key_id: req.keyId, annotations: req.annotations } satisfies DecryptRequest);
      return r.plaintext;
    },
    close() {
      closed = true;
      client?.close();
    },
  };
}

/** What connecting to an existing socket file says: undefined when something accepts, else the errno code. */
function probeSocket(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect(file);
    s.once('connect', () => {
      s.destroy();
      resolve(undefined);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Removes a socket file a killed plugin left at `file`; refuses when something still serves there. */
async function clearStaleSocket(file: string, address: string): Promise<void> {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new WardenError(`cannot check ${file} (${(err as NodeJS.ErrnoException).code}): check the permissions of its folder`);
  }
  if (!st.isSocket()) throw new WardenError(`${file} exists and is not a socket: remove it, or choose another --socket`);
  const answer = await probeSocket(file);
  if (answer === undefined) throw new WardenError(`a KMS plugin is already serving on ${address}: stop it first, or choose another --socket`);
  // Nothing listens (ECONNREFUSED): what a killed plugin leaves behind.
  if (answer !== 'ECONNREFUSED') throw new WardenError(`cannot check the socket ${file} (${answer}): remove it if no plugin serves there`);
  fs.rmSync(file, { force: true });
}

/** Longest unix socket path Linux takes (sun_path is 108 bytes, NUL included). */
const MAX_SOCKET_PATH = 107;

/**
 * Serves `service` as a KMS v2 plugin on the unix socket `socketPath` (mode 0600, its folder
 * created 0700). A stale socket file is replaced. A service error goes back as INTERNAL
 * (INVALID_ARGUMENT for a KmsRequestError) with its one-line message; `log` gets the same line.
 */
export async function serveKms(
  socketPath: string,
  service: Pick<KmsService, 'status' | 'encrypt' | 'decrypt'>,
  opts: { log?: (line: string) => void } = {},
): Promise<{ close(): Promise<void>; address: string }> {
  const file = path.resolve(socketPath);
  const address = `unix://${file}`;
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH) {
    throw new WardenError(`socket path ${file} is too long for a unix socket (${Buffer.byteLength(file)} bytes, at most ${MAX_SOCKET_PATH}): choose a shorter --socket`);
  }
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new WardenError(`cannot create the folder of ${file} (${(err as NodeJS.ErrnoException).code}): choose a --socket in a folder you may write`);
  }
  await clearStaleSocket(file, address);
  const { grpc, service: def } = await lib();

  const unary = <Req, Res>(method: Method, fn: (req: Req) => Promise<Res>): Grpc.handleUnaryCall<Req, Res> => (call, callback) => {
    fn(call.request).then(
      (res) => callback(null, res),
      (err: unknown) => {
        const line = errorMessage(err).replace(/\s*\n\s*/g, ' ');
        opts.log?.(`${method} failed: ${line}`);
        callback({ code: err instanceof KmsRequestError ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL, details: line }, null);
      },
    );
  };
  const server = new grpc.Server();
  server.addService(def, {
    Status: unary('Status', async (): Promise<StatusResponse> => {
      const s = await service.status();
      return { version: s.version, healthz: s.healthz, key_id: s.keyId };
    }),
    Encrypt: unary('Encrypt', async (req: EncryptRequest): Promise<EncryptResponse> => {
      if (req.plaintext.length === 0) throw new KmsRequestError('Encrypt request has no plaintext: send the data encryption key to encrypt');
      const r = await service.encrypt(req.plaintext, req.uid);
      return { ciphertext: r.ciphertext, key_id: r.keyId, annotations: r.annotations };
    }),
    Decrypt: unary('Decrypt', async (req: DecryptRequest): Promise<DecryptResponse> => {
      if (req.ciphertext.length === 0 || !req.key_id) throw new KmsRequestError(`Decrypt request has no ${req.key_id ? 'ciphertext' : 'key ID'}: send both, as Encrypt returned them`);
      return { plaintext: await service.decrypt({ ciphertext: req.ciphertext, uid: req.uid, keyId: req.key_id, annotations: req.annotations }) };
    }),
  });
  // Only this user may call the plugin (kube-apiserver runs as root): the socket is made 0600
  // (the umask while it is bound), and chmodded again in case the umask was ignored.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) =>
        err ? reject(new WardenError(`cannot serve on ${address} (${cleanDetails(err.message)}): check that its folder is writable`)) : resolve());
    });
  } finally {
    process.umask(umask);
  }
  fs.chmodSync(file, 0o600);
  const ino = fs.statSync(file).ino;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(force);
        // Node unlinks its socket on close; this is for when it did not, and never takes a newer plugin's socket.
        try {
          if (fs.statSync(file).ino === ino) fs.rmSync(file, { force: true });
        } catch {
          /* gone */
        }
        resolve();
      };
      // Calls in flight get 2s to finish, then the connections are cut.
      const force = setTimeout(() => {
        server.forceShutdown();
        done();
      }, 2000);
      server.tryShutdown(done);
    });
    return closing;
  };
  return { close, address };
}

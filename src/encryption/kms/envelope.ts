// The KMS v2 envelope: one kms provider's transformer, as kube-apiserver's kmsv2 envelope
// transformer and its plugin probe behave together.
//   - Writes: every value is sealed under the current seed (HKDF_SHA256_XNONCE_AES_GCM_SEED, the
//     source type kube-apiserver 1.29+ writes); the seed was encrypted by the plugin once, so a
//     write calls no plugin. Each value derives its own key from a fresh 32-byte info, so no
//     nonce limit is ever near (kube-apiserver rotates for no other reason than the key ID).
//   - The seed is replaced when the plugin's Status reports a new key ID (then every value
//     under another key ID reads as stale, and the migration rewrites it).
//   - A seed may be written for writeTtlMs (kube-apiserver: 3 min) after the plugin last
//     answered; past that, writes fail: nothing is ever written in plaintext, and nothing under
//     a key the plugin may have revoked.
//   - Reads decrypt a value's DEK source through the plugin once, then keep it (by its cache
//     key: source type, encrypted source, key ID, annotations).
// Status is refreshed in the background while the envelope is used (every refreshMs), and by
// the operator's KMS controller, which reports what it found as a condition.
import crypto from 'node:crypto';
import { TransformError, TransformPending, TransformUnavailable, type ReadResult, type Transformer } from '../transformers.ts';
import {
  decodeEncryptedObject, dekCacheKey, DEK_HKDF_SHA256_XNONCE_AES_GCM_SEED, encodeDekFields, openWithDek, openWithSeed,
  sealStoredWithSeed, SEED_SIZE, splitEncryptedData, validateEncryptedObject, validateKeyId, type DekFields, type EncryptedObject,
} from './object.ts';
import type { KmsService } from './service.ts';

/** kube-apiserver's kmsv2PluginWriteDEKSourceMaxTTL. */
export const WRITE_TTL_MS = 3 * 60_000;
/** kube-apiserver's probe intervals: after a healthy answer, after a failure. */
export const REFRESH_HEALTHY_MS = 60_000;
export const REFRESH_UNHEALTHY_MS = 10_000;
/** Decrypted DEK sources kept for reads (each is one writer's seed: few in practice), the oldest dropped first. */
const READ_CACHE_SIZE = 1024;
/** gRPC codes of a plugin that may answer on the next try: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const TRANSIENT_GRPC_CODES = [1, 4, 8, 14];

export interface EnvelopeOptions {
  /** The provider's name (its `k8s:enc:kms:v2:<name>:` prefix). */
  name: string;
  service: KmsService;
  /** The plugin's endpoint, for messages. */
  endpoint?: string;
  writeTtlMs?: number;
  refreshMs?: number;
  now?: () => number;
  rand?: (n: number) => Buffer;
}

export interface PluginHealth {
  healthy: boolean;
  /** The key ID the plugin's Status last reported. */
  keyId?: string;
  /** "ok", or why the plugin is not usable, in one line. */
  message: string;
  /** When the plugin was last asked (ms since the epoch). */
  checkedAt: number;
}

interface WriteState {
  keyId: string;
  seed: Buffer;
  /** The EncryptedObject's fields 2–5, the same for every value under this seed. */
  tail: Buffer;
  expiresAt: number;
  /** Reading values under this seed. */
  dek: Dek;
}

type Reader = (encryptedData: Buffer, aad: Buffer) => Buffer;

/** A decrypted DEK source: how to open values under it, and what it was (for the stale rule). */
interface Dek {
  open: Reader;
  keyId: string;
  type: number;
}

/** The cache key of the DEK fields' bytes (one string per DEK; 't' keeps it apart from dekCacheKey's). */
function tailKey(tail: Buffer): string {
  return `t${tail.toString('latin1')}`;
}

/** Text from a plugin or a stored value, for one line: quoted (as kube's %q), bounded. */
export function quoted(text: string): string {
  const q = JSON.stringify(text);
  return q.length > 200 ? `${q.slice(0, 197)}..."` : q;
}

/** How kube-apiserver names a key ID in messages and metrics. */
export function keyIdHash(keyId: string): string {
  return keyId ? `sha256:${crypto.createHash('sha256').update(keyId).digest('hex')}` : '';
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export class KmsEnvelope implements Transformer {
  private state: WriteState | undefined;
  private keyId: string | undefined;
  /**
   * Decrypted DEK sources for reads, by the DEK fields' own bytes (every value under one DEK
   * ends with the same ones when written as Go writes it) or, for another field order, by
   * dekCacheKey: a value whose DEK is known is read without parsing or hashing anything.
   */
  private readonly deks = new Map<string, Dek>();
  private readonly loading = new Map<string, Promise<void>>();
  private refreshing: Promise<PluginHealth> | undefined;
  private lastHealth: PluginHealth | undefined;
  private readonly writeTtlMs: number;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private readonly rand: (n: number) => Buffer;

  constructor(private readonly o: EnvelopeOptions) {
    this.writeTtlMs = o.writeTtlMs ?? WRITE_TTL_MS;
    this.refreshMs = o.refreshMs ?? REFRESH_HEALTHY_MS;
    this.now = o.now ?? Date.now;
    this.rand = o.rand ?? crypto.randomBytes;
  }

  get name(): string {
    return this.o.name;
  }

  /** What the last Status call found (undefined before the first). */
  get health(): PluginHealth | undefined {
    return this.lastHealth;
  }

  /**
   * Asks the plugin's Status; on a new key ID (or none yet), makes a new seed and has the plugin
   * encrypt it. Never throws: the answer says what happened. Concurrent calls share one round.
   */
  refresh(): Promise<PluginHealth> {
    this.refreshing ??= this.probe().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private who(): string {
    return `KMS plugin "${this.o.name}"${this.o.endpoint ? ` at ${this.o.endpoint}` : ''}`;
  }

  private async probe(): Promise<PluginHealth> {
    const started = this.now();
    // A failure counts from when it came (a call that timed out took the whole timeout).
    const fail = (message: string): PluginHealth => (this.lastHealth = { healthy: false, ...(this.keyId ? { keyId: this.keyId } : {}), message, checkedAt: this.now() });
    let keyId: string;
    try {
      const st = await this.o.service.status();
      if (st.version !== 'v2' && st.version !== 'v2beta1') return fail(`${this.who()} speaks KMS API ${JSON.stringify(st.version)}: use a KMS v2 plugin`);
      if (st.healthz !== 'ok') return fail(`${this.who()} reports itself unhealthy (${quoted(st.healthz)}): see the plugin's log`);
      validateKeyId(st.keyId);
      keyId = st.keyId;
    } catch (err) {
      return fail(err instanceof TransformError ? `${this.who()} gave an invalid key ID in Status (${err.message}): fix or replace the plugin` : (err as Error).message);
    }
    this.keyId = keyId;
    const expiresAt = started + this.writeTtlMs;
    if (this.state?.keyId === keyId) {
      // The key is unchanged: the seed may go on being written (kube moves its expiry forward).
      this.state.expiresAt = expiresAt;
    } else {
      try {
        const seed = this.rand(SEED_SIZE);
        const r = await this.o.service.encrypt(seed, crypto.randomUUID());
        const fields: DekFields = { keyId: r.keyId, encryptedDekSource: r.ciphertext, annotations: r.annotations, dekSourceType: DEK_HKDF_SHA256_XNONCE_AES_GCM_SEED };
        validateEncryptedObject(fields);
        // The old seed stays the write seed until one under the reported key exists (kube's rule).
        if (r.keyId !== keyId) return fail(`${this.who()} encrypted the seed under key ID ${JSON.stringify(r.keyId)} while its Status reports ${JSON.stringify(keyId)}: check the plugin (writes keep the seed they have until it agrees)`);
        const tail = encodeDekFields(fields);
        const dek: Dek = { open: (data, aad) => openWithSeed(seed, data, aad), keyId, type: DEK_HKDF_SHA256_XNONCE_AES_GCM_SEED };
        this.state = { keyId, seed, tail, expiresAt, dek };
        this.remember(tailKey(tail), dek);
      } catch (err) {
        return fail(`${this.who()} could not encrypt a new seed: ${(err as Error).message}`);
      }
    }
    return (this.lastHealth = { healthy: true, keyId, message: 'ok', checkedAt: started });
  }

  /** Refreshes, and fails with the reason when there is still nothing to write or judge with. */
  private async ready(): Promise<void> {
    const h = await this.refresh();
    if (!h.healthy) throw new TransformUnavailable(h.message);
  }

  private remember(key: string, dek: Dek): void {
    this.deks.delete(key);
    this.deks.set(key, dek);
    if (this.deks.size > READ_CACHE_SIZE) this.deks.delete(this.deks.keys().next().value as string);
  }

  /** One Decrypt per DEK however many values wait for it (a list reads them all at once). */
  private loadDekOnce(obj: EncryptedObject, key: string): Promise<void> {
    let p = this.loading.get(key);
    if (!p) {
      p = this.loadDek(obj, key).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async loadDek(obj: EncryptedObject, key: string): Promise<void> {
    let plain: Buffer;
    try {
      plain = await this.o.service.decrypt({ ciphertext: obj.encryptedDekSource, uid: crypto.randomUUID(), keyId: obj.keyId, annotations: obj.annotations });
    } catch (err) {
      // The plugin down, slow or overloaded is not this value's fault; a plugin that answers
      // and refuses (an unknown key ID, a tampered DEK source) is.
      const code = (err as { grpcCode?: unknown }).grpcCode;
      if (typeof code === 'number' && TRANSIENT_GRPC_CODES.includes(code)) throw new TransformUnavailable((err as Error).message);
      const h = await this.refresh();
      if (!h.healthy) throw new TransformUnavailable(h.message);
      throw new TransformError(`failed to decrypt DEK, error: ${(err as Error).message}`);
    }
    const { keyId, dekSourceType: type } = obj;
    if (type === DEK_HKDF_SHA256_XNONCE_AES_GCM_SEED) {
      if (plain.length !== SEED_SIZE) throw new TransformError(`invalid seed length ${plain.length} used for key generation`);
      this.remember(key, { open: (data, aad) => openWithSeed(plain, data, aad), keyId, type });
    } else {
      const dek = crypto.createSecretKey(plain);
      this.remember(key, { open: (data, aad) => openWithDek(dek, data, aad), keyId, type });
    }
  }

  fromStorage(data: Buffer, etcdKey: Buffer): ReadResult {
    const split = splitEncryptedData(data);
    let dek: Dek | undefined;
    let sealed = split?.data;
    if (split && split.data.length > 0) {
      // Most values are under the current write seed: told by comparing bytes, nothing allocated.
      const s = this.state;
      dek = s && split.tail.equals(s.tail) ? s.dek : this.deks.get(tailKey(split.tail));
    }
    if (!dek) {
      // First sight of this DEK (or an unusual encoding): parsed and checked as kube-apiserver does.
      const obj = decodeEncryptedObject(data);
      validateEncryptedObject(obj);
      const key = split ? tailKey(split.tail) : dekCacheKey(obj);
      dek = this.deks.get(key);
      if (!dek) throw new TransformPending(`the DEK of key ID ${quoted(obj.keyId)} is not decrypted yet`, () => this.loadDekOnce(obj, key));
      sealed = obj.encryptedData;
    }
    // Whether the value is stale needs the plugin's current key ID.
    if (this.keyId === undefined) throw new TransformPending(`${this.who()} has not answered yet`, () => this.ready());
    this.keepFresh();
    // Stale (kube's rule): under another key ID than the seed writes are sealed under (the one
    // the plugin reported, until it encrypted a seed under that), or another DEK source type.
    const writes = this.state?.keyId ?? this.keyId;
    return { data: dek.open(sealed as Buffer, etcdKey), stale: dek.keyId !== writes || dek.type !== DEK_HKDF_SHA256_XNONCE_AES_GCM_SEED };
  }

  toStorage(data: Buffer, etcdKey: Buffer): Buffer {
    return this.seal(Buffer.alloc(0), data, etcdKey);
  }

  seal(prefix: Buffer, data: Buffer, etcdKey: Buffer): Buffer {
    const s = this.state;
    if (!s) throw new TransformPending(`${this.who()} has not given a seed yet`, () => this.ready());
    const now = this.now();
    if (now > s.expiresAt) {
      const why = this.lastHealth && !this.lastHealth.healthy ? ` (${this.lastHealth.message})` : '';
      throw new TransformPending(
        `encryptedDEKSource with keyID hash ${JSON.stringify(keyIdHash(s.keyId))} expired at ${rfc3339(s.expiresAt)} (current time is ${rfc3339(now)})${why}`,
        () => this.ready(),
      );
    }
    this.keepFresh();
    return sealStoredWithSeed(prefix, s.seed, data, etcdKey, s.tail, this.rand);
  }

  /** Starts a Status round in the background once the last one is older than refreshMs. */
  private keepFresh(): void {
    const last = this.lastHealth;
    const every = last && !last.healthy ? Math.min(this.refreshMs, REFRESH_UNHEALTHY_MS) : this.refreshMs;
    if (!this.refreshing && (!last || this.now() - last.checkedAt >= every)) void this.refresh();
  }
}

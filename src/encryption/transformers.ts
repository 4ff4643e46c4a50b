// Value transformers, byte-compatible with kube-apiserver's encryption at rest (pure code).
//
// Stored form: `k8s:enc:<provider>:v1:<keyName>:<payload>`; identity stores the raw bytes.
//   aescbc:    payload = IV(16) ‖ AES-CBC(PKCS#7)           (no MAC, no additional data)
//   aesgcm:    payload = nonce(12) ‖ ciphertext ‖ tag(16)   (AAD = the full etcd key)
//   secretbox: payload = nonce(24) ‖ NaCl secretbox          (XSalsa20-Poly1305, tag first)
//   kms v2:    `k8s:enc:kms:v2:<providerName>:` ‖ EncryptedObject (kms/object.ts, kms/envelope.ts)
// Reads follow kube-apiserver: providers in configuration order by prefix, then keys by name;
// anything read by other than the first provider and its first key is "stale" (to be rewritten).
//
// Transformers are synchronous: the hot path (every value of a migration or a scan) allocates no
// promise. The one provider that may need I/O, kms (a DEK not yet decrypted by the plugin, or no
// DEK yet to write with), throws TransformPending carrying that work; readValue and writeValue
// do it and try again, so every caller that may meet kms values goes through them.
import crypto from 'node:crypto';
import type * as Salsa from '@noble/ciphers/salsa';
import { lazyRequire } from '../util/lazy.ts';
import { keyIdOfStored, KMS_V2_PREFIX } from './kms/object.ts';

const salsa = lazyRequire<typeof Salsa>('@noble/ciphers/salsa');

export type ProviderType = 'identity' | 'aescbc' | 'aesgcm' | 'secretbox' | 'kms';
/** The providers whose keys are in the EncryptionConfiguration itself. */
export type KeyedType = 'aescbc' | 'aesgcm' | 'secretbox';

export const ENC_PREFIX = 'k8s:enc:';

/** A value could not be read or written; `message` is kube-apiserver's wording. */
export class TransformError extends Error {
  override readonly name = 'TransformError';
}

/**
 * A transformer needs asynchronous work first (a KMS plugin call); `load` does it, then the same
 * call succeeds. Only readValue/writeValue catch it: anywhere else it is an error like another.
 */
export class TransformPending extends TransformError {
  constructor(message: string, readonly load: () => Promise<void>) {
    super(message);
  }
}

/** A provider cannot answer now (its KMS plugin is down): nothing is wrong with the value. */
export class TransformUnavailable extends TransformError {}

async function withPending<T>(fn: () => T): Promise<T> {
  // Two rounds: a kms read may first need the write state (its staleness), then the value's DEK.
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof TransformPending)) throw err;
      // Still waiting after the rounds a value needs (a DEK evicted meanwhile, a plugin slower
      // than the seed's life): the provider is not answering, nothing is wrong with the value.
      if (i >= 2) throw new TransformUnavailable(err.message);
      await err.load();
    }
  }
}

/** fromStorage, doing any plugin call a kms value needs first. */
export function readValue(t: Transformer, data: Buffer, etcdKey: Buffer): Promise<ReadResult> {
  return withPending(() => t.fromStorage(data, etcdKey));
}

/** toStorage, doing any plugin call a kms write key needs first. */
export function writeValue(t: Transformer, data: Buffer, etcdKey: Buffer): Promise<Buffer> {
  return withPending(() => t.toStorage(data, etcdKey));
}

export interface ReadResult {
  data: Buffer;
  /** Read by anything but the write provider and key: should be rewritten. */
  stale: boolean;
}

export interface Transformer {
  /** `etcdKey` is the full key the value is stored under (aesgcm authenticates it). */
  fromStorage(data: Buffer, etcdKey: Buffer): ReadResult;
  toStorage(data: Buffer, etcdKey: Buffer): Buffer;
  /** toStorage with `prefix` in front, built in one buffer (the hot path of every write). */
  seal(prefix: Buffer, data: Buffer, etcdKey: Buffer): Buffer;
}

const EMPTY = Buffer.alloc(0);

export const identity: Transformer = {
  fromStorage(data) {
    if (data.subarray(0, ENC_PREFIX.length).toString('latin1') === ENC_PREFIX) {
      throw new TransformError('identity transformer tried to read encrypted data');
    }
    return { data, stale: false };
  },
  toStorage(data) {
    return data;
  },
  seal(prefix, data) {
    return prefix.length ? Buffer.concat([prefix, data]) : data;
  },
};

function aesAlgorithm(mode: 'cbc' | 'gcm', key: Buffer): string {
  if (![16, 24, 32].includes(key.length)) throw new TransformError(`invalid AES key size ${key.length}: must be 16, 24 or 32 bytes`);
  return `aes-${key.length * 8}-${mode}`;
}

/** Where IVs and nonces come from; tests pass a fixed source to pin the bytes. */
export type RandomSource = (size: number) => Buffer;

export function aesCbc(key: Buffer, rand: RandomSource = crypto.randomBytes): Transformer {
  const alg = aesAlgorithm('cbc', key);
  // A KeyObject: the key is imported once, not on every cipher created.
  const k = crypto.createSecretKey(key);
  const seal = (prefix: Buffer, data: Buffer) => {
    const iv = rand(16);
    const c = crypto.createCipheriv(alg, k, iv);
    return Buffer.concat([prefix, iv, c.update(data), c.final()]);
  };
  return {
    fromStorage(data) {
      if (data.length < 16) throw new TransformError('the stored data was shorter than the required size');
      const body = data.subarray(16);
      if (body.length % 16 !== 0) throw new TransformError('the stored data is not a multiple of the block size');
      if (body.length === 0) throw new TransformError('invalid PKCS7 data (empty or not padded)');
      const d = crypto.createDecipheriv(alg, k, data.subarray(0, 16));
      try {
        return { data: Buffer.concat([d.update(body), d.final()]), stale: false };
      } catch {
        // OpenSSL checks the PKCS#7 padding; kube-apiserver words the failure so.
        throw new TransformError('invalid padding on input');
      }
    },
    toStorage: (data) => seal(EMPTY, data),
    seal: (prefix, data) => seal(prefix, data),
  };
}

export function aesGcm(key: Buffer, rand: RandomSource = crypto.randomBytes): Transformer {
  const alg = aesAlgorithm('gcm', key) as crypto.CipherGCMTypes;
  const k = crypto.createSecretKey(key);
  const seal = (prefix: Buffer, data: Buffer, etcdKey: Buffer) => {
    const nonce = rand(12);
    const c = crypto.createCipheriv(alg, k, nonce);
    c.setAAD(etcdKey);
    const body = c.update(data);
    const last = c.final();
    return Buffer.concat([prefix, nonce, body, last, c.getAuthTag()]);
  };
  return {
    fromStorage(data, etcdKey) {
      if (data.length < 12 + 16) throw new TransformError('the stored data was shorter than the required size');
      const d = crypto.createDecipheriv(alg, k, data.subarray(0, 12));
      d.setAAD(etcdKey);
      d.setAuthTag(data.subarray(data.length - 16));
      try {
        return { data: Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]), stale: false };
      } catch {
        throw new TransformError('cipher: message authentication failed');
      }
    },
    toStorage: (data, etcdKey) => seal(EMPTY, data, etcdKey),
    seal,
  };
}

export function secretbox(key: Buffer, rand: RandomSource = crypto.randomBytes): Transformer {
  if (key.length !== 32) throw new TransformError(`invalid secretbox key size ${key.length}: must be 32 bytes`);
  const seal = (prefix: Buffer, data: Buffer) => {
    const nonce = rand(24);
    return Buffer.concat([prefix, nonce, salsa().xsalsa20poly1305(key, nonce).encrypt(data)]);
  };
  return {
    fromStorage(data) {
      if (data.length < 24 + 16) throw new TransformError('the stored data was shorter than the required size');
      try {
        const plain = salsa().xsalsa20poly1305(key, data.subarray(0, 24)).decrypt(data.subarray(24));
        return { data: Buffer.from(plain), stale: false };
      } catch {
        throw new TransformError('output array is too small or authentication failed');
      }
    },
    toStorage: (data) => seal(EMPTY, data),
    seal: (prefix, data) => seal(prefix, data),
  };
}

export interface PrefixedTransformer {
  prefix: Buffer;
  transformer: Transformer;
}

/**
 * Writes with the first transformer (prefixing its prefix); reads with the first whose prefix
 * matches and that can read the value. An empty prefix (identity) that fails lets the next ones
 * try, so [identity, aescbc] still reads aescbc data.
 */
export function prefixTransformers(list: PrefixedTransformer[], noMatch: string): Transformer {
  return {
    fromStorage(data, etcdKey) {
      // As kube-apiserver: a matching transformer that fails lets the next matching one try
      // (e.g. two aesgcm providers holding different keys); identity's failure is not an error.
      let errors: string[] | undefined;
      for (let i = 0; i < list.length; i++) {
        const t = list[i] as PrefixedTransformer;
        const n = t.prefix.length;
        // Compared in place: this runs for every value read, so no copies.
        if (n > data.length || data.compare(t.prefix, 0, n, 0, n) !== 0) continue;
        try {
          const r = t.transformer.fromStorage(data.subarray(n), etcdKey);
          return i === 0 ? r : { data: r.data, stale: true };
        } catch (err) {
          if (err instanceof TransformPending) throw err;
          if (n > 0) (errors ??= []).push((err as Error).message);
        }
      }
      if (errors?.length === 1) throw new TransformError(errors[0] as string);
      if (errors) throw new TransformError(`[${[...new Set(errors)].join(', ')}]`);
      throw new TransformError(noMatch);
    },
    toStorage(data, etcdKey) {
      return this.seal(EMPTY, data, etcdKey);
    },
    seal(prefix, data, etcdKey) {
      const first = list[0];
      if (!first) throw new TransformError('no providers configured');
      return first.transformer.seal(prefix.length ? Buffer.concat([prefix, first.prefix]) : first.prefix, data, etcdKey);
    },
  };
}

export interface ProviderKey {
  name: string;
  secret: Buffer;
}

/** A kms provider (apiVersion v2): its plugin's socket, and how long a call may take. */
export interface KmsProvider {
  type: 'kms';
  name: string;
  endpoint: string;
  timeoutMs: number;
}

export type Provider = { type: 'identity' } | { type: KeyedType; keys: ProviderKey[] } | KmsProvider;

/** The transformer of a kms provider: its envelope over a plugin connection (kms/registry.ts). */
export type KmsResolver = (p: KmsProvider) => Transformer;

/** Without a plugin connection (a pure caller), a kms value is an error that says so. */
const noKms: KmsResolver = (p) => {
  const fail = (): never => {
    throw new TransformError(`kms provider "${p.name}" needs its plugin at ${p.endpoint}, which this command does not reach`);
  };
  return { fromStorage: fail, toStorage: fail, seal: fail };
};

const NO_KEY: Record<KeyedType, string> = {
  aescbc: 'no matching key was found for the provided AES transformer',
  aesgcm: 'no matching key was found for the provided AES transformer',
  secretbox: 'no matching key was found for the provided Secretbox transformer',
};

export function providerPrefix(type: KeyedType): string {
  return `${ENC_PREFIX}${type}:v1:`;
}

export function kmsPrefix(name: string): string {
  return `${ENC_PREFIX}kms:v2:${name}:`;
}

/** One provider: its `k8s:enc:<type>:v1:` prefix over a key-name prefix per key. */
export function providerTransformer(p: Provider, kms: KmsResolver = noKms): PrefixedTransformer {
  if (p.type === 'identity') return { prefix: Buffer.alloc(0), transformer: identity };
  if (p.type === 'kms') return { prefix: Buffer.from(kmsPrefix(p.name)), transformer: kms(p) };
  const make = p.type === 'aescbc' ? aesCbc : p.type === 'aesgcm' ? aesGcm : secretbox;
  const keys = p.keys.map((k) => ({ prefix: Buffer.from(`${k.name}:`), transformer: make(k.secret) }));
  return { prefix: Buffer.from(providerPrefix(p.type)), transformer: prefixTransformers(keys, NO_KEY[p.type]) };
}

/** The transformer for a list of providers in configuration order (the first one writes). */
export function providersTransformer(providers: Provider[], kms?: KmsResolver): Transformer {
  return prefixTransformers(providers.map((p) => providerTransformer(p, kms)), 'no matching prefix found');
}

export interface ValueInfo {
  /** 'identity' for plaintext. */
  provider: ProviderType | string;
  /** The key's name; for kms, the provider's name. */
  keyName?: string;
  /** kms: the KEK's key ID the value's DEK was encrypted under. */
  keyId?: string;
}

const ENC_PREFIX_BYTES = Buffer.from(ENC_PREFIX);
const IDENTITY: ValueInfo = Object.freeze({ provider: 'identity' });

/** Which provider and key a stored value is under, read from its prefix alone (no key needed). */
export function describeValue(data: Buffer): ValueInfo {
  // Plaintext, most values of a snapshot: told by the first bytes, with nothing allocated.
  if (data.length < ENC_PREFIX_BYTES.length || data.compare(ENC_PREFIX_BYTES, 0, ENC_PREFIX_BYTES.length, 0, ENC_PREFIX_BYTES.length) !== 0) return IDENTITY;
  const head = data.toString('latin1', 0, 200);
  const m = /^k8s:enc:([a-z0-9]+):v\d+:([^:]*):/.exec(head);
  if (!m) return { provider: 'unknown' };
  if (m[1] === 'kms' && m[0].startsWith(KMS_V2_PREFIX)) {
    // m[0] was decoded as latin1: one character a byte.
    const keyId = keyIdOfStored(data.subarray(m[0].length));
    return { provider: 'kms', keyName: m[2] as string, ...(keyId ? { keyId } : {}) };
  }
  return { provider: m[1] as string, keyName: m[2] as string };
}

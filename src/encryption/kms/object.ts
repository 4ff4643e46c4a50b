// KMS v2's stored value, byte-compatible with kube-apiserver (pure code).
//
// Stored form: `k8s:enc:kms:v2:<providerName>:` ‖ EncryptedObject, the protobuf of
// k8s.io/apiserver/pkg/storage/value/encrypt/envelope/kmsv2/v2/api.proto:
//   1 encryptedData          bytes    the value, sealed with the DEK (layout below)
//   2 keyID                  string   the KMS KEK that encrypted the DEK source
//   3 encryptedDEKSource     bytes    the DEK source as the plugin encrypted it
//   4 annotations            map<string, bytes>  the plugin's, stored in the clear
//   5 encryptedDEKSourceType enum     0 AES_GCM_KEY: the DEK source is the AES-GCM DEK;
//                                     1 HKDF_SHA256_XNONCE_AES_GCM_SEED: it is a 32-byte seed
// encryptedData, with the etcd key as GCM additional data:
//   AES_GCM_KEY:  nonce(12) ‖ ciphertext ‖ tag(16)
//   SEED:         info(32) ‖ nonce(12) ‖ ciphertext ‖ tag(16), the DEK being
//                 HKDF-Expand(SHA-256, PRK = seed, info, 32 bytes) = HMAC-SHA256(seed, info ‖ 0x01)
// Written as Go's protobuf writes it: fields in number order, zero values left out, map
// entries sorted by key (what Go's deterministic mode does; one annotation is the usual case).
import crypto from 'node:crypto';
import { TransformError } from '../transformers.ts';

export const DEK_AES_GCM_KEY = 0;
export const DEK_HKDF_SHA256_XNONCE_AES_GCM_SEED = 1;

export const KMS_V2_PREFIX = 'k8s:enc:kms:v2:';
/** kube-apiserver's bounds (kmsv2 envelope.go). */
export const KEY_ID_MAX_SIZE = 1024;
export const ENCRYPTED_DEK_SOURCE_MAX_SIZE = 1024;
export const ANNOTATIONS_MAX_SIZE = 32 * 1024;
export const SEED_SIZE = 32;
const INFO_SIZE = 32;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;

export interface EncryptedObject {
  encryptedData: Buffer;
  keyId: string;
  encryptedDekSource: Buffer;
  annotations: Record<string, Buffer>;
  dekSourceType: number;
}

/** The DEK-side fields (everything but encryptedData), as one sealed value after another shares them. */
export type DekFields = Omit<EncryptedObject, 'encryptedData'>;

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function lengthDelimited(tag: number, body: Buffer): Buffer[] {
  return [Buffer.of(tag), varint(body.length), body];
}

/** Fields 2–5, encoded once per DEK: every value sealed under it ends with these bytes. */
export function encodeDekFields(o: DekFields): Buffer {
  const parts: Buffer[] = [];
  if (o.keyId) parts.push(...lengthDelimited(0x12, Buffer.from(o.keyId)));
  if (o.encryptedDekSource.length) parts.push(...lengthDelimited(0x1a, o.encryptedDekSource));
  for (const k of Object.keys(o.annotations).sort()) {
    // A map entry is a message { string key = 1; bytes value = 2; }; Go writes both fields.
    const v = o.annotations[k] as Buffer;
    const entry = Buffer.concat([...lengthDelimited(0x0a, Buffer.from(k)), ...lengthDelimited(0x12, v)]);
    parts.push(...lengthDelimited(0x22, entry));
  }
  if (o.dekSourceType) parts.push(Buffer.of(0x28), varint(o.dekSourceType));
  return Buffer.concat(parts);
}

/** The EncryptedObject: field 1 then the DEK fields (`tail`, from encodeDekFields). */
export function encodeWithTail(prefix: Buffer, encryptedData: Buffer, tail: Buffer): Buffer {
  return Buffer.concat([prefix, Buffer.of(0x0a), varint(encryptedData.length), encryptedData, tail]);
}

export function encodeEncryptedObject(o: EncryptedObject): Buffer {
  return encodeWithTail(Buffer.alloc(0), o.encryptedData, encodeDekFields(o));
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new TransformError('failed to unmarshal encrypted object: unexpected EOF');
      const b = this.buf[this.pos++] as number;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 128;
    }
    throw new TransformError('failed to unmarshal encrypted object: varint overflow');
  }
  bytes(): Buffer {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new TransformError('failed to unmarshal encrypted object: unexpected EOF');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new TransformError(`failed to unmarshal encrypted object: unsupported wire type ${wire}`);
    if (this.pos > this.buf.length) throw new TransformError('failed to unmarshal encrypted object: unexpected EOF');
  }
}

/** Parses an EncryptedObject (the bytes after the provider prefix). Unknown fields are skipped. */
export function decodeEncryptedObject(data: Buffer): EncryptedObject {
  // Annotations in an object without a prototype: a key such as __proto__ is a key like another.
  const o: EncryptedObject = { encryptedData: Buffer.alloc(0), keyId: '', encryptedDekSource: Buffer.alloc(0), annotations: Object.create(null) as Record<string, Buffer>, dekSourceType: 0 };
  const r = new Reader(data);
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 2) o.encryptedData = r.bytes();
    else if (field === 2 && wire === 2) o.keyId = r.bytes().toString('utf8');
    else if (field === 3 && wire === 2) o.encryptedDekSource = r.bytes();
    else if (field === 4 && wire === 2) {
      const e = new Reader(r.bytes());
      let key = '';
      let value: Buffer = Buffer.alloc(0);
      while (!e.done) {
        const t = e.varint();
        if (t === 0x0a) key = e.bytes().toString('utf8');
        else if (t === 0x12) value = e.bytes();
        else e.skip(t & 7);
      }
      o.annotations[key] = value;
    } else if (field === 5 && wire === 0) o.dekSourceType = r.varint();
    else r.skip(wire);
  }
  return o;
}

// RFC 1123 subdomain with at least two labels (k8s.io/apimachinery IsFullyQualifiedDomainName).
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
function isFullyQualifiedDomainName(name: string): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = n.split('.');
  return n.length > 0 && n.length <= 253 && labels.length >= 2 && labels.every((l) => l.length <= 63 && LABEL.test(l));
}

export function validateKeyId(keyId: string): void {
  if (keyId.length === 0) throw new TransformError('keyID is empty');
  const n = Buffer.byteLength(keyId);
  if (n > KEY_ID_MAX_SIZE) throw new TransformError(`keyID is ${n} bytes, which exceeds the max size of ${KEY_ID_MAX_SIZE}`);
}

/** kube-apiserver's checks of an EncryptedObject, read or written; its messages. */
export function validateEncryptedObject(o: EncryptedObject | DekFields & { encryptedData?: Buffer }): void {
  if (o.dekSourceType !== DEK_AES_GCM_KEY && o.dekSourceType !== DEK_HKDF_SHA256_XNONCE_AES_GCM_SEED) throw new TransformError(`unknown encryptedDEKSourceType: ${o.dekSourceType}`);
  if (o.encryptedData !== undefined && o.encryptedData.length === 0) throw new TransformError('encrypted data is empty');
  const src = o.encryptedDekSource;
  if (src.length === 0) throw new TransformError('failed to validate encrypted DEK source: encrypted DEK source is empty');
  if (src.length > ENCRYPTED_DEK_SOURCE_MAX_SIZE) throw new TransformError(`failed to validate encrypted DEK source: encrypted DEK source is ${src.length} bytes, which exceeds the max size of ${ENCRYPTED_DEK_SOURCE_MAX_SIZE}`);
  try {
    validateKeyId(o.keyId);
  } catch (err) {
    throw new TransformError(`failed to validate key id: ${(err as Error).message}`);
  }
  let total = 0;
  for (const [k, v] of Object.entries(o.annotations)) {
    if (!isFullyQualifiedDomainName(k)) throw new TransformError(`failed to validate annotations: annotations: Invalid value: ${JSON.stringify(k.length > 100 ? `${k.slice(0, 100)}...` : k)}: should be a domain with at least two segments separated by dots`);
    total += Buffer.byteLength(k) + v.length;
  }
  if (total > ANNOTATIONS_MAX_SIZE) throw new TransformError(`failed to validate annotations: total size of annotations is ${total}, which exceeds the max size of ${ANNOTATIONS_MAX_SIZE}`);
}

/**
 * What identifies one DEK: its source type, encrypted source, key ID and annotations (kube's
 * generateCacheKey hashes the same). Values sharing it share one decrypted DEK.
 */
export function dekCacheKey(o: DekFields): string {
  const h = crypto.createHash('sha256');
  const field = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b) : b;
    const len = Buffer.alloc(8);
    len.writeBigUInt64BE(BigInt(buf.length));
    h.update(len).update(buf);
  };
  field(String(o.dekSourceType));
  field(o.encryptedDekSource);
  field(o.keyId);
  for (const k of Object.keys(o.annotations).sort()) {
    field(k);
    field(o.annotations[k] as Buffer);
  }
  return h.digest('base64');
}

/** The DEK a seed gives for one value's info: HKDF-Expand with SHA-256, 32 bytes (one HMAC block). */
export function deriveKey(seed: Buffer, info: Buffer): Buffer {
  return crypto.createHmac('sha256', seed).update(info).update(Buffer.of(1)).digest();
}

type Rand = (n: number) => Buffer;

function gcmAlgorithm(key: Buffer | crypto.KeyObject): crypto.CipherGCMTypes {
  const n = Buffer.isBuffer(key) ? key.length : (key.symmetricKeySize ?? 0);
  if (![16, 24, 32].includes(n)) throw new TransformError(`crypto/aes: invalid key size ${n}`);
  return `aes-${n * 8}-gcm` as crypto.CipherGCMTypes;
}

function gcmSeal(key: Buffer | crypto.KeyObject, nonce: Buffer, data: Buffer, aad: Buffer, head: Buffer[]): Buffer {
  const c = crypto.createCipheriv(gcmAlgorithm(key), key, nonce);
  c.setAAD(aad);
  const body = c.update(data);
  const last = c.final();
  return Buffer.concat([...head, nonce, body, last, c.getAuthTag()]);
}

function gcmOpen(key: Buffer | crypto.KeyObject, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < NONCE_SIZE + TAG_SIZE) throw new TransformError('the stored data was shorter than the required size');
  const d = crypto.createDecipheriv(gcmAlgorithm(key), key, sealed.subarray(0, NONCE_SIZE));
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([d.update(sealed.subarray(NONCE_SIZE, sealed.length - TAG_SIZE)), d.final()]);
  } catch {
    throw new TransformError('cipher: message authentication failed');
  }
}

/**
 * The whole stored value for a seed, in one buffer: `prefix`, field 1 (encryptedData: a fresh
 * info and nonce, so no nonce limit to watch, then the sealed value and its tag), then `tail`
 * (fields 2–5, from encodeDekFields). The hot path of every kms write.
 */
export function sealStoredWithSeed(prefix: Buffer, seed: Buffer, data: Buffer, aad: Buffer, tail: Buffer, rand: Rand = crypto.randomBytes): Buffer {
  const r = rand(INFO_SIZE + NONCE_SIZE);
  const info = r.subarray(0, INFO_SIZE);
  const c = crypto.createCipheriv('aes-256-gcm', deriveKey(seed, info), r.subarray(INFO_SIZE));
  c.setAAD(aad);
  const body = c.update(data);
  const last = c.final();
  const dataLen = INFO_SIZE + NONCE_SIZE + body.length + last.length + TAG_SIZE;
  const len = varint(dataLen);
  const out = Buffer.allocUnsafe(prefix.length + 1 + len.length + dataLen + tail.length);
  let at = prefix.copy(out, 0);
  out[at++] = 0x0a;
  at += len.copy(out, at);
  at += r.copy(out, at);
  at += body.copy(out, at);
  at += last.copy(out, at);
  at += c.getAuthTag().copy(out, at);
  tail.copy(out, at);
  return out;
}

/** encryptedData alone for a seed (tests, and what sealStoredWithSeed frames). */
export function sealWithSeed(seed: Buffer, data: Buffer, aad: Buffer, rand: Rand = crypto.randomBytes): Buffer {
  const r = rand(INFO_SIZE + NONCE_SIZE);
  const info = r.subarray(0, INFO_SIZE);
  return gcmSeal(deriveKey(seed, info), r.subarray(INFO_SIZE), data, aad, [info]);
}

/**
 * Where field 1 (encryptedData) lies when the object starts with it, as Go writes it: then
 * everything after it is the DEK fields, the same bytes for every value under one DEK.
 */
export function splitEncryptedData(obj: Buffer): { data: Buffer; tail: Buffer } | undefined {
  if (obj.length < 2 || obj[0] !== 0x0a) return undefined;
  let n = 0;
  let mul = 1;
  let start = 0;
  for (let at = 1; at < obj.length && at < 6; at++) {
    const b = obj[at] as number;
    n += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) {
      start = at + 1;
      break;
    }
  }
  if (start === 0 || start + n > obj.length) return undefined;
  return { data: obj.subarray(start, start + n), tail: obj.subarray(start + n) };
}

export function openWithSeed(seed: Buffer, encryptedData: Buffer, aad: Buffer): Buffer {
  if (encryptedData.length < INFO_SIZE) throw new TransformError('the stored data was shorter than the required size');
  return gcmOpen(deriveKey(seed, encryptedData.subarray(0, INFO_SIZE)), encryptedData.subarray(INFO_SIZE), aad);
}

/** encryptedData for an AES-GCM DEK (the older source type: read only, and by tests). */
export function sealWithDek(dek: Buffer, data: Buffer, aad: Buffer, rand: Rand = crypto.randomBytes): Buffer {
  return gcmSeal(dek, rand(NONCE_SIZE), data, aad, []);
}

export function openWithDek(dek: crypto.KeyObject | Buffer, encryptedData: Buffer, aad: Buffer): Buffer {
  return gcmOpen(dek, encryptedData, aad);
}

/** The key ID a stored KMS v2 value names (for counting by key); undefined if it does not parse. */
export function keyIdOfStored(afterPrefix: Buffer): string | undefined {
  try {
    return decodeEncryptedObject(afterPrefix).keyId || undefined;
  } catch {
    return undefined;
  }
}

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum `etcdctl snapshot status`
// prints as its hash. node:zlib only has the IEEE polynomial. Large buffers go to @node-rs/crc32
// (the CPU's CRC32 instruction, ~6 GB/s, what Go's hash/crc32 uses too); short ones, and every
// buffer when that native package cannot load on this platform, to the slicing-by-16 tables
// below (about 1.5 GB/s in plain JavaScript, no call overhead).
import { lazyRequire } from '../util/lazy.ts';

type NativeCrc = (input: Uint8Array, initialState?: number) => number;
const nativeModule = lazyRequire<{ crc32c: NativeCrc }>('@node-rs/crc32');
let native: NativeCrc | null | undefined;
function nativeCrc(): NativeCrc | null {
  if (native === undefined) {
    try {
      native = nativeModule().crc32c;
    } catch {
      native = null;
    }
  }
  return native;
}
/** Which implementation hashes large buffers here. */
export function crc32cBackend(): 'native' | 'javascript' {
  return nativeCrc() ? 'native' : 'javascript';
}
/** Below this many bytes the JavaScript loop beats a call into the native package (once hot;
 * in a short-lived CLI it rarely gets hot, so only the tiniest buffers stay in JavaScript). */
const NATIVE_MIN = 8;

const POLY = 0x82f63b78;

/** TABLES[k * 256 + b]: the CRC of byte b followed by k zero bytes (slicing-by-16). */
const TABLES = (() => {
  const t = new Int32Array(16 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b] as number;
    for (let k = 1; k < 16; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + b] = c;
    }
  }
  return t;
})();

/** Word loads read bytes in the platform's order; the sliced loop assumes little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes a typed-array view costs more than it saves. */
const SLICE_MIN = 64;

/**
 * Continues a CRC-32C over `buf[start, end)`. Like zlib's crc32(crc, buf): start from 0, pass the
 * previous result to continue, so the CRC of a concatenation equals feeding its parts in order
 * (what Go's hash.Hash32 Write calls do).
 */
export function crc32c(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  if (end - start >= NATIVE_MIN) {
    const fast = nativeCrc();
    if (fast) return fast(start === 0 && end === buf.length ? buf : buf.subarray(start, end), crc) >>> 0;
  }
  return crc32cJs(crc, buf, start, end);
}

/** The table-driven CRC-32C (also the reference the native one is tested against). */
export function crc32cJs(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  const t = TABLES;
  let c = ~crc;
  let i = start;
  if (LITTLE_ENDIAN && end - i >= SLICE_MIN) {
    // Bytes up to a 4-byte boundary, then 16 bytes per step as four aligned 32-bit words.
    while ((buf.byteOffset + i) & 3) c = t[(c ^ buf[i++]!) & 0xff]! ^ (c >>> 8);
    const words = new Int32Array(buf.buffer, buf.byteOffset + i, ((end - i) >>> 4) << 2);
    for (let w = 0; w < words.length; w += 4) {
      const a = c ^ words[w]!;
      const b = words[w + 1]!;
      const d = words[w + 2]!;
      const e = words[w + 3]!;
      c =
        t[3840 + (a & 0xff)]! ^ t[3584 + ((a >>> 8) & 0xff)]! ^ t[3328 + ((a >>> 16) & 0xff)]! ^ t[3072 + (a >>> 24)]! ^
        t[2816 + (b & 0xff)]! ^ t[2560 + ((b >>> 8) & 0xff)]! ^ t[2304 + ((b >>> 16) & 0xff)]! ^ t[2048 + (b >>> 24)]! ^
        t[1792 + (d & 0xff)]! ^ t[1536 + ((d >>> 8) & 0xff)]! ^ t[1280 + ((d >>> 16) & 0xff)]! ^ t[1024 + (d >>> 24)]! ^
        t[768 + (e & 0xff)]! ^ t[512 + ((e >>> 8) & 0xff)]! ^ t[256 + ((e >>> 16) & 0xff)]! ^ t[e >>> 24]!;
    }
    i += words.length * 4;
  }
  while (i < end) c = t[(c ^ buf[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** a·b modulo the CRC polynomial, both as reflected 32-bit polynomials (zlib's multmodp). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial. */
const X2N = (() => {
  const t = new Array<number>(32);
  let p = 0x40000000; // x^1
  t[0] = p;
  for (let n = 1; n < 32; n++) t[n] = p = multModP(p, p);
  return t;
})();

/** x^(8·len) modulo the polynomial: the shift that appending `len` bytes applies to a CRC. */
const shifts = new Map<number, number>();
function byteShift(len: number): number {
  let p = shifts.get(len);
  if (p !== undefined) return p;
  p = 0x80000000; // x^0
  for (let n = len, k = 3; n > 0; n = Math.floor(n / 2), k++) if (n % 2) p = multModP(X2N[k & 31]!, p);
  if (shifts.size > 4096) shifts.clear();
  shifts.set(len, p);
  return p;
}

/**
 * The CRC-32C of a concatenation A‖B from crc(A), crc(B) and B's length (zlib's
 * crc32_combine): lets parts hashed in one order be joined in another.
 */
export function crc32cCombine(crcA: number, crcB: number, lenB: number): number {
  if (lenB === 0) return crcA >>> 0;
  return (multModP(byteShift(lenB), crcA >>> 0) ^ crcB) >>> 0;
}

/** A streaming CRC-32C, fed in order like Go's crc32.New(crc32.MakeTable(crc32.Castagnoli)). */
export class Crc32c {
  private crc = 0;
  update(buf: Uint8Array, start = 0, end = buf.length): this {
    this.crc = crc32c(this.crc, buf, start, end);
    return this;
  }
  digest(): number {
    return this.crc;
  }
}

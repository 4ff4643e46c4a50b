// CRC-32C against published vectors (RFC 3720 appendix B.4, the "123456789" check value) and a
// bit-by-bit reference, over every split point and alignment the sliced loop can meet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Crc32c, crc32c, crc32cCombine, crc32cJs, crc32cBackend } from '../../src/snapshot/crc32c.ts';

/** The definition: one bit at a time, reflected polynomial 0x82F63B78. */
function reference(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

test('published check values', () => {
  assert.equal(crc32c(0, Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(0, Buffer.alloc(32, 0)), 0x8a9136aa);
  assert.equal(crc32c(0, Buffer.alloc(32, 0xff)), 0x62a8ab43);
  assert.equal(crc32c(0, Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
  assert.equal(crc32c(0, Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c);
  assert.equal(crc32c(0, Buffer.alloc(0)), 0);
});

test('matches the bitwise definition for every length and alignment', () => {
  const data = randomBytes(400);
  for (let off = 0; off < 8; off++) {
    for (let len = 0; len < 300; len += 7) {
      const view = data.subarray(off, off + len);
      assert.equal(crc32c(0, view), reference(view), `offset ${off} length ${len}`);
      assert.equal(crc32c(0, data, off, off + len), reference(view), `range ${off}+${len}`);
    }
  }
});

test('streaming in pieces equals hashing the concatenation (as Go hash.Write calls do)', () => {
  const data = randomBytes(5000);
  const whole = crc32c(0, data);
  for (const cut of [0, 1, 3, 63, 64, 65, 1000, 4999, 5000]) {
    assert.equal(crc32c(crc32c(0, data.subarray(0, cut)), data.subarray(cut)), whole, `cut at ${cut}`);
  }
  const h = new Crc32c();
  for (let i = 0; i < data.length; i += 333) h.update(data.subarray(i, i + 333));
  assert.equal(h.digest(), whole);
});

test('the native and JavaScript implementations agree on large buffers and continuations', () => {
  // On linux-x64 (CI) the native package must load: it is what makes `snapshot status` as fast as etcdctl.
  if (process.platform === 'linux' && process.arch === 'x64') assert.equal(crc32cBackend(), 'native');
  const data = randomBytes(70_000);
  for (const [start, end] of [[0, 70_000], [1, 69_999], [256, 4352], [3, 300], [0, 255]] as const) {
    assert.equal(crc32c(0, data, start, end), crc32cJs(0, data, start, end), `range ${start}-${end}`);
    assert.equal(crc32c(0x12345678, data, start, end), crc32cJs(0x12345678, data, start, end), `continued ${start}-${end}`);
  }
  assert.equal(crc32c(0, data.subarray(0, 1000)), reference(data.subarray(0, 1000)));
});

test('combining the CRCs of two parts equals the CRC of their concatenation (zlib crc32_combine)', () => {
  const data = randomBytes(300_000);
  for (const [a, b] of [[0, 0], [0, 9], [9, 0], [1, 1], [17, 4096], [4096, 100_000], [3, 250_000], [123_456, 176_544]] as const) {
    const left = data.subarray(0, a);
    const right = data.subarray(a, a + b);
    assert.equal(crc32cCombine(crc32c(0, left), crc32c(0, right), b), crc32c(0, data.subarray(0, a + b)), `${a} + ${b}`);
  }
  // Continuing from a previous CRC: ((x‖y)‖z) joined in two steps.
  const [x, y, z] = [data.subarray(0, 10), data.subarray(10, 5000), data.subarray(5000, 5100)];
  const xy = crc32cCombine(crc32c(0, x), crc32c(0, y), y.length);
  assert.equal(crc32cCombine(xy, crc32c(0, z), z.length), crc32c(0, data.subarray(0, 5100)));
});

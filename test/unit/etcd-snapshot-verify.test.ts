// The snapshot stream protocol checks, fed with crafted message sequences: a good stream passes
// and yields the database bytes only; truncation, a bad or missing sha256 trailer, chunks that
// do not add up and data after the trailer are all rejected.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { SnapshotStream, SnapshotVerifier, type SnapshotChunk, type SnapshotSource } from '../../src/etcd/snapshot.ts';
import { EtcdSnapshotIntegrityError } from '../../src/etcd/errors.ts';

/** Messages as etcd sends them: chunks counting remaining bytes down, then the sha256. */
function craft(db: Buffer, chunkSize = 32 * 1024): (SnapshotChunk & { blob: Buffer })[] {
  const out: (SnapshotChunk & { blob: Buffer })[] = [];
  for (let off = 0; off < db.length; off += chunkSize) {
    const blob = db.subarray(off, off + chunkSize);
    out.push({ remaining_bytes: String(db.length - off - blob.length), blob });
  }
  out.push({ remaining_bytes: '0', blob: createHash('sha256').update(db).digest() });
  return out;
}

function feed(chunks: SnapshotChunk[]): { bytes: Buffer; digest: string } {
  const v = new SnapshotVerifier('127.0.0.1:2379');
  const parts = chunks.map((c) => v.push(c));
  return { bytes: Buffer.concat(parts.flat()), digest: v.finish() };
}

const db = randomBytes(100_000);
const sha = createHash('sha256').update(db).digest('hex');

test('a complete stream yields exactly the database bytes and the verified digest', () => {
  const { bytes, digest } = feed(craft(db));
  assert.ok(bytes.equals(db));
  assert.equal(digest, sha);
});

test('the whole-file digest is the sha256 of the database with its trailer, as the file etcdctl snapshot save writes', () => {
  const v = new SnapshotVerifier();
  for (const c of craft(db)) v.push(c);
  v.finish();
  const file = Buffer.concat([db, createHash('sha256').update(db).digest()]);
  assert.equal(v.fileDigest, createHash('sha256').update(file).digest('hex'));
  assert.notEqual(v.fileDigest, sha);
});

test('chunks that arrive as several pieces (DATA frames never joined) verify the same', () => {
  const split = craft(db).map((c) => ({ ...c, blob: [c.blob.subarray(0, 7), c.blob.subarray(7, 20_000), c.blob.subarray(20_000)] }));
  const { bytes, digest } = feed(split);
  assert.ok(bytes.equals(db));
  assert.equal(digest, sha);
});

test('a corrupted sha256 trailer is rejected', () => {
  const chunks = craft(db);
  const trailer = chunks.at(-1)!;
  trailer.blob = Buffer.from(trailer.blob);
  trailer.blob[0]! ^= 0xff;
  assert.throws(() => feed(chunks), (err: Error) => err instanceof EtcdSnapshotIntegrityError && /sha256 mismatch/.test(err.message) && !err.message.includes('\n'));
});

test('a corrupted data chunk is rejected by the trailer', () => {
  const chunks = craft(db);
  chunks[1]!.blob = Buffer.from(chunks[1]!.blob);
  chunks[1]!.blob[10]! ^= 0x01;
  assert.throws(() => feed(chunks), /sha256 mismatch/);
});

test('a stream ending before the trailer is rejected', () => {
  assert.throws(() => feed(craft(db).slice(0, -1)), /ended without etcd's sha256 trailer/);
});

test('a stream cut in the middle of the data is rejected with the byte counts', () => {
  assert.throws(() => feed(craft(db).slice(0, 2)), /ended early after 65536 of 100000 bytes/);
});

test('an empty stream is rejected', () => {
  assert.throws(() => feed([]), /ended early after 0 bytes/);
});

test('a lost chunk is rejected as soon as the counts disagree', () => {
  const chunks = craft(db);
  chunks.splice(1, 1);
  assert.throws(() => feed(chunks), /chunks do not add up/);
});

test('a trailer of the wrong length is rejected', () => {
  const chunks = craft(db);
  chunks[chunks.length - 1] = { remaining_bytes: '0', blob: Buffer.alloc(16) };
  assert.throws(() => feed(chunks), /expected the 32-byte sha256 trailer/);
});

test('data after the trailer is rejected', () => {
  const chunks = craft(db);
  chunks.push({ remaining_bytes: '0', blob: Buffer.from('x') });
  const v = new SnapshotVerifier();
  assert.throws(() => chunks.forEach((c) => v.push(c)), /more data after the sha256 trailer/);
});

test('remaining_bytes may come as number or bigint', () => {
  const chunks = craft(db).map((c, i) => ({ ...c, remaining_bytes: i % 2 ? BigInt(c.remaining_bytes) : Number(c.remaining_bytes) }));
  assert.equal(feed(chunks).digest, sha);
});

// ---- the Readable around the verifier, over an in-memory message source ----

function source(chunks: SnapshotChunk[], opts: { end?: boolean; error?: Error } = {}): SnapshotSource & PassThrough {
  const s = Object.assign(new PassThrough({ objectMode: true }), { cancel: () => s.destroy() });
  for (const c of chunks) s.write(c);
  if (opts.error) setImmediate(() => s.emit('error', opts.error));
  else if (opts.end !== false) s.end();
  return s;
}

function stream(chunks: SnapshotChunk[], opts: { end?: boolean; error?: Error; idleTimeoutMs?: number } = {}): SnapshotStream {
  return new SnapshotStream({
    endpoint: '127.0.0.1:2379',
    idleTimeoutMs: opts.idleTimeoutMs ?? 5000,
    open: async () => source(chunks, opts),
    mapError: (err) => err as Error,
  });
}

async function collect(s: SnapshotStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of s) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

test('SnapshotStream emits the database bytes, then sha256 before end', async () => {
  const s = stream(craft(db));
  let digestEvent: string | undefined;
  s.on('sha256', (d: string) => (digestEvent = d));
  const bytes = await collect(s);
  assert.ok(bytes.equals(db));
  assert.equal(digestEvent, sha);
  assert.equal(await s.sha256, sha);
});

test('SnapshotStream is destroyed with the integrity error on a bad trailer', async () => {
  const chunks = craft(db);
  chunks[chunks.length - 1] = { remaining_bytes: '0', blob: Buffer.alloc(32) };
  const s = stream(chunks);
  await assert.rejects(collect(s), EtcdSnapshotIntegrityError);
  await assert.rejects(s.sha256, /sha256 mismatch/);
});

test('SnapshotStream fails when the source errors mid-way', async () => {
  const s = stream(craft(db).slice(0, 2), { error: new Error('connection reset') });
  await assert.rejects(collect(s), /connection reset/);
  await assert.rejects(s.sha256);
});

test('SnapshotStream times out when the source stalls', async () => {
  const s = stream(craft(db).slice(0, 1), { end: false, idleTimeoutMs: 200 });
  await assert.rejects(collect(s), /stalled \(no data for 200 ms\)/);
});

test('an ignored sha256 promise does not become an unhandled rejection', async () => {
  const s = stream(craft(db).slice(0, 1));
  s.on('error', () => undefined);
  s.resume();
  await new Promise((resolve) => s.once('close', resolve));
});

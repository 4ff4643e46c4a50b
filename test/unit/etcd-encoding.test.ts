// Pure parts of the etcd client: endpoint parsing, prefix ranges, and how txn builders and
// options become etcd request fields (field names and enum numbers of etcd's proto).

import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { parseEndpoint, resolveOptions } from '../../src/etcd/connection.ts';
import { GrpcFrameReader, decodeSnapshotParts } from '../../src/etcd/snapshot-h2.ts';
import { compare, encodeRange, encodeTxn, op } from '../../src/etcd/txn.ts';
import { decodeHeader, keyRange, prefixRangeEnd } from '../../src/etcd/types.ts';
import { UsageError } from '../../src/errors.ts';

test('endpoints: scheme decides TLS like etcdctl; bare host:port follows the TLS options', () => {
  assert.deepEqual(parseEndpoint('127.0.0.1:2379', false), { address: '127.0.0.1:2379', host: '127.0.0.1', port: 2379, secure: false });
  assert.equal(parseEndpoint('127.0.0.1:2379', true).secure, true);
  assert.equal(parseEndpoint('http://127.0.0.1:2379', true).secure, false);
  assert.equal(parseEndpoint('https://etcd.example:2379', false).secure, true);
  assert.equal(parseEndpoint('https://etcd.example:2379/', false).address, 'etcd.example:2379');
  assert.equal(parseEndpoint('http://[::1]:2379', false).address, '[::1]:2379');
  assert.equal(parseEndpoint('localhost', false).port, 2379);
  assert.throws(() => parseEndpoint('ftp://x:1', false), UsageError);
  assert.throws(() => parseEndpoint('127.0.0.1:99999', false), UsageError);
});

test('a client certificate without its key is a usage error', () => {
  assert.throws(() => resolveOptions({ tls: { cert: Buffer.from('x') } }), UsageError);
  assert.deepEqual(resolveOptions({}), { commandTimeoutMs: 5000, dialTimeoutMs: 2000 });
});

test('prefix range end is the prefix plus one, 0xff bytes carried', () => {
  assert.deepEqual(prefixRangeEnd(Buffer.from('abc')), Buffer.from('abd'));
  assert.deepEqual(prefixRangeEnd(Buffer.from([0x61, 0xff])), Buffer.from([0x62]));
  assert.deepEqual(prefixRangeEnd(Buffer.from([0xff, 0xff])), Buffer.from([0]));
  assert.deepEqual(keyRange('', { prefix: true }), { key: Buffer.from([0]), range_end: Buffer.from([0]) });
  assert.deepEqual(keyRange('a', {}), { key: Buffer.from('a') }, 'no empty range_end: etcd would read it as open-ended');
  assert.deepEqual(keyRange('a', { rangeEnd: 'c' }), { key: Buffer.from('a'), range_end: Buffer.from('c') });
});

test('get options map to RangeRequest fields', () => {
  const r = encodeRange('/k/', { prefix: true, limit: 10, revision: 7, keysOnly: true, serializable: true, sortAscending: true });
  assert.deepEqual(r, {
    key: Buffer.from('/k/'),
    range_end: Buffer.from('/k0'),
    limit: 10,
    revision: 7,
    keys_only: true,
    count_only: false,
    serializable: true,
    sort_order: 1,
    sort_target: 0,
  });
});

test('txn builders encode etcd compare targets, results and union fields', () => {
  const t = encodeTxn({
    compare: [compare.modRevision('k', '=', 5), compare.value('k', '!=', 'v'), compare.createRevision('n', '=', 0), compare.version('k', '>', 2)],
    success: [op.put('k', 'v2', { lease: 0x10n }), op.delete('p/', { prefix: true })],
    failure: [op.get('k')],
  }) as { compare: Record<string, unknown>[]; success: Record<string, unknown>[]; failure: Record<string, unknown>[] };
  assert.deepEqual(t.compare[0], { result: 0, target: 2, key: Buffer.from('k'), mod_revision: '5' });
  assert.deepEqual(t.compare[1], { result: 3, target: 3, key: Buffer.from('k'), value: Buffer.from('v') });
  assert.deepEqual(t.compare[2], { result: 0, target: 1, key: Buffer.from('n'), create_revision: '0' });
  assert.deepEqual(t.compare[3], { result: 1, target: 0, key: Buffer.from('k'), version: '2' });
  assert.deepEqual(t.success[0], { request_put: { key: Buffer.from('k'), value: Buffer.from('v2'), lease: '16', prev_kv: false } });
  assert.deepEqual(t.success[1], { request_delete_range: { key: Buffer.from('p/'), range_end: Buffer.from('p0') } });
  assert.ok('request_range' in t.failure[0]!);
});

test('a missing header (etcd 3.4 Alarm/Defragment) decodes to zeros', () => {
  assert.deepEqual(decodeHeader(null), { cluster_id: 0n, member_id: 0n, revision: 0, raft_term: 0 });
  assert.deepEqual(decodeHeader({ cluster_id: '17459079038647580841', member_id: '1', revision: '2', raft_term: '3' }), {
    cluster_id: 17459079038647580841n,
    member_id: 1n,
    revision: 2,
    raft_term: 3,
  });
});

test('snapshot responses decode remaining_bytes and the blob as protobuf encodes them, without copying', () => {
  const blob = Buffer.from('database bytes');
  // field 1 header (length-delimited, skipped), field 2 varint 300, field 3 bytes
  const msg = Buffer.concat([Buffer.from([0x0a, 0x02, 0x08, 0x01, 0x10, 0xac, 0x02, 0x1a, blob.length]), blob]);
  const chunk = decodeSnapshotParts([msg]);
  assert.equal(chunk.remaining_bytes, 300);
  assert.deepEqual(Buffer.concat(chunk.blob), blob);
  assert.equal(chunk.blob[0]!.buffer, msg.buffer, 'a view into the message');
  // The same message cut at every byte: fields and the blob may straddle DATA frames.
  for (let cut = 1; cut < msg.length; cut++) {
    const split = decodeSnapshotParts([msg.subarray(0, cut), msg.subarray(cut)]);
    assert.equal(split.remaining_bytes, 300, `cut at ${cut}`);
    assert.deepEqual(Buffer.concat(split.blob), blob, `cut at ${cut}`);
  }
  assert.deepEqual(decodeSnapshotParts([]), { remaining_bytes: 0, blob: [] });
  assert.throws(() => decodeSnapshotParts([Buffer.from([0x1a, 0x05, 0x01])]), /truncated SnapshotResponse/);
});

test('gRPC length-prefixed messages are split correctly from arbitrary DATA-frame boundaries', () => {
  const frame = (body: Buffer): Buffer => {
    const header = Buffer.alloc(5); // flag 0 (uncompressed), then the length, big-endian
    header.writeUInt32BE(body.length, 1);
    return Buffer.concat([header, body]);
  };
  const bodies = [Buffer.from('first message'), Buffer.alloc(0), randomBytes(70_000), Buffer.from('x')];
  const wire = Buffer.concat(bodies.map(frame));
  for (const size of [1, 3, 5, 7, 4096, 16_384, wire.length]) {
    const reader = new GrpcFrameReader();
    const got: Buffer[] = [];
    for (let i = 0; i < wire.length; i += size) for (const m of reader.push(wire.subarray(i, i + size))) got.push(Buffer.concat(m));
    assert.deepEqual(got, bodies, `frames of ${size} bytes`);
    assert.ok(reader.idle);
  }
  const partial = new GrpcFrameReader();
  partial.push(wire.subarray(0, 10));
  assert.equal(partial.idle, false, 'a stream that ends here ended mid-message');
  assert.throws(() => new GrpcFrameReader().push(Buffer.from([1, 0, 0, 0, 1, 0])), /compressed gRPC message/);
});

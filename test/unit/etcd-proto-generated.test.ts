// The protobuf code warden runs with is generated from etcd's .proto files and committed
// (scripts/gen-proto.mjs). These tests fail when it is stale, and pin the conversions every
// call depends on: field names as in the .proto, uint64 as exact decimal strings, bytes as Buffers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceDefinition } from '../../src/etcd/grpc-lib.ts';
import { PROTO_DIR } from '../../src/paths.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('the committed generated code is what scripts/gen-proto.mjs makes from the .proto files', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-proto-'));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-proto.mjs'), out], { stdio: 'pipe' });
    for (const f of ['rpc.pb.cjs', 'services.json']) {
      assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(PROTO_DIR, f))), `${f} is stale: run node scripts/gen-proto.mjs`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('messages convert as the etcd client expects: exact uint64 strings, Buffers, defaults, oneofs', () => {
  const maint = serviceDefinition('Maintenance');
  const status = maint.Status!;
  assert.equal(status.path, '/etcdserverpb.Maintenance/Status');
  assert.equal(status.responseStream, false);
  const big = '17459079038647580841'; // above 2^53: a lossy number would change it
  const wire = status.responseSerialize({ header: { cluster_id: big, member_id: '1', revision: '42' }, version: '3.4.23', dbSize: '1048576' });
  const back = status.responseDeserialize(wire) as Record<string, unknown> & { header: Record<string, unknown> };
  assert.equal(back.header.cluster_id, big);
  assert.equal(back.header.revision, '42');
  assert.equal(back.dbSize, '1048576');
  assert.equal(back.raftIndex, '0', 'defaults are filled in');
  assert.equal(back.isLearner, false);

  const kv = serviceDefinition('KV');
  const txn = kv.Txn!;
  const req = txn.requestDeserialize(txn.requestSerialize({
    compare: [{ result: 0, target: 1, key: Buffer.from('k'), create_revision: '0' }],
    success: [{ request_put: { key: Buffer.from('k'), value: Buffer.from([0, 255]) } }],
  })) as { compare: Record<string, unknown>[]; success: Record<string, unknown>[] };
  assert.equal(req.compare[0]!.target_union, 'create_revision', 'oneofs name the field that is set');
  const put = req.success[0]!.request_put as { value: Buffer };
  assert.ok(Buffer.isBuffer(put.value) && put.value.equals(Buffer.from([0, 255])));

  const watch = serviceDefinition('Watch').Watch!;
  assert.equal(watch.requestStream && watch.responseStream, true, 'Watch is bidirectional');
  assert.equal(serviceDefinition('Maintenance').Snapshot!.responseStream, true);
});

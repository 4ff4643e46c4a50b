// Migration against a real etcd: batched compare-and-swap rewrites, and a write that lands in
// the middle of a batch wins (the batch falls back to one value at a time).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { EtcdClient, type TxnRequest } from '../../src/etcd/client.ts';
import { migratePrefix } from '../../src/encryption/migration.ts';
import { providersTransformer } from '../../src/encryption/transformers.ts';
import { startSingleEtcd, type SingleEtcd } from '../helpers/single-etcd.ts';

const KEY = crypto.randomBytes(32);
const gcm = providersTransformer([{ type: 'aesgcm', keys: [{ name: '1', secret: KEY }] }, { type: 'identity' }]);

describe('migration', () => {
  let etcd: SingleEtcd;
  let client: EtcdClient;
  before(async () => {
    etcd = await startSingleEtcd();
    client = new EtcdClient({ endpoints: [etcd.endpoint] });
  });
  after(async () => {
    client.close();
    await etcd.stop();
  });

  it('rewrites every stale value, in batches, and leaves fresh ones alone', async () => {
    for (let i = 0; i < 100; i++) await client.put(`/kubernetes.io/secrets/a/s-${String(i).padStart(3, '0')}`, `plain-${i}`);
    const r = await migratePrefix(client, '/kubernetes.io/secrets/', gcm, { pageSize: 30, batchSize: 7, concurrency: 3 });
    assert.deepEqual({ total: r.total, done: r.done, rewritten: r.rewritten }, { total: 100, done: 100, rewritten: 100 });
    const all = await client.get('/kubernetes.io/secrets/', { prefix: true });
    for (const kv of all.kvs) {
      assert.ok(kv.value.toString('latin1').startsWith('k8s:enc:aesgcm:v1:1:'));
      assert.equal(gcm.fromStorage(kv.value, kv.key).data.toString(), `plain-${Number(kv.key.toString().slice(-3))}`);
    }
    const again = await migratePrefix(client, '/kubernetes.io/secrets/', gcm, { batchSize: 7 });
    assert.equal(again.rewritten, 0, 'nothing left to rewrite');
  });

  it('a write in the middle of a batch wins over the migration', async () => {
    for (let i = 0; i < 10; i++) await client.put(`/kubernetes.io/configmaps/b/c-${i}`, `old-${i}`);
    // A concurrent writer that strikes just before the first batch transaction.
    let struck = false;
    const racing = Object.create(client) as EtcdClient;
    racing.txn = async (t: TxnRequest) => {
      if (!struck && t.compare.length > 1) {
        struck = true;
        await client.put('/kubernetes.io/configmaps/b/c-3', 'written-during-migration');
      }
      return client.txn(t);
    };
    const r = await migratePrefix(racing, '/kubernetes.io/configmaps/', gcm, { batchSize: 5, concurrency: 1 });
    assert.ok(struck);
    assert.equal(r.done, 10);
    const v = (await client.get('/kubernetes.io/configmaps/b/c-3')).kvs[0]!;
    assert.equal(gcm.fromStorage(v.value, v.key).data.toString(), 'written-during-migration', 'the concurrent write is not lost');
    assert.ok(v.value.toString('latin1').startsWith('k8s:enc:aesgcm:v1:1:'), 'and it is encrypted too');
    const v4 = (await client.get('/kubernetes.io/configmaps/b/c-4')).kvs[0]!;
    assert.equal(gcm.fromStorage(v4.value, v4.key).data.toString(), 'old-4');
  });
});

// The encryption controller with kms providers against a real etcd (plugins in process, behaving
// as kube-apiserver's mock): a provider promoted and then left before any migration does not
// count an older finished migration as done; a provider is dropped only once no value is under
// it (a writer that had not reloaded the configuration wrote one meanwhile).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EtcdClient } from '../../src/etcd/client.ts';
import { kmsProviders } from '../../src/encryption/config.ts';
import { reconcileEncryption } from '../../src/encryption/controller.ts';
import { KmsPlugins } from '../../src/encryption/kms/registry.ts';
import type { KmsService, KmsStatus } from '../../src/encryption/kms/service.ts';
import { loadEncryptionConfig, readState, writeDesiredType } from '../../src/encryption/store.ts';
import { describeValue, providersTransformer, readValue, writeValue, type KmsProvider } from '../../src/encryption/transformers.ts';
import { ConditionStore, EventLog } from '../../src/operator/conditions.ts';
import { startSingleEtcd, type SingleEtcd } from '../helpers/single-etcd.ts';

/** kube-apiserver's kmsv2mock.Base64Plugin, one per provider. */
class Base64Plugin implements KmsService {
  constructor(readonly keyId: string) {}
  async status(): Promise<KmsStatus> {
    return { version: 'v2', healthz: 'ok', keyId: this.keyId };
  }
  async encrypt(plaintext: Buffer) {
    return { ciphertext: Buffer.from(plaintext.toString('base64')), keyId: this.keyId, annotations: {} };
  }
  async decrypt(req: { ciphertext: Buffer }) {
    return Buffer.from(req.ciphertext.toString(), 'base64');
  }
  close(): void {}
}

const A: KmsProvider = { type: 'kms', name: 'a', endpoint: 'unix:///run/a.sock', timeoutMs: 3000 };
const B: KmsProvider = { type: 'kms', name: 'b', endpoint: 'unix:///run/b.sock', timeoutMs: 3000 };
const N = 20;
const key = (i: number) => `/kubernetes.io/secrets/ns/s-${String(i).padStart(2, '0')}`;

describe('encryption controller with kms providers', () => {
  let etcd: SingleEtcd;
  let client: EtcdClient;
  let dir: string;
  const plugins = new KmsPlugins((p) => new Base64Plugin(`${p.name}-key-1`));
  before(async () => {
    etcd = await startSingleEtcd();
    client = new EtcdClient({ endpoints: [etcd.endpoint] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-kms-controller-'));
  });
  after(async () => {
    plugins.close();
    client.close();
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const configFile = () => path.join(dir, 'encryption-config.yaml');
  /** One controller run until steady; `onEvent` may stop it (a leader that died) by aborting. */
  const reconcile = async (onEvent: (reason: string, stop: () => void) => Promise<void> | void = () => undefined, kmsRemovalGraceMs = 0) => {
    const term = new AbortController();
    const events = new EventLog(client, () => undefined, async (e) => onEvent(e.reason, () => term.abort()));
    await reconcileEncryption({ client, conditions: new ConditionStore(client), events, log: () => undefined, signal: term.signal }, { configFile: configFile(), kms: plugins, kmsRemovalGraceMs });
  };
  const under = async () => {
    const kvs = (await client.get('/kubernetes.io/secrets/', { prefix: true })).kvs;
    return kvs.map((kv) => {
      const d = describeValue(kv.value);
      return d.provider === 'kms' ? `kms:${d.keyName}` : d.provider;
    });
  };

  it('a provider promoted, then left before its migration, is decrypted from before it is dropped; values a late writer put under it are migrated first', async () => {
    for (let i = 0; i < N; i++) await client.put(key(i), `v-${i}`);
    // kms a, everything migrated to it; then decrypted, and a dropped: the record says identity, finished.
    await writeDesiredType(client, 'kms', A);
    await reconcile();
    assert.deepEqual(new Set(await under()), new Set(['kms:a']));
    await writeDesiredType(client, 'identity');
    await reconcile();
    assert.deepEqual(new Set(await under()), new Set(['identity']));
    assert.deepEqual(kmsProviders(loadEncryptionConfig(configFile())), []);
    assert.equal((await readState(client)).migration?.writeKey, 'identity');

    // kms b: added, promoted, and the controller stops there (its leader died).
    await writeDesiredType(client, 'kms', B);
    await reconcile((reason, stop) => {
      if (reason === 'KMSProviderPromoted') stop();
    });
    assert.equal((await readState(client)).migration?.finishedAt, undefined, 'the finished identity migration is not one to b');
    // A kube-apiserver that reads the new file writes with b meanwhile.
    const t = providersTransformer(loadEncryptionConfig(configFile())?.resources[0]?.providers ?? [], plugins.resolve);
    await client.put(key(0), await writeValue(t, Buffer.from('written-by-kube'), Buffer.from(key(0))));

    // Encryption turned off before b's migration: b is not dropped while its value is there.
    await writeDesiredType(client, 'identity');
    let late = false;
    await reconcile(async (reason) => {
      // Right after the decryption, a writer that had not reloaded yet writes under b once more.
      if (reason === 'EncryptionMigrationCompleted' && !late) {
        late = true;
        await client.put(key(1), await writeValue(t, Buffer.from('late-write'), Buffer.from(key(1))));
      }
    });
    assert.ok(late);
    assert.deepEqual(new Set(await under()), new Set(['identity']), 'every value decrypted, the late one too');
    assert.equal((await client.get(key(0))).kvs[0]?.value.toString(), 'written-by-kube');
    assert.equal((await client.get(key(1))).kvs[0]?.value.toString(), 'late-write');
    assert.equal((await client.get(key(7))).kvs[0]?.value.toString(), 'v-7');
    assert.deepEqual(kmsProviders(loadEncryptionConfig(configFile())), [], 'b dropped at last');
    const events = (await client.get('/warden/events/', { prefix: true })).kvs.map((kv) => (JSON.parse(kv.value.toString()) as { reason: string }).reason);
    assert.ok(events.includes('KMSProviderKept'), events.join(' '));
    // What was read stays readable with the plugin (the values are plain now).
    assert.equal((await readValue(t, Buffer.from('plain'), Buffer.from(key(2)))).data.toString(), 'plain');
  });

  it('a value under the provider in a resource warden does not migrate keeps the provider, without a pointless pass', async () => {
    await writeDesiredType(client, 'kms', B);
    await reconcile();
    assert.deepEqual(new Set(await under()), new Set(['kms:b']));
    const t = providersTransformer(loadEncryptionConfig(configFile())?.resources[0]?.providers ?? [], plugins.resolve);
    const pod = '/kubernetes.io/pods/ns/p';
    await client.put(pod, await writeValue(t, Buffer.from('a pod'), Buffer.from(pod)));
    await writeDesiredType(client, 'identity');
    const grace = 60_000;
    await reconcile(() => undefined, grace);
    assert.deepEqual(new Set(await under()), new Set(['identity']));
    assert.deepEqual(kmsProviders(loadEncryptionConfig(configFile())).map((p) => p.name), ['b'], 'kept while the grace runs');
    // The grace over: the scan finds the pod's value, so b stays, and no pass is started for it.
    const st = await readState(client);
    await client.put('/warden/encryption/state', JSON.stringify({ ...st, migration: { ...st.migration, finishedAt: new Date(Date.now() - 2 * grace).toISOString() } }));
    const seen: string[] = [];
    await reconcile((reason) => {
      seen.push(reason);
    }, grace);
    assert.deepEqual(seen, ['KMSProviderKept']);
    assert.deepEqual(kmsProviders(loadEncryptionConfig(configFile())).map((p) => p.name), ['b']);
    assert.equal((await readState(client)).migration?.writeKey, 'identity');
    assert.ok((await readState(client)).migration?.finishedAt, 'still finished: nothing to migrate');
    assert.equal(describeValue((await client.get(pod)).kvs[0]?.value as Buffer).keyName, 'b', 'the pod value left as it is');
  });
});

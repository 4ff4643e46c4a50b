// KMS v2: the stored format against kube-apiserver's own values, the envelope's seed, cache and
// staleness rules, a plugin going away, and the EncryptionConfiguration's kms provider.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { kmsEndpointSocket, parseEncryptionConfig, serializeEncryptionConfig } from '../../src/encryption/config.ts';
import { KmsEnvelope } from '../../src/encryption/kms/envelope.ts';
import { decodeEncryptedObject, deriveKey, encodeEncryptedObject, validateEncryptedObject } from '../../src/encryption/kms/object.ts';
import type { KmsService, KmsStatus } from '../../src/encryption/kms/service.ts';
import {
  describeValue, providersTransformer, readValue, TransformError, TransformPending, TransformUnavailable, writeValue, type KmsProvider,
} from '../../src/encryption/transformers.ts';

interface Fixture {
  provider: string;
  values: { name: string; etcdKey: string; stored: string; plaintext: string; dekSourceType: number; dekSource: string; info?: string; nonce?: string }[];
}
const FIXTURE = JSON.parse(fs.readFileSync(new URL('../fixtures/kmsv2-kube-apiserver.json', import.meta.url), 'utf8')) as Fixture;
const ANNOTATION = { 'local-kek.kms.kubernetes.io': Buffer.from('encrypted-local-kek') };

/** kube-apiserver's kmsv2mock.Base64Plugin: the "ciphertext" is the base64 text of the plaintext. */
class Base64Plugin implements KmsService {
  keyId = '1';
  down = false;
  calls = { status: 0, encrypt: 0, decrypt: 0 };
  private check(): void {
    if (this.down) throw new Error('failed precondition - key disabled');
  }
  async status(): Promise<KmsStatus> {
    this.calls.status++;
    this.check();
    return { version: 'v2beta1', healthz: 'ok', keyId: this.keyId };
  }
  async encrypt(plaintext: Buffer) {
    this.calls.encrypt++;
    this.check();
    return { ciphertext: Buffer.from(plaintext.toString('base64')), keyId: this.keyId, annotations: ANNOTATION };
  }
  async decrypt(req: { ciphertext: Buffer }) {
    this.calls.decrypt++;
    this.check();
    return Buffer.from(req.ciphertext.toString(), 'base64');
  }
  close(): void {}
}

const provider = (name = FIXTURE.provider): KmsProvider => ({ type: 'kms', name, endpoint: 'unix:///@kms-provider.sock', timeoutMs: 3000 });

function setup(opts: { rand?: (n: number) => Buffer; now?: () => number; writeTtlMs?: number } = {}) {
  const plugin = new Base64Plugin();
  const envelope = new KmsEnvelope({ name: FIXTURE.provider, service: plugin, ...opts });
  const t = providersTransformer([provider(), { type: 'identity' }], () => envelope);
  return { plugin, envelope, t };
}

describe('KMS v2 values kube-apiserver wrote (TestKMSv2ProviderLegacyData)', () => {
  for (const v of FIXTURE.values) {
    it(`reads ${v.name} through a plugin that behaves as kube's mock`, async () => {
      const { t, plugin } = setup();
      const r = await readValue(t, Buffer.from(v.stored, 'base64'), Buffer.from(v.etcdKey));
      assert.deepEqual(r.data, Buffer.from(v.plaintext, 'base64'));
      assert.ok(r.data.includes(Buffer.from('086a7ffc-0225-11e8-ba89-0ed5f89f718b')), 'the Secret\'s api_key');
      // Stale as kube-apiserver judges it: the old AES-GCM DEK type is rewritten, a seed under the current key ID is not.
      assert.equal(r.stale, v.dekSourceType === 0);
      assert.equal(plugin.calls.decrypt, 1);
      // A second read uses the cached DEK: no plugin call.
      await readValue(t, Buffer.from(v.stored, 'base64'), Buffer.from(v.etcdKey));
      assert.equal(plugin.calls.decrypt, 1);
    });

    it(`refuses ${v.name} under another etcd key (the key is authenticated)`, async () => {
      const { t } = setup();
      await assert.rejects(readValue(t, Buffer.from(v.stored, 'base64'), Buffer.from(`${v.etcdKey}x`)), /message authentication failed/);
    });
  }

  it('writes the seed value byte for byte as kube-apiserver 1.28 did, given its seed, info and nonce', async () => {
    const v = FIXTURE.values.find((x) => x.dekSourceType === 1);
    assert.ok(v?.info && v.nonce);
    const seed = Buffer.from(v.dekSource, 'base64');
    const draws = [seed, Buffer.concat([Buffer.from(v.info, 'hex'), Buffer.from(v.nonce, 'hex')])];
    const { t } = setup({ rand: (n) => {
      const d = draws.shift();
      assert.equal(d?.length, n);
      return d as Buffer;
    } });
    const out = await writeValue(t, Buffer.from(v.plaintext, 'base64'), Buffer.from(v.etcdKey));
    assert.equal(out.toString('base64'), v.stored);
  });

  it('describes each value by provider name and key ID without any key', () => {
    for (const v of FIXTURE.values) assert.deepEqual(describeValue(Buffer.from(v.stored, 'base64')), { provider: 'kms', keyName: FIXTURE.provider, keyId: '1' });
  });
});

describe('KMS v2 envelope', () => {
  const KEY = Buffer.from('/registry/secrets/default/s1');

  it('seals under one seed per key ID: one Encrypt call, then none per write; round trips', async () => {
    const { t, plugin } = setup();
    const values = await Promise.all(['a', 'b', 'c'].map((x) => writeValue(t, Buffer.from(x), KEY)));
    assert.equal(plugin.calls.encrypt, 1);
    for (const [i, v] of values.entries()) {
      assert.ok(v.subarray(0, 28).equals(Buffer.from('k8s:enc:kms:v2:kms-provider:')));
      const obj = decodeEncryptedObject(v.subarray(28));
      assert.equal(obj.keyId, '1');
      assert.equal(obj.dekSourceType, 1);
      assert.deepEqual({ ...obj.annotations }, ANNOTATION);
      assert.equal(obj.encryptedData.length, 32 + 12 + 1 + 16, 'info, nonce, one byte, tag');
      const r = await readValue(t, v, KEY);
      assert.deepEqual(r, { data: Buffer.from(['a', 'b', 'c'][i] as string), stale: false });
    }
    assert.equal(plugin.calls.decrypt, 0, 'its own seed is known without asking the plugin');
  });

  it('a new key ID from Status brings a new seed; values under the old one read as stale', async () => {
    const { t, plugin, envelope } = setup();
    const old = await writeValue(t, Buffer.from('v'), KEY);
    plugin.keyId = '2';
    const h = await envelope.refresh();
    assert.deepEqual([h.healthy, h.keyId], [true, '2']);
    assert.equal(plugin.calls.encrypt, 2);
    assert.equal((await readValue(t, old, KEY)).stale, true);
    const fresh = await writeValue(t, Buffer.from('v'), KEY);
    assert.equal(decodeEncryptedObject(fresh.subarray(28)).keyId, '2');
    assert.equal((await readValue(t, fresh, KEY)).stale, false);
  });

  it('a new key ID the plugin cannot yet encrypt a seed under: writes keep the old seed, and its values are not stale (kube compares with the write seed)', async () => {
    const { t, plugin, envelope } = setup();
    await writeValue(t, Buffer.from('v'), KEY);
    plugin.keyId = '2';
    plugin.encrypt = async () => {
      throw new Error('HSM busy');
    };
    const h = await envelope.refresh();
    assert.equal(h.healthy, false);
    assert.match(h.message, /could not encrypt a new seed: HSM busy/);
    const again = await writeValue(t, Buffer.from('w'), KEY);
    assert.equal(decodeEncryptedObject(again.subarray(28)).keyId, '1');
    assert.deepEqual(await readValue(t, again, KEY), { data: Buffer.from('w'), stale: false });
  });

  it('a Decrypt that times out is the plugin unavailable (not an unreadable value); one Decrypt per DEK for many values at once', async () => {
    const { t, plugin } = setup();
    await writeValue(t, Buffer.from('x'), KEY);
    const v = FIXTURE.values[1] as Fixture['values'][number];
    const stored = Buffer.from(v.stored, 'base64');
    const real = plugin.decrypt.bind(plugin);
    plugin.decrypt = async () => {
      plugin.calls.decrypt++;
      throw Object.assign(new Error('KMS plugin at unix:///p did not answer Decrypt within 3s: check that the plugin is running'), { grpcCode: 4 });
    };
    await assert.rejects(readValue(t, stored, Buffer.from(v.etcdKey)), (e: unknown) => e instanceof TransformUnavailable && /did not answer Decrypt/.test(e.message));
    plugin.decrypt = async (req) => {
      await new Promise((r) => setImmediate(r));
      return real(req);
    };
    plugin.calls.decrypt = 0;
    const all = await Promise.all(Array.from({ length: 50 }, () => readValue(t, stored, Buffer.from(v.etcdKey))));
    assert.equal(all.length, 50);
    assert.equal(plugin.calls.decrypt, 1);
    // A plugin that answers and refuses: the value is unreadable (a TransformError, not unavailable).
    const other = setup();
    other.plugin.decrypt = async () => {
      throw Object.assign(new Error('no KEK with key ID 1'), { grpcCode: 13 });
    };
    await assert.rejects(readValue(other.t, stored, Buffer.from(v.etcdKey)), (e: unknown) => e instanceof TransformError && !(e instanceof TransformUnavailable) && /failed to decrypt DEK, error: no KEK with key ID 1/.test(e.message));
  });

  it('an annotation named __proto__ is kept as any other (and refused by the domain rule, as kube does)', () => {
    const annotations = Object.create(null) as Record<string, Buffer>;
    annotations['__proto__'] = Buffer.from('v');
    const o = decodeEncryptedObject(encodeEncryptedObject({ encryptedData: Buffer.from('x'), keyId: '1', encryptedDekSource: Buffer.from('s'), annotations, dekSourceType: 1 }));
    assert.deepEqual(Object.keys(o.annotations), ['__proto__']);
    assert.throws(() => validateEncryptedObject(o), /should be a domain with at least two segments/);
  });

  it('the same key ID keeps the seed: Status moves its expiry forward only', async () => {
    const { envelope, plugin, t } = setup();
    await writeValue(t, Buffer.from('v'), KEY);
    await envelope.refresh();
    await envelope.refresh();
    assert.equal(plugin.calls.encrypt, 1);
  });

  it('with the plugin down: writes go on until the seed expires, then fail; never plaintext', async () => {
    let now = 1_000_000;
    const { t, plugin } = setup({ now: () => now, writeTtlMs: 180_000 });
    const cached = await writeValue(t, Buffer.from('secret'), KEY);
    plugin.down = true;
    now += 179_000;
    assert.ok((await writeValue(t, Buffer.from('secret'), KEY)).subarray(0, 15).equals(Buffer.from('k8s:enc:kms:v2:')));
    now += 2_000;
    const err = await writeValue(t, Buffer.from('secret'), KEY).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof TransformUnavailable, String(err));
    assert.match(err.message, /failed precondition - key disabled/);
    assert.throws(() => t.toStorage(Buffer.from('secret'), KEY), (e: unknown) => e instanceof TransformPending && /expired at/.test(e.message) && /keyID hash "sha256:6b86b273/.test(e.message));
    // A value whose DEK is cached still reads; one that needs the plugin is unavailable (not unreadable).
    assert.deepEqual((await readValue(t, cached, KEY)).data, Buffer.from('secret'));
    const other = FIXTURE.values[1] as Fixture['values'][number];
    await assert.rejects(readValue(t, Buffer.from(other.stored, 'base64'), Buffer.from(other.etcdKey)), (e: unknown) => e instanceof TransformUnavailable);
    // The plugin back: the next write asks Status again and succeeds.
    plugin.down = false;
    assert.deepEqual((await readValue(t, await writeValue(t, Buffer.from('again'), KEY), KEY)).data, Buffer.from('again'));
  });

  it('a plugin that never answered: reads and writes fail with its reason', async () => {
    const plugin = new Base64Plugin();
    plugin.down = true;
    const t = providersTransformer([provider()], () => new KmsEnvelope({ name: 'kms-provider', service: plugin }));
    await assert.rejects(writeValue(t, Buffer.from('x'), KEY), /key disabled/);
    const v = FIXTURE.values[0] as Fixture['values'][number];
    await assert.rejects(readValue(t, Buffer.from(v.stored, 'base64'), Buffer.from(v.etcdKey)), /key disabled/);
  });

  it('a plugin answering Status with another version, unhealthy, or an empty key ID is not used', async () => {
    for (const [st, re] of [
      [{ version: 'v1beta1', healthz: 'ok', keyId: '1' }, /speaks KMS API "v1beta1"/],
      [{ version: 'v2', healthz: 'disk full', keyId: '1' }, /reports itself unhealthy \("disk full"\): see the plugin's log/],
      [{ version: 'v2', healthz: 'ok', keyId: '' }, /keyID is empty/],
    ] as const) {
      const plugin = new Base64Plugin();
      plugin.status = async () => ({ ...st });
      const h = await new KmsEnvelope({ name: 'p', service: plugin }).refresh();
      assert.equal(h.healthy, false);
      assert.match(h.message, re);
    }
  });

  it('an EncryptedObject that breaks kube-apiserver\'s rules is refused with its message', () => {
    const base = { encryptedData: Buffer.from('x'), keyId: '1', encryptedDekSource: Buffer.from('s'), annotations: {}, dekSourceType: 1 };
    const cases: [object, RegExp][] = [
      [{ dekSourceType: 7 }, /unknown encryptedDEKSourceType: 7/],
      [{ encryptedData: Buffer.alloc(0) }, /encrypted data is empty/],
      [{ encryptedDekSource: Buffer.alloc(0) }, /encrypted DEK source is empty/],
      [{ encryptedDekSource: Buffer.alloc(1025) }, /1025 bytes, which exceeds the max size of 1024/],
      [{ keyId: '' }, /failed to validate key id: keyID is empty/],
      [{ keyId: 'k'.repeat(1025) }, /keyID is 1025 bytes/],
      [{ annotations: { nodots: Buffer.from('v') } }, /should be a domain with at least two segments/],
      [{ annotations: { 'a.example.com': Buffer.alloc(33 * 1024) } }, /total size of annotations/],
    ];
    for (const [change, re] of cases) {
      const o = { ...base, ...change };
      assert.throws(() => validateEncryptedObject(o), re);
      // Read back from storage, the same rule applies.
      const stored = Buffer.concat([Buffer.from('k8s:enc:kms:v2:kms-provider:'), encodeEncryptedObject(o)]);
      const { t } = setup();
      assert.throws(() => t.fromStorage(stored, KEY), (e: unknown) => e instanceof TransformError && re.test(e.message));
    }
    assert.throws(() => decodeEncryptedObject(Buffer.from([0x0a, 0x05, 0x01])), /unexpected EOF/);
  });
});

describe('EncryptionConfiguration kms provider', () => {
  const doc = (kms: string) => `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - kms: ${kms}\n  - identity: {}\n`;

  it('reads apiVersion v2 with kube-apiserver\'s default timeout, and writes it back', () => {
    // The forms kube-apiserver takes: unix:///path, unix:/path, and /@name for an abstract socket.
    assert.deepEqual(kmsEndpointSocket('unix:/var/run/kms.sock'), { path: '/var/run/kms.sock', abstract: false });
    assert.deepEqual(kmsEndpointSocket('unix:///@kms-provider.sock'), { path: 'kms-provider.sock', abstract: true });
    for (const bad of ['unix://', 'unix:///', 'tcp:///x', 'unix:relative', 'unix:///@']) assert.equal(kmsEndpointSocket(bad), undefined, bad);
    const cfg = parseEncryptionConfig(doc('{apiVersion: v2, name: vault, endpoint: "unix:///var/run/kms.sock"}'), 'f');
    assert.deepEqual(cfg.resources[0]?.providers[0], { type: 'kms', name: 'vault', endpoint: 'unix:///var/run/kms.sock', timeoutMs: 3000 });
    const again = parseEncryptionConfig(serializeEncryptionConfig(cfg), 'g');
    assert.deepEqual(again, cfg);
    assert.match(serializeEncryptionConfig(cfg), /kms:\n\s+apiVersion: v2\n\s+name: vault\n\s+endpoint: unix:\/\/\/var\/run\/kms.sock\n\s+timeout: 3s/);
  });

  it('refuses what kube-apiserver refuses, one line naming the field', () => {
    for (const [kms, re] of [
      ['{name: a, endpoint: "unix:///s"}', /apiVersion is unset \(v1, deprecated\): warden supports KMS v2/],
      ['{apiVersion: v2, endpoint: "unix:///s"}', /kms.name is missing/],
      ['{apiVersion: v2, name: "a:b", endpoint: "unix:///s"}', /contains ":"/],
      ['{apiVersion: v2, name: a, endpoint: "tcp://x:1"}', /endpoint is "tcp:\/\/x:1": give the plugin's socket as unix:\/\/\//],
      ['{apiVersion: v2, name: a, endpoint: "unix:///s", cachesize: 10}', /cachesize is not supported in v2/],
      ['{apiVersion: v2, name: a, endpoint: "unix:///s", timeout: -1s}', /invalid duration "-1s" for resources\[0\]\.providers\[0\]\.kms\.timeout: give a duration such as 3s/],
      ['{apiVersion: v2, name: a, endpoint: "unix://host/s"}', /endpoint is "unix:\/\/host\/s"/],
    ] as const) {
      assert.throws(() => parseEncryptionConfig(doc(kms), 'f'), (e: unknown) => e instanceof Error && re.test(e.message) && !e.message.includes('\n'), kms);
    }
    const twice = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers: [{kms: {apiVersion: v2, name: a, endpoint: "unix:///one"}}]\n- resources: [configmaps]\n  providers: [{kms: {apiVersion: v2, name: a, endpoint: "unix:///two"}}]\n';
    assert.throws(() => parseEncryptionConfig(twice, 'f'), /duplicate KMS provider name a: names must be unique/);
  });
});

describe('seed derivation', () => {
  it('is HKDF-Expand only (no extract): the key kube-apiserver derived for its recorded value', () => {
    const v = FIXTURE.values[1] as Fixture['values'][number];
    const seed = Buffer.from(v.dekSource, 'base64');
    assert.equal(deriveKey(seed, Buffer.from(v.info as string, 'hex')).toString('hex'), '5cad1e7c7388618e86009092cac3eef592e41b9af5df436a59c0ab9570ac0d7f');
    // HKDF with an extract step (node's hkdfSync) gives another key: the one kube does not use.
    assert.notEqual(Buffer.from(crypto.hkdfSync('sha256', seed, Buffer.alloc(0), Buffer.from(v.info as string, 'hex'), 32)).toString('hex'), '5cad1e7c7388618e86009092cac3eef592e41b9af5df436a59c0ab9570ac0d7f');
  });

  it('a provider name outside ASCII still gives the key ID', () => {
    const stored = Buffer.concat([Buffer.from('k8s:enc:kms:v2:clé:'), encodeEncryptedObject({ encryptedData: Buffer.from('x'), keyId: 'k-1', encryptedDekSource: Buffer.from('s'), annotations: {}, dekSourceType: 1 })]);
    assert.equal(describeValue(stored).keyId, 'k-1');
  });
});

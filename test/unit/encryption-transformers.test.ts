// The transformers pinned byte for byte against independent implementations:
// aescbc vs the openssl CLI, aesgcm vs @noble/ciphers, secretbox vs tweetnacl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { gcm } from '@noble/ciphers/aes';
import nacl from 'tweetnacl';
import {
  aesCbc, aesGcm, describeValue, identity, providersTransformer, secretbox, TransformError, type Provider,
} from '../../src/encryption/transformers.ts';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const IV = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7', 'hex');
const fixed = (n: number) => IV.subarray(0, n);
const ETCD_KEY = Buffer.from('/kubernetes.io/secrets/default/db-password');
const PLAIN = Buffer.from('k8s\u0000\n\u000cv1\u0012\u0006Secret{"password":"hunter2"}');

describe('encryption transformers', () => {
  it('aescbc equals `openssl enc -aes-256-cbc` with the same key and IV, and reads what openssl wrote', () => {
    const ours = aesCbc(KEY, fixed).toStorage(PLAIN, ETCD_KEY);
    const theirs = execFileSync('openssl', ['enc', '-aes-256-cbc', '-K', KEY.toString('hex'), '-iv', IV.subarray(0, 16).toString('hex')], { input: PLAIN });
    assert.deepEqual(ours, Buffer.concat([IV.subarray(0, 16), theirs]));
    assert.deepEqual(aesCbc(KEY).fromStorage(Buffer.concat([IV.subarray(0, 16), theirs]), ETCD_KEY).data, PLAIN);
  });

  it('aesgcm equals @noble/ciphers GCM with the etcd key as AAD: nonce ‖ ciphertext ‖ tag', () => {
    const ours = aesGcm(KEY, fixed).toStorage(PLAIN, ETCD_KEY);
    const theirs = gcm(KEY, IV.subarray(0, 12), ETCD_KEY).encrypt(PLAIN);
    assert.deepEqual(ours, Buffer.concat([IV.subarray(0, 12), Buffer.from(theirs)]));
    assert.equal(ours.length, 12 + PLAIN.length + 16);
  });

  it('secretbox equals tweetnacl: nonce ‖ secretbox', () => {
    const ours = secretbox(KEY, fixed).toStorage(PLAIN, ETCD_KEY);
    const theirs = nacl.secretbox(PLAIN, IV.subarray(0, 24), KEY);
    assert.deepEqual(ours, Buffer.concat([IV.subarray(0, 24), Buffer.from(theirs)]));
  });

  for (const [name, make] of [['aescbc', aesCbc], ['aesgcm', aesGcm], ['secretbox', secretbox]] as const) {
    it(`${name} round-trips with random IVs, and a tampered value never yields plaintext`, () => {
      const t = make(KEY);
      const a = t.toStorage(PLAIN, ETCD_KEY);
      const b = t.toStorage(PLAIN, ETCD_KEY);
      assert.notDeepEqual(a, b, 'fresh IV/nonce each time');
      assert.deepEqual(t.fromStorage(a, ETCD_KEY).data, PLAIN);
      const tampered = Buffer.from(a);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
      if (name === 'aescbc') {
        // CBC has no MAC (as in Kubernetes): a flipped last byte breaks the padding or the text.
        let out: Buffer | undefined;
        try {
          out = t.fromStorage(tampered, ETCD_KEY).data;
        } catch (err) {
          assert.ok(err instanceof TransformError);
        }
        if (out) assert.notDeepEqual(out, PLAIN);
      } else {
        assert.throws(() => t.fromStorage(tampered, ETCD_KEY), TransformError);
      }
      assert.throws(() => make(crypto.randomBytes(32)).fromStorage(a, ETCD_KEY), TransformError, 'wrong key');
    });
  }

  it('aesgcm refuses a value moved to another etcd key', () => {
    const t = aesGcm(KEY);
    const v = t.toStorage(PLAIN, ETCD_KEY);
    assert.throws(() => t.fromStorage(v, Buffer.from('/kubernetes.io/secrets/default/other')), /message authentication failed/);
  });

  it('identity refuses encrypted data', () => {
    assert.throws(() => identity.fromStorage(Buffer.from('k8s:enc:aescbc:v1:1:xxxx'), ETCD_KEY), /identity transformer tried to read encrypted data/);
  });
});

describe('provider lists (kube-apiserver read/write rules)', () => {
  const k1 = { name: '1', secret: KEY };
  const k2 = { name: '2', secret: crypto.randomBytes(32) };
  const gcm12: Provider = { type: 'aesgcm', keys: [k1, k2] };

  it('writes k8s:enc:<type>:v1:<key>: with the first provider and key', () => {
    const v = providersTransformer([gcm12, { type: 'identity' }]).toStorage(PLAIN, ETCD_KEY);
    assert.equal(v.subarray(0, 19).toString(), 'k8s:enc:aesgcm:v1:1');
    assert.equal(v.subarray(19, 20).toString(), ':');
    assert.deepEqual(describeValue(v), { provider: 'aesgcm', keyName: '1' });
    assert.deepEqual(describeValue(PLAIN), { provider: 'identity' });
    // Told apart from the prefix's bytes alone: short, empty and near-miss values are plaintext.
    for (const v of ['', 'k8s', 'k8s:enc', 'k8s:enx:aesgcm:v1:1:x', 'K8S:ENC:aesgcm:v1:1:x']) assert.deepEqual(describeValue(Buffer.from(v)), { provider: 'identity' }, JSON.stringify(v));
    assert.deepEqual(describeValue(Buffer.from('k8s:enc:')), { provider: 'unknown' });
    assert.deepEqual(describeValue(Buffer.from('k8s:enc:kms:v2:plugin-a:\x0a')), { provider: 'kms', keyName: 'plugin-a' });
  });

  it('reads by the second key or a later provider as stale; the first as fresh', () => {
    const byK2 = providersTransformer([{ type: 'aesgcm', keys: [k2] }]).toStorage(PLAIN, ETCD_KEY);
    const r = providersTransformer([gcm12]).fromStorage(byK2, ETCD_KEY);
    assert.deepEqual(r, { data: PLAIN, stale: true });
    const fresh = providersTransformer([gcm12]).fromStorage(providersTransformer([gcm12]).toStorage(PLAIN, ETCD_KEY), ETCD_KEY);
    assert.equal(fresh.stale, false);
    // identity first, aesgcm second: plaintext is fresh, encrypted data still readable but stale.
    const idFirst = providersTransformer([{ type: 'identity' }, gcm12]);
    assert.deepEqual(idFirst.fromStorage(PLAIN, ETCD_KEY), { data: PLAIN, stale: false });
    assert.equal(idFirst.fromStorage(byK2, ETCD_KEY).stale, true);
    // aesgcm first, identity second: plaintext is readable and stale.
    assert.deepEqual(providersTransformer([gcm12, { type: 'identity' }]).fromStorage(PLAIN, ETCD_KEY), { data: PLAIN, stale: true });
  });

  it('a later provider of the same type holding the key still reads (as after aesgcm -> aescbc -> aesgcm)', () => {
    const v = providersTransformer([{ type: 'aesgcm', keys: [k1] }]).toStorage(PLAIN, ETCD_KEY);
    const cfg = providersTransformer([{ type: 'aesgcm', keys: [k2] }, { type: 'aescbc', keys: [k2] }, { type: 'aesgcm', keys: [k1] }, { type: 'identity' }]);
    assert.deepEqual(cfg.fromStorage(v, ETCD_KEY), { data: PLAIN, stale: true });
  });

  it("names kube-apiserver's errors: no matching prefix, no matching key", () => {
    assert.throws(() => providersTransformer([gcm12]).fromStorage(PLAIN, ETCD_KEY), /^TransformError: no matching prefix found$/);
    const byOther = providersTransformer([{ type: 'aesgcm', keys: [{ name: '9', secret: KEY }] }]).toStorage(PLAIN, ETCD_KEY);
    assert.throws(() => providersTransformer([gcm12]).fromStorage(byOther, ETCD_KEY), /no matching key was found for the provided AES transformer/);
  });
});

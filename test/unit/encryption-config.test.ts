import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEncryptionConfig, providersFor, resourceMatches, serializeEncryptionConfig } from '../../src/encryption/config.ts';

const K32 = Buffer.alloc(32, 7).toString('base64');
const good = `
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets, configmaps, routes.route.openshift.io]
    providers:
      - aesgcm:
          keys:
            - name: "2"
              secret: ${K32}
            - name: "1"
              secret: ${K32}
      - identity: {}
`;

function rejects(text: string, re: RegExp): void {
  assert.throws(() => parseEncryptionConfig(text, 'enc.yaml'), (err: Error) => {
    assert.match(err.message, re);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
}

describe('EncryptionConfiguration', () => {
  it('parses Kubernetes YAML and serializes it back to an equal config', () => {
    const cfg = parseEncryptionConfig(good, 'enc.yaml');
    assert.equal(cfg.resources[0]?.providers[0]?.type, 'aesgcm');
    const again = parseEncryptionConfig(serializeEncryptionConfig(cfg), 'again.yaml');
    assert.deepEqual(again, cfg);
    assert.match(serializeEncryptionConfig(cfg), /^apiVersion: apiserver\.config\.k8s\.io\/v1\nkind: EncryptionConfiguration\n/);
  });

  it('chooses providers by resource, with wildcards, and identity for the rest', () => {
    const cfg = parseEncryptionConfig(good, 'enc.yaml');
    assert.equal(providersFor(cfg, 'routes.route.openshift.io')[0]?.type, 'aesgcm');
    assert.deepEqual(providersFor(cfg, 'pods'), [{ type: 'identity' }]);
    assert.ok(resourceMatches('*.route.openshift.io', 'routes.route.openshift.io'));
    assert.ok(resourceMatches('*.', 'secrets'));
    assert.ok(!resourceMatches('*.', 'routes.route.openshift.io'));
    assert.ok(resourceMatches('*.*', 'anything.at.all'));
  });

  it('rejects bad input with one line naming the field and the fix', () => {
    rejects(good.replace(K32, 'not base64!'), /resources\[0\]\.providers\[0\]\.aesgcm\.keys\[0\]\.secret is not valid base64: give the key as standard base64/);
    rejects(good.replace(K32, Buffer.alloc(10).toString('base64')), /keys\[0\]\.secret is 10 bytes: aesgcm keys must be 16, 24, 32 bytes/);
    rejects(good.replace('name: "1"', 'name: "2"'), /key name "2" appears twice in resources\[0\]\.providers\[0\]\.aesgcm: give every key a unique name/);
    rejects(good.replace('identity: {}', 'rot13: {}'), /resources\[0\]\.providers\[1\] has unknown provider "rot13": use one of aescbc, aesgcm, secretbox, kms, identity/);
    rejects('resources: [', /malformed YAML/);
    rejects(good.replace('kind: EncryptionConfiguration', 'kind: Secret'), /kind is "Secret": it must be EncryptionConfiguration/);
    rejects(good.replace('      - aesgcm:', '      - secretbox:').replace(/secret: \S+/g, `secret: ${Buffer.alloc(16).toString('base64')}`), /secretbox keys must be 32 bytes/);
  });
});

// The controller's decisions, driven step by step to a steady state without etcd.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EncryptionConfig } from '../../src/encryption/config.ts';
import { encryptedCondition, encryptionVerdict, managedRule, plan, writeKeyOf, type EncryptionState, type EncryptionType, type RotationRequest } from '../../src/encryption/plan.ts';
import type { KmsProvider } from '../../src/encryption/transformers.ts';

interface World {
  config: EncryptionConfig | undefined;
  state: EncryptionState;
  rotation?: RotationRequest;
  now: Date;
  steps: string[];
}

const KMS: KmsProvider = { type: 'kms', name: 'warden', endpoint: 'unix:///run/kms.sock', timeoutMs: 3000 };

function run(w: World, desired: EncryptionType, rotationMs = 7 * 86400_000, kmsKeyIds: Record<string, string> = { warden: 'kek-1' }): World {
  for (let i = 0; i < 20; i++) {
    const a = plan({
      desired, config: w.config, state: w.state, ...(w.rotation ? { rotation: w.rotation } : {}), now: w.now, rotationMs, newSecret: () => Buffer.alloc(32, i),
      ...(desired === 'kms' ? { kms: KMS, ...(kmsKeyIds.warden ? { desiredKmsKeyId: kmsKeyIds.warden } : {}) } : {}), kmsKeyIds, kmsRemovalGraceMs: 0,
    });
    if (a.kind === 'steady') return w;
    if (a.kind === 'wait') throw new Error(`plan waits: ${a.reason}`);
    if (a.kind === 'record-pending') {
      w.state = { ...w.state, pendingKey: a.pendingKey };
      w.steps.push(`pending ${a.pendingKey.type}:${a.pendingKey.name}`);
    } else if (a.kind === 'write-config') {
      w.config = a.config;
      w.steps.push(`${a.reason} ${JSON.stringify(managedRule(a.config).providers.map((p) => (p.type === 'identity' ? p.type : p.type === 'kms' ? `kms(${p.name})` : `${p.type}[${p.keys.map((k) => k.name)}]`)))}`);
    } else {
      const { pendingKey: _p, ...rest } = w.state;
      w.state = { ...rest, migration: { writeKey: a.writeKey, startedAt: w.now.toISOString(), finishedAt: w.now.toISOString(), progress: {} } };
      w.steps.push(`migrate ${a.writeKey}`);
    }
  }
  throw new Error(`no steady state: ${w.steps.join(' | ')}`);
}

const fresh = (): World => ({ config: undefined, state: {}, now: new Date('2026-01-01T00:00:00Z'), steps: [] });

describe('encryption plan', () => {
  it('identity with no config is steady: EncryptionDisabled', () => {
    const w = run(fresh(), 'identity');
    assert.deepEqual(w.steps, []);
    assert.deepEqual(encryptedCondition('identity', w.config, w.state), { type: 'Encrypted', status: 'False', reason: 'EncryptionDisabled', message: 'Encryption is not enabled' });
  });

  it('enable aesgcm: new key 1 as read key, then promoted, then migrated', () => {
    const w = run(fresh(), 'aesgcm');
    assert.deepEqual(w.steps, [
      'pending aesgcm:1',
      'EncryptionKeyCreated ["identity","aesgcm[1]"]',
      'EncryptionKeyPromoted ["aesgcm[1]","identity"]',
      'migrate aesgcm:1',
    ]);
    const c = encryptedCondition('aesgcm', w.config, w.state);
    assert.equal(c.reason, 'EncryptionCompleted');
    assert.equal(c.message, 'All resources encrypted: secrets, configmaps, routes.route.openshift.io, oauthaccesstokens.oauth.openshift.io, oauthauthorizetokens.oauth.openshift.io');
  });

  it('switch aescbc -> aesgcm keeps the aescbc key readable; disable decrypts and keeps keys', () => {
    let w = run(fresh(), 'aescbc');
    w.steps = [];
    w = run(w, 'aesgcm');
    assert.deepEqual(w.steps, [
      'pending aesgcm:2',
      'EncryptionKeyCreated ["aescbc[1]","aesgcm[2]","identity"]',
      'EncryptionKeyPromoted ["aesgcm[2]","aescbc[1]","identity"]',
      'migrate aesgcm:2',
    ]);
    w.steps = [];
    w = run(w, 'identity');
    assert.deepEqual(w.steps, ['WriteKeyIdentity ["identity","aesgcm[2]","aescbc[1]"]', 'migrate identity']);
    assert.equal(encryptedCondition('identity', w.config, w.state).reason, 'DecryptionCompleted');
    assert.equal(encryptedCondition('identity', w.config, w.state).message, 'Encryption mode set to identity and everything is decrypted');
  });

  it('rotates after the interval counted from the end of the last migration, and keeps 10 unused keys', () => {
    let w = run(fresh(), 'aesgcm', 1000);
    for (let i = 0; i < 12; i++) {
      w.now = new Date(w.now.getTime() + 999);
      assert.equal(plan({ desired: 'aesgcm', config: w.config, state: w.state, now: w.now, rotationMs: 1000, newSecret: () => Buffer.alloc(32) }).kind, 'steady', 'not yet due');
      w.now = new Date(w.now.getTime() + 1);
      w = run(w, 'aesgcm', 1000);
    }
    const keys = managedRule(w.config).providers.flatMap((p) => (p.type === 'identity' || p.type === 'kms' ? [] : p.keys.map((k) => k.name)));
    assert.equal(writeKeyOf(managedRule(w.config).providers), 'aesgcm:13');
    assert.deepEqual(keys, ['13', '12', '11', '10', '9', '8', '7', '6', '5', '4', '3']);
  });

  it('a requested rotation makes a new key even before the interval, once, whatever the clocks say', () => {
    let w = run(fresh(), 'aesgcm');
    // Requested by a machine whose clock is an hour ahead of the controller's.
    w.rotation = { requestedAt: new Date(w.now.getTime() + 3600_000).toISOString(), writeKey: 'aesgcm:1' };
    assert.equal(encryptedCondition('aesgcm', w.config, w.state, w.rotation).reason, 'EncryptionInProgress', 'not done until the new key is in use');
    w.steps = [];
    w = run(w, 'aesgcm');
    assert.deepEqual(w.steps, [
      'pending aesgcm:2',
      'EncryptionKeyCreated ["aesgcm[1,2]","identity"]',
      'EncryptionKeyPromoted ["aesgcm[2,1]","identity"]',
      'migrate aesgcm:2',
    ]);
    assert.equal(writeKeyOf(managedRule(w.config).providers), 'aesgcm:2');
    assert.equal(encryptedCondition('aesgcm', w.config, w.state, w.rotation).reason, 'EncryptionCompleted');
    w.steps = [];
    assert.deepEqual(run(w, 'aesgcm').steps, [], 'the request is met: no second rotation');
  });

  it('the condition reports the migration in progress, never the previous one', () => {
    const w = run(fresh(), 'aesgcm');
    const finished = { ...w.state.migration!, progress: { secrets: { done: 51, total: 51 } } };
    w.state.migration = finished;
    assert.deepEqual(encryptionVerdict('aesgcm', w.config, w.state).migration, finished, 'completed: its own counts');

    // Rotation requested: the finished migration to key 1 is not this one.
    const rotation: RotationRequest = { requestedAt: w.now.toISOString(), writeKey: 'aesgcm:1' };
    const requested = encryptionVerdict('aesgcm', w.config, w.state, rotation);
    assert.equal(requested.condition.reason, 'EncryptionInProgress');
    assert.equal(requested.migration, undefined);
    assert.equal(requested.condition.message, 'Encryption mode set to aesgcm, encrypting resources');

    // Disabled while key 1's migration is the last one: decrypting has not started.
    const off = run({ ...w, steps: [] }, 'identity');
    off.state.migration = { writeKey: 'aesgcm:1', startedAt: w.now.toISOString(), finishedAt: w.now.toISOString(), progress: { secrets: { done: 51, total: 51 } } };
    const decrypting = encryptionVerdict('identity', off.config, off.state);
    assert.equal(decrypting.condition.reason, 'DecryptionInProgress');
    assert.equal(decrypting.migration, undefined);

    // Key 2 promoted and its migration running: its counts, in the message too.
    const running = { writeKey: 'aesgcm:2', startedAt: w.now.toISOString(), progress: { secrets: { done: 7, total: 51 } } };
    const config = plan({ desired: 'aesgcm', config: w.config, state: { pendingKey: { type: 'aesgcm', name: '2', addedAt: '' } }, now: w.now, rotationMs: 1e9, newSecret: () => Buffer.alloc(32) });
    assert.equal(config.kind, 'write-config');
    const promoted = plan({ desired: 'aesgcm', config: config.kind === 'write-config' ? config.config : undefined, state: { pendingKey: { type: 'aesgcm', name: '2', addedAt: '' } }, now: w.now, rotationMs: 1e9, newSecret: () => Buffer.alloc(32) });
    assert.equal(promoted.kind, 'write-config');
    const v = encryptionVerdict('aesgcm', promoted.kind === 'write-config' ? promoted.config : undefined, { migration: running }, rotation);
    assert.deepEqual(v.migration, running);
    assert.equal(v.condition.message, 'Encryption mode set to aesgcm, encrypting resources: secrets 7/51');
  });

  it('resumes after a crash at any step', () => {
    // Crash after recording the pending key but before writing the config.
    const w = fresh();
    w.state = { pendingKey: { type: 'aesgcm', name: '1', addedAt: w.now.toISOString() } };
    const done = run(w, 'aesgcm');
    assert.deepEqual(done.steps.slice(-1), ['migrate aesgcm:1']);
    // Crash during migration: the record has no finishedAt, so migration runs again.
    done.state.migration = { ...done.state.migration!, finishedAt: undefined };
    assert.equal(encryptedCondition('aesgcm', done.config, done.state).reason, 'EncryptionInProgress');
    assert.deepEqual(plan({ desired: 'aesgcm', config: done.config, state: done.state, now: done.now, rotationMs: 1e9, newSecret: () => Buffer.alloc(32) }), { kind: 'migrate', writeKey: 'aesgcm:1' });
  });

  it('enable kms from aesgcm: the provider added as a reader, promoted, then everything migrated to the plugin\'s key ID', () => {
    let w = run(fresh(), 'aesgcm');
    w.steps = [];
    w = run(w, 'kms');
    assert.deepEqual(w.steps, [
      'KMSProviderAdded ["aesgcm[1]","kms(warden)","identity"]',
      'KMSProviderPromoted ["kms(warden)","aesgcm[1]","identity"]',
      'migrate kms:warden:kek-1',
    ]);
    assert.equal(writeKeyOf(managedRule(w.config).providers), 'kms:warden');
    assert.equal(encryptedCondition('kms', w.config, w.state, undefined, { warden: 'kek-1' }).reason, 'EncryptionCompleted');
  });

  it('a new key ID from the plugin (its KEK rotated) migrates again; the weekly rotation and the pending key play no part', () => {
    let w = run(fresh(), 'kms');
    w.steps = [];
    assert.equal(encryptedCondition('kms', w.config, w.state, undefined, { warden: 'kek-2' }).reason, 'EncryptionInProgress');
    w.now = new Date(w.now.getTime() + 30 * 86400_000);
    w = run(w, 'kms', 7 * 86400_000, { warden: 'kek-2' });
    assert.deepEqual(w.steps, ['migrate kms:warden:kek-2']);
    assert.equal(w.state.pendingKey, undefined);
  });

  it('kms whose plugin never reported a key ID is not configured (kube-apiservers would check it), and nothing is migrated', () => {
    const w = run(fresh(), 'aesgcm');
    const a = plan({ desired: 'kms', kms: KMS, config: w.config, state: w.state, now: w.now, rotationMs: 1, newSecret: () => Buffer.alloc(32), kmsKeyIds: {} });
    assert.equal(a.kind, 'wait');
    assert.match(a.kind === 'wait' ? `${a.reason}: ${a.fix}` : '', /^the KMS plugin of provider warden at unix:\/\/\/run\/kms\.sock has not reported its key ID: start the plugin/);
    // Configured and promoted, then the plugin gone: nothing to migrate to either.
    const promoted = run(fresh(), 'kms');
    const b = plan({ desired: 'kms', kms: KMS, config: promoted.config, state: {}, now: w.now, rotationMs: 1, newSecret: () => Buffer.alloc(32), kmsKeyIds: {} });
    assert.equal(b.kind, 'wait');
  });

  it('disable after kms decrypts everything, then drops the kms provider nothing uses any more', () => {
    let w = run(fresh(), 'kms');
    w.steps = [];
    w = run(w, 'identity');
    assert.deepEqual(w.steps, ['WriteKeyIdentity ["identity","kms(warden)"]', 'migrate identity', 'KMSProviderRemoved ["identity"]']);
    // No key and no provider left: as a cluster never encrypted.
    assert.equal(encryptedCondition('identity', w.config, w.state).reason, 'EncryptionDisabled');
    w.steps = [];
    w = run(w, 'aesgcm');
    assert.deepEqual(managedRule(w.config).providers.map((p) => p.type), ['aesgcm', 'identity']);
  });

  it('from one kms provider to another: the new one once its plugin answers, the old one dropped 5 minutes after the migration', () => {
    let w = run(fresh(), 'kms');
    w.steps = [];
    const other: KmsProvider = { type: 'kms', name: 'vault', endpoint: 'unix:///run/vault.sock', timeoutMs: 3000 };
    const step = () => plan({ desired: 'kms', kms: other, config: w.config, state: w.state, now: w.now, rotationMs: 1, newSecret: () => Buffer.alloc(32), kmsKeyIds: { warden: 'kek-1', vault: 'v-7' }, desiredKmsKeyId: 'v-7' });
    for (let i = 0; i < 10; i++) {
      const a = step();
      if (a.kind === 'steady') break;
      if (a.kind === 'write-config') {
        w.config = a.config;
        w.steps.push(`${a.reason} ${JSON.stringify(managedRule(a.config).providers.map((p) => (p.type === 'kms' ? p.name : p.type)))}`);
      } else if (a.kind === 'migrate') {
        w.state = { migration: { writeKey: a.writeKey, startedAt: w.now.toISOString(), finishedAt: w.now.toISOString(), progress: {} } };
        w.steps.push(`migrate ${a.writeKey}`);
      } else assert.fail(a.kind);
    }
    assert.deepEqual(w.steps, ['KMSProviderAdded ["warden","vault","identity"]', 'KMSProviderPromoted ["vault","warden","identity"]', 'migrate kms:vault:v-7']);
    // Kube-apiservers reload the file on their own schedule: the old provider stays 5 minutes.
    w.now = new Date(w.now.getTime() + 4 * 60_000);
    assert.equal(step().kind, 'steady');
    w.now = new Date(w.now.getTime() + 60_000);
    const removed = step();
    assert.equal(removed.kind === 'write-config' ? `${removed.reason} ${JSON.stringify(managedRule(removed.config).providers.map((p) => (p.type === 'kms' ? p.name : p.type)))}` : removed.kind, 'KMSProviderRemoved ["vault","identity"]');
    w = { ...w, config: removed.kind === 'write-config' ? removed.config : w.config };
    assert.equal(encryptionVerdict('kms', w.config, w.state, undefined, { vault: 'v-7' }, 'vault').condition.reason, 'EncryptionCompleted');
    assert.equal(encryptionVerdict('kms', w.config, w.state, undefined, { vault: 'v-7' }, 'warden').condition.reason, 'EncryptionInProgress', 'not the provider asked for');
  });

  it('a kms provider moved to another endpoint only once the plugin there answers; a name another rule uses is refused', () => {
    const w = run(fresh(), 'kms');
    const moved: KmsProvider = { ...KMS, endpoint: 'unix:///run/typo.sock' };
    const at = (desiredKmsKeyId?: string) => plan({ desired: 'kms', kms: moved, config: w.config, state: w.state, now: w.now, rotationMs: 1, newSecret: () => Buffer.alloc(32), kmsKeyIds: { warden: 'kek-1' }, ...(desiredKmsKeyId ? { desiredKmsKeyId } : {}) });
    assert.equal(at().kind, 'wait', 'nobody answers at the new endpoint: the file keeps the one that works');
    assert.equal(at('kek-1').kind, 'write-config');
    const twice: EncryptionConfig = { resources: [...(w.config?.resources ?? []).map((r) => ({ ...r, providers: r.providers.filter((p) => p.type !== 'kms') })), { resources: ['widgets.example.com'], providers: [KMS] }] };
    const a = plan({ desired: 'kms', kms: KMS, config: twice, state: {}, now: w.now, rotationMs: 1, newSecret: () => Buffer.alloc(32), kmsKeyIds: { warden: 'kek-1' }, desiredKmsKeyId: 'kek-1' });
    assert.equal(a.kind === 'wait' ? a.reason : a.kind, 'kms provider warden is configured for other resources in the EncryptionConfiguration');
  });
});

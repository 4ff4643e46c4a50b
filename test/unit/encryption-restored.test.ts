// Encryption after a restore, without etcd: the configuration installed for a restored set and
// the controller's record, checked by driving the controller's plan over real histories
// (backup, then enable/rotate/disable, then restore of the old set).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EncryptionConfig } from '../../src/encryption/config.ts';
import { encryptedCondition, managedRule, plan, SETTLED_REASONS, type EncryptionState, type EncryptionType, type RotationRequest } from '../../src/encryption/plan.ts';
import { configForRestoredSet, settledRecord, withWriteKey, writtenWithFromBackup, writtenWithFromStorage } from '../../src/encryption/restored.ts';

interface World {
  desired: EncryptionType;
  config: EncryptionConfig | undefined;
  state: EncryptionState;
  /** A pending `encryption rotate` request (kept apart from the controller's record, as in etcd). */
  rotation?: RotationRequest;
}

let now = new Date('2026-01-01T00:00:00Z');
let secretSeed = 1;

/** Runs the controller's plan to a steady state; returns the steps it took. */
function settle(w: World): string[] {
  const steps: string[] = [];
  for (let i = 0; i < 20; i++) {
    now = new Date(now.getTime() + 1000);
    const a = plan({ desired: w.desired, config: w.config, state: w.state, now, rotationMs: 7 * 86400_000, newSecret: () => Buffer.alloc(32, secretSeed++), ...(w.rotation ? { rotation: w.rotation } : {}) });
    if (a.kind === 'steady') return steps;
    if (a.kind === 'wait') throw new Error(`plan waits: ${a.reason}`);
    if (a.kind === 'record-pending') w.state = { ...w.state, pendingKey: a.pendingKey };
    else if (a.kind === 'write-config') w.config = a.config;
    else {
      const { pendingKey: _p, ...rest } = w.state;
      w.state = { ...rest, migration: { writeKey: a.writeKey, startedAt: now.toISOString(), finishedAt: now.toISOString(), progress: {} } };
    }
    steps.push(a.kind === 'migrate' ? `migrate ${a.writeKey}` : a.kind);
  }
  throw new Error(`no steady state: ${steps.join(' | ')}`);
}

const clone = (w: World): World => structuredClone(w);
const shape = (c: EncryptionConfig | undefined) => managedRule(c).providers.map((p) => (p.type === 'identity' || p.type === 'kms' ? p.type : `${p.type}[${p.keys.map((k) => k.name)}]`));

/** What a restore of `backup` into `now` leaves: the backup's desired type and record, the merged configuration, the settled record. */
function restore(backup: World, current: World): World {
  const condition = encryptedCondition(backup.desired, backup.config, backup.state).reason;
  const merged = configForRestoredSet(backup.config, current.config);
  assert.deepEqual(merged.conflicts, []);
  const writtenWith = writtenWithFromBackup({ condition }, backup.config);
  const w: World = { desired: backup.desired, config: merged.config, state: backup.state, ...(backup.rotation ? { rotation: backup.rotation } : {}) };
  const next = writtenWith ? settledRecord(w.desired, w.config, w.state, writtenWith, now) : undefined;
  if (next) w.state = next;
  return w;
}

describe('encryption after a restore', () => {
  it('a set taken before encryption: identity writes, key 1 kept as a read key, settled; enabling again makes key 2', () => {
    const backup: World = { desired: 'identity', config: undefined, state: {} };
    const live = clone(backup);
    live.desired = 'aesgcm';
    settle(live);
    assert.deepEqual(shape(live.config), ['aesgcm[1]', 'identity']);

    const w = restore(backup, live);
    assert.deepEqual(shape(w.config), ['identity', 'aesgcm[1]']);
    assert.equal(encryptedCondition(w.desired, w.config, w.state).reason, 'DecryptionCompleted');
    assert.deepEqual(settle(w), [], 'the controller has nothing to do');
    w.desired = 'aesgcm';
    settle(w);
    assert.deepEqual(shape(w.config), ['aesgcm[2,1]', 'identity']);
  });

  it('a set taken before a rotation: its key writes, the newer one stays readable, settled', () => {
    const backup: World = { desired: 'aesgcm', config: undefined, state: {} };
    settle(backup);
    const live = clone(backup);
    live.rotation = { requestedAt: now.toISOString(), writeKey: 'aesgcm:1' };
    settle(live);
    assert.deepEqual(shape(live.config), ['aesgcm[2,1]', 'identity']);

    const w = restore(backup, live);
    assert.deepEqual(shape(w.config), ['aesgcm[1,2]', 'identity']);
    const key2 = managedRule(live.config).providers[0]?.type === 'aesgcm' ? managedRule(live.config).providers[0] : undefined;
    const kept = managedRule(w.config).providers[0];
    assert.ok(key2 && key2.type !== 'identity' && key2.type !== 'kms' && kept && kept.type !== 'identity' && kept.type !== 'kms');
    assert.deepEqual(kept.keys.find((k) => k.name === '2')?.secret, key2.keys.find((k) => k.name === '2')?.secret, 'the same key material');
    assert.equal(encryptedCondition(w.desired, w.config, w.state).reason, 'EncryptionCompleted');
    assert.deepEqual(settle(w), []);
  });

  it('a set taken while encryption was disabled again: identity writes, settled', () => {
    const backup: World = { desired: 'aesgcm', config: undefined, state: {} };
    settle(backup);
    backup.desired = 'identity';
    settle(backup);
    const live = clone(backup);
    live.desired = 'secretbox';
    settle(live);
    const w = restore(backup, live);
    assert.deepEqual(shape(w.config), ['identity', 'secretbox[2]', 'aesgcm[1]']);
    assert.equal(encryptedCondition(w.desired, w.config, w.state).reason, 'DecryptionCompleted');
    assert.deepEqual(settle(w), []);
  });

  it('a set taken mid-migration is left to the controller, which finishes it', () => {
    const backup: World = { desired: 'aesgcm', config: undefined, state: {} };
    for (let i = 0; i < 3; i++) {
      const a = plan({ desired: 'aesgcm', config: backup.config, state: backup.state, now, rotationMs: 1e12, newSecret: () => Buffer.alloc(32, 9) });
      if (a.kind === 'record-pending') backup.state = { pendingKey: a.pendingKey };
      else if (a.kind === 'write-config') backup.config = a.config;
    }
    backup.state = { migration: { writeKey: 'aesgcm:1', startedAt: now.toISOString(), progress: {} } };
    const w = restore(backup, { desired: 'identity', config: undefined, state: {} });
    assert.equal(encryptedCondition(w.desired, w.config, w.state).reason, 'EncryptionInProgress');
    assert.deepEqual(settle(w), ['migrate aesgcm:1']);
  });

  it('nothing to install or record on a cluster never encrypted', () => {
    assert.equal(configForRestoredSet(undefined, undefined).config, undefined);
    assert.equal(settledRecord('identity', undefined, {}, 'identity', now), undefined);
  });

  it('a key of the same name with other key material is a conflict, the set\'s key wins', () => {
    const mk = (b: number): EncryptionConfig => ({ resources: [{ resources: ['secrets'], providers: [{ type: 'aesgcm', keys: [{ name: '1', secret: Buffer.alloc(32, b) }] }, { type: 'identity' }] }] });
    const r = configForRestoredSet(mk(1), mk(2));
    assert.deepEqual(r.conflicts, ['aesgcm:1']);
    const p = managedRule(r.config).providers[0];
    assert.ok(p && p.type === 'aesgcm');
    assert.deepEqual(p.keys.map((k) => k.secret[0]), [1]);
  });

  it('keys of a rule the set lacks get a rule of their own that writes plaintext', () => {
    const set: EncryptionConfig = { resources: [{ resources: ['secrets'], providers: [{ type: 'identity' }] }] };
    const current: EncryptionConfig = { resources: [{ resources: ['widgets.example.com'], providers: [{ type: 'secretbox', keys: [{ name: '7', secret: Buffer.alloc(32, 7) }] }] }] };
    const r = configForRestoredSet(set, current);
    assert.deepEqual(r.kept, ['secretbox:7']);
    assert.deepEqual(r.config?.resources.map((x) => [x.resources, x.providers.map((p) => p.type)]), [[['secrets'], ['identity']], [['widgets.example.com'], ['identity', 'secretbox']]]);
  });

  it('what the values are written with: from a settled backup, or from the snapshot when one key covers them', () => {
    const cfg = withWriteKey({ resources: [{ resources: ['secrets'], providers: [{ type: 'aesgcm', keys: [{ name: '2', secret: Buffer.alloc(32, 2) }, { name: '1', secret: Buffer.alloc(32, 1) }] }, { type: 'identity' }] }] }, 'aesgcm:1');
    assert.deepEqual(shape(cfg), ['aesgcm[1,2]', 'identity']);
    assert.deepEqual(shape(withWriteKey(cfg, 'identity')), ['identity', 'aesgcm[1,2]']);
    for (const reason of SETTLED_REASONS) assert.equal(writtenWithFromBackup({ condition: reason }, cfg), 'aesgcm:1');
    assert.equal(writtenWithFromBackup({ condition: 'EncryptionInProgress' }, cfg), undefined);
    assert.equal(writtenWithFromBackup(undefined, cfg), undefined);
    const storage = (...s: [string, string, string | undefined, number][]) => s.map(([resource, provider, keyName, count]) => ({ resource, storage: [{ provider, ...(keyName ? { keyName } : {}), count }] }));
    assert.equal(writtenWithFromStorage(storage(['secrets', 'aesgcm', '1', 3], ['configmaps', 'aesgcm', '1', 2], ['(other)', 'identity', undefined, 9])), 'aesgcm:1');
    assert.equal(writtenWithFromStorage(storage(['secrets', 'identity', undefined, 3])), 'identity');
    assert.equal(writtenWithFromStorage(storage(['secrets', 'aesgcm', '1', 3], ['configmaps', 'identity', undefined, 1])), undefined);
    assert.equal(writtenWithFromStorage([]), undefined);
  });

  it('kms: the current kms provider stays a reader; a set written under one key ID is settled to it, never to the provider alone', () => {
    const kms = { type: 'kms' as const, name: 'warden', endpoint: 'unix:///run/kms.sock', timeoutMs: 3000 };
    const gcm = { type: 'aesgcm' as const, keys: [{ name: '1', secret: Buffer.alloc(32, 7) }] };
    const rule = (providers: EncryptionConfig['resources'][number]['providers']): EncryptionConfig => ({ resources: [{ resources: ['secrets', 'configmaps'], providers }] });
    // A set under aesgcm restored over a cluster now on kms: the kms reader is kept.
    const merged = configForRestoredSet(rule([gcm, { type: 'identity' }]), rule([kms, gcm, { type: 'identity' }]));
    assert.deepEqual(managedRule(merged.config).providers.map((p) => p.type), ['aesgcm', 'kms', 'identity']);
    assert.deepEqual(merged.kept, ['kms:warden']);
    // A set under kms: what its values are under comes from its record (with the key ID).
    const set = rule([kms, { type: 'identity' }]);
    assert.equal(writtenWithFromBackup({ condition: 'EncryptionCompleted', writeKey: 'kms:warden:kek-1' }, set), 'kms:warden:kek-1');
    assert.equal(writtenWithFromBackup({ condition: 'EncryptionCompleted', writeKey: 'aesgcm:1' }, set), undefined);
    assert.equal(writtenWithFromStorage([{ resource: 'secrets', storage: [{ provider: 'kms', keyName: 'warden', count: 3 }] }]), 'kms:warden');
    assert.equal(writtenWithFromStorage([{ resource: 'secrets', storage: [{ provider: 'kms', keyName: 'warden', keyId: 'kek-1', count: 3 }] }]), 'kms:warden:kek-1');
    assert.equal(settledRecord('kms', set, {}, 'kms:warden:kek-1', now)?.migration?.writeKey, 'kms:warden:kek-1');
    assert.equal(settledRecord('kms', set, {}, 'kms:warden', now), undefined, 'no key ID: nothing to record');
    // A configuration given apart, written with kms by the set: kms becomes its write provider.
    assert.deepEqual(managedRule(withWriteKey(rule([gcm, kms, { type: 'identity' }]), 'kms:warden:kek-1')).providers.map((p) => p.type), ['kms', 'aesgcm', 'identity']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextCondition } from '../../src/operator/conditions.ts';
import { healthCondition } from '../../src/operator/health-controller.ts';

describe('conditions', () => {
  it('keeps lastTransitionTime while the status stays, and moves it when the status changes', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t1 = new Date('2026-01-01T00:05:00Z');
    const a = nextCondition(undefined, { type: 'X', status: 'True', reason: 'R', message: 'm' }, t0);
    const b = nextCondition(a, { type: 'X', status: 'True', reason: 'R2', message: 'm2' }, t1);
    assert.equal(b.lastTransitionTime, t0.toISOString());
    const c = nextCondition(b, { type: 'X', status: 'False', reason: 'R3', message: 'm3' }, t1);
    assert.equal(c.lastTransitionTime, t1.toISOString());
  });

  it('tells a lost member with quorum kept from lost quorum', () => {
    assert.equal(healthCondition({ total: 3, healthy: 3, unhealthy: [] }).status, 'True');
    const one = healthCondition({ total: 3, healthy: 2, unhealthy: [{ name: 'etcd-2', endpoint: 'e', error: 'refused' }] });
    assert.equal(one.reason, 'MembersUnhealthy');
    assert.match(one.message, /quorum kept; unhealthy: etcd-2 \(refused\)/);
    const two = healthCondition({ total: 3, healthy: 1, unhealthy: [{ name: 'a', endpoint: 'e', error: 'x' }, { name: 'b', endpoint: 'e', error: 'x' }] });
    assert.equal(two.reason, 'QuorumLost');
    assert.match(two.message, /warden quorum restore/);
  });
});

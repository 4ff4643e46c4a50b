// The lease-held lock (src/etcd/lock.ts) against a real etcd 3.4: one holder at a time, a
// waiter that gets it when the holder releases, gives up naming the holder, takes over from a
// holder that stopped renewing once its lease expired; the holder learns when its lease is
// lost; under NOSPACE a free lock is reported as not recorded and a held one is waited for.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EtcdClient, EtcdNoSpaceError } from '../../src/etcd/client.ts';
import { acquireLock, LockHeldError, lockRecord, readLock, type LockRecord } from '../../src/etcd/lock.ts';
import { waitFor } from '../../src/util/wait.ts';
import { liveEtcdPids, startSingleEtcd, type SingleEtcd } from '../helpers/single-etcd.ts';

after(() => {
  assert.deepEqual(liveEtcdPids(), [], 'every etcd started here was stopped');
});

const KEY = '/warden/locks/test';

describe('lease lock', () => {
  let etcd: SingleEtcd;
  let client: EtcdClient;
  before(async () => {
    etcd = await startSingleEtcd();
    client = new EtcdClient({ endpoints: [etcd.endpoint] });
  });
  after(async () => {
    client?.close();
    await etcd?.stop();
  });

  it('one holder at a time: a waiter is told who holds it and gets it as soon as it is released', async () => {
    const a = await acquireLock(client, KEY, lockRecord('run A'), { ttlSeconds: 10, timeoutMs: 0 });
    assert.equal(a.recorded, true);
    assert.equal((await readLock(client, KEY))?.holder, 'run A');
    const seen: LockRecord[] = [];
    let bHeldAt = 0;
    const b = acquireLock(client, KEY, lockRecord('run B'), { ttlSeconds: 10, timeoutMs: 30_000, pollMs: 50, onWait: (h) => seen.push(h) }).then((l) => {
      bHeldAt = Date.now();
      return l;
    });
    await waitFor(() => seen.length > 0, { timeoutMs: 10_000, what: 'B to find A holding the lock' });
    assert.equal(seen[0]!.holder, 'run A');
    assert.equal(seen[0]!.pid, process.pid);
    assert.equal(bHeldAt, 0, 'B waits while A holds it');
    const releasedAt = Date.now();
    await a.release();
    const lb = await b;
    assert.ok(bHeldAt - releasedAt < 5000, `B took it ${bHeldAt - releasedAt} ms after the release`);
    assert.equal((await readLock(client, KEY))?.holder, 'run B');
    await lb.release();
    assert.equal(await readLock(client, KEY), undefined, 'released: the key is gone');
  });

  it('gives up after the timeout, naming the holder, and leaves no lease behind', async () => {
    const a = await acquireLock(client, KEY, lockRecord('run A'), { ttlSeconds: 10, timeoutMs: 0 });
    const leasesBefore = (await etcd.etcdctl(['lease', 'list'])).trim();
    const t0 = Date.now();
    await assert.rejects(acquireLock(client, KEY, lockRecord('run B'), { ttlSeconds: 10, timeoutMs: 500, pollMs: 50 }), (err: unknown) => {
      assert.ok(err instanceof LockHeldError);
      assert.equal(err.holder.holder, 'run A');
      return true;
    });
    assert.ok(Date.now() - t0 >= 500, 'it waited the timeout');
    assert.equal((await etcd.etcdctl(['lease', 'list'])).trim(), leasesBefore, "the waiter's lease was revoked");
    await a.release();
  });

  it('a holder that stopped renewing (killed) frees the lock when its lease expires', async () => {
    // What a holder killed with -9 leaves: the key on a lease nobody renews.
    const lease = await client.leaseGrant(2);
    await client.put(KEY, JSON.stringify(lockRecord('dead run')), { lease });
    const seen: string[] = [];
    const t0 = Date.now();
    const b = await acquireLock(client, KEY, lockRecord('run B'), { ttlSeconds: 10, timeoutMs: 30_000, pollMs: 100, onWait: (h) => seen.push(h.holder) });
    assert.deepEqual(seen, ['dead run']);
    assert.ok(Date.now() - t0 >= 1000, 'B waited for the lease to expire');
    assert.equal((await readLock(client, KEY))?.holder, 'run B');
    await b.release();
  });

  it('the holder is told through its signal when its lease is lost', async () => {
    const a = await acquireLock(client, KEY, lockRecord('run A'), { ttlSeconds: 10, timeoutMs: 0 });
    const kv = (await client.get(KEY)).kvs[0]!;
    await client.leaseRevoke(kv.lease);
    await waitFor(() => a.signal.aborted, { timeoutMs: 10_000, what: 'the lost lease to abort the signal' });
    assert.ok(a.lost);
    await a.release();
  });
});

describe('lease lock under NOSPACE', () => {
  let etcd: SingleEtcd;
  let client: EtcdClient;
  before(async () => {
    etcd = await startSingleEtcd({ extraArgs: ['--quota-backend-bytes=2097152'] });
    client = new EtcdClient({ endpoints: [etcd.endpoint] });
  });
  after(async () => {
    client?.close();
    await etcd?.stop();
  });

  it('a lock taken before the alarm stays held and is waited for; a free one cannot be recorded', async () => {
    const a = await acquireLock(client, KEY, lockRecord('run A'), { ttlSeconds: 10, timeoutMs: 0 });
    for (let i = 0; ; i++) {
      try {
        await client.put(`/fill/${i % 5}`, 'x'.repeat(50_000));
      } catch (err) {
        if (err instanceof EtcdNoSpaceError) break;
        throw err;
      }
    }
    await assert.rejects(acquireLock(client, KEY, lockRecord('run B'), { ttlSeconds: 10, timeoutMs: 300, pollMs: 50 }), (err: unknown) => err instanceof LockHeldError && err.holder.holder === 'run A');
    await a.release();
    assert.equal(await readLock(client, KEY), undefined, 'released under NOSPACE');
    const b = await acquireLock(client, KEY, lockRecord('run B'), { ttlSeconds: 10, timeoutMs: 0 });
    assert.equal(b.recorded, false);
    await b.release();
  });
});

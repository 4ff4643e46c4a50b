// A learner added again with the peer URL of a member just removed, against a real etcd 3.4:
// etcd names a new member after its peer URLs and the current second, so within the second the
// removed one was added in it computes the removed ID, drops the change and answers "member not
// found" (a resumed restore failed on it). warden's add gets a new member that exists.
import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { EtcdClient } from '../../src/etcd/client.ts';
import { EtcdTimeoutError } from '../../src/etcd/errors.ts';
import type { EtcdApi } from '../../src/etcd/api.ts';
import { addLearner } from '../../src/restore/hosts.ts';
import { delay, waitFor } from '../../src/util/wait.ts';
import { freePorts, liveEtcdPids, startSingleEtcd, type SingleEtcd } from '../helpers/single-etcd.ts';

after(() => {
  assert.deepEqual(liveEtcdPids(), [], 'every etcd started here was stopped');
});

/** One real etcd and a client (with `commandTimeoutMs` if given), both gone (the member resumed first) after the test. */
async function etcdWithClient(t: TestContext, commandTimeoutMs?: number): Promise<{ etcd: SingleEtcd; client: EtcdClient }> {
  const etcd = await startSingleEtcd();
  const client = new EtcdClient({ endpoints: [etcd.endpoint], ...(commandTimeoutMs ? { commandTimeoutMs } : {}) });
  t.after(async () => {
    etcd.resume();
    client.close();
    await etcd.stop();
  });
  return { etcd, client };
}

describe('member add after a removal', () => {
  it('a learner added again within the second of the removed one is a new member, not the removed ID', async (t) => {
    const { client } = await etcdWithClient(t);
    const [port] = await freePorts(1);
    const peerURL = `http://127.0.0.1:${port}`;
    // Early in a second, so that the add, the removal, etcd's own add and warden's share it. On
    // a loaded machine they may still straddle two seconds (etcd's add then succeeds, or
    // warden's first try does): tried again until warden's add met "member not found" first.
    let first: Awaited<ReturnType<typeof client.memberAdd>> | undefined;
    let plainAdd: unknown;
    let added: Awaited<ReturnType<typeof addLearner>> | undefined;
    let tries = 0;
    // Warden's add, through a client that counts its calls.
    const counting = { memberAdd: (...a: Parameters<typeof client.memberAdd>) => (tries++, client.memberAdd(...a)) } as unknown as EtcdApi;
    for (let attempt = 0; attempt < 10 && tries < 2; attempt++) {
      if (added) await client.memberRemove(added.member.ID); // its first try was in the next second
      added = undefined;
      await delay(1000 - (Date.now() % 1000));
      first = await client.memberAdd([peerURL], { isLearner: true });
      await client.memberRemove(first.member.ID);
      // etcd's own answer to a plain add in that second.
      plainAdd = await client.memberAdd([peerURL], { isLearner: true }).then(
        async (again) => {
          await client.memberRemove(again.member.ID);
          return 'added in the next second';
        },
        (err: unknown) => err,
      );
      if (!/member not found/.test(String(plainAdd))) continue;
      assert.equal((await client.memberList()).members.length, 1);
      tries = 0;
      added = await addLearner(counting, peerURL, 'etcd-2', 10_000);
    }
    assert.match(String(plainAdd), /etcdserver: member not found/);
    assert.ok(first && added);
    assert.ok(tries >= 2, 'warden\'s add met "member not found" and tried again');
    assert.notEqual(added.member.ID, first.member.ID);
    const listed = (await client.memberList()).members.find((m) => m.ID === added.member.ID);
    assert.ok(listed?.isLearner, 'the learner is in the cluster');
    assert.deepEqual(listed.peerURLs, [peerURL]);
  });

  it('an add whose answer does not come in time is not a failure: the learner is found or added, once', async (t) => {
    // At 4 GB a restore's third member add met "no answer within 5000 ms": the leader had just
    // sent a raft snapshot of 4 GB and the disk was busy writing it back. A member that answers
    // nothing (frozen) for longer than the command timeout stands in for it: the add may still
    // be applied once it resumes, or not at all; either way warden must end with one learner.
    const { etcd, client } = await etcdWithClient(t, 1000);
    const [port] = await freePorts(1);
    const peerURL = `http://127.0.0.1:${port}`;
    const failures: string[] = [];
    const observed = new Proxy(client, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'memberAdd' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
        return async (...a: Parameters<typeof client.memberAdd>) => {
          try {
            return await client.memberAdd(...a);
          } catch (err) {
            failures.push((err as Error).message);
            throw err;
          }
        };
      },
    }) as EtcdApi;
    await client.memberList(); // connected before the freeze: what a restore's client is
    etcd.pause();
    const adding = addLearner(observed, peerURL, 'etcd-2', 30_000);
    adding.catch(() => undefined);
    await waitFor(() => failures.length > 0 || undefined, { timeoutMs: 20_000, intervalMs: 20, what: 'the first add to time out' });
    assert.match(failures[0] as string, /no answer within 1000 ms \(deadline exceeded\)/);
    etcd.resume();
    const added = await adding;
    const learners = (await client.memberList()).members.filter((m) => m.peerURLs.includes(peerURL));
    assert.equal(learners.length, 1, 'one member with that peer URL, however the timed-out add ended');
    assert.equal(learners[0]?.ID, added.member.ID);
    assert.ok(learners[0]?.isLearner);
    assert.ok(added.members.some((m) => m.ID === added.member.ID), 'the members the learner is started with include it');
  });

  it('an add applied by etcd whose answer was lost: the member it made is found and started, not added twice', async (t) => {
    const { etcd, client } = await etcdWithClient(t);
    const [port] = await freePorts(1);
    const peerURL = `http://127.0.0.1:${port}`;
    // The first add reaches etcd and is applied; its answer is lost on the way back.
    let adds = 0;
    let made: bigint | undefined;
    const lossy = {
      memberAdd: async (...a: Parameters<typeof client.memberAdd>) => {
        adds++;
        const r = await client.memberAdd(...a);
        if (adds > 1) return r;
        made = r.member.ID;
        throw new EtcdTimeoutError(`${etcd.endpoint}: no answer within 1000 ms (deadline exceeded): raise --command-timeout or check the member's health`, etcd.endpoint);
      },
      memberList: () => client.memberList(),
    } as unknown as EtcdApi;
    const added = await addLearner(lossy, peerURL, 'etcd-2', 10_000);
    assert.equal(added.member.ID, made, 'the member the lost add made');
    assert.equal(adds, 1, 'no second add');
    const withURL = (await client.memberList()).members.filter((m) => m.peerURLs.includes(peerURL));
    assert.deepEqual(withURL.map((m) => m.ID), [made]);
    assert.ok(added.members.some((m) => m.ID === made));
  });

  it('an add that never gets an answer gives up at its bound, naming why', async (t) => {
    const { etcd, client } = await etcdWithClient(t, 500);
    await client.memberList();
    const [port] = await freePorts(1);
    etcd.pause();
    await assert.rejects(
      addLearner(client, `http://127.0.0.1:${port}`, 'etcd-2', 2000),
      /^WaitTimeoutError: timed out after 2000 ms waiting for the cluster to accept etcd-2 as a new member: 127\.0\.0\.1:\d+: no answer within 500 ms \(deadline exceeded\): raise --command-timeout or check the member's health$/,
    );
  });
});

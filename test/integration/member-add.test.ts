// A learner added again with the peer URL of a member just removed, against a real etcd 3.4:
// etcd names a new member after its peer URLs and the current second, so within the second the
// removed one was added in it computes the removed ID, drops the change and answers "member not
// found" (a resumed restore failed on it). warden's add gets a new member that exists.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EtcdClient } from '../../src/etcd/client.ts';
import { addLearner } from '../../src/restore/hosts.ts';
import { delay } from '../../src/util/wait.ts';
import { freePorts, liveEtcdPids, startSingleEtcd } from '../helpers/single-etcd.ts';

after(() => {
  assert.deepEqual(liveEtcdPids(), [], 'every etcd started here was stopped');
});

describe('member add after a removal', () => {
  it('a learner added again within the second of the removed one is a new member, not the removed ID', async (t) => {
    const etcd = await startSingleEtcd();
    const client = new EtcdClient({ endpoints: [etcd.endpoint] });
    t.after(async () => {
      client.close();
      await etcd.stop();
    });
    const [port] = await freePorts(1);
    const peerURL = `http://127.0.0.1:${port}`;
    // Early in a second, so that the add, the removal and the add again share it. On a loaded
    // machine the three may still straddle two seconds (then etcd's add succeeds): tried again.
    let first: Awaited<ReturnType<typeof client.memberAdd>> | undefined;
    let plainAdd: unknown;
    for (let attempt = 0; attempt < 10 && !/member not found/.test(String(plainAdd)); attempt++) {
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
    }
    assert.match(String(plainAdd), /etcdserver: member not found/);
    assert.ok(first);
    assert.equal((await client.memberList()).members.length, 1);

    const added = await addLearner(client, peerURL, 'etcd-2', 10_000);
    assert.notEqual(added.member.ID, first.member.ID);
    const listed = (await client.memberList()).members.find((m) => m.ID === added.member.ID);
    assert.ok(listed?.isLearner, 'the learner is in the cluster');
    assert.deepEqual(listed.peerURLs, [peerURL]);
  });
});

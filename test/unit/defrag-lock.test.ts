// The pure parts of the defragmentation lock and of NOSPACE recovery: --lock-timeout parsing
// and its bound, how a holder is named, the lines a waiting or refused run prints, and the
// warning after a recovery that leaves a member close to its quota.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockHeldMessage, waitingLine } from '../../src/defrag/lock.ts';
import { nearQuotaWarning, uncheckedWarning } from '../../src/defrag/space.ts';
import { holderText, type LockRecord } from '../../src/etcd/lock.ts';

const cli: LockRecord = { holder: 'warden defrag --cluster', pid: 4242, host: 'node-a', since: '2026-11-30T15:00:00.000Z' };

describe('defragmentation lock', () => {
  it('names the holder: what runs, its pid and host, and since when', () => {
    assert.equal(holderText(cli), 'warden defrag --cluster (pid 4242 on node-a, since 2026-11-30T15:00:00.000Z)');
    assert.equal(waitingLine(cli, 300_000), 'Waiting for the defragmentation lock, held by warden defrag --cluster (pid 4242 on node-a, since 2026-11-30T15:00:00.000Z), for up to 5m0s (--lock-timeout)');
  });

  it('a run that gives up says who holds the lock and what to do, in one line', () => {
    assert.equal(lockHeldMessage(cli, 1000, 10),
      'another defragmentation is running: the lock /warden/locks/defrag is held by warden defrag --cluster (pid 4242 on node-a, since 2026-11-30T15:00:00.000Z); gave up after 1s (--lock-timeout): wait until it ends, or raise --lock-timeout; if that process is gone, the lock frees itself within 10s');
    assert.match(lockHeldMessage(cli, 0, 10), /; gave up at once \(--lock-timeout 0\): /);
    assert.doesNotMatch(lockHeldMessage(cli, 0, 10), /\n/);
  });
});

describe('NOSPACE recovery: near the quota afterwards', () => {
  const MB = 1_000_000;
  it('warns above 80 % of the quota, naming each member and saying what to do', () => {
    assert.equal(nearQuotaWarning([{ name: 'etcd-1', dbSize: 2 * MB, quota: 4_194_304 }]), undefined);
    assert.equal(nearQuotaWarning([{ name: 'etcd-1', dbSize: 3_355_443, quota: 4_194_304 }]), undefined, 'exactly 80 % is not above');
    assert.equal(nearQuotaWarning([{ name: 'etcd-1', dbSize: 3_800_000, quota: 4_194_304 }, { name: 'etcd-2', dbSize: 1 * MB, quota: 4_194_304 }]),
      "warning: after recovery etcd-1's DB is 3.8 MB, 91% of its 4.2 MB quota (above 80%): NOSPACE will soon be back; delete keys you do not need, or restart the members with a larger --quota-backend-bytes");
    assert.equal(nearQuotaWarning([{ name: 'etcd-1', dbSize: 3_800_000, quota: 4_194_304 }, { name: 'etcd-2', dbSize: 3_700_000, quota: 4_194_304 }]),
      "warning: after recovery etcd-1's DB is 3.8 MB, 91% of its 4.2 MB quota, etcd-2's DB is 3.7 MB, 88% of its 4.2 MB quota (above 80%): NOSPACE will soon be back; delete keys you do not need, or restart the members with a larger --quota-backend-bytes");
  });

  it('says which members it could not check, instead of guessing their quota', () => {
    assert.equal(uncheckedWarning([]), undefined);
    assert.equal(uncheckedWarning([{ name: 'etcd-2', why: 'its quota: http://127.0.0.1:2379/metrics did not answer' }]),
      'warning: after recovery, could not check how close to its quota each member is: etcd-2 (its quota: http://127.0.0.1:2379/metrics did not answer): see `warden space status`');
  });
});

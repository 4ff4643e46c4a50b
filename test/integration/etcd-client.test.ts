// The etcd connection layer against real etcd 3.4 members (no mocks): KV and txn, maintenance
// results compared with what etcdctl prints, verified snapshots, leases, watch, membership,
// auth with token refresh, NOSPACE without a client-side breaker, TLS, and unreachable members.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync, appendFileSync, copyFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import net from 'node:net';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  EtcdClient,
  EtcdError,
  EtcdNoSpaceError,
  EtcdPermissionError,
  EtcdTlsError,
  EtcdUnavailableError,
  MemberClient,
  compare,
  op,
  type WatchEvent,
} from '../../src/etcd/client.ts';
import { waitFor } from '../../src/util/wait.ts';
import { snapshotStatus } from '../../src/snapshot/status.ts';
import { freePorts, liveEtcdPids, startSingleEtcd, type SingleEtcd } from '../helpers/single-etcd.ts';

const execFileP = promisify(execFile);

after(() => {
  assert.deepEqual(liveEtcdPids(), [], 'every etcd started here was stopped');
});

/** Exact uint64 fields from etcdctl's JSON (JSON.parse would round them to doubles). */
function jsonUint(text: string, field: string): bigint {
  const m = new RegExp(`"${field}":(\\d+)`).exec(text);
  assert.ok(m, `etcdctl output has ${field}: ${text}`);
  return BigInt(m[1]!);
}

describe('one member, no auth', () => {
  let etcd: SingleEtcd;
  let member: MemberClient;
  let client: EtcdClient;

  before(async () => {
    etcd = await startSingleEtcd();
    member = new MemberClient(etcd.endpoint);
    client = new EtcdClient({ endpoints: [etcd.endpoint] });
  });
  after(async () => {
    member?.close();
    client?.close();
    await etcd?.stop();
  });

  test('put, get (prefix, limit, keysOnly, countOnly, revision) and delete round trip', async () => {
    const first = await client.put('/kv/a', 'one');
    await client.put(Buffer.from('/kv/b'), Buffer.from([0, 1, 2, 255]));
    await client.put('/kv/c', 'three');
    await client.put('/kv/a', 'uno');

    const a = await client.get('/kv/a');
    assert.equal(a.count, 1);
    assert.equal(a.kvs[0]!.value.toString(), 'uno');
    assert.equal(a.kvs[0]!.version, 2);
    assert.equal(a.kvs[0]!.createRevision, first.header.revision);
    assert.equal(a.kvs[0]!.lease, 0n);
    assert.equal(a.header.revision, first.header.revision + 3);

    const b = await client.get('/kv/b');
    assert.deepEqual([...b.kvs[0]!.value], [0, 1, 2, 255]);

    const all = await client.get('/kv/', { prefix: true, sortAscending: true });
    assert.deepEqual(all.kvs.map((kv) => kv.key.toString()), ['/kv/a', '/kv/b', '/kv/c']);
    const limited = await client.get('/kv/', { prefix: true, limit: 2 });
    assert.equal(limited.kvs.length, 2);
    assert.equal(limited.more, true);
    assert.equal(limited.count, 3);
    const keysOnly = await client.get('/kv/', { prefix: true, keysOnly: true });
    assert.equal(keysOnly.kvs[0]!.value.length, 0);
    const countOnly = await client.get('/kv/', { prefix: true, countOnly: true });
    assert.equal(countOnly.count, 3);
    assert.equal(countOnly.kvs.length, 0);
    const old = await client.get('/kv/a', { revision: first.header.revision });
    assert.equal(old.kvs[0]!.value.toString(), 'one');
    const serial = await member.get('/kv/a', { serializable: true });
    assert.equal(serial.kvs[0]!.value.toString(), 'uno');

    const prev = await client.put('/kv/c', 'tres', { prevKv: true });
    assert.equal(prev.prevKv?.value.toString(), 'three');
    assert.equal(await client.delete('/kv/a'), 1);
    assert.equal(await client.delete('/kv/', { prefix: true }), 2);
    assert.equal((await client.get('/kv/', { prefix: true })).count, 0);
  });

  test('txn: compare-and-swap on mod revision; create-if-absent on create revision', async () => {
    await client.put('/cas/k', 'v1');
    const { kvs } = await client.get('/cas/k');
    const seen = kvs[0]!.modRevision;

    const swap = await client.txn({ compare: [compare.modRevision('/cas/k', '=', seen)], success: [op.put('/cas/k', 'v2')], failure: [op.get('/cas/k')] });
    assert.equal(swap.succeeded, true);
    assert.equal(swap.responses[0]!.type, 'put');

    // A second writer with the same (now stale) revision must lose and see the winner's value.
    const stale = await client.txn({ compare: [compare.modRevision('/cas/k', '=', seen)], success: [op.put('/cas/k', 'v3')], failure: [op.get('/cas/k')] });
    assert.equal(stale.succeeded, false);
    const r = stale.responses[0]!;
    assert.ok(r.type === 'get');
    assert.equal(r.kvs[0]!.value.toString(), 'v2');

    const create = () => client.txn({ compare: [compare.createRevision('/cas/new', '=', 0)], success: [op.put('/cas/new', 'x')] });
    assert.equal((await create()).succeeded, true);
    assert.equal((await create()).succeeded, false);

    const byValue = await client.txn({
      compare: [compare.value('/cas/k', '=', 'v2'), compare.version('/cas/k', '=', 2)],
      success: [op.delete('/cas/', { prefix: true })],
    });
    assert.equal(byValue.succeeded, true);
    const del = byValue.responses[0]!;
    assert.ok(del.type === 'delete');
    assert.equal(del.deleted, 2);
  });

  test('compact: old revisions are gone with a clear error', async () => {
    const p1 = await client.put('/compact/k', 'a');
    const p2 = await client.put('/compact/k', 'b');
    await client.compact(p2.header.revision, { physical: true });
    await assert.rejects(client.get('/compact/k', { revision: p1.header.revision }), (err: Error) => err instanceof EtcdError && /compacted/.test(err.message));
  });

  test('status matches `etcdctl endpoint status -w json`', async () => {
    const out = await etcd.etcdctl(['endpoint', 'status', '-w', 'json']);
    const s = await member.status();
    const ctl = JSON.parse(out)[0].Status;
    assert.equal(s.header.member_id, jsonUint(out, 'member_id'));
    assert.equal(s.header.cluster_id, jsonUint(out, 'cluster_id'));
    assert.equal(s.leader, jsonUint(out, 'leader'));
    assert.equal(s.leader, s.header.member_id);
    assert.equal(s.version, ctl.version);
    assert.equal(s.raftTerm, ctl.raftTerm);
    assert.equal(s.header.raft_term, ctl.header.raft_term);
    assert.equal(s.dbSize, ctl.dbSize);
    assert.equal(s.isLearner, ctl.isLearner ?? false);
    assert.deepEqual(s.errors, ctl.errors ?? []);
    assert.ok(s.raftIndex >= 1 && s.raftAppliedIndex >= 1 && s.dbSizeInUse > 0);
    assert.deepEqual(Object.keys(s).sort(), ['dbSize', 'dbSizeInUse', 'errors', 'header', 'isLearner', 'leader', 'raftAppliedIndex', 'raftIndex', 'raftTerm', 'version']);
    assert.deepEqual(Object.keys(s.header).sort(), ['cluster_id', 'member_id', 'raft_term', 'revision']);
    assert.equal(typeof s.header.member_id, 'bigint');
    assert.equal(typeof s.header.revision, 'number');
  });

  test('hashKV answers (the etcd3 npm client throws here) and matches etcdctl', async () => {
    await client.put('/hash/k', 'v');
    const mine = await member.hashKV();
    const out = await etcd.etcdctl(['endpoint', 'hashkv', '-w', 'json']);
    const ctl = JSON.parse(out)[0].HashKV;
    assert.equal(mine.hash, ctl.hash);
    assert.equal(mine.compactRevision, ctl.compact_revision);
    assert.equal(mine.header.member_id, jsonUint(out, 'member_id'));
    const atRev = await member.hashKV(mine.header.revision);
    assert.equal(atRev.hash, mine.hash);
    assert.equal(typeof (await member.hash()).hash, 'number');
  });

  test('alarm list and disarm when no alarm is raised', async () => {
    assert.deepEqual(await member.alarmList(), []);
    assert.deepEqual(await client.alarmList(), []);
    assert.deepEqual(await member.alarmDisarm(), []);
  });

  test('defragment and moveLeader', async () => {
    await member.defragment({ timeoutMs: 30_000 });
    const s = await member.status();
    // A lone member is already leader: etcd refuses to transfer to an unknown member.
    await assert.rejects(member.moveLeader(s.header.member_id + 1n), (err: Error) => err instanceof EtcdError && /bad leader transferee/.test(err.message));
  });

  test('snapshot: bytes accepted by etcdctl, verified digest, restorable with the trailer appended', async () => {
    await client.put('/snap/k', 'v');
    const file = path.join(etcd.dir, 'snap.db');
    const snap = member.snapshot();
    let evented: string | undefined;
    snap.on('sha256', (d: string) => (evented = d));
    await pipeline(snap, createWriteStream(file));
    const bytes = readFileSync(file);
    const digest = await snap.sha256;
    assert.equal(digest, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(evented, digest);
    // Only the database: bbolt pages, no 32-byte trailer.
    assert.equal(bytes.length % 4096, 0);

    const { stdout } = await execFileP('etcdctl', ['snapshot', 'status', file, '-w', 'json']);
    const st = JSON.parse(stdout);
    assert.ok(st.totalKey > 0);
    assert.equal(st.revision, (await client.get('/snap/k')).header.revision);

    // etcdctl restore wants etcdctl's own layout (db + sha256) unless told to skip the check.
    const bare = path.join(etcd.dir, 'restore-bare');
    await assert.rejects(execFileP('etcdctl', ['snapshot', 'restore', file, `--data-dir=${bare}`]), /missing hash/);
    const withHash = path.join(etcd.dir, 'snap-with-hash.db');
    copyFileSync(file, withHash);
    appendFileSync(withHash, Buffer.from(digest, 'hex'));
    await execFileP('etcdctl', ['snapshot', 'restore', withHash, `--data-dir=${path.join(etcd.dir, 'restore-hashed')}`]);
  });

  test('watch reports puts and deletes under a prefix until cancelled', async () => {
    const seen: WatchEvent[] = [];
    const w = client.watch('/watch/', { prefix: true }, (events) => seen.push(...events));
    await w.created;
    await client.put('/watch/a', '1');
    await client.delete('/watch/a');
    await waitFor(() => seen.length >= 2, { timeoutMs: 5000, what: 'two watch events' });
    assert.deepEqual(seen.map((e) => [e.type, e.kv.key.toString()]), [['put', '/watch/a'], ['delete', '/watch/a']]);
    w.cancel();
    await client.put('/watch/b', '2');
    await client.get('/watch/b');
    assert.equal(seen.length, 2, 'no callback after cancel()');
  });

  test('lease: keep-alive holds a key past its TTL; stop() lets it expire', async () => {
    const id = await client.leaseGrant(2);
    const granted = (await client.leaseTimeToLive(id)).grantedTtl;
    assert.ok(granted >= 2);
    await client.put('/lease/k', 'v', { lease: id });
    assert.equal((await client.get('/lease/k')).kvs[0]!.lease, id);

    const start = Date.now();
    let renewals = 0;
    const ka = client.leaseKeepAlive(id);
    ka.on('renewed', () => renewals++);
    await ka.ready;
    // Wait on renewals, not on a clock: done once they have carried the lease past 2 TTLs.
    await waitFor(() => Date.now() - start > 2 * granted * 1000 && renewals >= 4, { timeoutMs: 4 * granted * 1000 + 5000, intervalMs: 200, what: 'renewals across two TTLs' });
    assert.equal((await client.get('/lease/k')).count, 1, 'key alive past its TTL');

    ka.stop();
    await waitFor(async () => (await client.get('/lease/k')).count === 0, { timeoutMs: granted * 1000 + 5000, what: 'the key to expire with its lease' });
    assert.equal((await client.leaseTimeToLive(id)).ttl, -1);
  });

  test('lease: revoking a kept-alive lease reports it lost', async () => {
    const id = await client.leaseGrant(5);
    const ka = client.leaseKeepAlive(id);
    await ka.ready;
    const lost = new Promise<Error>((resolve) => ka.once('lost', resolve));
    await client.leaseRevoke(id);
    const err = await lost;
    assert.match(err.message, /lost \(etcd reports it expired or was revoked\)/);
    assert.equal(ka.stopped, true);
  });

  test('member list, add as learner, update, promote refused, remove', async () => {
    const before = await client.memberList();
    assert.equal(before.members.length, 1);
    const self = before.members[0]!;
    assert.equal(self.name, 'default');
    assert.deepEqual(self.peerURLs, [etcd.peerUrl]);
    assert.deepEqual(self.clientURLs, [etcd.endpoint]);
    assert.equal(self.isLearner, false);
    assert.equal(self.ID, (await member.status()).header.member_id);

    const [p1, p2] = await freePorts(2);
    const added = await client.memberAdd([`http://127.0.0.1:${p1}`], { isLearner: true });
    assert.equal(added.member.isLearner, true);
    assert.equal(added.member.name, '');
    assert.equal(added.members.length, 2);
    const listed = (await client.memberList()).members.find((m) => m.ID === added.member.ID);
    assert.ok(listed?.isLearner);

    const updated = await client.memberUpdate(added.member.ID, [`http://127.0.0.1:${p2}`]);
    assert.deepEqual(updated.members.find((m) => m.ID === added.member.ID)?.peerURLs, [`http://127.0.0.1:${p2}`]);
    // Never started, so never in sync with the leader.
    await assert.rejects(client.memberPromote(added.member.ID), (err: Error) => err instanceof EtcdError && /learner/.test(err.message));

    const removed = await client.memberRemove(added.member.ID);
    assert.deepEqual(removed.members.map((m) => m.ID), [self.ID]);
  });

  test('EtcdClient moves past an unreachable endpoint, for reads and unsent writes', async () => {
    const c = new EtcdClient({ endpoints: ['127.0.0.1:1', etcd.endpoint] });
    try {
      await c.put('/failover/k', 'v');
      assert.equal((await c.get('/failover/k')).kvs[0]!.value.toString(), 'v');
      assert.equal(c.members().length, 2);
      assert.equal(c.member(etcd.endpoint).endpoint, etcd.endpoint.replace('http://', ''));
    } finally {
      c.close();
    }
  });
});

describe('unreachable members', () => {
  test('connection refused: EtcdUnavailableError with one line naming the endpoint', async () => {
    const m = new MemberClient('127.0.0.1:1');
    try {
      const start = Date.now();
      await assert.rejects(m.status(), (err: Error) => {
        assert.ok(err instanceof EtcdUnavailableError);
        assert.equal(err.message, '127.0.0.1:1: unreachable (connection refused): check --endpoints and that etcd is running');
        return true;
      });
      assert.ok(Date.now() - start < 2000, 'fails fast, not after the deadline');
    } finally {
      m.close();
    }
  });

  test('all endpoints down: one error naming each', async () => {
    const c = new EtcdClient({ endpoints: ['127.0.0.1:1', 'http://127.0.0.1:2'] });
    try {
      await assert.rejects(c.get('k'), (err: Error) => {
        assert.ok(err instanceof EtcdUnavailableError);
        assert.match(err.message, /127\.0\.0\.1:1: unreachable \(connection refused\); 127\.0\.0\.1:2: unreachable \(connection refused\)/);
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    } finally {
      c.close();
    }
  });

  test('a peer that accepts TCP but never speaks gRPC hits the dial timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const m = new MemberClient(`127.0.0.1:${port}`, { dialTimeoutMs: 300 });
    try {
      await assert.rejects(m.get('k'), (err: Error) => err instanceof EtcdUnavailableError && /no connection within 300 ms.*--dial-timeout/.test(err.message));
    } finally {
      m.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('lease keep-alive when the member goes away', () => {
  test('reports the lease lost once no renewal succeeded for a whole TTL', async () => {
    const etcd = await startSingleEtcd();
    const client = new EtcdClient({ endpoints: [etcd.endpoint] });
    try {
      const id = await client.leaseGrant(2);
      const ka = client.leaseKeepAlive(id);
      await ka.ready;
      const lost = new Promise<Error>((resolve) => ka.once('lost', resolve));
      const stoppedAt = Date.now();
      await etcd.stop();
      const err = await lost;
      assert.match(err.message, /lost \(no renewal succeeded within its 2 s TTL\): grant a new lease/);
      // Lost no later than a TTL (plus the ttl/3 renewal period) after the member went away.
      assert.ok(Date.now() - stoppedAt < 2000 + 1000, `lost after ${Date.now() - stoppedAt} ms`);
    } finally {
      client.close();
      await etcd.stop();
    }
  });
});

describe('auth', () => {
  let etcd: SingleEtcd;
  let client: EtcdClient;

  before(async () => {
    etcd = await startSingleEtcd();
    for (const args of [['role', 'add', 'root'], ['user', 'add', 'root:rootpw', '--interactive=false'], ['user', 'grant-role', 'root', 'root'], ['auth', 'enable']]) {
      await etcd.etcdctl(args);
    }
    client = new EtcdClient({ endpoints: [etcd.endpoint], auth: { user: 'root', password: 'rootpw' } });
  });
  after(async () => {
    client?.close();
    await etcd?.stop();
  });

  test('user/password works for KV, hashKV and snapshot', async () => {
    await client.put('/auth/k', 'v');
    assert.equal((await client.get('/auth/k')).kvs[0]!.value.toString(), 'v');
    const m = client.member(etcd.endpoint);
    assert.equal(typeof (await m.hashKV()).hash, 'number');
    const snap = m.snapshot();
    let size = 0;
    for await (const chunk of snap) size += (chunk as Buffer).length;
    assert.ok(size > 0);
    assert.match(await snap.sha256, /^[0-9a-f]{64}$/);
  });

  test('wrong password and missing user are permission errors', async () => {
    const wrong = new MemberClient(etcd.endpoint, { auth: { user: 'root', password: 'nope' } });
    const none = new MemberClient(etcd.endpoint);
    try {
      await assert.rejects(wrong.get('/auth/k'), (err: Error) => err instanceof EtcdPermissionError && /authentication failed/.test(err.message));
      await assert.rejects(none.get('/auth/k'), (err: Error) => err instanceof EtcdPermissionError && /--user/.test(err.message));
      // The snapshot stream reports the same error instead of hanging or yielding bytes.
      await assert.rejects(pipeline(none.snapshot(), createWriteStream(path.join(etcd.dir, 'x.db'))), EtcdPermissionError);
    } finally {
      wrong.close();
      none.close();
    }
  });

  test('a token etcd invalidated is replaced once, transparently', async () => {
    await client.get('/auth/k');
    // Setting the same password again makes etcd drop the user's tokens.
    await new Promise<void>((resolve, reject) => {
      const child = execFile('etcdctl', [...etcd.ctlArgs, '--user=root:rootpw', 'user', 'passwd', 'root', '--interactive=false'], (err) => (err ? reject(err) : resolve()));
      child.stdin!.end('rootpw\n');
    });
    assert.equal((await client.get('/auth/k')).count, 1);
    const snap = client.member(etcd.endpoint).snapshot();
    snap.resume();
    assert.match(await snap.sha256, /^[0-9a-f]{64}$/);
  });
});

describe('auth tokens that expire (--auth-token-ttl=2)', () => {
  let etcd: SingleEtcd;
  let client: EtcdClient;

  /**
   * The stimulus, not a synchronisation: etcd drops a simple token nobody used for
   * --auth-token-ttl (2 s here), sweeping once a second, so 3.5 s of silence expires it.
   */
  const idlePastTokenTtl = () => new Promise((r) => setTimeout(r, 3500));

  before(async () => {
    etcd = await startSingleEtcd({ extraArgs: ['--auth-token-ttl=2'] });
    for (const args of [
      ['role', 'add', 'root'], ['user', 'add', 'root:rootpw', '--interactive=false'], ['user', 'grant-role', 'root', 'root'],
      ['role', 'add', 'r-only'], ['role', 'grant-permission', 'r-only', 'read', '/r/', '--prefix'], ['user', 'add', 'ann:annpw', '--interactive=false'], ['user', 'grant-role', 'ann', 'r-only'],
      ['auth', 'enable'],
    ]) {
      await etcd.etcdctl(args);
    }
    client = new EtcdClient({ endpoints: [etcd.endpoint], auth: { user: 'root', password: 'rootpw' } });
  });
  after(async () => {
    client?.close();
    await etcd?.stop();
  });

  test('a watch opened after the token expired logs in again and sees the changes', async () => {
    await client.get('/w/none');
    await idlePastTokenTtl();
    const seen: WatchEvent[] = [];
    let failed: Error | undefined;
    const w = client.watch('/w/', { prefix: true, onError: (err) => (failed = err) }, (events) => seen.push(...events));
    try {
      await w.created;
      await client.put('/w/a', '1');
      await waitFor(() => seen.length === 1 || failed, { timeoutMs: 10_000, what: 'the watch event' });
      assert.equal(failed, undefined, failed?.message);
      assert.equal(seen[0]!.kv.key.toString(), '/w/a');
    } finally {
      w.cancel();
    }
  });

  test('a lease kept alive, a snapshot and a txn after the token expired, all at once', async () => {
    await client.get('/w/none');
    await idlePastTokenTtl();
    // All three start with the expired token; one login serves them.
    const snapshot = async () => {
      const snap = client.member(etcd.endpoint).snapshot();
      snap.resume();
      return snap.sha256;
    };
    const lease = async () => {
      const id = await client.leaseGrant(5);
      const ka = client.leaseKeepAlive(id, { ttlSeconds: 5 });
      try {
        await ka.ready;
      } finally {
        ka.stop();
      }
    };
    const [sha, , t] = await Promise.all([snapshot(), lease(), client.txn({ compare: [compare.version('/w/t', '=', 0)], success: [op.put('/w/t', 'v')] })]);
    assert.match(sha, /^[0-9a-f]{64}$/);
    assert.equal(t.succeeded, true);
  });

  test('a refused call names the user, the permission and the keys it needs', async () => {
    const ann = new EtcdClient({ endpoints: [etcd.endpoint], auth: { user: 'ann', password: 'annpw' } });
    try {
      assert.equal((await ann.get('/r/x')).count, 0);
      await assert.rejects(ann.put('/w/x', 'v'), (err: Error) => err instanceof EtcdPermissionError
        && err.message === 'user "ann" may not write /w/x: grant it with `etcdctl role grant-permission ROLE write /w/x` to a role of "ann", or use a user with the root role');
      await assert.rejects(ann.get('/w/', { prefix: true }), (err: Error) => err instanceof EtcdPermissionError && /^user "ann" may not read keys under \/w\/: grant it with `etcdctl role grant-permission ROLE read \/w\/ --prefix`/.test(err.message));
      await assert.rejects(ann.member(etcd.endpoint).defragment(), (err: Error) => err instanceof EtcdPermissionError
        && err.message === 'user "ann" may not defragment (Maintenance.Defragment): etcd allows it only to the root role: use --user root, or grant it: etcdctl user grant-role ann root');
      let failed: Error | undefined;
      const w = ann.watch('/w/', { prefix: true, onError: (err) => (failed = err) }, () => undefined);
      await assert.rejects(w.created, (err: Error) => err instanceof EtcdPermissionError && /^user "ann" may not read keys under \/w\/: /.test(err.message));
      assert.ok(failed instanceof EtcdPermissionError);
      const wrong = new EtcdClient({ endpoints: [etcd.endpoint], auth: { user: 'ann', password: 'nope' } });
      await assert.rejects(wrong.get('/r/x'), (err: Error) => err instanceof EtcdPermissionError
        && err.message === 'authentication failed for user "ann": check --user/--password (or ETCDCTL_USER/ETCDCTL_PASSWORD)');
      wrong.close();
    } finally {
      ann.close();
    }
  });
});

describe('NOSPACE', () => {
  let etcd: SingleEtcd;
  let client: EtcdClient;

  before(async () => {
    // etcd 3.4 enforces no minimum quota; 1 MiB fills in a few dozen 64 KiB writes.
    etcd = await startSingleEtcd({ extraArgs: ['--quota-backend-bytes=1048576'] });
    client = new EtcdClient({ endpoints: [etcd.endpoint] });
  });
  after(async () => {
    client?.close();
    await etcd?.stop();
  });

  test('surfaces EtcdNoSpaceError at once, the next call goes straight through, recovery works', async () => {
    const value = Buffer.alloc(64 * 1024, 7);
    let failure: unknown;
    for (let i = 0; i < 200 && !failure; i++) {
      await client.put(`/fill/${i}`, value).catch((err: unknown) => (failure = err));
    }
    assert.ok(failure instanceof EtcdNoSpaceError, `filled until NOSPACE: ${String(failure)}`);
    assert.match(failure.message, /NOSPACE.*warden space recover.*compacts, defragments every member, disarms/);

    // No breaker: the very next calls are answered at once.
    const m = client.member(etcd.endpoint);
    let start = Date.now();
    const alarms = await m.alarmList();
    assert.ok(Date.now() - start < 1000, 'alarm list answered immediately');
    const self = (await m.status()).header.member_id;
    assert.deepEqual(alarms, [{ memberID: self, alarm: 'NOSPACE' }]);
    start = Date.now();
    await assert.rejects(client.put('/fill/again', 'x'), EtcdNoSpaceError);
    assert.ok(Date.now() - start < 1000, 'a second write fails immediately too');
    assert.match((await m.status()).errors.join(','), /alarm:NOSPACE/);

    // The recovery the error message names: free space, compact, defragment, disarm.
    await client.delete('/fill/', { prefix: true });
    const rev = (await client.get('/fill/', { prefix: true, countOnly: true })).header.revision;
    await client.compact(rev, { physical: true });
    await m.defragment({ timeoutMs: 30_000 });
    assert.deepEqual(await client.alarmDisarm(), [{ memberID: self, alarm: 'NOSPACE' }]);
    assert.deepEqual(await client.alarmList(), []);
    await client.put('/after/k', 'v');
  });
});

describe('TLS with client certificates', () => {
  let etcd: SingleEtcd;
  const warnings: Error[] = [];
  const onWarning = (w: Error): number => warnings.push(w);

  before(async () => {
    process.on('warning', onWarning);
    etcd = await startSingleEtcd({ tls: true });
  });
  after(async () => {
    process.off('warning', onWarning);
    await etcd?.stop();
  });

  test('with CA, cert and key: calls work (and no TLS-to-IP deprecation warning)', async () => {
    const t = etcd.tls!;
    const c = new EtcdClient({ endpoints: [etcd.endpoint], tls: { ca: t.ca, cert: t.cert, key: t.key } });
    try {
      await c.put('/tls/k', 'v');
      assert.equal((await c.get('/tls/k')).count, 1);
      assert.equal((await c.member(etcd.endpoint).status()).version, '3.4.23');
      // A bare host:port uses TLS because TLS options are set.
      const bare = new MemberClient(etcd.endpoint.replace('https://', ''), { tls: { ca: t.ca, cert: t.cert, key: t.key } });
      assert.equal((await bare.get('/tls/k')).count, 1);
      bare.close();
    } finally {
      c.close();
    }
    assert.deepEqual(warnings.filter((w) => /DEP0123|TLS ServerName/.test(`${(w as { code?: string }).code} ${w.message}`)), []);
  });

  test('without a client certificate: refused with a clear TLS error', async () => {
    const m = new MemberClient(etcd.endpoint, { tls: { ca: etcd.tls!.ca } });
    try {
      await assert.rejects(m.get('/tls/k'), (err: Error) => {
        assert.ok(err instanceof EtcdTlsError, String(err));
        assert.match(err.message, /rejected the TLS handshake.*--cert\/--key/);
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    } finally {
      m.close();
    }
  });

  test('without the CA: the member certificate is not trusted', async () => {
    const m = new MemberClient(etcd.endpoint, { tls: { cert: etcd.tls!.cert, key: etcd.tls!.key } });
    try {
      await assert.rejects(m.get('/tls/k'), (err: Error) => err instanceof EtcdTlsError && /not trusted.*--cacert/.test(err.message));
    } finally {
      m.close();
    }
  });

  test('the snapshot stream (its own HTTP/2 connection) uses the same TLS settings', async () => {
    const t = etcd.tls!;
    const m = new MemberClient(etcd.endpoint, { tls: { ca: t.ca, cert: t.cert, key: t.key } });
    const file = path.join(etcd.dir, 'tls-snapshot.db');
    try {
      const put = await m.put('/tls/snap', 'v');
      const snap = m.snapshot();
      await pipeline(snap, createWriteStream(file));
      const digest = await snap.sha256;
      assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), digest);
      const st = await snapshotStatus(file, { verifyHash: false });
      assert.ok(st.revision >= put.header.revision, `revision ${st.revision}`);
    } finally {
      m.close();
    }
    // Without the CA the member's certificate is not trusted: one line, no bytes.
    const untrusted = new MemberClient(etcd.endpoint, { tls: { cert: t.cert, key: t.key } });
    try {
      await assert.rejects(pipeline(untrusted.snapshot(), createWriteStream(`${file}.2`)), (err: Error) => {
        assert.ok(err instanceof EtcdTlsError, String(err));
        assert.match(err.message, /not trusted.*--cacert/);
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    } finally {
      untrusted.close();
    }
    assert.deepEqual(warnings.filter((w) => /DEP0123|TLS ServerName/.test(`${(w as { code?: string }).code} ${w.message}`)), []);
  });

  test('plaintext client against the TLS member says to use https', async () => {
    const m = new MemberClient(etcd.endpoint.replace('https://', 'http://'));
    try {
      await assert.rejects(m.get('/tls/k'), (err: Error) => err instanceof EtcdUnavailableError && /https:\/\//.test(err.message));
    } finally {
      m.close();
    }
  });
});

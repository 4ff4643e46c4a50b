// mapGrpcError over the status codes and texts that grpc-js and etcd 3.4 really produce
// (captured from a running etcd): each lands on its class with a one-line, actionable message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import {
  EtcdError,
  EtcdNoSpaceError,
  EtcdPermissionError,
  EtcdTimeoutError,
  EtcdTlsError,
  EtcdUnavailableError,
  mapGrpcError,
} from '../../src/etcd/errors.ts';
import { callNeeds } from '../../src/etcd/permissions.ts';
import { WardenError } from '../../src/errors.ts';

const EP = '127.0.0.1:2379';
const grpcError = (code: number, details: string): object => ({ code, details, message: `${code} ${details}` });

function mapped(code: number, details: string, ctx = {}): Error {
  const err = mapGrpcError(grpcError(code, details), EP, ctx);
  assert.ok(err instanceof WardenError, 'is a WardenError');
  assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
  assert.ok(err.message.startsWith(`${EP}: `), `names the endpoint: ${err.message}`);
  return err;
}

test('connection refused', () => {
  const err = mapGrpcError(grpcError(status.UNAVAILABLE, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: '), '127.0.0.1:1');
  assert.ok(err instanceof EtcdUnavailableError);
  assert.equal(err.message, '127.0.0.1:1: unreachable (connection refused): check --endpoints and that etcd is running');
  assert.equal(err.requestSent, false);
});

test('unknown host', () => {
  const err = mapped(status.UNAVAILABLE, 'Name resolution failed for target dns:nosuchhost.invalid:2379');
  assert.ok(err instanceof EtcdUnavailableError);
  assert.match(err.message, /unreachable \(host not found\)/);
});

test('server-side unavailability keeps etcd\'s words and counts as sent', () => {
  const err = mapped(status.UNAVAILABLE, 'etcdserver: no leader');
  assert.ok(err instanceof EtcdUnavailableError);
  assert.equal(err.requestSent, true);
  assert.match(err.message, /etcdserver: no leader/);
});

test('deadline exceeded mentions --command-timeout and the wait', () => {
  const err = mapped(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 5.001s', { timeoutMs: 5000 });
  assert.ok(err instanceof EtcdTimeoutError);
  assert.match(err.message, /within 5000 ms.*--command-timeout/);
});

test('NOSPACE', () => {
  const err = mapped(status.RESOURCE_EXHAUSTED, 'etcdserver: mvcc: database space exceeded');
  assert.ok(err instanceof EtcdNoSpaceError);
  assert.match(err.message, /NOSPACE/);
  assert.match(err.message, /compact/);
  assert.match(err.message, /defragment/);
  assert.match(err.message, /warden space recover/);
});

test('auth failures: about the cluster\'s auth store, so one line without an endpoint', () => {
  const user = { user: 'ann' };
  for (const [code, details, ctx, message] of [
    [status.INVALID_ARGUMENT, 'etcdserver: authentication failed, invalid user ID or password', user, 'authentication failed for user "ann": check --user/--password (or ETCDCTL_USER/ETCDCTL_PASSWORD)'],
    [status.INVALID_ARGUMENT, 'etcdserver: authentication failed, invalid user ID or password', { ...user, authHint: 'check /s/auth/root.password' }, 'authentication failed for user "ann": check /s/auth/root.password'],
    [status.INVALID_ARGUMENT, 'etcdserver: user name is empty', {}, /^authentication is enabled on the cluster but no user was given: pass --user NAME --password PASSWORD/],
    [status.UNKNOWN, 'auth: user name is empty', {}, /^authentication is enabled on the cluster but no user was given/],
    [status.PERMISSION_DENIED, 'etcdserver: permission denied', {}, /root role|--user/],
    [status.UNAUTHENTICATED, 'etcdserver: invalid auth token', {}, /--user/],
  ] as const) {
    const err = mapGrpcError(grpcError(code, details), EP, ctx);
    assert.ok(err instanceof EtcdPermissionError, details);
    assert.ok(!err.message.includes('\n'));
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
  }
});

test('a refused call says which permission on which keys it needed, from the request sent', () => {
  const key = (k: string) => Buffer.from(k);
  const denied = (ctx: object) => mapGrpcError(grpcError(status.PERMISSION_DENIED, 'etcdserver: permission denied'), EP, ctx).message;
  const as = (service: string, method: string, request?: object) => ({ user: 'ann', need: () => callNeeds(service, method, request) });
  assert.equal(denied(as('KV', 'Put', { key: key('/app/x') })),
    'user "ann" may not write /app/x: grant it with `etcdctl role grant-permission ROLE write /app/x` to a role of "ann", or use a user with the root role');
  assert.equal(denied(as('KV', 'Range', { key: key('/app/'), range_end: key('/app0') })),
    'user "ann" may not read keys under /app/: grant it with `etcdctl role grant-permission ROLE read /app/ --prefix` to a role of "ann", or use a user with the root role');
  assert.equal(denied(as('KV', 'Range', { key: Buffer.from([0]), range_end: Buffer.from([0]) })),
    'user "ann" may not read every key: grant it with `etcdctl role grant-permission ROLE read \'\' --from-key` to a role of "ann", or use a user with the root role');
  assert.equal(denied(as('KV', 'DeleteRange', { key: key('/a'), range_end: key('/c') })),
    'user "ann" may not write keys from /a to /c: grant it with `etcdctl role grant-permission ROLE write /a /c` to a role of "ann", or use a user with the root role');
  // A Txn: compares read, puts write; warden's own keys get one grant on /warden/.
  assert.equal(denied(as('KV', 'Txn', { compare: [{ key: key('/warden/locks/defrag') }], success: [{ request_put: { key: key('/warden/locks/defrag') } }], failure: [{ request_range: { key: key('/warden/locks/defrag') } }] })),
    'user "ann" may not read and write /warden/locks/defrag: grant it with `etcdctl role grant-permission ROLE readwrite /warden/ --prefix` (warden keeps its state under /warden/) to a role of "ann", or use a user with the root role');
  assert.equal(denied(as('KV', 'Put', { key: key('/warden/config/apiserver') })),
    'user "ann" may not write /warden/config/apiserver: grant it with `etcdctl role grant-permission ROLE readwrite /warden/ --prefix` (warden keeps its state under /warden/) to a role of "ann", or use a user with the root role');
  assert.equal(denied(as('Maintenance', 'Snapshot')),
    'user "ann" may not take a snapshot (Maintenance.Snapshot): etcd allows it only to the root role: use --user root, or grant it: etcdctl user grant-role ann root');
  assert.match(denied(as('Cluster', 'MemberAdd', {})), /^user "ann" may not change the members \(Cluster\.MemberAdd\): etcd allows it only to the root role/);
  // A client certificate's CN is the user when no --user is given.
  assert.match(denied({ need: () => callNeeds('KV', 'Put', { key: key('/k\n') }) }), /^the user of the client certificate \(its CN\) may not write \/k\\x0a: /);
});

test('TLS: member requires a client certificate', () => {
  const err = mapped(
    status.UNAVAILABLE,
    'No connection established. Last error: 80AC2631EC7F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n (2026-11-24T12:43:40.986Z). Resolution note: ',
    { tls: true },
  );
  assert.ok(err instanceof EtcdTlsError);
  assert.match(err.message, /--cert\/--key/);
});

test('TLS: member certificate not trusted', () => {
  const err = mapped(status.UNAVAILABLE, 'No connection established. Last error: Error: unable to verify the first certificate. Resolution note: ', { tls: true });
  assert.ok(err instanceof EtcdTlsError);
  assert.match(err.message, /--cacert/);
});

test('TLS client against a plaintext member', () => {
  const err = mapped(status.UNAVAILABLE, 'No connection established. Last error: Error: Client network socket disconnected before secure TLS connection was established. Resolution note: ', { tls: true });
  assert.ok(err instanceof EtcdTlsError);
  assert.match(err.message, /http:\/\//);
});

test('plaintext client against a TLS member', () => {
  const err = mapped(status.UNAVAILABLE, 'No connection established. Last error: Failed to connect (2026-11-24T12:43:40.959Z). Resolution note: ', { tls: false });
  assert.ok(err instanceof EtcdUnavailableError);
  assert.match(err.message, /https:\/\//);
});

test('other etcd errors keep etcd\'s message, with a hint when one is known', () => {
  const compacted = mapped(status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted');
  assert.equal(compacted.constructor, EtcdError);
  assert.match(compacted.message, /required revision has been compacted: read at a revision after/);
  const other = mapped(status.FAILED_PRECONDITION, 'etcdserver: something new');
  assert.equal(other.message, `${EP}: etcdserver: something new`);
});

test('WardenErrors pass through and non-gRPC errors are left alone (they are bugs)', () => {
  const w = new WardenError('x');
  assert.equal(mapGrpcError(w, EP), w);
  const bug = new TypeError('oops');
  assert.equal(mapGrpcError(bug, EP), bug);
});

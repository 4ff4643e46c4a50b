// The audit trail as users read it: each kind of change (CLI, operator) recorded with who, what,
// when and the outcome, in etcd and in the state dir, and never a secret in it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../../src/audit/audit.ts';
import { certApi, createToken, operatorUrl, OperatorApi, clusterPki } from '../helpers/api.ts';
import { Background, etcdctl, startCluster, tempDir, waitUntil, type TestCluster } from '../helpers/warden.ts';

async function trail(c: TestCluster, extra: string[] = []): Promise<AuditEntry[]> {
  const r = await c.run(['audit', '-w', 'json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as AuditEntry[];
}

describe('audit trail', () => {
  it('records CLI and operator changes with who, what and the outcome, and no secret', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const me = os.userInfo().username;
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    // etcd without authentication ignores credentials: the command works, the password must not be recorded.
    assert.equal((await c.run(['put', 'greeting', 'hello', '--user', `someone:${password}`])).code, 0);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    const dir = path.join(tempDir('audit'), 'b');
    assert.equal((await c.run(['backup', dir])).code, 0);
    const notDir = path.join(tempDir('audit'), 'file');
    fs.writeFileSync(notDir, '');
    assert.notEqual((await c.run(['backup', path.join(notDir, 'sub')])).code, 0);
    assert.equal((await c.run(['get', 'greeting'])).code, 0, 'reads are not changes');
    assert.equal((await c.run(['restore', dir, '--dry-run'])).code, 0, 'a dry run changes nothing');

    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-schedule', '*/1 * * * * *', '--backup-dir', path.join(tempDir('audit'), 'sched')]);
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/BackupCompleted/);
    op.kill('SIGTERM');
    await op.exited();

    const entries = await trail(c);
    const cli = entries.filter((e) => e.via === 'cli');
    assert.deepEqual(cli.map((e) => `${e.action} ${e.outcome}`), ['cluster up succeeded', 'put succeeded', 'encryption enable succeeded', 'backup succeeded', 'backup failed']);
    for (const e of cli) assert.deepEqual(e.actor, { kind: 'user', name: me, ...(e.action === 'put' ? { etcdUser: 'someone' } : {}) });
    assert.match(cli[1]!.target!, /put greeting hello --user someone:\*\*\*$/);
    assert.match(cli[4]!.error!, /cannot write to backup dir/);
    const scheduled = entries.find((e) => e.via === 'operator' && e.action === 'backup-schedule BackupCompleted');
    assert.ok(scheduled, JSON.stringify(entries.filter((e) => e.via === 'operator')));
    assert.equal(scheduled.actor.kind, 'operator');
    assert.equal(scheduled.outcome, 'succeeded');
    assert.ok(entries.some((e) => e.via === 'operator' && e.action.startsWith('encryption ')) === false, 'the CLI ran that migration: it is the CLI entry');

    // The same trail in the state dir, and nothing secret in either.
    const local = fs.readFileSync(path.join(c.stateDir, 'audit', 'audit.jsonl'), 'utf8');
    assert.equal(fs.statSync(path.join(c.stateDir, 'audit', 'audit.jsonl')).mode & 0o777, 0o600);
    const raw = (await etcdctl(['--endpoints', await c.endpoints(), 'get', '--prefix', '/warden/audit/', '--print-value-only'])).stdout;
    const key = /secret: (\S+)/.exec(fs.readFileSync(path.join(c.stateDir, 'encryption', 'encryption-config.yaml'), 'utf8'))?.[1];
    assert.ok(key);
    for (const text of [local, raw]) {
      assert.ok(!text.includes(password), 'no password');
      assert.ok(!text.includes(key), 'no key material');
      assert.ok(!text.includes(Buffer.from(key, 'base64').toString('latin1')), 'no raw key bytes');
    }
    assert.equal(local.trim().split('\n').length, entries.length);

    // --since keeps only newer entries; simple output is one line each.
    assert.deepEqual(await trail(c, ['--since', '1ms']), []);
    const simple = await c.run(['audit']);
    assert.equal(simple.stdout.trim().split('\n').length, entries.length);
    assert.match(simple.stdout, new RegExp(`user ${me} via cli: backup failed`));
  });

  it('records API writes with the caller (token name or certificate CN) and the outcome, token changes, and no secret value', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait'])).code, 0);
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0']);
    t.after(() => op.kill('SIGKILL'));
    const url = await operatorUrl(op);
    const writerToken = await createToken(c, 'deployer', 'admin');
    const viewerToken = await createToken(c, 'looker', 'viewer');
    assert.equal((await c.run(['token', 'revoke', 'looker'])).code, 0);
    const writer = new OperatorApi(url, clusterPki(c).ca, { token: writerToken });
    t.after(() => writer.close());
    const value = `audit-value-${Math.random().toString(36).slice(2)}`;
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's-audit', namespace: 'ns1' }, data: { v: Buffer.from(value).toString('base64') } };
    const created = await writer.fetch('/api/v1/namespaces/ns1/secrets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(secret) });
    assert.equal(created.status, 201, await created.text());
    const again = await writer.fetch('/api/v1/namespaces/ns1/secrets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(secret) });
    assert.equal(again.status, 409);
    const refused = new OperatorApi(url, clusterPki(c).ca, { token: viewerToken });
    t.after(() => refused.close());
    assert.equal((await refused.fetch('/api/v1/namespaces/ns1/secrets/s-audit', { method: 'DELETE' })).status, 401, 'a revoked token is no caller');
    const cert = await certApi(t, c, op);
    assert.equal((await cert.fetch('/api/v1/namespaces/ns1/secrets/s-audit', { method: 'DELETE' })).status, 200);
    assert.equal((await cert.fetch('/api/v1/namespaces/ns1/secrets/s-audit')).status, 404, 'a read is no change');

    const entries = await trail(c);
    const api = entries.filter((e) => e.via === 'api');
    assert.deepEqual(api.map((e) => [e.actor.kind, e.actor.name, e.action, e.outcome]), [
      ['token', 'deployer', 'POST /api/v1/namespaces/ns1/secrets', 'succeeded'],
      ['token', 'deployer', 'POST /api/v1/namespaces/ns1/secrets', 'failed'],
      ['certificate', 'etcd-warden client', 'DELETE /api/v1/namespaces/ns1/secrets/s-audit', 'succeeded'],
    ]);
    assert.match(api[1]!.error!, /^409: .*already exists/);
    assert.deepEqual(entries.filter((e) => e.action.startsWith('token ')).map((e) => `${e.action} ${e.outcome}`), ['token create succeeded', 'token create succeeded', 'token revoke succeeded']);
    const everything = JSON.stringify(entries) + fs.readFileSync(path.join(c.stateDir, 'audit', 'audit.jsonl'), 'utf8');
    for (const s of [value, Buffer.from(value).toString('base64'), writerToken, viewerToken]) assert.ok(!everything.includes(s), 'no secret value and no token in the trail');
  });

  it('a change made while etcd cannot take it is kept in the state dir and shown', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    assert.equal((await c.run(['cluster', 'stop-member', 'etcd-1'])).code, 0);
    await waitUntil('etcd-1 to stop', async () => !(await c.status())[0]?.running);
    assert.equal((await c.run(['cluster', 'start-member', 'etcd-1'])).code, 0);
    const entries = await trail(c);
    const stop = entries.find((e) => e.action === 'cluster stop-member');
    assert.ok(stop?.notInEtcd, JSON.stringify(entries));
    assert.ok(entries.find((e) => e.action === 'cluster start-member' && !e.notInEtcd));
  });
});

// The audit trail as users read it: each kind of change (CLI, operator) recorded with who, what,
// when and the outcome, in etcd and in the state dir, and never a secret in it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../../src/audit/audit.ts';
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

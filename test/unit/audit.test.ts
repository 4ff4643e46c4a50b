// The audit trail's pure parts: what may be recorded of a command line, which operator events are
// changes, and how the two trails (etcd, the state dir's file) are shown together.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { operatorAuditEntry, readLocalAudit, redactArgs, type AuditEntry } from '../../src/audit/audit.ts';
import { changes } from '../../src/cli/audit.ts';
import { mergeTrails } from '../../src/cli/commands/audit.ts';
import { tempDir } from '../helpers/warden.ts';

describe('audit trail', () => {
  it('credential values never reach an entry, in any of the forms flags take', () => {
    assert.deepEqual(redactArgs(['put', 'k', 'v', '--password', 's3cr3t', '--user', 'root']), ['put', 'k', 'v', '--password', '***', '--user', '***']);
    assert.deepEqual(redactArgs(['--user=root:s3cr3t', 'backup', 'd']), ['--user=root:***', 'backup', 'd']);
    assert.deepEqual(redactArgs(['--password=s3cr3t', '--token', 'abc', 'token', 'create', 'ci']), ['--password=***', '--token', '***', 'token', 'create', 'ci']);
    assert.deepEqual(redactArgs(['backup', 'd', '--encrypt-to', 'age1xyz', '--identity', '/k.txt']), ['backup', 'd', '--encrypt-to', 'age1xyz', '--identity', '/k.txt'], 'public recipients and paths stay');
    assert.deepEqual(redactArgs(['--password']), ['--password']);
  });

  it('changes are recorded, reads and dry runs are not', () => {
    const program = new Command('warden');
    const restore = program.command('restore').option('--dry-run');
    const enc = program.command('encryption');
    const enable = enc.command('enable');
    const status = enc.command('status');
    const get = program.command('get');
    assert.equal(changes(enable), true);
    assert.equal(changes(status), false);
    assert.equal(changes(get), false);
    restore.parse(['node', 'restore'], { from: 'node' });
    assert.equal(changes(restore), true);
    restore.setOptionValue('dryRun', true);
    assert.equal(changes(restore), false);
  });

  it('operator events: the controllers\' actions are changes, health and alerts are not', () => {
    const ev = (source: string, type: 'Normal' | 'Warning', reason: string) => ({ time: '2026-01-01T00:00:00.000Z', type, reason, message: 'm', source });
    assert.deepEqual(operatorAuditEntry(ev('backup-schedule', 'Warning', 'BackupFailed'), 'op-1'), {
      time: '2026-01-01T00:00:00.000Z', actor: { kind: 'operator', name: 'op-1' }, via: 'operator', action: 'backup-schedule BackupFailed', target: 'm', outcome: 'failed',
    });
    assert.equal(operatorAuditEntry(ev('defrag', 'Normal', 'Defragmented'), 'op-1')?.outcome, 'succeeded');
    assert.equal(operatorAuditEntry(ev('cluster-health', 'Warning', 'MembersUnhealthy'), 'op-1'), undefined);
    assert.equal(operatorAuditEntry(ev('space-alerts', 'Warning', 'EtcdDatabaseQuotaLowSpace'), 'op-1'), undefined);
  });

  it('the local file adds what etcd never got, in time order; --since cuts by time', () => {
    const e = (time: string, action: string, notInEtcd?: string): AuditEntry => ({ time, actor: { kind: 'user', name: 'u' }, via: 'cli', action, outcome: 'succeeded', ...(notInEtcd ? { notInEtcd } : {}) });
    const etcd = [e('2026-01-01T00:00:01.000Z', 'a'), e('2026-01-01T00:00:03.000Z', 'c')];
    const local = [e('2026-01-01T00:00:01.000Z', 'a'), e('2026-01-01T00:00:02.000Z', 'b', 'no quorum'), e('2026-01-01T00:00:03.000Z', 'c')];
    assert.deepEqual(mergeTrails(etcd, local).map((x) => x.action), ['a', 'b', 'c']);
    const dir = tempDir('audit');
    fs.mkdirSync(path.join(dir, 'audit'));
    fs.writeFileSync(path.join(dir, 'audit', 'audit.jsonl'), `${local.map((x) => JSON.stringify(x)).join('\n')}\nnot json\n`);
    assert.deepEqual(readLocalAudit(dir, 1500, Date.parse('2026-01-01T00:00:03.000Z')).map((x) => x.action), ['b', 'c']);
    assert.deepEqual(readLocalAudit(dir).length, 3);
  });
});

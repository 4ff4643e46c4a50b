import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveName, backupTimestamp, parseBackupName, parseLeftoverName, snapshotName, timestampDate } from '../../src/backup/names.ts';
import { setsToDelete } from '../../src/backup/retention.ts';
import { UsageError } from '../../src/errors.ts';
import { parseSize } from '../../src/util/size.ts';
import { parseSchedule } from '../../src/backup/schedule.ts';

const set = (minutesAgo: number, size = 100) => {
  const time = new Date(Date.UTC(2026, 0, 1, 12, 0, 0) - minutesAgo * 60_000);
  return { timestamp: backupTimestamp(time), time, size };
};
const NOW = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));

describe('backup names and retention', () => {
  it('names sets as OpenShift does and parses them back', () => {
    const ts = backupTimestamp(new Date(Date.UTC(2026, 10, 24, 9, 5, 7)));
    assert.equal(ts, '2026-11-24_090507');
    assert.equal(snapshotName(ts), 'snapshot_2026-11-24_090507.db');
    assert.equal(archiveName(ts, true), 'static_kuberesources_2026-11-24_090507__POSSIBLY_DIRTY__.tar.gz');
    assert.deepEqual(parseBackupName(archiveName(ts, true)), { kind: 'archive', timestamp: ts, dirty: true, encrypted: false });
    assert.equal(parseBackupName('snapshot_2026-11-24_090507.tar.gz'), undefined);
    assert.equal(timestampDate(ts).toISOString(), '2026-11-24T09:05:07.000Z');
  });

  it('names sets encrypted to age recipients with .age after the plain name, and knows their .part files', () => {
    const ts = '2026-11-24_090507';
    assert.equal(snapshotName(ts, false, true), 'snapshot_2026-11-24_090507.db.age');
    assert.equal(archiveName(ts, true, true), 'static_kuberesources_2026-11-24_090507__POSSIBLY_DIRTY__.tar.gz.age');
    assert.deepEqual(parseBackupName(snapshotName(ts, false, true)), { kind: 'snapshot', timestamp: ts, dirty: false, encrypted: true });
    assert.deepEqual(parseBackupName(archiveName(ts, true, true)), { kind: 'archive', timestamp: ts, dirty: true, encrypted: true });
    assert.equal(parseBackupName('snapshot_2026-11-24_090507.db.age.part'), undefined);
    assert.equal(parseBackupName('snapshot_2026-11-24_090507.tar.gz.age'), undefined);
    assert.deepEqual(parseLeftoverName('snapshot_2026-11-24_090507.db.age.part'), { timestamp: ts, kind: 'snapshot-part' });
    assert.deepEqual(parseLeftoverName('static_kuberesources_2026-11-24_090507.tar.gz.age.part'), { timestamp: ts, kind: 'archive-part' });
  });

  it('keeps the newest N by count, by total size, by age, and always the newest', () => {
    const sets = [set(50), set(40), set(30), set(20), set(10)];
    assert.deepEqual(setsToDelete(sets, { count: 3 }, NOW).map((s) => s.timestamp), [sets[0]!.timestamp, sets[1]!.timestamp]);
    assert.deepEqual(setsToDelete(sets, { totalBytes: 250 }, NOW).length, 3);
    assert.deepEqual(setsToDelete(sets, { maxAgeMs: 25 * 60_000 }, NOW).map((s) => s.timestamp), [sets[0]!.timestamp, sets[1]!.timestamp, sets[2]!.timestamp]);
    assert.deepEqual(setsToDelete([set(500, 1e12)], { totalBytes: 1, maxAgeMs: 1, count: 0 }, NOW), [], 'the newest set is never deleted');
  });

  it('parses sizes and rejects a bad cron expression in one line', () => {
    assert.equal(parseSize('10GiB', '--s'), 10 * 1024 ** 3);
    assert.equal(parseSize('500MB', '--s'), 500e6);
    assert.equal(parseSize('1PiB', '--s'), 1024 ** 5);
    assert.throws(() => parseSize('lots', '--backup-retain-size'), (e: unknown) => e instanceof UsageError && /^invalid size "lots" for --backup-retain-size: use a form like 100MiB/.test(e.message));
    assert.throws(() => parseSize('0', '--s'), UsageError);
    assert.equal(parseSize('0', '--s', { allowZero: true }), 0);
    assert.throws(() => parseSize('2PiB', '--s'), /^UsageError: size "2PiB" for --s is too big: give at most 1PiB$/);
    assert.throws(() => parseSize('2GiB', '--s', { max: 1024 ** 3 }), /too big: give at most 1GiB$/);
    assert.throws(() => parseSchedule('every hour'), /^UsageError: bad --backup-schedule "every hour" \(.*\): use cron syntax, e\.g\. "0 \*\/6 \* \* \*"/);
    assert.ok(parseSchedule('*/2 * * * * *').nextRun());
  });
});

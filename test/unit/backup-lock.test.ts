// Which leftovers of a backup may go: only those whose lock names no running process. A pid
// alone is not enough (pids are reused), so the lock also names the process's start time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { WardenError } from '../../src/errors.ts';
import { BackupLock, isHeld, removeLeftovers } from '../../src/backup/lock.ts';
import { lockName, parseLeftoverName } from '../../src/backup/names.ts';
import { bootId, processStartTime } from '../../src/util/fsutil.ts';
import { tempDir } from '../helpers/warden.ts';

const TS = '2026-01-02_030405';
const me = () => ({ host: os.hostname(), boot: bootId(), pid: process.pid, start: processStartTime(process.pid) });

/** A folder with what a backup of TS writes on its way, and a finished set beside it. */
function folder(lock?: object | string): string {
  const dir = tempDir('lock');
  fs.writeFileSync(path.join(dir, `snapshot_${TS}.db.part`), Buffer.alloc(2048));
  fs.mkdirSync(path.join(dir, `static_kuberesources_${TS}.tar.gz.staging`, 'encryption'), { recursive: true });
  fs.writeFileSync(path.join(dir, `static_kuberesources_${TS}.tar.gz.staging`, 'encryption', 'encryption-config.yaml'), 'keys');
  fs.writeFileSync(path.join(dir, 'snapshot_2026-01-01_000000.db'), 'done');
  fs.writeFileSync(path.join(dir, 'static_kuberesources_2026-01-01_000000.tar.gz'), 'done');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
  if (lock !== undefined) fs.writeFileSync(path.join(dir, lockName(TS)), typeof lock === 'string' ? lock : JSON.stringify(lock));
  return dir;
}

const FINISHED = ['notes.txt', 'snapshot_2026-01-01_000000.db', 'static_kuberesources_2026-01-01_000000.tar.gz'];

describe('backup leftovers', () => {
  it('knows what a backup writes on its way, and nothing else', () => {
    assert.deepEqual(parseLeftoverName(`snapshot_${TS}.db.part`), { timestamp: TS, kind: 'snapshot-part' });
    assert.deepEqual(parseLeftoverName(`static_kuberesources_${TS}__POSSIBLY_DIRTY__.tar.gz.part`), { timestamp: TS, kind: 'archive-part' });
    assert.deepEqual(parseLeftoverName(`static_kuberesources_${TS}.tar.gz.staging`), { timestamp: TS, kind: 'archive-staging' });
    assert.deepEqual(parseLeftoverName(lockName(TS)), { timestamp: TS, kind: 'lock' });
    for (const n of [`snapshot_${TS}.db`, `static_kuberesources_${TS}.tar.gz`, 'x.part', `snapshot_${TS}.db.part.bak`]) assert.equal(parseLeftoverName(n), undefined, n);
  });

  it('without a lock (or with a dead one), the .part, the staging folder and the lock go, and are named', () => {
    for (const lock of [undefined, { ...me(), pid: 2 ** 22 + 1, start: '1' }]) {
      const dir = folder(lock);
      const lines = removeLeftovers([dir]);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0]!, new RegExp(`^removed what an interrupted backup left in ${dir}: `));
      assert.match(lines[0]!, new RegExp(`snapshot_${TS}\\.db\\.part \\(2\\.0 kB\\)`));
      assert.match(lines[0]!, new RegExp(`static_kuberesources_${TS}\\.tar\\.gz\\.staging/`));
      assert.doesNotMatch(lines[0]!, /\.lock/);
      assert.deepEqual(fs.readdirSync(dir).sort(), FINISHED);
    }
  });

  it('a lock of a live process keeps everything of its timestamp', () => {
    const dir = folder(me());
    assert.equal(isHeld(path.join(dir, lockName(TS))), true);
    assert.deepEqual(removeLeftovers([dir]), []);
    assert.equal(fs.readdirSync(dir).length, FINISHED.length + 3);
  });

  it('a reused pid does not hold a lock: the start time differs', () => {
    const dir = folder({ ...me(), start: '1' });
    assert.equal(isHeld(path.join(dir, lockName(TS))), false);
    assert.equal(removeLeftovers([dir]).length, 1);
    assert.deepEqual(fs.readdirSync(dir).sort(), FINISHED);
  });

  it('a lock from before a reboot is dead; one from another host is never judged here', () => {
    assert.equal(isHeld(path.join(folder({ ...me(), boot: 'another-boot' }), lockName(TS))), false);
    const other = folder({ ...me(), host: `not-${os.hostname()}` });
    assert.equal(isHeld(path.join(other, lockName(TS))), true);
    assert.deepEqual(removeLeftovers([other]), []);
  });

  it('a lock still being written holds; an unreadable old one does not', () => {
    const dir = folder('');
    const lock = path.join(dir, lockName(TS));
    assert.equal(isHeld(lock), true);
    const old = new Date(Date.now() - 5 * 60_000);
    fs.utimesSync(lock, old, old);
    assert.equal(isHeld(lock), false);
  });

  it('two backups of one second into one folder: the second is refused in one line', () => {
    const dir = tempDir('lock2');
    const a = BackupLock.acquire(dir, TS, 'backup dir');
    assert.throws(() => BackupLock.acquire(dir, TS, 'backup dir'), (e: unknown) => e instanceof WardenError && /^another backup into .* started this second .*: retry in a moment$/.test(e.message));
    a.release();
    assert.deepEqual(fs.readdirSync(dir), []);
    BackupLock.acquire(dir, TS, 'backup dir').release();
  });
});

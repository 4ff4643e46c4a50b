// A running backup's claim on what it writes, and the removal of what a killed one left.
//
// A backup first creates `.warden-backup_<ts>.lock` in every folder it writes to (created
// exclusively, so it also keeps two backups of the same second apart), naming its process by
// host, boot, pid and start time: a pid alone may be reused. Only then does it write its .part
// files (plain or .age), and it removes them before its lock. So a .part (or the archive staging
// folder, holding keys, that versions before the in-memory archive made) whose lock is missing,
// or names a process that no longer exists, was left by a backup that was killed (-9, power
// loss) and is removed by the next backup or `backup list` in that folder; one whose lock names a
// live process is never touched.
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { humanBytes } from '../cli/printer.ts';
import { ownerFileHeld, processOwner } from '../util/owner.ts';
import { lockName, parseLeftoverName } from './names.ts';

export class BackupLock {
  private constructor(readonly file: string) {}

  /**
   * Takes the lock of the backup with timestamp `ts` in `dir`; fails with one line when the
   * folder is not writable (`label` names it) or another backup of the same second holds it
   * (a dead one's lock is gone by then: removeLeftovers runs first).
   */
  static acquire(dir: string, ts: string, label: string): BackupLock {
    const file = path.join(dir, lockName(ts));
    try {
      fs.writeFileSync(file, `${JSON.stringify(processOwner())}\n`, { flag: 'wx', mode: 0o600 });
      return new BackupLock(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new WardenError(`another backup into ${dir} started this second (${file}): retry in a moment`);
      throw new WardenError(`cannot write to ${label} ${dir} (${code ?? (err as Error).message}): choose a writable directory`);
    }
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}

/** Whether the lock names a process that still runs (or one this host cannot check). */
export function isHeld(file: string): boolean {
  return ownerFileHeld(file);
}

/**
 * Removes what killed backups left in `dirs`: .part files and older versions' staging folders
 * (which hold a copy of the encryption keys) whose backup no longer runs, and their locks. Returns a line per
 * folder saying what was removed (and what could not be).
 */
export function removeLeftovers(dirs: string[]): string[] {
  const lines: string[] = [];
  for (const dir of new Set(dirs.map((d) => path.resolve(d)))) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    const byTimestamp = new Map<string, string[]>();
    for (const name of names) {
      const l = parseLeftoverName(name);
      if (l) byTimestamp.set(l.timestamp, [...(byTimestamp.get(l.timestamp) ?? []), name]);
    }
    const removed: string[] = [];
    const failed: string[] = [];
    for (const [ts, found] of byTimestamp) {
      const lock = path.join(dir, lockName(ts));
      if (isHeld(lock)) continue;
      // Its files first, the lock last: as the backup itself does.
      const files = [...found.filter((n) => n !== lockName(ts)), ...found.filter((n) => n === lockName(ts))];
      for (const name of files) {
        const full = path.join(dir, name);
        try {
          const st = fs.lstatSync(full);
          fs.rmSync(full, { recursive: true });
          if (name !== lockName(ts)) removed.push(st.isDirectory() ? `${name}/` : `${name} (${humanBytes(st.size)})`);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'ENOENT') failed.push(`${name} (${code ?? (err as Error).message})`);
        }
      }
    }
    if (removed.length) lines.push(`removed what an interrupted backup left in ${dir}: ${removed.join(', ')}`);
    if (failed.length) lines.push(`warning: could not remove what an interrupted backup left in ${dir}: ${failed.join(', ')}: remove it by hand`);
  }
  return lines;
}

// Private scratch folders in the temp dir: a download before it is restored, the staging of a
// backup that only goes to S3, an archive being read, a dry run's throwaway member. Each holds an
// owner record (util/owner.ts) and the processes it started; every new scratch folder first
// removes those whose warden was killed (-9, power loss), stopping what they started, so a killed
// command leaves nothing behind once warden runs again (the staging of a backup holds keys).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownerRuns, parseOwner, processOwner, UNREADABLE_GRACE_MS, type ProcessOwner } from './owner.ts';

export type ScratchKind = 'backup' | 'download' | 'restore' | 'dry-run';

const OWNER_FILE = '.warden-owner';
const NAME = /^warden-(backup|download|restore|dry-run)-[A-Za-z0-9]{6}$/;

interface ScratchRecord extends ProcessOwner {
  /** Processes started for this folder (a throwaway etcd): stopped when the owner is found dead. */
  children?: ProcessOwner[];
}

function base(): string {
  return os.tmpdir();
}

/** Creates a private (0700) scratch folder, after removing those of killed wardens (said through `log`). */
export function scratchDir(kind: ScratchKind, log?: (line: string) => void): string {
  for (const line of sweepScratch()) log?.(line);
  const dir = fs.mkdtempSync(path.join(base(), `warden-${kind}-`));
  fs.chmodSync(dir, 0o700);
  fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(processOwner()), { mode: 0o600 });
  return dir;
}

/** Records a process started for `dir`, so a sweep after our death stops it too. */
export function recordScratchChild(dir: string, pid: number): void {
  const file = path.join(dir, OWNER_FILE);
  const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as ScratchRecord;
  rec.children = [...(rec.children ?? []), processOwner(pid)];
  fs.writeFileSync(file, JSON.stringify(rec), { mode: 0o600 });
}

export function removeScratch(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** Removes the scratch folders of warden processes that no longer run; a line for each. */
export function sweepScratch(): string[] {
  const lines: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(base());
  } catch {
    return lines;
  }
  for (const name of names.filter((n) => NAME.test(n))) {
    const dir = path.join(base(), name);
    let rec: ScratchRecord | undefined;
    let mtimeMs = 0;
    try {
      const file = path.join(dir, OWNER_FILE);
      mtimeMs = fs.statSync(dir).mtimeMs;
      rec = parseOwner(fs.readFileSync(file, 'utf8')) && (JSON.parse(fs.readFileSync(file, 'utf8')) as ScratchRecord);
    } catch {
      rec = undefined;
    }
    if (rec ? ownerRuns(rec) : Date.now() - mtimeMs < UNREADABLE_GRACE_MS) continue;
    try {
      for (const child of rec?.children ?? []) {
        // Only the very process started then (pid and start time), never a reused pid.
        if (ownerRuns(child) && child.host === os.hostname()) process.kill(child.pid, 'SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
      lines.push(`removed ${dir}, left by a warden that was interrupted${rec ? ` (pid ${rec.pid})` : ''}`);
    } catch (err) {
      lines.push(`warning: could not remove ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), left by a warden that was interrupted: remove it by hand`);
    }
  }
  return lines;
}

// Private scratch folders, in the temp dir unless a base is given: a download before it is
// restored, the staging of a backup that only goes to S3, a dry run's throwaway member, and the
// decrypted copy of an encrypted snapshot that etcdctl restores or warden inspects (a restore's
// lies in the state dir, next to the data dirs that will hold the same data). Each holds an owner
// record (util/owner.ts) and the processes it started; every new scratch folder first removes
// those (in its base) whose warden was killed (-9, power loss), stopping what they started, so a
// killed command leaves nothing behind once warden runs again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownerRuns, parseOwner, processOwner, UNREADABLE_GRACE_MS, type ProcessOwner } from './owner.ts';

export type ScratchKind = 'backup' | 'download' | 'restore' | 'dry-run' | 'decrypted';

const OWNER_FILE = '.warden-owner';
const NAME = /^warden-(backup|download|restore|dry-run|decrypted)-[A-Za-z0-9]{6}$/;

interface ScratchRecord extends ProcessOwner {
  /** Processes started for this folder (a throwaway etcd): stopped when the owner is found dead. */
  children?: ProcessOwner[];
}

function base(): string {
  return os.tmpdir();
}

/**
 * Creates a private (0700) scratch folder in `under` (default: the temp dir), after removing
 * those of killed wardens there (said through `log`).
 */
export function scratchDir(kind: ScratchKind, log?: (line: string) => void, under: string = base()): string {
  for (const line of sweepScratch(under)) log?.(line);
  const dir = fs.mkdtempSync(path.join(under, `warden-${kind}-`));
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

/**
 * A scratch folder made on first use: a command that may need one (an encrypted set) asks for it
 * only then, and removes it however it ends (`remove` does nothing when none was made).
 */
export class LazyScratch {
  private made: string | undefined;

  constructor(
    private readonly kind: ScratchKind,
    private readonly log?: (line: string) => void,
    private readonly under?: string,
  ) {}

  get dir(): string {
    this.made ??= scratchDir(this.kind, this.log, this.under);
    return this.made;
  }

  remove(): void {
    removeScratch(this.made);
    this.made = undefined;
  }
}

/** Removes the scratch folders (in `under`, default the temp dir) of warden processes that no longer run; a line for each. */
export function sweepScratch(under: string = base()): string[] {
  const lines: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(under);
  } catch {
    return lines;
  }
  for (const name of names.filter((n) => NAME.test(n))) {
    const dir = path.join(under, name);
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

/**
 * Until the returned function is called, SIGINT and SIGTERM first remove `scratch` (a decrypted
 * snapshot, say), then end the process as the signal would have.
 */
export function removeOnSignal(scratch: LazyScratch): () => void {
  const stop = (): void => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  function handler(signal: NodeJS.Signals): void {
    scratch.remove();
    stop();
    process.kill(process.pid, signal);
  }
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return stop;
}

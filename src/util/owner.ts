// Which process owns a file or folder, in a form that survives pid reuse: host, boot, pid and the
// process's start time. A record whose process no longer runs belongs to one that was killed.
import fs from 'node:fs';
import os from 'node:os';
import { bootId, processStartTime } from './fsutil.ts';

export interface ProcessOwner {
  host: string;
  boot: string;
  pid: number;
  start: string;
}

export function processOwner(pid = process.pid): ProcessOwner {
  return { host: os.hostname(), boot: bootId(), pid, start: processStartTime(pid) ?? '' };
}

/**
 * Whether the owner still runs. Another machine's owner (a shared folder) cannot be checked and
 * counts as running; one from an earlier boot does not.
 */
export function ownerRuns(o: ProcessOwner): boolean {
  const me = processOwner();
  if (o.host !== me.host) return true;
  if (o.boot !== me.boot) return false;
  return processStartTime(o.pid) === o.start;
}

export function parseOwner(text: string): ProcessOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<ProcessOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.boot === 'string' && typeof o.start === 'string') {
      return { host: o.host, boot: o.boot, pid: o.pid, start: o.start };
    }
  } catch {
    /* below */
  }
  return undefined;
}

/** A record being written is not yet readable; after this long an unreadable one is a dead process's. */
export const UNREADABLE_GRACE_MS = 60_000;

/** Whether the owner file names a running process (an unreadable one counts for a minute). */
export function ownerFileHeld(file: string): boolean {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return false;
  }
  const owner = parseOwner(text);
  if (!owner) return Date.now() - mtimeMs < UNREADABLE_GRACE_MS;
  return ownerRuns(owner);
}

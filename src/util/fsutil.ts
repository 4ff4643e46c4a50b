// File writes that never leave a half-written file: write `<path>.part`, fsync, rename, fsync dir.
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const part = `${file}.part`;
  try {
    const fd = fs.openSync(part, 'w', mode);
    try {
      // A .part left behind keeps its old mode on open: narrowed before anything is written.
      fs.fchmodSync(fd, mode);
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(part, mode);
    fs.renameSync(part, file);
    fsyncDir(path.dirname(file));
  } catch (err) {
    fs.rmSync(part, { force: true });
    throw err;
  }
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function readJsonFile(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie has exited: it only waits for its parent to reap it, and a detached process's
  // parent is whatever runs as pid 1, which in a container may reap late or never.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The command line of a live process, or undefined when it is gone. */
export function processCmdline(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** A process's environment (/proc/<pid>/environ; empty when it is gone or not readable). */
export function processEnv(pid: number): Map<string, string> {
  const env = new Map<string, string>();
  try {
    for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const i = kv.indexOf('=');
      if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1));
    }
  } catch {
    /* gone, or another user's */
  }
  return env;
}

/**
 * When a process started (clock ticks since boot, /proc/<pid>/stat field 22), or undefined when
 * it is gone: with the pid, it names one process even after the pid is reused.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and parentheses: state is field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This boot's id: a start time is only comparable within one boot. */
export function bootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** Pids of live processes whose command line (argv) `match` accepts. */
export function processesWhere(match: (argv: string[], pid: number) => boolean): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    const argv = processCmdline(pid);
    return !!argv && argv.length > 0 && match(argv, pid) && pidAlive(pid);
  });
}

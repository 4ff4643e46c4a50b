// age keys and files for tests: identities made by the real age-keygen, and where a secret lies.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n');

/** Runs a program; stdout as bytes (decrypted snapshots are binary). */
export function run(cmd: string, args: string[], opts: { input?: Buffer; cwd?: string } = {}): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024, timeout: 120_000, ...(opts.cwd ? { cwd: opts.cwd } : {}) }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr: stderr.toString() });
    });
    child.stdin?.end(opts.input);
  });
}

export interface AgeKey {
  file: string;
  recipient: string;
}

/** A new identity made by age-keygen, as a user makes one. */
export async function ageKeygen(dir: string, name: string): Promise<AgeKey> {
  const file = path.join(dir, name);
  const r = await run('age-keygen', ['-o', file]);
  assert.equal(r.code, 0, r.stderr);
  const recipient = /Public key: (age1[0-9a-z]+)/.exec(r.stderr)?.[1];
  assert.ok(recipient, r.stderr);
  return { file, recipient };
}

export /** Every regular file under `root` (not under `exclude`) that holds `marker`. */
function filesHolding(root: string, marker: Buffer, exclude: string[] = []): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (exclude.some((x) => p === x || p.startsWith(`${x}/`))) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        try {
          if (fs.readFileSync(p).includes(marker)) found.push(p);
        } catch {
          /* removed meanwhile */
        }
      }
    }
  };
  walk(root);
  return found;
}

/** Asserts that `file` starts with the age format's first line. */
export function assertAgeFile(file: string): void {
  const head = Buffer.alloc(AGE_MAGIC.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  assert.ok(head.equals(AGE_MAGIC), `${file} is in the age format`);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
}

// Scratch folders in the temp dir (a --to backup's staging with the keys, a download, a dry
// run's throwaway member): a warden killed with -9 leaves one behind, and the next warden that
// makes one removes it and stops what it started; a live warden's folder is never touched.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { processStartTime } from '../../src/util/fsutil.ts';
import { scratchDir, sweepScratch } from '../../src/util/scratch.ts';
import { waitFor } from '../../src/util/wait.ts';
import { ROOT, tempDir } from '../helpers/warden.ts';

/** A node process that makes a scratch folder, starts a `sleep` recorded as its child, prints both, and waits. */
function owner(tmp: string): { proc: ChildProcess; made: Promise<{ dir: string; child: number }> } {
  const script = `
    import { recordScratchChild, scratchDir } from './src/util/scratch.ts';
    import { spawn } from 'node:child_process';
    const dir = scratchDir('backup');
    const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    child.unref();
    recordScratchChild(dir, child.pid);
    console.log(JSON.stringify({ dir, child: child.pid }));
    setInterval(() => {}, 1000);`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'inherit'] });
  const made = new Promise<{ dir: string; child: number }>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out) as { dir: string; child: number });
    });
    proc.once('exit', () => reject(new Error(`the owner exited early: ${out}`)));
  });
  return { proc, made };
}

function withTmp<T>(tmp: string, fn: () => T): T {
  const before = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}

describe('scratch folders', () => {
  it('a folder whose warden was killed -9 is removed by the next one, with the process it started; a live one stays', async (t) => {
    const tmp = tempDir('scratch');
    const dead = owner(tmp);
    const alive = owner(tmp);
    t.after(() => {
      alive.proc.kill('SIGKILL');
      dead.proc.kill('SIGKILL');
    });
    const [d, a] = await Promise.all([dead.made, alive.made]);
    t.after(() => {
      for (const pid of [d.child, a.child]) if (processStartTime(pid)) process.kill(pid, 'SIGKILL');
    });
    assert.equal((fs.statSync(d.dir).mode & 0o777), 0o700, 'private to its owner');
    fs.writeFileSync(path.join(d.dir, 'encryption-config.yaml'), 'keys', { mode: 0o600 });
    dead.proc.kill('SIGKILL');
    await new Promise((r) => dead.proc.once('exit', r));

    const mine = withTmp(tmp, () => scratchDir('download'));
    assert.equal(fs.existsSync(d.dir), false, 'the killed warden\'s folder (and the keys in it) is gone');
    await waitFor(() => processStartTime(d.child) === undefined || fs.readFileSync(`/proc/${d.child}/stat`, 'utf8').includes(') Z '), { timeoutMs: 10_000, what: 'the killed warden\'s child to stop' });
    assert.ok(fs.existsSync(a.dir), 'a running warden\'s folder stays');
    assert.ok(processStartTime(a.child) !== undefined, 'and so does its child');
    assert.ok(fs.existsSync(mine));
    assert.deepEqual(withTmp(tmp, () => sweepScratch()), [], 'nothing more to remove');
  });
});

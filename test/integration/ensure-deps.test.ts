// The quick start's setup on a machine without etcd: ensure-deps installs the Debian packages and
// then checks that each tool runs. apt-get here is a stand-in that puts the real Debian binaries
// on a private PATH (what the packages do), so the check runs the real etcd, etcdctl and age.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/warden.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const which = (tool: string): string => {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${tool} is on this machine`);
  return r.stdout.trim();
};

describe('ensure-deps on a machine without etcd', () => {
  it('installs etcd-server, etcd-client and age, checks that each tool runs, and exits 0', () => {
    const bin = tempDir('ensure-bin');
    // What the machine has before: node and npm (and sh), none of the tools.
    for (const tool of ['node', 'npm', 'sh']) fs.symlinkSync(which(tool), path.join(bin, tool));
    const installed = path.join(bin, 'installed.txt');
    const ln = which('ln');
    const real = Object.fromEntries(['etcd', 'etcdctl', 'age', 'age-keygen'].map((t) => [t, which(t)]));
    fs.writeFileSync(
      path.join(bin, 'apt-get'),
      `#!/bin/sh\necho "$@" >> ${installed}\ncase "$1" in install) ${Object.entries(real).map(([t, p]) => `${ln} -sf ${p} ${path.join(bin, t)}`).join('; ')};; esac\n`,
      { mode: 0o755 },
    );
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-deps.mjs')], { encoding: 'utf8', env: { ...process.env, PATH: bin } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(installed, 'utf8'), /install .*etcd-server etcd-client age/);
    assert.match(r.stderr, /installing etcd, etcdctl, age, age-keygen/);
    assert.doesNotMatch(r.stderr, /does not run/);
  });
});

#!/usr/bin/env node
// Runs the whole suite with node's test runner (TypeScript through tsx). Every etcd a test
// starts lives under one temporary root; afterwards any process still running from that root
// is killed and reported as a failure, so the suite can never leave etcd members behind.
// Extra arguments are passed to node --test (e.g. a file, or --test-name-pattern=...).
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-test-'));

function listTests(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listTests(p));
    else if (e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out.sort();
}

const args = process.argv.slice(2);
// The longest files first (end-to-end, then the largest: a rough measure of how long a file
// runs), so that the workers finish together instead of one waiting out a long file that
// started last.
const bySize = (fs2) => [...fs2].sort((a, b) => fs.statSync(path.join(root, b)).size - fs.statSync(path.join(root, a)).size);
const files = args.some((a) => a.endsWith('.ts')) ? [] : ['e2e', 'integration', 'unit'].flatMap((d) => (fs.existsSync(path.join(root, 'test', d)) ? bySize(listTests(path.join(root, 'test', d))) : []));
// Three files at a time on a 2-core machine: much of a test is waiting on etcd (elections, lease
// TTLs, health intervals), so a third file fills that time. With one core kept busy the suite took
// 778 s at 3 against 955 s at 2, every test passing both times.
const concurrency = process.env.WARDEN_TEST_CONCURRENCY ?? '3';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...args, ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, WARDEN_TEST_ROOT: testRoot },
});

function leftovers() {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(testRoot) && Number(pid) !== process.pid) found.push({ pid: Number(pid), cmd });
    } catch {
      /* gone */
    }
  }
  return found;
}

let status = r.status ?? 1;
const left = leftovers();
if (left.length) {
  process.stderr.write(`\nFAIL: the tests left ${left.length} process(es) running; killing them:\n`);
  for (const p of left) {
    process.stderr.write(`  pid ${p.pid}: ${p.cmd.slice(0, 200)}\n`);
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  status = status || 1;
}
try {
  execFileSync('rm', ['-rf', testRoot]);
} catch {
  /* best effort */
}
process.exit(status);

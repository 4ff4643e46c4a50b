#!/usr/bin/env node
// Installs what a fresh clone is missing, so `npm start` and `npm test` work on a fresh machine:
// the npm packages (when node_modules is absent or older than package-lock.json) and the
// Debian packages etcd-server and etcd-client (when etcd/etcdctl are not on PATH) and age
// (when age/age-keygen are not: encrypted backups run the reference age binary); for the tests
// and benchmarks (--test, --bench) also chromium, which the console's browser tests drive.
// Plain Node with no dependencies: it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (msg) => process.stderr.write(`[ensure-deps] ${msg}\n`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    log(`failed: ${cmd} ${args.join(' ')} (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function npmPackagesCurrent() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  try {
    return fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs && fs.existsSync(path.join(root, 'node_modules', 'tsx'));
  } catch {
    return false;
  }
}

function onPath(tool) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, tool))) return true;
  }
  return false;
}

if (!npmPackagesCurrent()) {
  log('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// Each tool warden runs, and the Debian package that brings it.
const PACKAGES = { etcd: 'etcd-server', etcdctl: 'etcd-client', age: 'age', 'age-keygen': 'age' };
// The benchmarks measure peak RSS with GNU time.
if (process.argv.includes('--bench')) PACKAGES.time = 'time';
// The console's tests drive Debian's Chromium (never a downloaded browser).
if (process.argv.includes('--test') || process.argv.includes('--bench')) PACKAGES.chromium = 'chromium';
// What is not a command on PATH, and how to tell it is there.
const CHECKS = {};
// The KMS v2 test's independent decryptor is Python with the `cryptography` package.
const PY_CRYPTO = 'python3 with cryptography';
if (process.argv.includes('--test')) {
  PACKAGES[PY_CRYPTO] = 'python3-cryptography';
  CHECKS[PY_CRYPTO] = () => spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;
}
const present = (t) => (CHECKS[t] ? CHECKS[t]() : onPath(t));
const missing = Object.keys(PACKAGES).filter((t) => !present(t));
const packages = [...new Set(missing.map((t) => PACKAGES[t]))];
if (missing.length) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    log(`${missing.join(' and ')} not found: install the Debian packages with \`sudo apt-get install ${packages.join(' ')}\` and run this again`);
    process.exit(1);
  }
  log(`installing ${missing.join(', ')}: apt-get install ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    return r.status === 0;
  };
  if (!apt(['update', '-qq'])) log('apt-get update failed; trying the install anyway');
  if (!apt(['install', '-y', '-qq', '--no-install-recommends', ...packages])) {
    log(`apt-get install ${packages.join(' ')} failed: install them by hand and run this again`);
    process.exit(1);
  }
  // Where systemd runs, the package starts a system etcd on 2379. warden runs its own members
  // on free ports and never needs it, so the service this install started is stopped again.
  if (packages.includes('etcd-server') && fs.existsSync('/run/systemd/system')) {
    spawnSync('systemctl', ['disable', '--now', 'etcd'], { stdio: 'ignore' });
    log('stopped and disabled the etcd system service the package started (warden runs its own members)');
  }
  // etcdctl 3.4 has no --version flag (it exits 1): its version is a subcommand.
  const VERSION_ARGS = { etcdctl: ['version'] };
  for (const tool of missing) {
    if (CHECKS[tool]) {
      if (CHECKS[tool]()) continue;
      log(`${tool} was installed but does not work: check the ${PACKAGES[tool]} package`);
      process.exit(1);
    }
    try {
      execFileSync(tool, VERSION_ARGS[tool] ?? ['--version'], { stdio: 'ignore' });
    } catch {
      log(`${tool} was installed but does not run: check the ${PACKAGES[tool]} package`);
      process.exit(1);
    }
  }
}

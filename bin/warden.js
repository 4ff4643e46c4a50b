#!/usr/bin/env node
// The `warden` command. It runs the bundle in dist/ (one file, fast to start) when that is at
// least as new as every source file; otherwise it rebuilds the bundle with esbuild (atomically,
// so parallel runs never see half a file) and, if even that fails, runs the TypeScript sources
// through tsx. It exits as soon as the command is done, whatever handles a library left open.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'warden.mjs');

function newestSource() {
  let newest = 0;
  for (const f of fs.readdirSync(path.join(root, 'src'), { recursive: true })) {
    if (!String(f).endsWith('.ts')) continue;
    newest = Math.max(newest, fs.statSync(path.join(root, 'src', String(f))).mtimeMs);
  }
  return newest;
}

async function freshBundle() {
  if (process.env.WARDEN_NO_BUNDLE) return undefined;
  try {
    if (fs.statSync(bundle).mtimeMs >= newestSource()) return bundle;
  } catch {
    /* no bundle yet */
  }
  try {
    const esbuild = await import('esbuild');
    const tmp = `${bundle}.${process.pid}.tmp`;
    await esbuild.build({
      entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
      bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
      outfile: tmp, logLevel: 'silent',
    });
    fs.renameSync(tmp, bundle);
    return bundle;
  } catch {
    return undefined;
  }
}

const built = await freshBundle();
let main;
if (built) {
  ({ main } = await import(built));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exit(await main(process.argv.slice(2)));

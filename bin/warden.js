#!/usr/bin/env node
// The `warden` command. It runs the esbuild bundle in dist/ (split into chunks, so the code and
// libraries of commands not used are never loaded) when it is at least as new as every source
// file it was built from; otherwise it rebuilds it first (into a fresh folder, published by renaming one small
// pointer file, so parallel runs never see half a build). If even that fails, it runs the
// TypeScript sources through tsx. It exits as soon as the command is done.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const pointer = path.join(dist, 'current');

/**
 * The current build's main.js, or undefined when there is none or a file it was built from
 * changed since. The pointer file names the build, then lists those files (esbuild's inputs
 * from src/, package.json and its lock): a stat each, no directory walk.
 */
function current() {
  try {
    const [name, ...inputs] = fs.readFileSync(pointer, 'utf8').trim().split('\n');
    if (inputs.length === 0) return undefined;
    const built = fs.statSync(pointer).mtimeMs;
    for (const f of inputs) if (fs.statSync(path.join(root, f)).mtimeMs > built) return undefined;
    const entry = path.join(dist, name, 'main.js');
    return fs.existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

const BUNDLED = new Set(['@grpc/grpc-js', 'protobufjs', 'long', 'commander', '@peculiar/x509']);

function externalPackages() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  // grpc-js requires @grpc/proto-loader only for channelz and ORCA, which warden never uses:
  // left external, its code (and full protobufjs) stays out of the chunk.
  const deps = [...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }), '@grpc/proto-loader'];
  return deps.filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]);
}

async function build() {
  const esbuild = await import('esbuild');
  const name = `build-${Date.now()}-${process.pid}`;
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
    bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20',
    // Libraries stay in node_modules, except grpc-js and the protobuf runtime (bundled into the
    // chunk that only etcd-talking commands load), commander (every command) and @peculiar/x509
    // with its ASN.1 packages (certificates: every agent's start, cluster init): bundled, they
    // start in about half the time (many small CommonJS files resolved and read one by one
    // otherwise, ~10 ms for commander alone; an agent's start takes ~0.3 s less CPU). Bundled CommonJS code may still require() at run
    // time (protobufjs probes for optional modules), hence the banner.
    external: externalPackages(),
    banner: { js: "import { createRequire as __wardenCreateRequire } from 'node:module'; const require = __wardenCreateRequire(import.meta.url);" },
    // Less source to parse at every start; names are kept for readable stack traces.
    minifyWhitespace: true, minifySyntax: true,
    outdir: path.join(dist, name), logLevel: 'silent',
    absWorkingDir: root, metafile: true,
  });
  // The sources, and what decides the bundled libraries' versions.
  const inputs = [...Object.keys(result.metafile.inputs).filter((f) => f.startsWith('src/')), ...['package.json', 'package-lock.json'].filter((f) => fs.existsSync(path.join(root, f)))];
  const tmp = `${pointer}.${process.pid}`;
  fs.writeFileSync(tmp, [name, ...inputs].join('\n'));
  fs.renameSync(tmp, pointer);
  // Builds replaced more than an hour ago can no longer be in use.
  for (const d of fs.readdirSync(dist)) {
    const p = path.join(dist, d);
    if (d.startsWith('build-') && d !== name && Date.now() - fs.statSync(p).mtimeMs > 3_600_000) fs.rmSync(p, { recursive: true, force: true });
  }
  return path.join(dist, name, 'main.js');
}

async function entry() {
  if (process.env.WARDEN_NO_BUNDLE) return undefined;
  const fresh = current();
  if (fresh) return fresh;
  try {
    return await build();
  } catch {
    return undefined;
  }
}

const bundle = await entry();
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exit(await main(process.argv.slice(2)));

// `npm run bench`: runs every benchmark in bench/ one after another (each in its own process,
// so one cluster at a time on this 2-core machine) and prints their ratio lines.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

//
//   npm run bench                      every benchmark at its default size (~100 MB)
//   npm run bench -- --mb 1000         the ones whose work grows with the data, at 1 GB
//   npm run bench -- backup snapshot   only those whose file name contains a word given
//   npm run bench -- agents            the runbooks across 3 hosts (network namespaces, root):
//                                      a separate invocation, as the 1 GB runs are (`-- agents --mb 1000`)
const dir = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const mbAt = argv.indexOf('--mb');
const sizeArgs = mbAt >= 0 ? argv.splice(mbAt, 2) : [];
/** Benchmarks whose work grows with the data: the only ones run at another size. */
const SIZED = ['snapshot-status.ts', 'backup-restore.ts', 'defrag.ts', 's3-upload.ts', 'agents.ts'];
/** Benchmarks run only when named: they set up hosts of their own and take minutes. */
const SEPARATE = ['agents.ts'];
const only = argv;
const files = fs.readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'helpers.ts'].includes(f))
  .filter((f) => (only.length === 0 ? !SEPARATE.includes(f) : only.some((o) => f.includes(o))))
  .filter((f) => sizeArgs.length === 0 || SIZED.includes(f))
  .sort();
let failed = 0;
const began = performance.now();
for (const f of files) {
  console.log(`\n== ${f}`);
  // Each benchmark starts with nothing left to write back from the one before (hundreds of MB
  // of backups and restored members): otherwise its fsyncs queue behind that flush.
  const s0 = performance.now();
  spawnSync('sync');
  const synced = performance.now() - s0;
  if (synced > 1000) console.log(`(sync before ${f}: ${(synced / 1000).toFixed(1)} s)`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f), ...sizeArgs], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
  console.log(`(${f}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log(`\nall benchmarks: ${((performance.now() - began) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);

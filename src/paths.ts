// Where the package's own files are, whether warden runs from its TypeScript sources or from
// the bundle in dist/: found by walking up from this module to the package.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'bin', 'warden.js'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('etcd-warden: cannot find the package root');
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();
export const WARDEN_BIN = path.join(PACKAGE_ROOT, 'bin', 'warden.js');
export const PROTO_DIR = path.join(PACKAGE_ROOT, 'src', 'etcd', 'proto');

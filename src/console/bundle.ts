// The console's page code: web/console/ (Preact with htm, plain CSS) bundled by esbuild into one
// script and one stylesheet, minified, when the operator first serves them, and kept in memory.
// Everything the page runs comes from the operator itself: no CDN, it works offline.
import crypto from 'node:crypto';
import path from 'node:path';
import zlib from 'node:zlib';
import { PACKAGE_ROOT } from '../paths.ts';

export const WEB_DIR = path.join(PACKAGE_ROOT, 'web', 'console');

export interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

export interface ConsoleBundle {
  js: Asset;
  css: Asset;
}

function asset(body: Buffer, type: string): Asset {
  return { body, gzip: zlib.gzipSync(body, { level: 9 }), type, etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Builds the bundle (esbuild, in memory). */
export async function buildConsoleBundle(): Promise<ConsoleBundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { app: path.join(WEB_DIR, 'main.ts'), style: path.join(WEB_DIR, 'app.css') },
    bundle: true, minify: true, format: 'esm', target: 'es2020', platform: 'browser',
    write: false, outdir: '/console', logLevel: 'silent', absWorkingDir: PACKAGE_ROOT,
  });
  const file = (name: string): Buffer => {
    const f = result.outputFiles.find((o) => o.path === `/console/${name}`);
    if (!f) throw new Error(`the console bundle has no ${name}`);
    return Buffer.from(f.contents);
  };
  return { js: asset(file('app.js'), 'text/javascript; charset=utf-8'), css: asset(file('style.css'), 'text/css; charset=utf-8') };
}

let building: Promise<ConsoleBundle> | undefined;

/** The bundle, built once per process. */
export function consoleBundle(): Promise<ConsoleBundle> {
  building ??= buildConsoleBundle();
  building.catch(() => {
    building = undefined;
  });
  return building;
}

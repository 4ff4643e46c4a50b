// Locating the real binaries warden drives (etcd, etcdctl, etcdutl, and age for encrypted
// backups) and reading etcd's versions. WARDEN_ETCD_BIN / WARDEN_ETCDCTL_BIN /
// WARDEN_ETCDUTL_BIN / WARDEN_AGE_BIN override the PATH lookup.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';

export type EtcdTool = 'etcd' | 'etcdctl' | 'etcdutl' | 'age';

const ENV: Record<EtcdTool, string> = { etcd: 'WARDEN_ETCD_BIN', etcdctl: 'WARDEN_ETCDCTL_BIN', etcdutl: 'WARDEN_ETCDUTL_BIN', age: 'WARDEN_AGE_BIN' };
const PACKAGE: Record<EtcdTool, string> = { etcd: 'etcd-server', etcdctl: 'etcd-client', etcdutl: 'etcd-client', age: 'age' };

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The path of a tool, or undefined when it is not installed. */
export function findTool(tool: EtcdTool): string | undefined {
  const override = process.env[ENV[tool]];
  if (override) return isExecutable(override) ? override : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, tool);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

/** The path of a tool, or one clear error saying how to install it. */
export function requireTool(tool: EtcdTool): string {
  const found = findTool(tool);
  if (found) return found;
  const override = process.env[ENV[tool]];
  if (override) throw new WardenError(`${tool} binary not found at ${override} (${ENV[tool]}): point ${ENV[tool]} at an executable ${tool} or unset it`);
  throw new WardenError(`${tool} binary not found on PATH: install the Debian package ${PACKAGE[tool]} (apt-get install ${PACKAGE[tool]}) or set ${ENV[tool]}`);
}

const versionCache = new Map<string, string>();

/** "3.4.23" for the etcd binary at `bin`. */
export function etcdVersion(bin: string): string {
  const cached = versionCache.get(bin);
  if (cached) return cached;
  let out: string;
  try {
    // etcd takes --version; etcdctl and etcdutl take a `version` subcommand.
    const args = /etcd$/.test(bin) && !/etcd(ctl|utl)$/.test(bin) ? ['--version'] : ['version'];
    out = execFileSync(bin, args, { encoding: 'utf8', timeout: 10_000, env: { ...process.env, ETCDCTL_API: '3' } });
  } catch (err) {
    throw new WardenError(`cannot run ${bin} to read its version (${(err as Error).message.split('\n')[0]}): check the etcd installation`);
  }
  const m = /(?:etcd|etcdctl|etcdutl) version:\s*([0-9][^\s]*)/i.exec(out);
  if (!m?.[1]) throw new WardenError(`${bin} --version printed no etcd version: is it really etcd?`);
  versionCache.set(bin, m[1]);
  return m[1];
}

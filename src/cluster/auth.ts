// Turning etcd authentication on for the local cluster (`cluster up --auth`, `run --auth`): role
// and user root with a generated password (see credentials.ts for where it is kept and who uses
// it). The password goes to etcd in request bodies only: never on a command line, in a log, or
// in an error.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { EtcdClient, EtcdError, EtcdPermissionError } from '../etcd/client.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { ROOT_USER, storedCredentials } from './credentials.ts';
import type { StateLayout } from './layout.ts';

/** The stored password, generated (24 random bytes, base64url) when there is none yet. */
function ensurePassword(layout: StateLayout): string {
  const stored = storedCredentials(layout);
  if (stored) return stored.password;
  fs.mkdirSync(layout.authDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(layout.authDir, 0o700);
  fs.rmSync(`${layout.rootPasswordFile}.part`, { force: true });
  const password = crypto.randomBytes(24).toString('base64url');
  writeFileAtomic(layout.rootPasswordFile, `${password}\n`, 0o600);
  return password;
}

/** Whether etcd refuses a read without credentials, i.e. authentication is on. */
export async function authEnabled(anonymous: EtcdClient): Promise<boolean> {
  try {
    await anonymous.get('health', { countOnly: true });
    return false;
  } catch (err) {
    if (err instanceof EtcdPermissionError) return true;
    throw err;
  }
}

async function tolerating(work: Promise<void>, already: RegExp): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (!(err instanceof EtcdError && already.test(err.details ?? ''))) throw err;
  }
}

export interface EnableAuthOptions {
  endpoints: string[];
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  log: (line: string) => void;
}

/**
 * Turns authentication on with root's stored password, idempotently: role root, user root
 * (its password set to the stored one if the user exists), the grant, then `auth enable`. On a
 * cluster whose auth is already on, it only checks that the stored password is root's.
 */
export async function enableAuth(layout: StateLayout, opts: EnableAuthOptions): Promise<'enabled' | 'already'> {
  const base = { endpoints: opts.endpoints, ...(opts.tls ? { tls: opts.tls } : {}), commandTimeoutMs: 5000 };
  const anonymous = new EtcdClient(base);
  try {
    if (await authEnabled(anonymous)) {
      const stored = storedCredentials(layout);
      if (!stored) {
        throw new WardenError(`authentication is already enabled on the cluster in ${layout.root}, with a root password warden does not know: put root's password in ${layout.rootPasswordFile} (mode 0600), or pass --user/--password to each command`);
      }
      const root = new EtcdClient({ ...base, auth: stored });
      try {
        await root.get('health', { countOnly: true });
      } catch (err) {
        if (err instanceof EtcdPermissionError && /authentication failed/.test(err.details ?? '')) {
          throw new WardenError(`authentication is already enabled on the cluster in ${layout.root}, and root's password is not the one in ${layout.rootPasswordFile}: put root's password in that file (mode 0600)`);
        }
        throw err;
      } finally {
        root.close();
      }
      opts.log(`etcd authentication is on: user ${ROOT_USER}, password in ${layout.rootPasswordFile}`);
      return 'already';
    }
    const password = ensurePassword(layout);
    await tolerating(anonymous.roleAdd(ROOT_USER), /role name already exists/);
    try {
      await anonymous.userAdd(ROOT_USER, password);
    } catch (err) {
      if (!(err instanceof EtcdError && /user name already exists/.test(err.details ?? ''))) throw err;
      await anonymous.userChangePassword(ROOT_USER, password);
    }
    await tolerating(anonymous.userGrantRole(ROOT_USER, ROOT_USER), /already granted|role is already/);
    await anonymous.authEnable();
    opts.log(`etcd authentication enabled: user ${ROOT_USER} (role ${ROOT_USER}), password in ${layout.rootPasswordFile}`);
    return 'enabled';
  } finally {
    anonymous.close();
  }
}

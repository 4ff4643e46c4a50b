// root's credentials for the local cluster, kept only in <state>/auth/root.password (0600, in a
// 0700 folder) once `cluster up --auth` enabled authentication. Every warden command against
// the local cluster logs in with them unless --user / ETCDCTL_USER names someone else. (etcd
// 3.4 itself writes the password into its WAL with each login, inside the 0700 data dirs.)
// Only node:fs here: every command that reads the cluster's settings loads this module.
import fs from 'node:fs';
import type { Credentials } from '../etcd/connection.ts';
import type { StateLayout } from './layout.ts';

export const ROOT_USER = 'root';

/** root's stored credentials, when `cluster up --auth` made them. */
export function storedCredentials(layout: StateLayout): Credentials | undefined {
  let password: string;
  try {
    password = fs.readFileSync(layout.rootPasswordFile, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!password) return undefined;
  return {
    user: ROOT_USER,
    password,
    hint: `the password in ${layout.rootPasswordFile} is not root's: put root's password in that file (mode 0600), or pass --user/--password`,
  };
}

/** What to type to use etcdctl as root, without the password on any command line. */
export function etcdctlAuthPrefix(layout: StateLayout): string {
  return fs.existsSync(layout.rootPasswordFile) ? `ETCDCTL_USER=${ROOT_USER} ETCDCTL_PASSWORD="$(cat ${layout.rootPasswordFile})" ` : '';
}


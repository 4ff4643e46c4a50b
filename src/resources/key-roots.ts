// The key roots kube-apiserver stores resources under (/kubernetes.io and /openshift.io, or one
// root such as /registry), recorded in etcd by the operator that leads. So a CLI command run
// without --prefix (encryption --wait taking over the migration, apply, get, scan) works on the
// keys the operator works on: a takeover never migrates the wrong keyspace and calls it done.
import type { EtcdClient } from '../etcd/client.ts';
import { DEFAULT_PREFIXES, singlePrefix, type KeyPrefixes } from './registry.ts';

export const KEY_ROOTS_KEY = '/warden/config/keyroots';

export async function recordedKeyRoots(client: EtcdClient): Promise<KeyPrefixes | undefined> {
  const kv = (await client.get(KEY_ROOTS_KEY)).kvs[0];
  if (!kv) return undefined;
  try {
    const r = JSON.parse(kv.value.toString('utf8')) as Partial<KeyPrefixes>;
    if (typeof r.kube === 'string' && typeof r.openshift === 'string') return { kube: r.kube, openshift: r.openshift };
  } catch {
    /* an unreadable record counts as none */
  }
  return undefined;
}

/** Records `roots` unless they are already what etcd holds. */
export async function recordKeyRoots(client: EtcdClient, roots: KeyPrefixes): Promise<void> {
  const now = await recordedKeyRoots(client);
  if (now?.kube === roots.kube && now.openshift === roots.openshift) return;
  await client.put(KEY_ROOTS_KEY, JSON.stringify(roots));
}

/** --prefix when given, else the roots the operator recorded, else the OpenShift defaults. */
export async function keyRoots(client: EtcdClient, prefixFlag: string | undefined): Promise<KeyPrefixes> {
  if (prefixFlag) return singlePrefix(prefixFlag);
  return (await recordedKeyRoots(client)) ?? DEFAULT_PREFIXES;
}

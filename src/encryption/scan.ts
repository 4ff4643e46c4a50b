// `encryption scan`, for the CLI, the operator's scan action and the console: every value under
// the resources' key roots counted by provider and key (plaintext included), from the values'
// prefixes alone; the last result is kept in etcd so the console can show what it found.
import type { EtcdClient } from '../etcd/client.ts';
import { WARDEN_PREFIX } from '../operator/conditions.ts';
import type { KeyPrefixes } from '../resources/registry.ts';
import { CoverageCounter, type ResourceCoverage } from './coverage.ts';

const LAST_SCAN = `${WARDEN_PREFIX}encryption/last-scan`;

export interface ScanRecord {
  /** ISO time the scan ended. */
  time: string;
  /** Who ran it: "cli", or the operator's caller. */
  by: string;
  coverage: ResourceCoverage[];
}

/** Walks every key under the kube and openshift roots, 1000 at a time. */
export async function scanCoverage(client: EtcdClient, prefixes: KeyPrefixes): Promise<ResourceCoverage[]> {
  const count = new CoverageCounter(prefixes);
  for (const root of [...new Set([prefixes.kube, prefixes.openshift])]) {
    let start = Buffer.from(`${root}/`);
    const end = Buffer.from(`${root}0`); // '/' + 1
    for (;;) {
      const page = await client.get(start, { rangeEnd: end, limit: 1000 });
      for (const kv of page.kvs) count.add(kv.key.toString(), kv.value);
      if (!page.more || page.kvs.length === 0) break;
      start = Buffer.concat([page.kvs[page.kvs.length - 1]!.key, Buffer.from([0])]);
    }
  }
  return count.result();
}

export async function recordScan(client: EtcdClient, r: ScanRecord): Promise<void> {
  await client.put(LAST_SCAN, JSON.stringify(r));
}

export async function lastScan(client: EtcdClient): Promise<ScanRecord | undefined> {
  const kv = (await client.get(LAST_SCAN)).kvs[0];
  if (!kv) return undefined;
  try {
    return JSON.parse(kv.value.toString('utf8')) as ScanRecord;
  } catch {
    return undefined;
  }
}

/** Pure: the resources OpenShift encrypts that still hold plaintext values. */
export function plaintextFindings(cov: ResourceCoverage[]): { resource: string; plaintext: number }[] {
  return cov.filter((c) => c.shouldBeEncrypted && c.plaintext > 0).map((c) => ({ resource: c.resource, plaintext: c.plaintext }));
}

// Encryption coverage: how many values of each resource are plaintext and how many are under
// each provider and key, read from the values' prefixes alone (no key material needed).
// Used by `encryption scan` (live etcd) and `snapshot inspect` (a snapshot file).
import { DEFAULT_PREFIXES, ENCRYPTED_RESOURCES, resourceOfKey, type KeyPrefixes } from '../resources/registry.ts';
import { describeValue } from './transformers.ts';
import type { ResourceCoverage } from '../console/api.ts';

export type { ResourceCoverage } from '../console/api.ts';

export class CoverageCounter {
  private readonly byResource = new Map<string, ResourceCoverage>();
  constructor(private readonly prefixes: KeyPrefixes = DEFAULT_PREFIXES) {}

  add(key: string, value: Buffer): void {
    const resource = resourceOfKey(key, this.prefixes);
    if (!resource) return;
    let c = this.byResource.get(resource);
    if (!c) {
      c = { resource, total: 0, plaintext: 0, encrypted: {}, shouldBeEncrypted: ENCRYPTED_RESOURCES.includes(resource) };
      this.byResource.set(resource, c);
    }
    c.total++;
    const info = describeValue(value);
    if (info.provider === 'identity') c.plaintext++;
    else {
      // kms: by provider and the KEK key ID its values' DEKs are under.
      const k = `${info.provider}:${info.keyName ?? '?'}${info.keyId !== undefined ? `:${info.keyId}` : ''}`;
      c.encrypted[k] = (c.encrypted[k] ?? 0) + 1;
    }
  }

  /** Encrypted resources first (in OpenShift's order), then the rest by name. */
  result(): ResourceCoverage[] {
    const rank = (r: string) => (ENCRYPTED_RESOURCES.includes(r) ? ENCRYPTED_RESOURCES.indexOf(r) : ENCRYPTED_RESOURCES.length);
    return [...this.byResource.values()].sort((a, b) => rank(a.resource) - rank(b.resource) || a.resource.localeCompare(b.resource));
  }
}

/** Table rows for coverage: RESOURCE, KEYS, PLAINTEXT, ENCRYPTED. */
export function coverageRows(cov: ResourceCoverage[]): string[][] {
  return cov.map((c) => [
    c.resource,
    String(c.total),
    c.shouldBeEncrypted && c.plaintext > 0 ? `${c.plaintext} (!)` : String(c.plaintext),
    Object.entries(c.encrypted).map(([k, n]) => `${k}=${n}`).join(', ') || '-',
  ]);
}

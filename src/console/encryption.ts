// The console's Encryption page: the mode asked for and the Encrypted condition, the keys of the
// EncryptionConfiguration by name and type (never their secrets) with when each was created and
// promoted (from the controller's events, the pending key and the migrations), the migration's
// progress per resource, when the next rotation is due, and what the last scan found in plaintext.
import { encryptionStatus } from '../encryption/controller.ts';
import { allKeys, keyNameOf, managedRule } from '../encryption/plan.ts';
import type { EncryptionPage, KeyRow } from './api.ts';
import { lastScan, plaintextFindings } from '../encryption/scan.ts';
import type { EtcdClient } from '../etcd/client.ts';
import type { KmsPlugins } from '../encryption/kms/registry.ts';
import type { WardenEvent } from '../operator/conditions.ts';

/** Pure: when each key was created and promoted, from the controller's events (newest wins). */
export function keyTimes(events: WardenEvent[]): Map<string, { created?: string; promoted?: string }> {
  const out = new Map<string, { created?: string; promoted?: string }>();
  for (const e of events) {
    const m = /^Key (\S+) \((\w+)\) (created|promoted)/.exec(e.message);
    if (!m) continue;
    const name = m[1] as string;
    const at = out.get(name) ?? {};
    if (m[3] === 'created') at.created = e.time;
    else at.promoted = e.time;
    out.set(name, at);
  }
  return out;
}

export async function readEncryption(client: EtcdClient, o: { configFile: string; rotationMs: number; events: () => Promise<WardenEvent[]>; kms?: KmsPlugins }): Promise<EncryptionPage> {
  const [status, events, scan] = await Promise.all([encryptionStatus(client, o.configFile, o.kms), o.events().catch(() => []), lastScan(client).catch(() => undefined)]);
  const providers = managedRule(status.config).providers;
  const times = keyTimes(events);
  const writeName = keyNameOf(status.writeKey);
  const keys: KeyRow[] = allKeys(providers).map((k) => ({
    name: k.key.name,
    type: k.type,
    role: `${k.type}:${k.key.name}` === status.writeKey ? 'write' : 'read',
    ...(times.get(k.key.name) ?? {}),
  }));
  // A kms provider: the plugin holds its key; its key ID is what the page can show.
  for (const p of providers) {
    if (p.type !== 'kms') continue;
    const keyId = o.kms?.envelope(p).health?.keyId;
    keys.push({ name: p.name, type: 'kms', role: status.writeKey === `kms:${p.name}` ? 'write' : 'read', ...(keyId ? { keyId } : {}) });
  }
  const mig = status.state.migration;
  // The write key's own migration finished: the next rotation comes the interval after.
  const nextRotation = status.desired !== 'identity' && writeName && mig?.writeKey === status.writeKey && mig.finishedAt
    ? new Date(Date.parse(mig.finishedAt) + o.rotationMs).toISOString()
    : undefined;
  return {
    desired: status.desired,
    condition: { status: status.condition.status, reason: status.condition.reason, message: status.condition.message },
    writeKey: status.writeKey,
    keys,
    ...(status.state.pendingKey ? { pending: status.state.pendingKey } : {}),
    ...(status.migration ? { migration: status.migration } : {}),
    ...(nextRotation ? { nextRotation } : {}),
    rotationMs: o.rotationMs,
    ...(scan ? { lastScan: { time: scan.time, by: scan.by, findings: plaintextFindings(scan.coverage), coverage: scan.coverage } } : {}),
  };
}

// The KMS controller: asks each kms provider's plugin for its Status as kube-apiserver's probe
// does (every minute while healthy, every 10 s after a failure) and keeps the KMSPluginHealthy
// condition. Asking also rotates a provider's seed when the plugin reports a new key ID; the
// encryption controller then migrates everything to it.
import type { Controller, ReconcileContext } from '../../operator/controller.ts';
import { kmsProviders } from '../config.ts';
import type { ConfigWatcher } from '../store.ts';
import { quoted, REFRESH_HEALTHY_MS, REFRESH_UNHEALTHY_MS } from './envelope.ts';
import { readDesired } from '../store.ts';
import type { ProviderHealth } from './registry.ts';

export const KMS_CONDITION = 'KMSPluginHealthy';

/** The condition for what the plugins answered (pure). */
export function kmsCondition(health: ProviderHealth[]): { type: string; status: 'True' | 'False'; reason: string; message: string } {
  const bad = health.filter((h) => !h.healthy);
  if (bad.length === 0) {
    return { type: KMS_CONDITION, status: 'True', reason: 'PluginsHealthy', message: health.map((h) => `kms provider ${h.name}: key ID ${quoted(h.keyId ?? '')}`).join('; ') };
  }
  return { type: KMS_CONDITION, status: 'False', reason: 'PluginUnhealthy', message: bad.map((h) => `kmsv2 Provider ${h.name} is not healthy, error: ${h.message}`).join('; ') };
}

export function kmsController(opts: { watcher: ConfigWatcher; refreshMs?: number }): Controller {
  const refreshMs = opts.refreshMs ?? (Number(process.env.WARDEN_KMS_REFRESH_MS) || REFRESH_HEALTHY_MS);
  const keyIds = new Map<string, string>();
  return {
    name: 'kms',
    // Ticks at the faster pace; a healthy plugin is asked again only once its answer is refreshMs old.
    intervalMs: Math.min(refreshMs, REFRESH_UNHEALTHY_MS),
    async reconcile(ctx: ReconcileContext) {
      const providers = kmsProviders(opts.watcher.current());
      // The one asked for, too: it is configured only once its plugin answers, and this says why not.
      const asked = await readDesired(ctx.client);
      const desired = asked.type === 'kms' ? asked.kms : undefined;
      if (desired && !providers.some((p) => p.name === desired.name && p.endpoint === desired.endpoint)) providers.push(desired);
      if (providers.length === 0) {
        if (await ctx.conditions.get(KMS_CONDITION)) await ctx.conditions.set({ type: KMS_CONDITION, status: 'True', reason: 'NoKMSProviders', message: 'No kms provider is configured' });
        return;
      }
      const health = await opts.watcher.kms.status(providers, refreshMs);
      const condition = kmsCondition(health);
      const before = await ctx.conditions.get(KMS_CONDITION);
      if (await ctx.conditions.set(condition)) {
        if (condition.status === 'False') await ctx.events.record({ type: 'Warning', reason: 'KMSPluginUnhealthy', message: condition.message, source: 'kms' });
        else if (before?.status === 'False') await ctx.events.record({ type: 'Normal', reason: 'KMSPluginHealthy', message: condition.message, source: 'kms' });
      }
      for (const h of health) {
        if (!h.healthy || !h.keyId) continue;
        const prev = keyIds.get(h.name);
        if (prev && prev !== h.keyId) await ctx.events.record({ type: 'Normal', reason: 'KMSKeyIDChanged', message: `kms provider ${h.name}: the plugin's key ID changed from ${quoted(prev)} to ${quoted(h.keyId)}; values under the old key ID are rewritten`, source: 'kms' });
        keyIds.set(h.name, h.keyId);
      }
    },
  };
}

// The KMS plugins a process talks to: one envelope (seed, read cache, health) per kms provider
// name and endpoint, kept for the life of the process so a reloaded EncryptionConfiguration
// keeps its seeds. The gRPC client is loaded on the first plugin call only.
import type { KmsProvider, KmsResolver } from '../transformers.ts';
import { KmsEnvelope, REFRESH_HEALTHY_MS, type EnvelopeOptions, type PluginHealth } from './envelope.ts';
import type { KmsService } from './service.ts';

/** How long a failed Status answers for the plugin (kube-apiserver's kmsPluginHealthzNegativeTTL). */
const NEGATIVE_TTL_MS = 3000;

export type KmsConnect = (p: KmsProvider) => KmsService;

/** A client that loads grpc.ts (and @grpc/grpc-js) on its first call. */
export const grpcConnect: KmsConnect = (p) => {
  let client: Promise<KmsService> | undefined;
  const get = () => (client ??= import('./grpc.ts').then((m) => m.kmsClient(p.endpoint, { timeoutMs: p.timeoutMs })));
  return {
    status: async () => (await get()).status(),
    encrypt: async (plaintext, uid) => (await get()).encrypt(plaintext, uid),
    decrypt: async (req) => (await get()).decrypt(req),
    close: () => void client?.then((c) => c.close()),
  };
};

/** Test knobs (a plugin killed for seconds, not minutes): WARDEN_KMS_WRITE_TTL_MS, WARDEN_KMS_REFRESH_MS. */
function envMs(name: string): number | undefined {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

export interface ProviderHealth extends PluginHealth {
  name: string;
  endpoint: string;
}

export class KmsPlugins {
  private readonly envelopes = new Map<string, { provider: KmsProvider; envelope: KmsEnvelope; service: KmsService }>();

  constructor(
    private readonly connect: KmsConnect = grpcConnect,
    private readonly options: Partial<Omit<EnvelopeOptions, 'name' | 'service' | 'endpoint'>> = {},
  ) {}

  envelope(p: KmsProvider): KmsEnvelope {
    const id = `${p.name}\0${p.endpoint}\0${p.timeoutMs}`;
    let e = this.envelopes.get(id);
    if (!e) {
      const service = this.connect(p);
      const writeTtlMs = this.options.writeTtlMs ?? envMs('WARDEN_KMS_WRITE_TTL_MS');
      const refreshMs = this.options.refreshMs ?? envMs('WARDEN_KMS_REFRESH_MS');
      const envelope = new KmsEnvelope({
        ...this.options, name: p.name, endpoint: p.endpoint, service,
        ...(writeTtlMs ? { writeTtlMs } : {}), ...(refreshMs ? { refreshMs } : {}),
      });
      e = { provider: p, envelope, service };
      this.envelopes.set(id, e);
    }
    return e.envelope;
  }

  /** The resolver providersTransformer takes. */
  readonly resolve: KmsResolver = (p) => this.envelope(p);

  /** Each provider's last Status when younger than maxAgeMs (default: the refresh interval), else asked now. */
  async status(providers: KmsProvider[], maxAgeMs?: number): Promise<ProviderHealth[]> {
    const age = maxAgeMs ?? this.options.refreshMs ?? envMs('WARDEN_KMS_REFRESH_MS') ?? REFRESH_HEALTHY_MS;
    return Promise.all(providers.map(async (p) => {
      const e = this.envelope(p);
      const h = e.health;
      // A failure is kept for 3 s (kube's negative TTL): pollers do not dial a dead plugin each time.
      const fresh = h && Date.now() - h.checkedAt < (h.healthy ? age : NEGATIVE_TTL_MS) ? h : await e.refresh();
      return { name: p.name, endpoint: p.endpoint, ...fresh };
    }));
  }

  /** Asks every given provider's plugin now (the KMS controller's probe). */
  async probe(providers: KmsProvider[]): Promise<ProviderHealth[]> {
    return Promise.all(providers.map(async (p) => ({ name: p.name, endpoint: p.endpoint, ...(await this.envelope(p).refresh()) })));
  }

  close(): void {
    for (const e of this.envelopes.values()) e.service.close();
    this.envelopes.clear();
  }
}

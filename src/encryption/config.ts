// Kubernetes' EncryptionConfiguration (apiserver.config.k8s.io/v1): parsing with validation
// that names the exact field and the fix in one line, serializing, and choosing the providers
// for a resource. Pure: no files are read here.
import type * as YamlLib from 'yaml';
import { lazyRequire } from '../util/lazy.ts';

const YAML = lazyRequire<typeof YamlLib>('yaml');
import { WardenError } from '../errors.ts';
import { formatDuration, parseDuration } from '../util/duration.ts';
import { providersTransformer, type KeyedType, type KmsProvider, type KmsResolver, type Provider, type ProviderType, type Transformer } from './transformers.ts';

export const API_VERSION = 'apiserver.config.k8s.io/v1';
export const KIND = 'EncryptionConfiguration';

export interface ResourceRule {
  resources: string[];
  providers: Provider[];
}

export interface EncryptionConfig {
  resources: ResourceRule[];
}

export class EncryptionConfigError extends WardenError {
  override readonly name = 'EncryptionConfigError';
}

const PROVIDER_TYPES: ProviderType[] = ['aescbc', 'aesgcm', 'secretbox', 'kms', 'identity'];
const KEY_SIZES: Record<KeyedType, number[]> = { aescbc: [16, 24, 32], aesgcm: [16, 24, 32], secretbox: [32] };
/** kube-apiserver's default kms call timeout. */
export const DEFAULT_KMS_TIMEOUT_MS = 3000;

function decodeBase64Strict(s: string): Buffer | undefined {
  const t = s.trim();
  if (t.length === 0 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

/** Parses YAML or JSON text; `source` names the file in errors. */
export function parseEncryptionConfig(text: string, source: string): EncryptionConfig {
  const fail = (what: string, fix: string): never => {
    throw new EncryptionConfigError(`EncryptionConfiguration ${source}: ${what}: ${fix}`);
  };
  let doc: unknown;
  try {
    doc = YAML().parse(text);
  } catch (err) {
    const first = (err as Error).message.split('\n')[0];
    return fail(`malformed YAML (${first})`, 'fix the file');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail('expected a mapping with apiVersion, kind and resources', 'fix the file');
  const d = doc as Record<string, unknown>;
  if (d.kind !== KIND) fail(`kind is ${JSON.stringify(d.kind)}`, `it must be ${KIND}`);
  if (d.apiVersion !== API_VERSION) fail(`apiVersion is ${JSON.stringify(d.apiVersion)}`, `it must be ${API_VERSION}`);
  if (!Array.isArray(d.resources) || d.resources.length === 0) fail('resources is missing or empty', 'list at least one resources entry');
  const rules = (d.resources as unknown[]).map((r, i): ResourceRule => {
    const at = `resources[${i}]`;
    const rr = r as Record<string, unknown>;
    if (typeof r !== 'object' || r === null) fail(`${at} is not a mapping`, 'give resources and providers');
    if (!Array.isArray(rr.resources) || rr.resources.length === 0 || rr.resources.some((x) => typeof x !== 'string' || !x)) {
      fail(`${at}.resources must be a non-empty list of names`, 'e.g. [secrets, configmaps]');
    }
    if (!Array.isArray(rr.providers) || rr.providers.length === 0) fail(`${at}.providers is missing or empty`, 'list at least one provider, e.g. identity: {}');
    const providers = (rr.providers as unknown[]).map((p, j) => parseProvider(p, `${at}.providers[${j}]`, fail));
    return { resources: rr.resources as string[], providers };
  });
  // As kube-apiserver: a kms v2 provider name appears once in the whole file.
  const kms = new Set<string>();
  for (const r of rules) {
    for (const p of r.providers) {
      if (p.type !== 'kms') continue;
      if (kms.has(p.name)) fail(`duplicate KMS provider name ${p.name}`, 'names must be unique: give each kms provider its own name');
      kms.add(p.name);
    }
  }
  return { resources: rules };
}

/**
 * The socket of a kms endpoint, in the forms kube-apiserver takes: unix:///abs/path or
 * unix:/abs/path; a path starting with /@ names a Linux abstract socket. Undefined otherwise.
 */
export function kmsEndpointSocket(endpoint: string): { path: string; abstract: boolean } | undefined {
  const m = /^unix:(?:\/\/)?(\/(?!\/)[^\0]*)$/.exec(endpoint);
  const p = m?.[1];
  if (!p || p === '/') return undefined;
  return p.startsWith('/@') ? (p.length > 2 ? { path: p.slice(2), abstract: true } : undefined) : { path: p, abstract: false };
}

function parseKms(body: unknown, at: string, fail: (what: string, fix: string) => never): KmsProvider {
  if (typeof body !== 'object' || body === null) return fail(`${at}.kms is not a mapping`, 'give apiVersion: v2, name and endpoint');
  const b = body as Record<string, unknown>;
  if (b.apiVersion !== 'v2') {
    return fail(`${at}.kms.apiVersion is ${b.apiVersion === undefined ? 'unset (v1, deprecated)' : JSON.stringify(b.apiVersion)}`, 'warden supports KMS v2: set apiVersion: v2');
  }
  if (typeof b.name !== 'string' || !b.name) fail(`${at}.kms.name is missing`, 'name the KMS provider');
  const name = b.name as string;
  if (name.includes(':')) fail(`${at}.kms.name "${name}" contains ":"`, 'use a name without colons');
  if (typeof b.endpoint !== 'string' || !kmsEndpointSocket(b.endpoint)) {
    fail(`${at}.kms.endpoint is ${JSON.stringify(b.endpoint ?? null)}`, 'give the plugin\'s socket as unix:///absolute/path (the only scheme kube-apiserver supports)');
  }
  if (b.cachesize !== undefined) fail(`${at}.kms.cachesize is set`, 'cachesize is not supported in v2: remove it');
  let timeoutMs = DEFAULT_KMS_TIMEOUT_MS;
  if (b.timeout !== undefined) {
    try {
      timeoutMs = parseDuration(String(b.timeout), `${at}.kms.timeout`, { maxMs: 24 * 3_600_000 });
    } catch (err) {
      fail((err as Error).message.split(':')[0] as string, 'give a duration such as 3s');
    }
  }
  return { type: 'kms', name, endpoint: b.endpoint as string, timeoutMs };
}

function parseProvider(p: unknown, at: string, fail: (what: string, fix: string) => never): Provider {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return fail(`${at} is not a mapping`, 'give one provider, e.g. aesgcm: {keys: [...]}');
  const names = Object.keys(p);
  if (names.length !== 1) return fail(`${at} has ${names.length} providers (${names.join(', ') || 'none'})`, 'give exactly one of aescbc, aesgcm, secretbox, kms, identity per entry');
  const type = names[0] as string;
  if (!(PROVIDER_TYPES as string[]).includes(type)) return fail(`${at} has unknown provider "${type}"`, 'use one of aescbc, aesgcm, secretbox, kms, identity');
  if (type === 'identity') return { type: 'identity' };
  if (type === 'kms') return parseKms((p as Record<string, unknown>).kms, at, fail);
  const t = type as KeyedType;
  const body = (p as Record<string, unknown>)[t] as Record<string, unknown> | null;
  const keys = body?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return fail(`${at}.${t}.keys is missing or empty`, 'give at least one {name, secret}');
  const seen = new Set<string>();
  return {
    type: t,
    keys: keys.map((k: unknown, n: number) => {
      const kat = `${at}.${t}.keys[${n}]`;
      const kk = (k ?? {}) as Record<string, unknown>;
      if (typeof kk.name !== 'string' || !kk.name) fail(`${kat}.name is missing`, 'give every key a name');
      const name = kk.name as string;
      if (name.includes(':')) fail(`${kat}.name "${name}" contains ":"`, 'use a name without colons');
      if (seen.has(name)) fail(`key name "${name}" appears twice in ${at}.${t}`, 'give every key a unique name');
      seen.add(name);
      if (typeof kk.secret !== 'string') fail(`${kat}.secret is missing`, 'give the key as base64');
      const secret = decodeBase64Strict(kk.secret as string);
      if (!secret) fail(`${kat}.secret is not valid base64`, 'give the key as standard base64 (e.g. head -c 32 /dev/urandom | base64)');
      const sizes = KEY_SIZES[t];
      if (!sizes.includes((secret as Buffer).length)) fail(`${kat}.secret is ${(secret as Buffer).length} bytes`, `${t} keys must be ${sizes.join(', ')} bytes`);
      return { name, secret: secret as Buffer };
    }),
  };
}

export function serializeEncryptionConfig(cfg: EncryptionConfig): string {
  return YAML().stringify({
    apiVersion: API_VERSION,
    kind: KIND,
    resources: cfg.resources.map((r) => ({
      resources: r.resources,
      providers: r.providers.map((p) => {
        if (p.type === 'identity') return { identity: {} };
        if (p.type === 'kms') return { kms: { apiVersion: 'v2', name: p.name, endpoint: p.endpoint, timeout: formatDuration(p.timeoutMs) } };
        return { [p.type]: { keys: p.keys.map((k) => ({ name: k.name, secret: k.secret.toString('base64') })) } };
      }),
    })),
  });
}

/** Whether a rule's resource name (`secrets`, `*.route.openshift.io`, `*.`, `*.*`) covers `resource`. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === resource || pattern === '*.*') return true;
  const dot = resource.indexOf('.');
  const group = dot < 0 ? '' : resource.slice(dot + 1);
  return pattern.startsWith('*.') && pattern.slice(2) === group;
}

/** The providers for a resource: the first rule naming it; identity when none does. */
export function providersFor(cfg: EncryptionConfig | undefined, resource: string): Provider[] {
  const rule = cfg?.resources.find((r) => r.resources.some((p) => resourceMatches(p, resource)));
  return rule ? rule.providers : [{ type: 'identity' }];
}

export function transformerFor(cfg: EncryptionConfig | undefined, resource: string, kms?: KmsResolver): Transformer {
  return providersTransformer(providersFor(cfg, resource), kms);
}

/** Every kms provider of the file, once per name. */
export function kmsProviders(cfg: EncryptionConfig | undefined): KmsProvider[] {
  const out = new Map<string, KmsProvider>();
  for (const r of cfg?.resources ?? []) for (const p of r.providers) if (p.type === 'kms' && !out.has(p.name)) out.set(p.name, p);
  return [...out.values()];
}

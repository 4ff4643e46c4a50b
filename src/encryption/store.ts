// Where encryption state lives:
//   - the desired type: an APIServer-like object in etcd (/warden/config/apiserver,
//     spec.encryption.type), so every operator replica and CLI sees one desired state;
//   - the controller's progress (pending key, migration record): /warden/encryption/state,
//     written only by the controller;
//   - a requested key rotation: /warden/encryption/rotate, written only by `encryption rotate`;
//   - keys and providers: a Kubernetes EncryptionConfiguration file in the warden state dir
//     (mode 0600), read by the resource store and written only by the controller.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, WardenError } from '../errors.ts';
import type { EtcdClient } from '../etcd/client.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { parseEncryptionConfig, serializeEncryptionConfig, transformerFor, type EncryptionConfig } from './config.ts';
import { ENCRYPTION_TYPES, type EncryptionState, type EncryptionType, type RotationRequest } from './plan.ts';
import { KmsPlugins } from './kms/registry.ts';
import type { KmsProvider, Transformer } from './transformers.ts';
import { formatDuration, parseDuration } from '../util/duration.ts';

export const APISERVER_KEY = '/warden/config/apiserver';
export const STATE_KEY = '/warden/encryption/state';
export const ROTATE_KEY = '/warden/encryption/rotate';

export function encryptionConfigFile(stateDir: string): string {
  return path.join(stateDir, 'encryption', 'encryption-config.yaml');
}

/** Where `warden run --kms` serves warden's own KMS v2 plugin, and `encryption enable --type kms` looks by default. */
export function kmsSocketPath(stateDir: string): string {
  return path.join(path.resolve(stateDir), 'kms', 'plugin.sock');
}

/** The key-encryption keys of warden's own plugin under `warden run --kms` (mode 0600). */
export function kmsKekFile(stateDir: string): string {
  return path.join(path.resolve(stateDir), 'kms', 'kek.json');
}

export function parseEncryptionType(v: string): EncryptionType {
  if ((ENCRYPTION_TYPES as string[]).includes(v)) return v as EncryptionType;
  throw new UsageError(`unknown encryption type "${v}": use aescbc, aesgcm, secretbox, kms or identity`);
}

/** The kms provider as kept in the desired state (a duration as text, as in the EncryptionConfiguration). */
interface DesiredKms {
  name: string;
  endpoint: string;
  timeout: string;
}

export interface APIServerConfig {
  apiVersion: 'config.openshift.io/v1';
  kind: 'APIServer';
  metadata: { name: 'cluster' };
  spec: { encryption: { type: EncryptionType; kms?: DesiredKms } };
}

export interface DesiredEncryption {
  type: EncryptionType;
  /** With type kms: the provider the controller configures and writes with. */
  kms?: KmsProvider;
}

export async function readDesired(client: EtcdClient): Promise<DesiredEncryption> {
  const kv = (await client.get(APISERVER_KEY)).kvs[0];
  if (!kv) return { type: 'identity' };
  const enc = (JSON.parse(kv.value.toString('utf8')) as Partial<APIServerConfig>).spec?.encryption;
  const kms = enc?.kms;
  return {
    type: enc?.type ?? 'identity',
    ...(kms ? { kms: { type: 'kms', name: kms.name, endpoint: kms.endpoint, timeoutMs: parseDuration(kms.timeout, 'the kms timeout') } } : {}),
  };
}

export async function readDesiredType(client: EtcdClient): Promise<EncryptionType> {
  return (await readDesired(client)).type;
}

/** Sets the desired type; a kms provider set earlier is kept (turning kms on again reuses it). */
export async function writeDesiredType(client: EtcdClient, type: EncryptionType, kms?: KmsProvider): Promise<void> {
  const keep = kms ?? (await readDesired(client)).kms;
  const encryption: APIServerConfig['spec']['encryption'] = { type, ...(keep ? { kms: { name: keep.name, endpoint: keep.endpoint, timeout: formatDuration(keep.timeoutMs) } } : {}) };
  const obj: APIServerConfig = { apiVersion: 'config.openshift.io/v1', kind: 'APIServer', metadata: { name: 'cluster' }, spec: { encryption } };
  await client.put(APISERVER_KEY, JSON.stringify(obj));
}

export async function readState(client: EtcdClient, opts: { serializable?: boolean } = {}): Promise<EncryptionState> {
  const kv = (await client.get(STATE_KEY, opts.serializable ? { serializable: true } : {})).kvs[0];
  return kv ? (JSON.parse(kv.value.toString('utf8')) as EncryptionState) : {};
}

export async function writeState(client: EtcdClient, state: EncryptionState): Promise<void> {
  await client.put(STATE_KEY, JSON.stringify(state));
}

export async function readRotation(client: EtcdClient): Promise<RotationRequest | undefined> {
  const kv = (await client.get(ROTATE_KEY)).kvs[0];
  return kv ? (JSON.parse(kv.value.toString('utf8')) as RotationRequest) : undefined;
}

/**
 * Asks for a key newer than the one everything was last migrated to (the migration record in
 * etcd, so a CLI without the config file asks for the same thing). A second request before the
 * rotation is met asks for the same rotation.
 */
export async function requestRotation(client: EtcdClient, now = new Date()): Promise<RotationRequest> {
  const request: RotationRequest = { requestedAt: now.toISOString(), writeKey: (await readState(client)).migration?.writeKey ?? 'identity' };
  await client.put(ROTATE_KEY, JSON.stringify(request));
  return request;
}

/** The config file, or undefined when encryption was never configured. */
export function loadEncryptionConfig(file: string): EncryptionConfig | undefined {
  return readEncryptionConfigFile(file)?.config;
}

/** The configuration and the file's own bytes (what is copied to every host), read once. */
export function readEncryptionConfigFile(file: string): { config: EncryptionConfig; text: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WardenError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code}): check its permissions`);
  }
  return { config: parseEncryptionConfig(text, file), text };
}

export function saveEncryptionConfig(file: string, config: EncryptionConfig): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, serializeEncryptionConfig(config), 0o600);
}

/**
 * Transformers from the config file, reloaded whenever the file changes (checked by its
 * change time on each call, so a controller's new write key is used at once).
 */
export class ConfigWatcher {
  private stamp = '';
  private config: EncryptionConfig | undefined;
  private cache = new Map<string, Transformer>();

  /** `kms`: the plugins kms providers reach (one set per process, so seeds outlive reloads). */
  constructor(readonly file: string, readonly kms: KmsPlugins = new KmsPlugins()) {}

  current(): EncryptionConfig | undefined {
    let stamp = 'absent';
    try {
      const st = fs.statSync(this.file);
      stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      /* absent: identity everywhere */
    }
    if (stamp !== this.stamp) {
      this.config = stamp === 'absent' ? undefined : loadEncryptionConfig(this.file);
      this.cache.clear();
      this.stamp = stamp;
    }
    return this.config;
  }

  transformer(groupResource: string): Transformer {
    const cfg = this.current();
    let t = this.cache.get(groupResource);
    if (!t) {
      t = transformerFor(cfg, groupResource, this.kms.resolve);
      this.cache.set(groupResource, t);
    }
    return t;
  }
}

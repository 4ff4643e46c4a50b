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
import type { Transformer } from './transformers.ts';

export const APISERVER_KEY = '/warden/config/apiserver';
export const STATE_KEY = '/warden/encryption/state';
export const ROTATE_KEY = '/warden/encryption/rotate';

export function encryptionConfigFile(stateDir: string): string {
  return path.join(stateDir, 'encryption', 'encryption-config.yaml');
}

export function parseEncryptionType(v: string): EncryptionType {
  if ((ENCRYPTION_TYPES as string[]).includes(v)) return v as EncryptionType;
  throw new UsageError(`unknown encryption type "${v}": use aescbc, aesgcm, secretbox or identity`);
}

export interface APIServerConfig {
  apiVersion: 'config.openshift.io/v1';
  kind: 'APIServer';
  metadata: { name: 'cluster' };
  spec: { encryption: { type: EncryptionType } };
}

export async function readDesiredType(client: EtcdClient): Promise<EncryptionType> {
  const kv = (await client.get(APISERVER_KEY)).kvs[0];
  if (!kv) return 'identity';
  const obj = JSON.parse(kv.value.toString('utf8')) as Partial<APIServerConfig>;
  return obj.spec?.encryption?.type ?? 'identity';
}

export async function writeDesiredType(client: EtcdClient, type: EncryptionType): Promise<void> {
  const obj: APIServerConfig = { apiVersion: 'config.openshift.io/v1', kind: 'APIServer', metadata: { name: 'cluster' }, spec: { encryption: { type } } };
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

  constructor(readonly file: string) {}

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
      t = transformerFor(cfg, groupResource);
      this.cache.set(groupResource, t);
    }
    return t;
  }
}

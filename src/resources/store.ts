// The resource store: Kubernetes-style objects kept at the etcd key layout of the registry,
// with every value passing through the encryption transformers (as kube-apiserver does).
// metadata.resourceVersion is the etcd mod revision; an update with a stale one fails (409).
import crypto from 'node:crypto';
import { WardenError } from '../errors.ts';
import type { EtcdClient } from '../etcd/client.ts';
import { compare, op } from '../etcd/txn.ts';
import type { Transformer } from '../encryption/transformers.ts';
import { TransformError } from '../encryption/transformers.ts';
import { DEFAULT_PREFIXES, groupResource, objectKey, typePrefix, type KeyPrefixes, type ResourceType } from './registry.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  [k: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

/** An API error with its HTTP status and Kubernetes reason. */
export class ApiError extends WardenError {
  constructor(
    readonly status: number,
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'BadRequest' | 'InternalError',
    message: string,
  ) {
    super(message);
  }
}

/** The transformer for a group resource ("secrets", "routes.route.openshift.io"). */
export type TransformerSource = (groupResource: string) => Transformer;

export class ResourceStore {
  constructor(
    private readonly client: EtcdClient,
    private readonly transformerFor: TransformerSource,
    private readonly prefixes: KeyPrefixes = DEFAULT_PREFIXES,
  ) {}

  private decode(t: ResourceType, key: Buffer, value: Buffer, modRevision: number): KubeObject {
    let plain: Buffer;
    try {
      plain = this.transformerFor(groupResource(t)).fromStorage(value, key).data;
    } catch (err) {
      if (err instanceof TransformError) throw new ApiError(500, 'InternalError', `unable to transform key "${key.toString()}": ${err.message}`);
      throw err;
    }
    let obj: KubeObject;
    try {
      obj = JSON.parse(plain.toString('utf8')) as KubeObject;
    } catch {
      throw new ApiError(500, 'InternalError', `object at "${key.toString()}" is not JSON (written by another API server?)`);
    }
    obj.metadata = { ...obj.metadata, resourceVersion: String(modRevision) };
    return obj;
  }

  private encode(t: ResourceType, key: string, obj: KubeObject): Buffer {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    const stored = { apiVersion: obj.apiVersion ?? apiVersionOf(t), kind: obj.kind ?? t.kind, ...obj, metadata };
    return this.transformerFor(groupResource(t)).toStorage(Buffer.from(JSON.stringify(stored)), Buffer.from(key));
  }

  private keyOf(t: ResourceType, namespace: string | undefined, name: string): string {
    validateName(name, 'name');
    if (t.namespaced) {
      if (!namespace) throw new ApiError(400, 'BadRequest', `${groupResource(t)} is namespaced: give a namespace (-n NAMESPACE)`);
      validateName(namespace, 'namespace');
    }
    return objectKey(t, t.namespaced ? namespace : undefined, name, this.prefixes);
  }

  async get(t: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> {
    const key = this.keyOf(t, namespace, name);
    const res = await this.client.get(key);
    const kv = res.kvs[0];
    if (!kv) throw notFound(t, namespace, name);
    return this.decode(t, kv.key, kv.value, kv.modRevision);
  }

  /** Every object of a type, in one namespace or (namespace undefined) all of them. */
  async list(t: ResourceType, namespace?: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const prefix = t.namespaced && namespace ? `${typePrefix(t, this.prefixes)}${namespace}/` : typePrefix(t, this.prefixes);
    const res = await this.client.get(prefix, { prefix: true });
    return { items: res.kvs.map((kv) => this.decode(t, kv.key, kv.value, kv.modRevision)), resourceVersion: String(res.header.revision) };
  }

  async create(t: ResourceType, obj: KubeObject): Promise<KubeObject> {
    const name = obj.metadata?.name;
    if (!name) throw new ApiError(400, 'BadRequest', 'metadata.name is required');
    const namespace = t.namespaced ? obj.metadata.namespace : undefined;
    const key = this.keyOf(t, namespace, name);
    const full: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}), uid: obj.metadata.uid ?? crypto.randomUUID(), creationTimestamp: obj.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    };
    const res = await this.client.txn({
      compare: [compare.createRevision(key, '=', 0)],
      success: [op.put(key, this.encode(t, key, full))],
    });
    if (!res.succeeded) throw new ApiError(409, 'AlreadyExists', `${groupResource(t)} "${name}" already exists`);
    return { ...full, metadata: { ...full.metadata, resourceVersion: String(res.header.revision) } };
  }

  /** Replaces an object; with metadata.resourceVersion set, only if it is still current. */
  async update(t: ResourceType, obj: KubeObject): Promise<KubeObject> {
    const name = obj.metadata?.name;
    if (!name) throw new ApiError(400, 'BadRequest', 'metadata.name is required');
    const namespace = t.namespaced ? obj.metadata.namespace : undefined;
    const key = this.keyOf(t, namespace, name);
    const current = await this.client.get(key);
    const kv = current.kvs[0];
    if (!kv) throw notFound(t, namespace, name);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== String(kv.modRevision)) throw conflict(t, name);
    const prev = this.decode(t, kv.key, kv.value, kv.modRevision);
    const full: KubeObject = { ...obj, metadata: { ...obj.metadata, uid: prev.metadata.uid, creationTimestamp: prev.metadata.creationTimestamp } };
    const res = await this.client.txn({
      compare: [compare.modRevision(key, '=', kv.modRevision)],
      success: [op.put(key, this.encode(t, key, full))],
    });
    if (!res.succeeded) throw conflict(t, name);
    return { ...full, metadata: { ...full.metadata, resourceVersion: String(res.header.revision) } };
  }

  async delete(t: ResourceType, namespace: string | undefined, name: string): Promise<void> {
    const key = this.keyOf(t, namespace, name);
    const n = await this.client.delete(key);
    if (n === 0) throw notFound(t, namespace, name);
  }
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

function notFound(t: ResourceType, namespace: string | undefined, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${groupResource(t)} "${name}" not found${t.namespaced && namespace ? ` in namespace "${namespace}"` : ''}`);
}

function conflict(t: ResourceType, name: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${groupResource(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
}

/** DNS-1123-ish names: lower-case alphanumerics, '-' and '.', as Kubernetes requires. */
function validateName(v: string, what: string): void {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(v)) {
    throw new ApiError(400, 'BadRequest', `invalid ${what} "${v}": use lower-case letters, digits, '-' and '.'`);
  }
}

// The resource store: Kubernetes-style objects kept at the etcd key layout of the registry,
// with every value passing through the encryption transformers (as kube-apiserver does).
// metadata.resourceVersion is the etcd mod revision; an update with a stale one fails (409).
// Names and contents are validated with the registry's rules (422 Invalid) before anything is
// written; custom kinds exist only when a CustomResourceDefinition registers them.
import crypto from 'node:crypto';
import { WardenError } from '../errors.ts';
import type { EtcdClient } from '../etcd/client.ts';
import { compare, op } from '../etcd/txn.ts';
import type { Transformer } from '../encryption/transformers.ts';
import { readValue, TransformError, writeValue } from '../encryption/transformers.ts';
import {
  CRD_TYPE, DEFAULT_PREFIXES, KNOWN_TYPES, groupResource, invalidName, invalidNamespace, objectKey, objectProblem, pathSegmentProblem, typeFromCrd, typePrefix,
  type KeyPrefixes, type ResourceType,
} from './registry.ts';

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
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'BadRequest' | 'Invalid' | 'InternalError',
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

  private async decode(t: ResourceType, key: Buffer, value: Buffer, modRevision: number): Promise<KubeObject> {
    let plain: Buffer;
    try {
      plain = (await readValue(this.transformerFor(groupResource(t)), value, key)).data;
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

  private async encode(t: ResourceType, key: string, obj: KubeObject): Promise<Buffer> {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    const stored = { apiVersion: obj.apiVersion ?? apiVersionOf(t), kind: obj.kind ?? t.kind, ...obj, metadata };
    try {
      return await writeValue(this.transformerFor(groupResource(t)), Buffer.from(JSON.stringify(stored)), Buffer.from(key));
    } catch (err) {
      // A write that cannot be encrypted fails: it is never stored in plaintext instead.
      if (err instanceof TransformError) throw new ApiError(500, 'InternalError', `unable to transform key "${key}": ${err.message}`);
      throw err;
    }
  }

  /** The key of an object; names only need to be safe as a key segment (as the API server's key functions check). */
  private keyOf(t: ResourceType, namespace: string | undefined, name: string): string {
    const bad = pathSegmentProblem(name) ?? (name ? undefined : 'a name is required');
    if (bad) throw new ApiError(400, 'BadRequest', `invalid name "${name}": ${bad}: give the object's name`);
    if (t.namespaced) {
      if (!namespace) throw new ApiError(400, 'BadRequest', `${groupResource(t)} is namespaced: give a namespace (-n NAMESPACE)`);
      const badNs = pathSegmentProblem(namespace);
      if (badNs) throw new ApiError(400, 'BadRequest', `invalid namespace "${namespace}": ${badNs}: give the namespace's name`);
    }
    return objectKey(t, t.namespaced ? namespace : undefined, name, this.prefixes);
  }

  /** The key of an object about to be written, after the checks its API server makes (422 Invalid). */
  private validKeyOf(t: ResourceType, obj: KubeObject): string {
    const problem = validationProblem(t, obj);
    if (problem) throw new ApiError(422, 'Invalid', problem);
    return this.keyOf(t, t.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
  }

  /** The types CustomResourceDefinitions in etcd register (values another API server stored in protobuf are skipped). */
  async registeredTypes(): Promise<ResourceType[]> {
    const res = await this.client.get(typePrefix(CRD_TYPE, this.prefixes), { prefix: true });
    const types: ResourceType[] = [];
    for (const kv of res.kvs) {
      let crd: KubeObject;
      try {
        crd = await this.decode(CRD_TYPE, kv.key, kv.value, kv.modRevision);
      } catch {
        continue;
      }
      const t = typeFromCrd(crd);
      if (t) types.push(t);
    }
    return types;
  }

  /** The type served at a REST path (`resource` in `group`/`version`; any version when undefined), known or registered, or undefined. */
  async typeForResource(group: string, version: string | undefined, resource: string): Promise<ResourceType | undefined> {
    const served = (t: ResourceType): boolean => t.resource === resource && t.group === group && (version === undefined || (t.versions ?? [t.version]).includes(version));
    const known = KNOWN_TYPES.find(served);
    if (known) return known;
    if (!group) return undefined;
    return (await this.registeredTypes()).find(served);
  }

  async get(t: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> {
    const key = this.keyOf(t, namespace, name);
    const res = await this.client.get(key);
    const kv = res.kvs[0];
    if (!kv) throw notFound(t, namespace, name);
    return await this.decode(t, kv.key, kv.value, kv.modRevision);
  }

  /** Every object of a type, in one namespace or (namespace undefined) all of them. */
  async list(t: ResourceType, namespace?: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const prefix = t.namespaced && namespace ? `${typePrefix(t, this.prefixes)}${namespace}/` : typePrefix(t, this.prefixes);
    const res = await this.client.get(prefix, { prefix: true });
    return { items: await Promise.all(res.kvs.map((kv) => this.decode(t, kv.key, kv.value, kv.modRevision))), resourceVersion: String(res.header.revision) };
  }

  async create(t: ResourceType, obj: KubeObject): Promise<KubeObject> {
    const key = this.validKeyOf(t, obj);
    const name = obj.metadata.name;
    const namespace = t.namespaced ? obj.metadata.namespace : undefined;
    const full: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}), uid: obj.metadata.uid ?? crypto.randomUUID(), creationTimestamp: obj.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    };
    const res = await this.client.txn({
      compare: [compare.createRevision(key, '=', 0)],
      success: [op.put(key, await this.encode(t, key, full))],
    });
    if (!res.succeeded) throw new ApiError(409, 'AlreadyExists', `${groupResource(t)} "${name}" already exists`);
    return { ...full, metadata: { ...full.metadata, resourceVersion: String(res.header.revision) } };
  }

  /** Replaces an object; with metadata.resourceVersion set, only if it is still current. */
  async update(t: ResourceType, obj: KubeObject): Promise<KubeObject> {
    const key = this.validKeyOf(t, obj);
    const name = obj.metadata.name;
    const namespace = t.namespaced ? obj.metadata.namespace : undefined;
    const current = await this.client.get(key);
    const kv = current.kvs[0];
    if (!kv) throw notFound(t, namespace, name);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== String(kv.modRevision)) throw conflict(t, name);
    const prev = await this.decode(t, kv.key, kv.value, kv.modRevision);
    const full: KubeObject = { ...obj, metadata: { ...obj.metadata, uid: prev.metadata.uid, creationTimestamp: prev.metadata.creationTimestamp } };
    const res = await this.client.txn({
      compare: [compare.modRevision(key, '=', kv.modRevision)],
      success: [op.put(key, await this.encode(t, key, full))],
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

/**
 * What the API server of `t` would refuse in `obj` (its name, its namespace, the content warden
 * checks), as one line, or undefined. Pure: apply checks every object with it before writing any.
 */
export function validationProblem(t: ResourceType, obj: KubeObject): string | undefined {
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || !name) return `metadata.name is required: give every object a name`;
  const badName = invalidName(t, name);
  if (badName) return badName;
  if (t.namespaced) {
    const ns = obj.metadata.namespace;
    if (typeof ns !== 'string' || !ns) return `${groupResource(t)} is namespaced: give a namespace (metadata.namespace or -n NAMESPACE)`;
    const badNs = invalidNamespace(ns);
    if (badNs) return badNs;
  }
  const problem = objectProblem(t, obj);
  return problem && `${t.kind.toLowerCase()}/${name}: ${problem}`;
}

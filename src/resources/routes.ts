// Kubernetes-style REST routes over the resource store:
//   /api/v1/namespaces/{ns}/{resource}[/{name}]                core, namespaced
//   /api/v1/{resource}[/{name}]                                core, cluster-scoped (or list all)
//   /apis/{group}/{version}/namespaces/{ns}/{resource}[/{name}]
//   /apis/{group}/{version}/{resource}[/{name}]
// GET (get/list), POST (create), PUT (update, 409 on a stale resourceVersion), DELETE.
// Only the known types and those a CustomResourceDefinition registers are served (404 else), and
// names and contents are validated as apply validates them (422 Invalid). Who may call which is
// the guard's (src/operator/guard.ts); here, a caller below admin gets only the metadata of
// objects whose data is secret (Secrets and every other encrypted resource).
import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { metadataOnly, roleAtLeast } from '../auth/roles.ts';
import { EtcdError } from '../etcd/errors.ts';
import type { ApiContext as Context, ApiEnv } from '../operator/guard.ts';
import { groupResource, type ResourceType } from './registry.ts';
import { ApiError, apiVersionOf, type KubeObject, type ResourceStore } from './store.ts';

/**
 * etcd refuses a request over its --max-request-bytes (1.5 MiB by default) with INVALID_ARGUMENT,
 * and its gRPC server one over that plus 512 KiB with RESOURCE_EXHAUSTED.
 */
function tooLargeForEtcd(err: unknown): boolean {
  if (!(err instanceof EtcdError)) return false;
  return (err.grpcCode === 3 && /request is too large/.test(err.details ?? '')) || (err.grpcCode === 8 && /received message larger than max/.test(err.details ?? ''));
}

function status(c: Context, err: unknown) {
  if (err instanceof ApiError) {
    return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: err.reason, code: err.status }, err.status as ContentfulStatusCode);
  }
  if (tooLargeForEtcd(err)) {
    return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the object is too large for etcd (its --max-request-bytes, 1.5 MiB by default): store less in one object', reason: 'RequestEntityTooLarge', code: 413 }, 413);
  }
  return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: (err as Error).message, reason: 'InternalError', code: 500 }, 500);
}

async function typeFor(store: ResourceStore, resource: string, group: string, version: string, namespaced: boolean): Promise<ResourceType> {
  const t = await store.typeForResource(group, version, resource);
  const path = `${group ? `${group}/` : ''}${version}, resource "${resource}"`;
  if (!t) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path}): serve a custom resource by creating its CustomResourceDefinition`);
  // A namespaced type on the cluster path lists every namespace (the store asks for a namespace elsewhere).
  if (namespaced && !t.namespaced) throw new ApiError(404, 'NotFound', `${groupResource(t)} is cluster-scoped: use the path without /namespaces/{namespace}/`);
  return t;
}

async function body(c: Context): Promise<KubeObject> {
  let obj: unknown;
  try {
    obj = await c.req.json();
  } catch {
    throw new ApiError(400, 'BadRequest', 'the request body is not valid JSON');
  }
  if (typeof obj !== 'object' || obj === null || typeof (obj as KubeObject).metadata !== 'object') {
    throw new ApiError(400, 'BadRequest', 'the object needs metadata.name');
  }
  return obj as KubeObject;
}

/**
 * The resource routes on `app`. `sensitive(groupResource)` says whether a type's data is secret
 * (encrypted resources): callers below admin then get each object's metadata only.
 */
export function registerResourceRoutes(app: Hono<ApiEnv>, store: ResourceStore, sensitive: (groupResource: string) => boolean): void {
  /** What the caller may see of objects of this type. */
  const view = (c: Context, type: ResourceType): ((o: KubeObject) => KubeObject) =>
    roleAtLeast(c.get('caller')?.role, 'admin') || !sensitive(groupResource(type)) ? (o) => o : metadataOnly;
  const handlers = (t: (c: Context) => Promise<ResourceType>, ns: (c: Context) => string | undefined) => ({
    list: async (c: Context) => {
      try {
        const type = await t(c);
        const { items, resourceVersion } = await store.list(type, ns(c));
        return c.json({ kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion }, items: items.map(view(c, type)) });
      } catch (err) {
        return status(c, err);
      }
    },
    create: async (c: Context) => {
      try {
        const type = await t(c);
        const obj = await body(c);
        const namespace = ns(c);
        if (namespace && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
          throw new ApiError(400, 'BadRequest', `the namespace of the object (${obj.metadata.namespace}) does not match the namespace on the request (${namespace})`);
        }
        return c.json(await store.create(type, { ...obj, metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}) } }), 201);
      } catch (err) {
        return status(c, err);
      }
    },
    get: async (c: Context) => {
      try {
        const type = await t(c);
        return c.json(view(c, type)(await store.get(type, ns(c), c.req.param('name') as string)));
      } catch (err) {
        return status(c, err);
      }
    },
    update: async (c: Context) => {
      try {
        const obj = await body(c);
        const name = c.req.param('name') as string;
        if (obj.metadata.name && obj.metadata.name !== name) throw new ApiError(400, 'BadRequest', `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
        const namespace = ns(c);
        return c.json(await store.update(await t(c), { ...obj, metadata: { ...obj.metadata, name, ...(namespace ? { namespace } : {}) } }));
      } catch (err) {
        return status(c, err);
      }
    },
    remove: async (c: Context) => {
      try {
        await store.delete(await t(c), ns(c), c.req.param('name') as string);
        return c.json({ kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 });
      } catch (err) {
        return status(c, err);
      }
    },
  });
  const mount = (base: string, t: (c: Context) => Promise<ResourceType>, ns: (c: Context) => string | undefined) => {
    const h = handlers(t, ns);
    app.get(base, h.list);
    app.post(base, h.create);
    app.get(`${base}/:name`, h.get);
    app.put(`${base}/:name`, h.update);
    app.delete(`${base}/:name`, h.remove);
  };
  const p = (c: Context, k: string) => c.req.param(k) as string;
  mount('/api/v1/namespaces/:ns/:resource', (c) => typeFor(store, p(c, 'resource'), '', 'v1', true), (c) => p(c, 'ns'));
  mount('/apis/:group/:version/namespaces/:ns/:resource', (c) => typeFor(store, p(c, 'resource'), p(c, 'group'), p(c, 'version'), true), (c) => p(c, 'ns'));
  mount('/api/v1/:resource', (c) => typeFor(store, p(c, 'resource'), '', 'v1', false), () => undefined);
  mount('/apis/:group/:version/:resource', (c) => typeFor(store, p(c, 'resource'), p(c, 'group'), p(c, 'version'), false), () => undefined);
}

// `warden apply|get|delete`: Kubernetes-style objects in etcd, through the same encryption
// transformers the operator's resource API uses (the state dir's EncryptionConfiguration).
import fs from 'node:fs';
import type { Command } from 'commander';
import type * as YamlLib from 'yaml';
import { lazyRequire } from '../../util/lazy.ts';

const YAML = lazyRequire<typeof YamlLib>('yaml');
import { UsageError, WardenError } from '../../errors.ts';
import { ConfigWatcher, encryptionConfigFile } from '../../encryption/store.ts';
import { CRD_TYPE, lookupType, resolveKind, resourceType, typeFromCrd, type ResourceType } from '../../resources/registry.ts';
import { keyRoots } from '../../resources/key-roots.ts';
import { ApiError, ResourceStore, validationProblem, type KubeObject } from '../../resources/store.ts';
import type { Context } from '../context.ts';
import { renderTable } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

const SHORT: Record<string, string> = { cm: 'configmaps', secret: 'secrets', configmap: 'configmaps', route: 'routes', crd: 'customresourcedefinitions', crds: 'customresourcedefinitions' };

/** A resource type from what a user types: "secrets", "secret", "cm", "routes.route.openshift.io", "foos.example.com". */
export function typeFromArg(arg: string): ResourceType | undefined {
  const a = arg.toLowerCase();
  const known = lookupType(SHORT[a] ?? a);
  if (known) return known;
  const dot = a.indexOf('.');
  if (dot > 0) return resourceType(a.slice(0, dot), a.slice(dot + 1));
  return undefined;
}

/** True when `arg` names a known resource type (not just something with a dot in it). */
export function lookupTypeArg(arg: string): boolean {
  const a = arg.toLowerCase();
  return !!lookupType(SHORT[a] ?? a);
}

/**
 * The type an explicit `resource.group` names, as a CustomResourceDefinition registers it (its
 * scope, kind and storage version) when one does, else Kubernetes' default layout for it.
 */
async function explicitType(store: ResourceStore, type: ResourceType): Promise<ResourceType> {
  if (lookupType(type.group ? `${type.resource}.${type.group}` : type.resource)) return type;
  return (await store.typeForResource(type.group, undefined, type.resource)) ?? type;
}

/** The store over --prefix, else the key roots the operator recorded, else the defaults. */
export async function resourceStore(c: Context, client: ReturnType<Context['client']>, prefix?: string): Promise<ResourceStore> {
  const watcher = new ConfigWatcher(encryptionConfigFile(c.layout.root));
  return new ResourceStore(client, (gr) => watcher.transformer(gr), await keyRoots(client, prefix));
}

function apiFail(err: unknown): never {
  if (err instanceof ApiError) throw new WardenError(`${err.message} (${err.reason})`);
  throw err;
}

function age(ts: unknown): string {
  if (typeof ts !== 'string') return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export interface ResourceGetFlags {
  namespace?: string;
  allNamespaces?: boolean;
  output?: string;
  prefix?: string;
}

/** `warden get RESOURCE [NAME]`, kubectl style. */
export async function resourceGet(c: Context, requested: ResourceType, name: string | undefined, flags: ResourceGetFlags): Promise<void> {
  let type = requested;
  const output = flags.output ?? 'table';
  if (!['table', 'json', 'yaml', 'name'].includes(output)) throw new UsageError(`unknown -o/--output "${output}": use json, yaml or name`);
  const namespace = type.namespaced ? (flags.allNamespaces ? undefined : flags.namespace ?? 'default') : undefined;
  await c.withClient(async (client) => {
    const store = await resourceStore(c, client, flags.prefix);
    type = await explicitType(store, type);
    const items = name ? [await store.get(type, namespace, name).catch(apiFail)] : (await store.list(type, namespace).catch(apiFail)).items;
    const value = name ? items[0] : { apiVersion: 'v1', kind: 'List', items };
    if (output === 'json') c.print(JSON.stringify(value, null, 2));
    else if (output === 'yaml') c.print(YAML().stringify(value).trimEnd());
    else if (output === 'name') c.print(items.map((o) => `${type.kind.toLowerCase()}/${o.metadata.name}`).join('\n'));
    else if (items.length === 0) c.io.err(`No resources found${namespace ? ` in ${namespace} namespace` : ''}.`);
    else {
      const all = type.namespaced && !namespace;
      c.print(renderTable([...(all ? ['namespace'] : []), 'name', 'resource version', 'age'], items.map((o) => [
        ...(all ? [String(o.metadata.namespace ?? '')] : []), o.metadata.name, String(o.metadata.resourceVersion), age(o.metadata.creationTimestamp),
      ])));
    }
  });
}

/** The objects in a file: YAML documents (or JSON), a kind: List's items; one line for anything else. */
function readDocuments(file: string): KubeObject[] {
  const label = file === '-' ? 'stdin' : file;
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new WardenError(`cannot read -f ${file} (${(err as NodeJS.ErrnoException).code}): check the path`);
  }
  let docs: unknown[];
  try {
    docs = YAML().parseAllDocuments(text).map((d) => {
      if (d.errors.length) throw new Error(d.errors[0]?.message.split('\n')[0]);
      return d.toJS() as unknown;
    });
  } catch (err) {
    throw new UsageError(`${label} is not valid YAML or JSON (${(err as Error).message}): fix the file`);
  }
  const what = (v: unknown): string => (Array.isArray(v) ? 'a YAML list' : `a ${typeof v}`);
  const objs: KubeObject[] = [];
  docs.forEach((d, i) => {
    if (d == null) return; // an empty document, e.g. after a trailing ---
    if (typeof d !== 'object' || Array.isArray(d)) {
      throw new UsageError(`${label}: document ${i + 1} is ${what(d)}, not an object: give one object per document (separated by ---), or a kind: List with items`);
    }
    if ((d as { kind?: unknown }).kind === 'List') {
      const items = (d as { items?: unknown }).items ?? [];
      if (!Array.isArray(items)) throw new UsageError(`${label}: the items of the List in document ${i + 1} are not a list: write items: [objects]`);
      items.forEach((item, j) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new UsageError(`${label}: item ${j + 1} of the List in document ${i + 1} is ${what(item)}, not an object: give objects as items`);
        objs.push(item as KubeObject);
      });
    } else objs.push(d as KubeObject);
  });
  if (objs.length === 0) throw new UsageError(`no objects passed to apply: ${label} holds none: give at least one object (YAML documents separated by ---, JSON, or a kind: List)`);
  objs.forEach((o, i) => {
    const m = o.metadata as unknown;
    const where = `${label}: object ${i + 1}${typeof o.kind === 'string' ? ` (${o.kind})` : ''}`;
    if (typeof m !== 'object' || m === null || typeof (m as { name?: unknown }).name !== 'string') throw new UsageError(`${where} has no metadata.name: give every object a name`);
    if (typeof o.apiVersion !== 'string' || !o.apiVersion) throw new UsageError(`${where} has no apiVersion: add one (e.g. apiVersion: v1)`);
    if (typeof o.kind !== 'string' || !o.kind) throw new UsageError(`${where} has no kind: add one (e.g. kind: Secret)`);
  });
  return objs;
}

/**
 * Each object's type and final form (namespace filled in), every one checked as its API server
 * would before anything is written: a bad object anywhere in the file changes nothing.
 */
async function prepare(store: ResourceStore, objs: KubeObject[], namespace: string): Promise<{ type: ResourceType; obj: KubeObject }[]> {
  const pending = objs.filter((o) => o.kind === CRD_TYPE.kind).map((o) => typeFromCrd(o)).filter((t): t is ResourceType => !!t);
  let registered: ResourceType[] | undefined;
  const out: { type: ResourceType; obj: KubeObject }[] = [];
  for (const obj of objs) {
    const apiVersion = obj.apiVersion as string;
    const kind = obj.kind as string;
    let r = resolveKind(apiVersion, kind, pending);
    if ('error' in r) {
      registered ??= await store.registeredTypes().catch(apiFail);
      r = resolveKind(apiVersion, kind, [...pending, ...registered]);
    }
    if ('error' in r) throw new WardenError(r.error);
    const type = r.type;
    const ns = type.namespaced ? obj.metadata.namespace ?? namespace : undefined;
    const o: KubeObject = { ...obj, metadata: { ...obj.metadata, ...(ns ? { namespace: ns } : {}) } };
    const problem = validationProblem(type, o);
    if (problem) throw new WardenError(problem);
    out.push({ type, obj: o });
  }
  return out;
}

export function registerResources(program: Command, ctx: Ctx): void {
  program
    .command('apply')
    .description('create or update Kubernetes-style objects from a YAML/JSON file (values are encrypted as configured)')
    .requiredOption('-f, --filename <file>', 'file with one or more objects (multi-document YAML, JSON, or a List); - for stdin')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('--prefix <root>', 'etcd key root of the resources, e.g. /registry (default: the one the operator recorded, else /kubernetes.io and /openshift.io)')
    .addHelpText('after', [
      '',
      'Every object is checked as its API server checks it before any is written: names (DNS',
      'subdomains; OAuth token names sha256~<base64url>, 32+ characters), namespaces (DNS labels),',
      'base64 Secret data. Kinds: Secret, ConfigMap, Route, OAuthAccessToken, OAuthAuthorizeToken,',
      'CustomResourceDefinition, and the kinds applied CustomResourceDefinitions register.',
      '',
      'Examples:',
      '  warden apply -f secrets.yaml',
      '  warden apply -f widget-crd.yaml && warden apply -f widget.yaml',
    ].join('\n'))
    .action(async (opts: { filename: string; namespace: string; prefix?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const objs = readDocuments(opts.filename);
      await c.withClient(async (client) => {
        const store = await resourceStore(c, client, opts.prefix);
        for (const { type, obj: o } of await prepare(store, objs, opts.namespace)) {
          const ns = o.metadata.namespace;
          const label = `${type.kind.toLowerCase()}/${o.metadata.name}`;
          try {
            const existing = await store.get(type, ns, o.metadata.name);
            const { resourceVersion: _rv, ...meta } = o.metadata;
            const same = JSON.stringify(strip(existing)) === JSON.stringify(strip({ ...o, metadata: { ...existing.metadata, ...meta } }));
            if (same) {
              c.print(`${label} unchanged`);
              continue;
            }
            await store.update(type, { ...o, metadata: { ...meta, resourceVersion: existing.metadata.resourceVersion as string } });
            c.print(`${label} configured`);
          } catch (err) {
            if (err instanceof ApiError && err.reason === 'NotFound') {
              await store.create(type, o).catch(apiFail);
              c.print(`${label} created`);
            } else apiFail(err);
          }
        }
      });
    });

  program
    .command('delete <resource> <name>')
    .description('delete one object')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--prefix <root>', 'etcd key root of the resources, e.g. /registry (default: the one the operator recorded, else /kubernetes.io and /openshift.io)')
    .addHelpText('after', '\nExample:\n  warden delete secret db-password -n prod')
    .action(async (resource: string, name: string, opts: { namespace: string; prefix?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const requested = typeFromArg(resource);
      if (!requested) throw new UsageError(`unknown resource type "${resource}": use e.g. secrets, configmaps, routes, or resource.group`);
      await c.withClient(async (client) => {
        const store = await resourceStore(c, client, opts.prefix);
        const type = await explicitType(store, requested);
        await store.delete(type, type.namespaced ? opts.namespace : undefined, name).catch(apiFail);
        c.print(`${type.kind.toLowerCase()} "${name}" deleted`);
      });
    });
}

function strip(o: KubeObject): unknown {
  const { resourceVersion: _r, uid: _u, creationTimestamp: _c, ...meta } = o.metadata;
  return { ...o, apiVersion: undefined, kind: undefined, metadata: meta };
}


// `warden apply|get|delete`: Kubernetes-style objects in etcd, through the same encryption
// transformers the operator's resource API uses (the state dir's EncryptionConfiguration).
import fs from 'node:fs';
import type { Command } from 'commander';
import type * as YamlLib from 'yaml';
import { lazyRequire } from '../../util/lazy.ts';

const YAML = lazyRequire<typeof YamlLib>('yaml');
import { UsageError, WardenError } from '../../errors.ts';
import { ConfigWatcher, encryptionConfigFile } from '../../encryption/store.ts';
import { DEFAULT_PREFIXES, KNOWN_TYPES, lookupType, resourceType, singlePrefix, type ResourceType } from '../../resources/registry.ts';
import { ApiError, ResourceStore, type KubeObject } from '../../resources/store.ts';
import type { Context } from '../context.ts';
import { renderTable } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

const SHORT: Record<string, string> = { cm: 'configmaps', secret: 'secrets', configmap: 'configmaps', route: 'routes' };

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

/** A type from an object's apiVersion and kind (apply). */
function typeFromObject(obj: KubeObject): ResourceType {
  const kind = obj.kind;
  if (typeof kind !== 'string' || !kind) throw new UsageError(`object ${obj.metadata?.name ?? '(no name)'} has no kind`);
  const group = typeof obj.apiVersion === 'string' && obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] as string : '';
  const known = KNOWN_TYPES.find((t) => t.kind === kind && t.group === group);
  if (known) return known;
  const version = typeof obj.apiVersion === 'string' ? (obj.apiVersion.split('/').pop() as string) : 'v1';
  return { ...resourceType(`${kind.toLowerCase()}s`, group, { version }), kind };
}

export function resourceStore(c: Context, client: ReturnType<Context['client']>, prefix?: string): ResourceStore {
  const watcher = new ConfigWatcher(encryptionConfigFile(c.layout.root));
  return new ResourceStore(client, (gr) => watcher.transformer(gr), prefix ? singlePrefix(prefix) : DEFAULT_PREFIXES);
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
export async function resourceGet(c: Context, type: ResourceType, name: string | undefined, flags: ResourceGetFlags): Promise<void> {
  const output = flags.output ?? 'table';
  if (!['table', 'json', 'yaml', 'name'].includes(output)) throw new UsageError(`unknown -o/--output "${output}": use json, yaml or name`);
  const namespace = type.namespaced ? (flags.allNamespaces ? undefined : flags.namespace ?? 'default') : undefined;
  await c.withClient(async (client) => {
    const store = resourceStore(c, client, flags.prefix);
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

function readDocuments(file: string): KubeObject[] {
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
    throw new UsageError(`${file} is not valid YAML or JSON (${(err as Error).message}): fix the file`);
  }
  const objs = docs.flatMap((d) => (d && typeof d === 'object' && (d as { kind?: string }).kind === 'List' ? ((d as { items?: unknown[] }).items ?? []) : d == null ? [] : [d]));
  for (const o of objs) {
    const m = (o as KubeObject).metadata;
    if (typeof o !== 'object' || !m || typeof m.name !== 'string') throw new UsageError(`${file}: every object needs metadata.name`);
  }
  return objs as KubeObject[];
}

export function registerResources(program: Command, ctx: Ctx): void {
  program
    .command('apply')
    .description('create or update Kubernetes-style objects from a YAML/JSON file (values are encrypted as configured)')
    .requiredOption('-f, --filename <file>', 'file with one or more objects (multi-document YAML, JSON, or a List); - for stdin')
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('--prefix <root>', 'etcd key root instead of /kubernetes.io and /openshift.io')
    .addHelpText('after', '\nExample:\n  warden apply -f secrets.yaml')
    .action(async (opts: { filename: string; namespace: string; prefix?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const objs = readDocuments(opts.filename);
      await c.withClient(async (client) => {
        const store = resourceStore(c, client, opts.prefix);
        for (const obj of objs) {
          const type = typeFromObject(obj);
          const ns = type.namespaced ? obj.metadata.namespace ?? opts.namespace : undefined;
          const o: KubeObject = { ...obj, metadata: { ...obj.metadata, ...(ns ? { namespace: ns } : {}) } };
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
    .option('--prefix <root>', 'etcd key root instead of /kubernetes.io and /openshift.io')
    .addHelpText('after', '\nExample:\n  warden delete secret db-password -n prod')
    .action(async (resource: string, name: string, opts: { namespace: string; prefix?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const type = typeFromArg(resource);
      if (!type) throw new UsageError(`unknown resource type "${resource}": use e.g. secrets, configmaps, routes, or resource.group`);
      await c.withClient(async (client) => {
        await resourceStore(c, client, opts.prefix).delete(type, type.namespaced ? opts.namespace : undefined, name).catch(apiFail);
        c.print(`${type.kind.toLowerCase()} "${name}" deleted`);
      });
    });
}

function strip(o: KubeObject): unknown {
  const { resourceVersion: _r, uid: _u, creationTimestamp: _c, ...meta } = o.metadata;
  return { ...o, apiVersion: undefined, kind: undefined, metadata: meta };
}


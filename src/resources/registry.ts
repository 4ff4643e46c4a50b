// The resource registry: which resource types exist, where their objects live in etcd, and which
// ones are encrypted. The one place that knows the etcd key layout (SPEC §1):
//   /kubernetes.io/secrets/<ns>/<name>            /openshift.io/routes/<ns>/<name>
//   /kubernetes.io/configmaps/<ns>/<name>         /openshift.io/oauth/accesstokens/<name>
//                                                 /openshift.io/oauth/authorizetokens/<name>
// Other core resources go to /kubernetes.io/<resource>/..., other groups to
// /kubernetes.io/<group>/<resource>/... (as Kubernetes stores custom resources), openshift.io
// groups to /openshift.io/<resource>/.... Both roots are configurable (upstream uses /registry).

export interface KeyPrefixes {
  kube: string;
  openshift: string;
}

export const DEFAULT_PREFIXES: KeyPrefixes = { kube: '/kubernetes.io', openshift: '/openshift.io' };

/** Both roots under one prefix, e.g. `/registry` for an upstream Kubernetes keyspace. */
export function singlePrefix(prefix: string): KeyPrefixes {
  const p = prefix.replace(/\/+$/, '');
  return { kube: p, openshift: p };
}

export interface ResourceType {
  /** Plural name, e.g. "secrets". */
  resource: string;
  /** API group, "" for the core group. */
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  /** Path below the root, e.g. "secrets" or "oauth/accesstokens". */
  keyPath: string;
  root: keyof KeyPrefixes;
}

/** `resource` or `resource.group`, the form EncryptionConfiguration uses. */
export function groupResource(t: Pick<ResourceType, 'resource' | 'group'>): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

export const KNOWN_TYPES: ResourceType[] = [
  { resource: 'secrets', group: '', version: 'v1', kind: 'Secret', namespaced: true, keyPath: 'secrets', root: 'kube' },
  { resource: 'configmaps', group: '', version: 'v1', kind: 'ConfigMap', namespaced: true, keyPath: 'configmaps', root: 'kube' },
  { resource: 'routes', group: 'route.openshift.io', version: 'v1', kind: 'Route', namespaced: true, keyPath: 'routes', root: 'openshift' },
  { resource: 'oauthaccesstokens', group: 'oauth.openshift.io', version: 'v1', kind: 'OAuthAccessToken', namespaced: false, keyPath: 'oauth/accesstokens', root: 'openshift' },
  { resource: 'oauthauthorizetokens', group: 'oauth.openshift.io', version: 'v1', kind: 'OAuthAuthorizeToken', namespaced: false, keyPath: 'oauth/authorizetokens', root: 'openshift' },
];

/** The resources OpenShift encrypts (and warden's encryption controller migrates). */
export const ENCRYPTED_RESOURCES = [
  'secrets',
  'configmaps',
  'routes.route.openshift.io',
  'oauthaccesstokens.oauth.openshift.io',
  'oauthauthorizetokens.oauth.openshift.io',
];

/** A resource type for any group/resource; unknown ones get the default layout, namespaced. */
export function resourceType(resource: string, group = '', opts: { namespaced?: boolean; version?: string } = {}): ResourceType {
  const known = KNOWN_TYPES.find((t) => t.resource === resource && t.group === group);
  if (known) return known;
  const openshift = group.endsWith('openshift.io');
  return {
    resource,
    group,
    version: opts.version ?? 'v1',
    kind: resource,
    namespaced: opts.namespaced ?? true,
    keyPath: group && !openshift ? `${group}/${resource}` : resource,
    root: openshift ? 'openshift' : 'kube',
  };
}

/** A known type by "secrets", "routes", "routes.route.openshift.io", or its kind. */
export function lookupType(name: string): ResourceType | undefined {
  const n = name.toLowerCase();
  return KNOWN_TYPES.find((t) => t.resource === n || groupResource(t) === n || t.kind.toLowerCase() === n || `${t.kind.toLowerCase()}s` === n);
}

/** The etcd key prefix holding every object of a type (ends with "/"). */
export function typePrefix(t: ResourceType, prefixes: KeyPrefixes = DEFAULT_PREFIXES): string {
  return `${prefixes[t.root]}/${t.keyPath}/`;
}

/** The etcd key of one object. */
export function objectKey(t: ResourceType, namespace: string | undefined, name: string, prefixes: KeyPrefixes = DEFAULT_PREFIXES): string {
  if (t.namespaced && !namespace) throw new Error(`${groupResource(t)} is namespaced: a namespace is required`);
  return t.namespaced ? `${typePrefix(t, prefixes)}${namespace}/${name}` : `${typePrefix(t, prefixes)}${name}`;
}

/**
 * Which resource an etcd key belongs to, for scans of any keyspace (including a real
 * kube-apiserver's): a known type's prefix, else the first path segment after the root,
 * else undefined for keys outside both roots.
 */
export function resourceOfKey(key: string, prefixes: KeyPrefixes = DEFAULT_PREFIXES): string | undefined {
  for (const t of KNOWN_TYPES) {
    if (key.startsWith(typePrefix(t, prefixes))) return groupResource(t);
  }
  for (const root of [prefixes.kube, prefixes.openshift]) {
    if (!key.startsWith(`${root}/`)) continue;
    const rest = key.slice(root.length + 1).split('/');
    // /kubernetes.io/<group with dots>/<resource>/... for custom resources
    if (rest.length >= 3 && (rest[0] as string).includes('.')) return `${rest[1]}.${rest[0]}`;
    return rest[0] || undefined;
  }
  return undefined;
}

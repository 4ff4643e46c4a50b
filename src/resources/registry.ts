// The resource registry: which resource types exist, where their objects live in etcd, and which
// ones are encrypted. The one place that knows the etcd key layout (SPEC §1):
//   /kubernetes.io/secrets/<ns>/<name>            /openshift.io/routes/<ns>/<name>
//   /kubernetes.io/configmaps/<ns>/<name>         /openshift.io/oauth/accesstokens/<name>
//                                                 /openshift.io/oauth/authorizetokens/<name>
// Other core resources go to /kubernetes.io/<resource>/..., other groups to
// /kubernetes.io/<group>/<resource>/... (as Kubernetes stores custom resources), openshift.io
// groups to /openshift.io/<resource>/.... Both roots are configurable (upstream uses /registry).
// It also knows what each type's real API server accepts as a name (and the few object fields
// warden checks), so apply and the REST routes validate alike, and which custom kinds a
// CustomResourceDefinition registers.

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
  /** How the type's API server validates metadata.name (see nameProblem). */
  nameRule: NameRule;
  /** Versions served, for types a CustomResourceDefinition registers (any version otherwise). */
  versions?: string[];
}

/**
 * The name validators of the real API servers:
 * - `dns-subdomain`: apimachinery NameIsDNSSubdomain (secrets, configmaps, OpenShift routes,
 *   custom resources and CustomResourceDefinitions): RFC 1123 subdomain, at most 253 characters;
 * - `oauth-token`: openshift/oauth-apiserver ValidateTokenName (OAuth access and authorize
 *   tokens): a path segment name (not "." or "..", no "/" or "%") of at least 32 characters. The
 *   OAuth server names tokens `sha256~` + the unpadded base64url SHA-256 of the token (50
 *   characters); older, unprefixed names are still valid objects.
 */
export type NameRule = 'dns-subdomain' | 'oauth-token';

/** `resource` or `resource.group`, the form EncryptionConfiguration uses. */
export function groupResource(t: Pick<ResourceType, 'resource' | 'group'>): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

export const KNOWN_TYPES: ResourceType[] = [
  { resource: 'secrets', group: '', version: 'v1', kind: 'Secret', namespaced: true, keyPath: 'secrets', root: 'kube', nameRule: 'dns-subdomain' },
  { resource: 'configmaps', group: '', version: 'v1', kind: 'ConfigMap', namespaced: true, keyPath: 'configmaps', root: 'kube', nameRule: 'dns-subdomain' },
  { resource: 'routes', group: 'route.openshift.io', version: 'v1', kind: 'Route', namespaced: true, keyPath: 'routes', root: 'openshift', nameRule: 'dns-subdomain' },
  { resource: 'oauthaccesstokens', group: 'oauth.openshift.io', version: 'v1', kind: 'OAuthAccessToken', namespaced: false, keyPath: 'oauth/accesstokens', root: 'openshift', nameRule: 'oauth-token' },
  { resource: 'oauthauthorizetokens', group: 'oauth.openshift.io', version: 'v1', kind: 'OAuthAuthorizeToken', namespaced: false, keyPath: 'oauth/authorizetokens', root: 'openshift', nameRule: 'oauth-token' },
  { resource: 'customresourcedefinitions', group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', namespaced: false, keyPath: 'apiextensions.k8s.io/customresourcedefinitions', root: 'kube', nameRule: 'dns-subdomain' },
];

export const CRD_TYPE = KNOWN_TYPES.find((t) => t.kind === 'CustomResourceDefinition') as ResourceType;

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
    nameRule: 'dns-subdomain',
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
  const known = knownPrefixes(prefixes);
  for (const [prefix, resource] of known.types) {
    if (key.startsWith(prefix)) return resource;
  }
  for (const root of known.roots) {
    if (!key.startsWith(root)) continue;
    // /kubernetes.io/<group with dots>/<resource>/... for custom resources
    const first = key.indexOf('/', root.length);
    const head = first < 0 ? key.slice(root.length) : key.slice(root.length, first);
    if (first >= 0 && head.includes('.')) {
      const second = key.indexOf('/', first + 1);
      if (second >= 0) return `${key.slice(first + 1, second)}.${head}`;
    }
    return head || undefined;
  }
  return undefined;
}

/** Each prefix set's type prefixes and roots, made once: resourceOfKey runs per key of a snapshot. */
const prefixCache = new WeakMap<KeyPrefixes, { types: [string, string][]; roots: string[] }>();
function knownPrefixes(prefixes: KeyPrefixes): { types: [string, string][]; roots: string[] } {
  let known = prefixCache.get(prefixes);
  if (!known) {
    known = { types: KNOWN_TYPES.map((t) => [typePrefix(t, prefixes), groupResource(t)]), roots: [`${prefixes.kube}/`, `${prefixes.openshift}/`] };
    prefixCache.set(prefixes, known);
  }
  return known;
}

// ---- validation: what each type's real API server accepts ----

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_LABEL_RE = new RegExp(`^${DNS_LABEL}$`);
const DNS_SUBDOMAIN_RE = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);

/** openshift/oauth-apiserver's MinTokenLength. */
export const OAUTH_TOKEN_MIN_LENGTH = 32;

/** apimachinery IsDNS1123Subdomain's reasons, or undefined. */
export function dnsSubdomainProblem(v: string): string | undefined {
  const reasons: string[] = [];
  if (v.length > 253) reasons.push('must be no more than 253 characters');
  if (!DNS_SUBDOMAIN_RE.test(v)) reasons.push("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')");
  return reasons.length ? reasons.join(', ') : undefined;
}

/** apimachinery IsDNS1123Label's reasons (namespace names), or undefined. */
export function dnsLabelProblem(v: string): string | undefined {
  const reasons: string[] = [];
  if (v.length > 63) reasons.push('must be no more than 63 characters');
  if (!DNS_LABEL_RE.test(v)) reasons.push("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')");
  return reasons.length ? reasons.join(', ') : undefined;
}

/** apimachinery IsValidPathSegmentName's reasons (what any name in an etcd key must meet), or undefined. */
export function pathSegmentProblem(v: string): string | undefined {
  if (v === '.' || v === '..') return `may not be '${v}'`;
  const reasons = ['/', '%'].filter((c) => v.includes(c)).map((c) => `may not contain '${c}'`);
  return reasons.length ? reasons.join(', ') : undefined;
}

/** Why `name` is not a valid metadata.name for objects of `t`, as its API server says, or undefined. */
export function nameProblem(t: Pick<ResourceType, 'nameRule'>, name: string): string | undefined {
  if (!name) return 'a name is required';
  if (t.nameRule === 'oauth-token') {
    return pathSegmentProblem(name) ?? (name.length < OAUTH_TOKEN_MIN_LENGTH ? `must be at least ${OAUTH_TOKEN_MIN_LENGTH} characters long` : undefined);
  }
  return dnsSubdomainProblem(name);
}

const NAME_HINTS: Record<NameRule, string> = {
  'oauth-token': 'OAuth token names are sha256~ and the unpadded base64url SHA-256 of the token (50 characters), as the OAuth server makes them',
  'dns-subdomain': "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
};

/** The one-line error for an invalid name (what is wrong: what to do), or undefined when it is valid. */
export function invalidName(t: ResourceType, name: string): string | undefined {
  const problem = nameProblem(t, name);
  return problem && `invalid name "${name}" for ${groupResource(t)}: ${problem}: ${NAME_HINTS[t.nameRule]}`;
}

/** The one-line error for an invalid namespace name (a DNS label), or undefined. */
export function invalidNamespace(namespace: string): string | undefined {
  const problem = dnsLabelProblem(namespace);
  return problem && `invalid namespace "${namespace}": ${problem}: use lower-case letters, digits and '-', at most 63 characters`;
}

/**
 * Where Go's base64.StdEncoding (what the API server decodes Secret data with) fails on `s`:
 * the offset it reports as "illegal base64 data at input byte N", or undefined when it decodes.
 */
export function base64ErrorOffset(s: string): number | undefined {
  // The usual case, a well-formed value, in one pass of the regex engine.
  if (s.length % 4 === 0 && /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  const isB64 = (c: string): boolean => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '+' || c === '/';
  const newline = (c: string | undefined): boolean => c === '\n' || c === '\r';
  let si = 0;
  for (;;) {
    // One quantum of up to four characters, as Go's decodeQuantum reads it.
    for (let j = 0; j < 4; j++) {
      if (si === s.length) {
        if (j === 0) return undefined;
        return si - j;
      }
      const c = s[si++] as string;
      if (isB64(c)) continue;
      if (newline(c)) {
        j--;
        continue;
      }
      if (c !== '=') return si - 1;
      if (j === 0 || j === 1) return si - 1;
      if (j === 2) {
        while (si < s.length && newline(s[si])) si++;
        if (si === s.length) return s.length;
        if (s[si] !== '=') return si - 1;
        si++;
      }
      while (si < s.length && newline(s[si])) si++;
      return si < s.length ? si : undefined;
    }
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a map of base64 values (Secret data, ConfigMap binaryData). */
function base64MapProblem(field: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) return `${field} must be a map of keys to base64 values: write ${field}: {KEY: BASE64}`;
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') return `${field}.${k} must be a base64 string, not ${Array.isArray(value) ? 'a list' : typeof value}: quote the base64 value`;
    const at = base64ErrorOffset(value);
    if (at !== undefined) return `${field}.${k} is not base64 (illegal base64 data at input byte ${at}): encode the value with base64 (printf %s VALUE | base64)`;
  }
  return undefined;
}

/** Checks a map of plain string values (ConfigMap data, Secret stringData). */
function stringMapProblem(field: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) return `${field} must be a map of keys to strings: write ${field}: {KEY: VALUE}`;
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') return `${field}.${k} must be a string, not ${Array.isArray(value) ? 'a list' : typeof value}: quote the value`;
  }
  return undefined;
}

/**
 * What is wrong with an object's content for its type (the checks its API server makes that
 * warden can make too), as `field problem: what to do`, or undefined. Names are checked apart.
 */
export function objectProblem(t: ResourceType, obj: Obj): string | undefined {
  if (t.group === '' && t.kind === 'Secret') return base64MapProblem('data', obj.data) ?? stringMapProblem('stringData', obj.stringData);
  if (t.group === '' && t.kind === 'ConfigMap') return stringMapProblem('data', obj.data) ?? base64MapProblem('binaryData', obj.binaryData);
  if (t.group === CRD_TYPE.group && t.kind === CRD_TYPE.kind) return crdProblem(obj);
  return undefined;
}

/** The parts of a CustomResourceDefinition that give a type; undefined fields are missing. */
interface CrdSpec {
  group?: string;
  plural?: string;
  kind?: string;
  scope?: string;
  versions: string[];
  storage?: string;
}

function crdSpec(obj: Obj): CrdSpec {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const names = isObj(spec.names) ? spec.names : {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObj) : [];
  const group = str(spec.group);
  const plural = str(names.plural);
  const kind = str(names.kind);
  const scope = str(spec.scope);
  const storage = str(versions.find((v) => v.storage === true)?.name);
  return {
    ...(group ? { group } : {}), ...(plural ? { plural } : {}), ...(kind ? { kind } : {}), ...(scope ? { scope } : {}), ...(storage ? { storage } : {}),
    versions: versions.map((v) => str(v.name)).filter((v): v is string => !!v),
  };
}

/** The checks apiextensions makes that decide a CRD's type (name, group, names, scope, versions). */
export function crdProblem(obj: Obj): string | undefined {
  const s = crdSpec(obj);
  if (!s.group || !s.group.includes('.')) return 'spec.group must be a domain with at least one dot (e.g. example.com): set spec.group';
  if (!s.plural || dnsLabelProblem(s.plural)) return 'spec.names.plural must be a lower-case DNS label (e.g. widgets): set spec.names.plural';
  if (!s.kind) return 'spec.names.kind is required (e.g. Widget): set spec.names.kind';
  if (s.scope !== 'Namespaced' && s.scope !== 'Cluster') return 'spec.scope must be Namespaced or Cluster: set spec.scope';
  if (!s.versions.length) return 'spec.versions needs at least one version with a name (e.g. v1): add one';
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const want = `${s.plural}.${s.group}`;
  if (meta.name !== want) return `metadata.name must be spec.names.plural + "." + spec.group: name it ${want}`;
  if (KNOWN_TYPES.some((t) => t.group === s.group && (t.resource === s.plural || t.kind === s.kind))) return `${s.kind} (${want}) is a type warden already knows: leave it out`;
  return undefined;
}

/** The type a valid CustomResourceDefinition registers: Kubernetes' key layout for custom resources. */
export function typeFromCrd(obj: Obj): ResourceType | undefined {
  if (crdProblem(obj)) return undefined;
  const s = crdSpec(obj) as Required<Omit<CrdSpec, 'storage'>> & CrdSpec;
  const version = s.storage ?? (s.versions[0] as string);
  return { ...resourceType(s.plural, s.group, { namespaced: s.scope === 'Namespaced', version }), kind: s.kind, versions: s.versions };
}

/** `group/version`, or `version` for the core group. */
function apiVersionText(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/**
 * The type of objects of `kind` in `apiVersion` among the known types and `registered` ones (from
 * CustomResourceDefinitions), or the one-line error saying why there is none and what to do.
 */
export function resolveKind(apiVersion: string, kind: string, registered: ResourceType[]): { type: ResourceType } | { error: string } {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  const all = [...KNOWN_TYPES, ...registered];
  const same = all.filter((t) => t.kind === kind && t.group === group);
  const served = (t: ResourceType): string[] => t.versions ?? [t.version];
  const match = same.find((t) => served(t).includes(version));
  if (match) return { type: match.version === version ? match : { ...match, version } };
  const head = `no resource type for kind "${kind}" in ${apiVersionText(group, version)}`;
  const other = same[0];
  if (other) {
    return { error: `${head}: ${groupResource(other)} serves ${served(other).join(', ')}: use apiVersion ${apiVersionText(group, served(other)[0] as string)}${other.versions ? `, or add ${version} to its CustomResourceDefinition` : ''}` };
  }
  const known = KNOWN_TYPES.map((t) => t.kind).join(', ');
  const reg = registered.length ? `; registered: ${registered.map((t) => `${t.kind} (${groupResource(t)})`).join(', ')}` : '';
  return { error: `${head}: known kinds are ${known}${reg}: apply a CustomResourceDefinition for it first (spec.group ${group || '<group>'}, spec.names.kind ${kind})` };
}

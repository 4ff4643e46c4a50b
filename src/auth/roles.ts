// Who may do what on the operator's API (pure): the three roles, the role each request needs,
// the role a client certificate carries, and what a caller below admin sees of an object whose
// data is secret. The caller of every request is a `Caller`, set by the operator's guard
// (src/operator/guard.ts) on the request's context, for routes and the audit trail.
import { UsageError } from '../errors.ts';
import type { KubeObject } from '../resources/store.ts';
import type { Role } from '../console/api.ts';

export type { Role } from '../console/api.ts';

/** Lowest first: each role may do what the ones before it may. */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export function parseRole(text: string): Role {
  if ((ROLES as readonly string[]).includes(text)) return text as Role;
  throw new UsageError(`unknown role "${text}": use viewer, operator or admin`);
}

export function roleAtLeast(have: Role | undefined, need: Role): boolean {
  return have !== undefined && ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Who made a request, as authenticated. */
export interface Caller {
  /** How: a bearer token, a client certificate, a console session (its cookie), or nothing (only on public routes). */
  kind: 'token' | 'cert' | 'session' | 'anonymous';
  /** The token's name, the certificate's subject CN, or whom `warden console` let in. */
  name: string;
  /** undefined: authenticated, but with no role (a certificate without a warden group). */
  role?: Role;
  /** A certificate's organizations (its groups, as Kubernetes reads them). */
  groups?: string[];
}

/** The caller of requests served without authentication (benchmarks' reference only). */
export const UNAUTHENTICATED_ADMIN: Caller = { kind: 'anonymous', name: 'anonymous', role: 'admin' };

/** What a request needs: nothing (public), or at least a role. */
export type Access = 'public' | Role;

export const ACTIONS_PREFIX = '/apis/warden.io/v1/actions/';
export const LOGIN_PATH = '/login';
export const LOGOUT_PATH = '/logout';

/**
 * The access a request needs. Reads need a viewer, actions an operator, every other write an
 * admin; /healthz is public, and /metrics too with --metrics-public. A path no route serves
 * needs a viewer as well, so nobody learns without credentials which paths exist.
 */
export function requiredAccess(method: string, path: string, opts: { metricsPublic?: boolean } = {}): Access {
  const read = method === 'GET' || method === 'HEAD';
  if (read && path === '/healthz') return 'public';
  // The console's login link: the one-time token in it is the credential (console/routes.ts).
  if (read && path === LOGIN_PATH) return 'public';
  // Logging out needs nothing (a session that already ended still gets its cookie cleared).
  if (method === 'POST' && path === LOGOUT_PATH) return 'public';
  if (read && path === '/metrics') return opts.metricsPublic ? 'public' : 'viewer';
  if (path.startsWith(ACTIONS_PREFIX)) return 'operator';
  return read ? 'viewer' : 'admin';
}

/**
 * Certificate organizations (O=) and the roles they grant, as Kubernetes maps O to groups:
 * `system:masters` is Kubernetes' own admin group.
 */
export const CERTIFICATE_GROUPS: Readonly<Record<string, Role>> = {
  'system:masters': 'admin',
  'warden:admin': 'admin',
  'warden:operator': 'operator',
  'warden:viewer': 'viewer',
};

/** The role of a client certificate the cluster CA signed: its highest group, or its CN. */
export function certificateRole(subject: { cn?: string; groups: string[] }, clusterClientCn: string): Role | undefined {
  // The client certificate warden makes for the cluster (tls/client.crt) is its admin.
  let role: Role | undefined = subject.cn === clusterClientCn ? 'admin' : undefined;
  for (const g of subject.groups) {
    const r = CERTIFICATE_GROUPS[g];
    if (r && !roleAtLeast(role, r)) role = r;
  }
  return role;
}

/** Annotations that may hold a whole object, data included (kubectl apply writes it). */
const SECRET_BEARING_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/**
 * An object as a caller below admin sees one whose data is secret (a Secret, any encrypted
 * resource): its metadata only, without annotations that copy the data, and no managedFields.
 */
export function metadataOnly(obj: KubeObject): KubeObject {
  const { managedFields: _mf, annotations, ...metadata } = obj.metadata;
  const kept = annotations && typeof annotations === 'object'
    ? Object.fromEntries(Object.entries(annotations as Record<string, unknown>).filter(([k]) => !SECRET_BEARING_ANNOTATIONS.includes(k)))
    : undefined;
  return {
    ...(obj.apiVersion !== undefined ? { apiVersion: obj.apiVersion } : {}),
    ...(obj.kind !== undefined ? { kind: obj.kind } : {}),
    metadata: { ...metadata, ...(kept && Object.keys(kept).length ? { annotations: kept } : {}) },
  };
}

// Member manifests: the file that describes one etcd member, like a static pod manifest.
// Pure: building manifests for a new cluster, validating a parsed file, and turning a manifest
// into etcd's command line. Reading and writing the files is the supervisor's and control's job.
import { WardenError } from '../errors.ts';

export interface MemberTls {
  certFile: string;
  keyFile: string;
  trustedCAFile: string;
}

export interface MemberManifest {
  apiVersion: 'warden/v1';
  kind: 'EtcdMember';
  name: string;
  dataDir: string;
  clientURL: string;
  peerURL: string;
  initialCluster: string;
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  /** Server and peer certificates; when set, clients and peers must present a certificate. */
  tls?: MemberTls;
  /** Extra etcd flags, e.g. ["--quota-backend-bytes=104857600"]. */
  args?: string[];
}

export class ManifestError extends WardenError {
  override readonly name = 'ManifestError';
}

export interface NewClusterSpec {
  names: string[];
  ports: { client: number; peer: number }[];
  dataDirOf: (name: string) => string;
  token: string;
  tls?: MemberTls;
  args?: string[];
}

export function memberNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `etcd-${i + 1}`);
}

export function buildClusterManifests(spec: NewClusterSpec): MemberManifest[] {
  const scheme = spec.tls ? 'https' : 'http';
  const urls = spec.names.map((name, i) => {
    const p = spec.ports[i];
    if (!p) throw new Error(`no ports for member ${name}`);
    return { name, client: `${scheme}://127.0.0.1:${p.client}`, peer: `${scheme}://127.0.0.1:${p.peer}` };
  });
  const initialCluster = urls.map((u) => `${u.name}=${u.peer}`).join(',');
  return urls.map((u) => ({
    apiVersion: 'warden/v1',
    kind: 'EtcdMember',
    name: u.name,
    dataDir: spec.dataDirOf(u.name),
    clientURL: u.client,
    peerURL: u.peer,
    initialCluster,
    initialClusterState: 'new',
    initialClusterToken: spec.token,
    ...(spec.tls ? { tls: spec.tls } : {}),
    ...(spec.args?.length ? { args: spec.args } : {}),
  }));
}

/** Parses and validates manifest text; errors name the file and say how to fix it. */
export function parseManifest(text: string, file: string): MemberManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`manifest ${file} is not valid JSON (${(err as Error).message}): fix it or move it out of the manifests folder`);
  }
  const bad = (what: string): never => {
    throw new ManifestError(`manifest ${file}: ${what}: fix it or move it out of the manifests folder`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('expected a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.kind !== 'EtcdMember') bad(`kind must be "EtcdMember"`);
  for (const f of ['name', 'dataDir', 'clientURL', 'peerURL', 'initialCluster', 'initialClusterToken'] as const) {
    if (typeof m[f] !== 'string' || (m[f] as string).length === 0) bad(`field "${f}" must be a non-empty string`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(m.name as string)) bad(`name "${String(m.name)}" may only hold letters, digits, ".", "_" and "-"`);
  if (m.initialClusterState !== 'new' && m.initialClusterState !== 'existing') bad('field "initialClusterState" must be "new" or "existing"');
  for (const f of ['clientURL', 'peerURL'] as const) {
    if (!/^https?:\/\/[^/]+:\d+$/.test(m[f] as string)) bad(`field "${f}" must look like http://127.0.0.1:2379`);
  }
  if (m.args !== undefined && (!Array.isArray(m.args) || m.args.some((a) => typeof a !== 'string'))) bad('field "args" must be an array of strings');
  if (m.tls !== undefined) {
    const t = m.tls as Record<string, unknown> | null;
    if (typeof t !== 'object' || t === null) bad('field "tls" must be an object');
    for (const f of ['certFile', 'keyFile', 'trustedCAFile']) {
      if (typeof (t as Record<string, unknown>)[f] !== 'string') bad(`field "tls.${f}" must be a path`);
    }
  }
  return { ...(m as unknown as MemberManifest), apiVersion: 'warden/v1' };
}

export function serializeManifest(m: MemberManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** etcd's command line for a manifest. */
export function etcdArgs(m: MemberManifest): string[] {
  const listenClient = m.clientURL;
  const args = [
    `--name=${m.name}`,
    `--data-dir=${m.dataDir}`,
    `--listen-client-urls=${listenClient}`,
    `--advertise-client-urls=${m.clientURL}`,
    `--listen-peer-urls=${m.peerURL}`,
    `--initial-advertise-peer-urls=${m.peerURL}`,
    `--initial-cluster=${m.initialCluster}`,
    `--initial-cluster-state=${m.initialClusterState}`,
    `--initial-cluster-token=${m.initialClusterToken}`,
    '--logger=zap',
    '--log-outputs=stderr',
  ];
  if (m.tls) {
    args.push(
      `--cert-file=${m.tls.certFile}`,
      `--key-file=${m.tls.keyFile}`,
      `--trusted-ca-file=${m.tls.trustedCAFile}`,
      '--client-cert-auth=true',
      `--peer-cert-file=${m.tls.certFile}`,
      `--peer-key-file=${m.tls.keyFile}`,
      `--peer-trusted-ca-file=${m.tls.trustedCAFile}`,
      '--peer-client-cert-auth=true',
    );
  }
  return [...args, ...(m.args ?? [])];
}

/** host:port of a URL, as etcdctl prints endpoints. */
export function hostPort(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

export function portOf(url: string): number {
  return Number(url.slice(url.lastIndexOf(':') + 1));
}

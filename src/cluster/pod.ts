// Static pod manifests of etcd (pure): the Pod YAML that kubeadm writes to
// /etc/kubernetes/manifests/etcd.yaml, read as a member manifest (name, data dir, URLs,
// certificate paths from the etcd container's command line), and written back with a member's
// cluster settings changed and everything else of the Pod kept as it was.
import type * as YamlLib from 'yaml';
import { lazyRequire } from '../util/lazy.ts';
import { ManifestError, type MemberManifest } from './manifest.ts';

const YAML = lazyRequire<typeof YamlLib>('yaml');

/** Flags the member manifest models; every other flag of the command is kept as it is. */
const MODELED = new Set([
  'name', 'data-dir', 'advertise-client-urls', 'initial-advertise-peer-urls', 'initial-cluster', 'initial-cluster-state',
  'initial-cluster-token', 'cert-file', 'key-file', 'trusted-ca-file', 'force-new-cluster',
]);

interface Container {
  name?: string;
  command?: unknown[];
  args?: unknown[];
}

interface Pod {
  kind?: string;
  spec?: { containers?: Container[] };
}

export interface PodMember {
  manifest: MemberManifest;
  /** The program the container runs (its command's first word). */
  program: string;
}

function etcdContainer(pod: Pod, file: string): Container {
  const bad = (what: string): never => {
    throw new ManifestError(`static pod manifest ${file}: ${what}: give the etcd Pod manifest the kubelet runs (kubeadm's etcd.yaml)`);
  };
  if (pod?.kind !== 'Pod') bad('kind is not Pod');
  const c = pod.spec?.containers?.find((x) => x.name === 'etcd') ?? pod.spec?.containers?.find((x) => /(^|\/)etcd$/.test(String(x.command?.[0] ?? '')));
  if (!c) bad('no container named etcd, and none runs etcd');
  const cmd = [...(c!.command ?? []), ...(c!.args ?? [])].map(String);
  if (!/(^|\/)etcd$/.test(cmd[0] ?? '')) bad(`the etcd container runs ${JSON.stringify(cmd[0] ?? '')}, not etcd with its flags (a shell script is not read)`);
  return c!;
}

function flagsOf(cmd: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const a of cmd.slice(1)) {
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(a);
    if (m) flags.set(m[1] as string, m[2] ?? 'true');
  }
  return flags;
}

export function parsePodManifest(text: string, file: string): PodMember {
  let pod: Pod;
  try {
    pod = YAML().parse(text) as Pod;
  } catch (err) {
    throw new ManifestError(`static pod manifest ${file} is not valid YAML (${(err as Error).message}): fix it`);
  }
  const c = etcdContainer(pod, file);
  const cmd = [...(c.command ?? []), ...(c.args ?? [])].map(String);
  const f = flagsOf(cmd);
  const need = (k: string): string => {
    const v = f.get(k);
    if (!v) throw new ManifestError(`static pod manifest ${file}: the etcd command has no --${k}: kubeadm always writes it; fix the manifest`);
    return v;
  };
  const name = need('name');
  const peerURL = need('initial-advertise-peer-urls').split(',')[0] as string;
  const state = f.get('initial-cluster-state') === 'existing' ? 'existing' : 'new';
  const args = cmd.slice(1).filter((a) => {
    const k = /^--?([^=]+)/.exec(a)?.[1];
    return !k || !MODELED.has(k) || k === 'force-new-cluster';
  });
  const manifest: MemberManifest = {
    apiVersion: 'warden/v1', kind: 'EtcdMember', name,
    dataDir: f.get('data-dir') ?? `${name}.etcd`,
    clientURL: need('advertise-client-urls').split(',')[0] as string,
    peerURL,
    initialCluster: f.get('initial-cluster') ?? `${name}=${peerURL}`,
    initialClusterState: state,
    initialClusterToken: f.get('initial-cluster-token') ?? 'etcd-cluster',
    ...(f.get('cert-file') && f.get('key-file') && f.get('trusted-ca-file')
      ? { tls: { certFile: f.get('cert-file') as string, keyFile: f.get('key-file') as string, trustedCAFile: f.get('trusted-ca-file') as string } }
      : {}),
    ...(args.length ? { args } : {}),
  };
  return { manifest, program: cmd[0] as string };
}

/**
 * The Pod manifest with the member's settings in its etcd command: each modeled flag set in
 * place (or added), --force-new-cluster only when the member's args have it; the rest of the
 * Pod (image, probes, volumes, other flags) untouched.
 */
export function podWithMember(text: string, file: string, m: MemberManifest): string {
  const doc = YAML().parseDocument(text);
  const pod = doc.toJS() as Pod;
  const c = etcdContainer(pod, file);
  const idx = pod.spec?.containers?.indexOf(c) ?? 0;
  const inCommand = (c.command ?? []).map(String);
  const want = new Map<string, string>([
    ['name', m.name], ['data-dir', m.dataDir], ['initial-cluster', m.initialCluster], ['initial-cluster-state', m.initialClusterState],
    ['initial-cluster-token', m.initialClusterToken],
  ]);
  const force = (m.args ?? []).includes('--force-new-cluster');
  const out: string[] = [];
  const seen = new Set<string>();
  for (const a of inCommand) {
    const k = /^--?([^=]+)/.exec(a)?.[1];
    if (k === 'force-new-cluster') continue;
    if (k && want.has(k)) {
      out.push(`--${k}=${want.get(k)}`);
      seen.add(k);
    } else out.push(a);
  }
  for (const [k, v] of want) if (!seen.has(k)) out.push(`--${k}=${v}`);
  if (force) out.push('--force-new-cluster');
  doc.setIn(['spec', 'containers', idx, 'command'], out);
  return doc.toString();
}

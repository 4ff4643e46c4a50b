// Static pod manifests of etcd (pure): the Pod YAML the kubelet runs from its manifests folder,
// read as a member manifest (name, data dir, URLs, certificate paths), and written back with a
// member's cluster settings changed and everything else of the Pod kept as it was.
//
// Two shapes are read:
// - kubeadm's etcd.yaml: the etcd container runs `etcd --flag=value ...` directly.
// - OpenShift's etcd-pod.yaml: the etcd container runs a shell script (`/bin/sh -c`) that
//   discovers the initial cluster, then `exec nice ... etcd --flag=... || ...`; the data dir, the
//   cluster state and the name come from ETCD_* variables of the container's environment or the
//   script. The script's etcd command is found and read with the variables the Pod gives it.
//
// Paths in the command are the container's; the agent runs on the host, so each is mapped through
// the container's volume mounts to its hostPath volume (kubeadm mounts each at the same path).
//
// Written back, kubeadm's shape keeps its command with the cluster flags set in place. A script
// cannot be rewritten safely (OpenShift's asks the running cluster for the initial cluster, which
// a member restored alone has none of), so the etcd container of a script-run Pod becomes the
// command its script would exec, with the member's flags, the kubelet's `$(VAR)` references for
// what only the node knows, and the original command kept in an annotation (as YAML). The
// cluster-etcd-operator writes its own Pod again at its next revision.
import path from 'node:path';
import type * as ShellQuote from 'shell-quote';
import type * as YamlLib from 'yaml';
import { lazyRequire } from '../util/lazy.ts';
import { ManifestError, type MemberManifest } from './manifest.ts';

const YAML = lazyRequire<typeof YamlLib>('yaml');
const shell = lazyRequire<typeof ShellQuote>('shell-quote');

/** Flags the member manifest models; every other flag of the command is kept as it is. */
const MODELED = new Set([
  'name', 'data-dir', 'advertise-client-urls', 'initial-advertise-peer-urls', 'initial-cluster', 'initial-cluster-state',
  'initial-cluster-token', 'cert-file', 'key-file', 'trusted-ca-file', 'force-new-cluster',
]);

/** The flags warden sets when it places a member (the rest of the modeled ones it only reads). */
const PLACED = ['name', 'data-dir', 'initial-cluster', 'initial-cluster-state', 'initial-cluster-token', 'force-new-cluster'];

/** Where warden keeps the etcd container's original command once it replaced a script. */
export const ORIGINAL_COMMAND_ANNOTATION = 'etcd-warden.io/original-etcd-command';

interface EnvVar {
  name?: string;
  value?: unknown;
}

interface Container {
  name?: string;
  command?: unknown[];
  args?: unknown[];
  env?: EnvVar[];
  volumeMounts?: { name?: string; mountPath?: string; subPath?: string }[];
}

interface Pod {
  kind?: string;
  spec?: { containers?: Container[]; volumes?: { name?: string; hostPath?: { path?: string } }[] };
}

export interface PodMember {
  manifest: MemberManifest;
  /** The program the container runs (its command's first word, or the script's etcd). */
  program: string;
  /** 'exec': the container runs etcd with its flags; 'script': a shell script execs etcd. */
  form: 'exec' | 'script';
  /** The data dir as the etcd process sees it (inside the container): finds the process. */
  processDataDir: string;
  /** The member run straight on the host (no container): every path flag through the mounts. */
  onHost: MemberManifest;
}

const isEtcd = (word: string | undefined): boolean => path.basename(word ?? '') === 'etcd';
const isShell = (word: string | undefined): boolean => /^(ba|da)?sh$/.test(path.basename(word ?? ''));
const envKey = (flag: string): string => `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`;

function badPod(file: string, what: string): never {
  throw new ManifestError(`static pod manifest ${file}: ${what}: give the etcd Pod manifest the kubelet runs (kubeadm's etcd.yaml, OpenShift's etcd-pod.yaml)`);
}

function commandOf(c: Container): string[] {
  return [...(c.command ?? []), ...(c.args ?? [])].map(String);
}

/** The script a shell command runs (`sh -c SCRIPT`), if it is one. */
function scriptOf(cmd: string[]): string | undefined {
  if (!isShell(cmd[0])) return undefined;
  const i = cmd.indexOf('-c');
  return i > 0 ? cmd[i + 1] : undefined;
}

function etcdContainer(pod: Pod, file: string): { c: Container; index: number } {
  if (pod?.kind !== 'Pod') badPod(file, 'kind is not Pod');
  const containers = pod.spec?.containers ?? [];
  let index = containers.findIndex((x) => x.name === 'etcd');
  if (index < 0) index = containers.findIndex((x) => isEtcd(commandOf(x)[0]));
  if (index < 0) badPod(file, 'no container named etcd, and none runs etcd');
  return { c: containers[index] as Container, index };
}

/** The container's environment: its literal values (a value from a field or a secret is known only on the node). */
function envOf(c: Container): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of c.env ?? []) if (e.name && typeof e.value === 'string') env.set(e.name, e.value);
  return env;
}

/** The kubelet's expansion of command and args: `$(VAR)` from the container's environment, `$$` for `$`. */
function kubeletExpand(s: string, env: Map<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : env.get(name as string) ?? m));
}

/**
 * The command a line runs past its wrappers (`exec`, `nice -n -19`, `ionice -c2 -n0`,
 * `env A=B`); the variables `env` sets go into `vars`.
 */
function skipWrappers(words: string[], vars: Map<string, string>): string[] {
  let w = words[0] === 'exec' ? words.slice(1) : words;
  for (;;) {
    const prog = path.basename(w[0] ?? '');
    if (prog !== 'nice' && prog !== 'ionice' && prog !== 'env') return w;
    let i = 1;
    while (i < w.length && (/^-/.test(w[i] as string) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[i] as string))) {
      const a = w[i] as string;
      if (prog === 'env' && !a.startsWith('-')) vars.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
      // `-n 5` and `-c 2` take their value as the next word; `-n5`, `-c2`, `-19` do not.
      i += /^-[nc]$/.test(a) ? 2 : 1;
    }
    w = w.slice(i);
  }
}

/**
 * The etcd command a script execs, read with the variables it has at that point: the
 * container's, then each plain assignment of the script (`export ETCD_NAME=${...}`). A variable
 * set from a command's output (`X=$(discover ...)`) is unknown here and left out; a variable
 * nobody sets is kept as the kubelet's `$(VAR)`, which the node fills in.
 */
function scriptCommand(script: string, env: Map<string, string>, file: string): { argv: string[]; env: Map<string, string> } {
  const vars = new Map(env);
  const lookup = (k: string): string => vars.get(k) ?? `$(${k})`;
  const lines = script.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let tokens: ReturnType<typeof ShellQuote.parse>;
    try {
      tokens = shell().parse(line, lookup);
    } catch {
      continue; // shell-quote refuses some lines ("Bad substitution", an unclosed ${): not the exec line
    }
    const words: string[] = [];
    for (const t of tokens) {
      if (typeof t !== 'string') break;
      words.push(t);
    }
    const rest = words[0] === 'export' ? words.slice(1) : words;
    if (rest.length && rest.every((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w))) {
      const substituted = tokens.length > words.length || /\$\(|`/.test(line.slice(line.indexOf('=')));
      for (const w of rest) {
        const name = w.slice(0, w.indexOf('='));
        if (substituted) vars.delete(name);
        else vars.set(name, w.slice(name.length + 1));
      }
      continue;
    }
    const lineVars = new Map(vars);
    const cmd = skipWrappers(words, lineVars);
    if (isEtcd(cmd[0]) && (cmd.length === 1 || (cmd[1] as string).startsWith('-'))) return { argv: cmd, env: lineVars };
  }
  badPod(file, 'the etcd container\'s script never runs etcd with its flags (no `exec etcd --...` line)');
}

function flagsOf(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const a of argv.slice(1)) {
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(a);
    if (m) flags.set(m[1] as string, m[2] ?? 'true');
  }
  return flags;
}

/** Maps paths between the container and the host through the container's hostPath volume mounts. */
export class PodPaths {
  private readonly mounts: { container: string; host: string }[] = [];

  constructor(pod: Pod, c: Container) {
    for (const vm of c.volumeMounts ?? []) {
      const host = pod.spec?.volumes?.find((v) => v.name === vm.name)?.hostPath?.path;
      if (!vm.mountPath || !host) continue;
      this.mounts.push({ container: path.normalize(vm.mountPath).replace(/(.)\/$/, '$1'), host: path.normalize(path.join(host, vm.subPath ?? '')).replace(/(.)\/$/, '$1') });
    }
  }

  private static map(p: string, pairs: { from: string; to: string }[]): string {
    let best: { from: string; to: string } | undefined;
    const n = path.normalize(p);
    for (const m of pairs) {
      const inside = n === m.from || n.startsWith(m.from === '/' ? '/' : `${m.from}/`);
      if (inside && (!best || m.from.length > best.from.length)) best = m;
    }
    return best ? path.join(best.to, path.relative(best.from, n)) : p;
  }

  toHost(p: string): string {
    return PodPaths.map(p, this.mounts.map((m) => ({ from: m.container, to: m.host })));
  }

  toContainer(p: string): string {
    return PodPaths.map(p, this.mounts.map((m) => ({ from: m.host, to: m.container })));
  }
}

interface ReadPod {
  pod: Pod;
  c: Container;
  index: number;
  form: 'exec' | 'script';
  /** etcd and its flags, with every variable the Pod gives filled in. */
  argv: string[];
  /** The variables etcd starts with (ETCD_* ones act as flags). */
  env: Map<string, string>;
  paths: PodPaths;
}

function readPod(pod: Pod, file: string): ReadPod {
  const { c, index } = etcdContainer(pod, file);
  const env = envOf(c);
  const cmd = commandOf(c).map((a) => kubeletExpand(a, env));
  const paths = new PodPaths(pod, c);
  if (isEtcd(cmd[0])) return { pod, c, index, form: 'exec', argv: cmd, env, paths };
  const script = scriptOf(cmd);
  if (script === undefined) badPod(file, `the etcd container runs ${JSON.stringify(cmd[0] ?? '')}, neither etcd with its flags nor a shell script that execs etcd`);
  // A kubelet `$(VAR)` the Pod gives no value (one from a field) is read as the shell's ${VAR}:
  // it stays unknown, and the shell reading does not take it for a command.
  const s = scriptCommand(script.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, '${$1}'), env, file);
  return { pod, c, index, form: 'script', argv: s.argv, env: s.env, paths };
}

function parseYaml(text: string, file: string): Pod {
  try {
    return YAML().parse(text) as Pod;
  } catch (err) {
    throw new ManifestError(`static pod manifest ${file} is not valid YAML (${(err as Error).message}): fix it`);
  }
}

export function parsePodManifest(text: string, file: string): PodMember {
  const r = readPod(parseYaml(text, file), file);
  const f = flagsOf(r.argv);
  /** A setting from the command line, else from etcd's environment variable for it. */
  const setting = (k: string): string | undefined => {
    const v = f.get(k) ?? r.env.get(envKey(k));
    return v === undefined || v.includes('$(') ? undefined : v;
  };
  const need = (k: string): string => {
    const v = setting(k);
    if (!v) {
      const unknown = (f.get(k) ?? r.env.get(envKey(k)))?.includes('$(');
      throw new ManifestError(unknown
        ? `static pod manifest ${file}: etcd's --${k} comes from a variable the Pod does not give a value (${f.get(k) ?? r.env.get(envKey(k))}): give it a value in the container's env`
        : `static pod manifest ${file}: the etcd command has no --${k} (nor ${envKey(k)} in its environment): the kubelet's etcd always has it; fix the manifest`);
    }
    return v;
  };
  const name = need('name');
  const peerURL = need('initial-advertise-peer-urls').split(',')[0] as string;
  // etcd's default only when none is given: one given from an unknown variable is refused.
  const processDataDir = f.has('data-dir') || r.env.has(envKey('data-dir')) ? need('data-dir') : `${name}.etcd`;
  const args = r.argv.slice(1).filter((a) => {
    const k = /^--?([^=]+)/.exec(a)?.[1];
    return !k || !MODELED.has(k) || k === 'force-new-cluster';
  });
  if (setting('force-new-cluster') === 'true' && !args.includes('--force-new-cluster')) args.push('--force-new-cluster');
  const cert = setting('cert-file');
  const key = setting('key-file');
  const ca = setting('trusted-ca-file');
  const manifest: MemberManifest = {
    apiVersion: 'warden/v1', kind: 'EtcdMember', name,
    dataDir: r.paths.toHost(processDataDir),
    clientURL: need('advertise-client-urls').split(',')[0] as string,
    peerURL,
    initialCluster: setting('initial-cluster') ?? `${name}=${peerURL}`,
    initialClusterState: setting('initial-cluster-state') === 'existing' ? 'existing' : 'new',
    initialClusterToken: setting('initial-cluster-token') ?? 'etcd-cluster',
    ...(cert && key && ca ? { tls: { certFile: r.paths.toHost(cert), keyFile: r.paths.toHost(key), trustedCAFile: r.paths.toHost(ca) } } : {}),
    ...(args.length ? { args } : {}),
  };
  const hostArgs = args.map((a) => {
    const m = /^(--?[^=]+=)(\/.*)$/s.exec(a);
    return m ? `${m[1]}${r.paths.toHost(m[2] as string)}` : a;
  });
  return { manifest, program: r.argv[0] as string, form: r.form, processDataDir, onHost: { ...manifest, ...(args.length ? { args: hostArgs } : {}) } };
}

/** The flag values a placed member's etcd command carries (paths as the container sees them). */
function placedFlags(m: MemberManifest, paths: PodPaths): Map<string, string> {
  return new Map<string, string>([
    ['name', m.name], ['data-dir', paths.toContainer(m.dataDir)], ['initial-cluster', m.initialCluster],
    ['initial-cluster-state', m.initialClusterState], ['initial-cluster-token', m.initialClusterToken],
  ]);
}

/**
 * The Pod manifest with the member's settings in its etcd command: each placed flag set in
 * place (or added), --force-new-cluster only when the member's args have it; the rest of the
 * Pod (image, probes, volumes, other flags) untouched. A script-run etcd container gets the
 * command its script execs instead (see the top of this file).
 */
export function podWithMember(text: string, file: string, m: MemberManifest): string {
  const doc = YAML().parseDocument(text);
  const r = readPod(doc.toJS() as Pod, file);
  const want = placedFlags(m, r.paths);
  const force = (m.args ?? []).includes('--force-new-cluster');
  const base = r.form === 'exec' ? commandOf(r.c) : r.argv;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const a of base) {
    const k = /^--?([^=]+)/.exec(a)?.[1];
    if (k === 'force-new-cluster') continue;
    if (k && want.has(k)) {
      out.push(`--${k}=${want.get(k)}`);
      seen.add(k);
    } else out.push(a);
  }
  for (const [k, v] of want) if (!seen.has(k)) out.push(`--${k}=${v}`);
  if (force) out.push('--force-new-cluster');
  const at = ['spec', 'containers', r.index];
  if (r.form === 'script') {
    if (!doc.getIn(['metadata', 'annotations', ORIGINAL_COMMAND_ANNOTATION])) {
      // The original command as YAML, in a literal block: readable, and pasted back as it is.
      const original = doc.createNode(YAML().stringify(commandOf(r.c), { lineWidth: 0 })) as YamlLib.Scalar;
      original.type = 'BLOCK_LITERAL';
      doc.setIn(['metadata', 'annotations', ORIGINAL_COMMAND_ANNOTATION], original);
    }
  }
  // The whole command goes into `command`: flags left in `args` would follow, and win.
  doc.deleteIn([...at, 'args']);
  doc.setIn([...at, 'command'], out);
  // etcd 3.5 refuses a setting given both as a flag and as its ETCD_* variable.
  const placedEnv = new Set(PLACED.map(envKey));
  const env = r.c.env ?? [];
  for (let i = env.length - 1; i >= 0; i--) if (placedEnv.has(env[i]?.name ?? '')) doc.deleteIn([...at, 'env', i]);
  if (r.form === 'script') {
    // ETCD_* settings the script gave etcd itself (`export ETCD_X=...`, `env ETCD_X=...`) stay.
    const own = envOf(r.c);
    for (const [name, value] of r.env) {
      if (!name.startsWith('ETCD_') || placedEnv.has(name) || own.get(name) === value || value.includes('$(')) continue;
      const i = (r.c.env ?? []).findIndex((e) => e.name === name);
      if (i >= 0) doc.setIn([...at, 'env', i, 'value'], value);
      else doc.addIn([...at, 'env'], { name, value });
    }
  }
  // No folding of long lines: the Pod stays as readable as it was.
  return doc.toString({ lineWidth: 0 });
}

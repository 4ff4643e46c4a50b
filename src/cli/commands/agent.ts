// `warden agent`: runs on each control-plane host and owns that host's etcd member (src/agent/).
import { Option, type Command } from 'commander';
import { Agent } from '../../agent/agent.ts';
import { splitAddress } from '../../agent/client.ts';
import { readTokenFile } from '../../agent/init.ts';
import path from 'node:path';
import { KubeletRuntime, SupervisorRuntime } from '../../agent/runtime.ts';
import { serveAgent } from '../../agent/server.ts';
import { etcdVersion, requireTool } from '../../cluster/binaries.ts';
import { UsageError } from '../../errors.ts';
import { checkListen } from '../../util/ports.ts';
import { pidAlive } from '../../util/fsutil.ts';
import type { Context } from '../context.ts';
import { untilSignal } from '../../util/signals.ts';

type Ctx = (cmd: Command) => Context;

export function registerAgent(program: Command, ctx: Ctx): void {
  program
    .command('agent')
    .description("run this host's agent: it owns the host's etcd member (manifest, data dir, certificates, log) and serves the admin over mutual TLS once `warden cluster init` joined it")
    .requiredOption('--listen <host:port>', 'the address other hosts and the admin reach this one at (the member uses this address too, with ports 2379/2380 when free)')
    .requiredOption('--token-file <file>', 'the token shared by every agent and `cluster init` (mode 0600, at least 16 characters)')
    .option('--kubelet-manifests <dir>', "the kubelet runs the member: adopt it from the static pod manifest in this folder (kubeadm: /etc/kubernetes/manifests); without it, warden's own supervisor runs the member")
    .option('--pod-manifest <file>', 'with --kubelet-manifests: the etcd Pod manifest file name in that folder (kubeadm: etcd.yaml; OpenShift: etcd-pod.yaml)', 'etcd.yaml')
    .option('--member-log <file>', "with --kubelet-manifests: the member's log (default: the newest under /var/log/pods/kube-system_etcd* or openshift-etcd_etcd*)")
    .option('--encryption-config <file>', "this host's copy of the EncryptionConfiguration, where kube-apiserver reads it (--encryption-provider-config); warden keeps it equal to the cluster's (default: <state>/encryption/encryption-config.yaml)")
    .option('--etcd-ca-key <file>', "with --kubelet-manifests and a member serving TLS: the key of the member's CA, to issue the admin a client certificate (default: ca.key beside the member's --trusted-ca-file, as kubeadm lays it out; OpenShift keeps it in the etcd-signer secret)")
    .addOption(new Option('--exit-with <pid>', 'stop (with the member) once this process is gone (`warden run` ties its agents to itself)').argParser((v) => Number(v)).hideHelp())
    .addHelpText('after', [
      '',
      'Example (on each of three hosts, then once from the admin machine):',
      '  head -c 32 /dev/urandom | base64 > /etc/warden/token; chmod 600 /etc/warden/token',
      '  warden --state-dir /var/lib/warden agent --listen 10.0.0.11:7700 --token-file /etc/warden/token',
      '  warden cluster init --agents 10.0.0.11:7700,10.0.0.12:7700,10.0.0.13:7700 --token-file /etc/warden/token --tls',
      '',
      'On a kubeadm host, the agent adopts the member the kubelet runs:',
      '  warden --state-dir /var/lib/warden agent --listen 10.0.0.11:7700 --token-file /etc/warden/token --kubelet-manifests /etc/kubernetes/manifests',
      'On an OpenShift control-plane host (the CA key extracted from the etcd-signer secret):',
      '  warden --state-dir /var/lib/warden agent --listen 10.0.0.11:7700 --token-file /etc/warden/token --kubelet-manifests /etc/kubernetes/manifests \\',
      '    --pod-manifest etcd-pod.yaml --etcd-ca-key /etc/warden/etcd-signer.key',
    ].join('\n'))
    .action(async (opts: { listen: string; tokenFile: string; kubeletManifests?: string; podManifest: string; memberLog?: string; exitWith?: number; encryptionConfig?: string; etcdCaKey?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const { host, port } = splitAddress(opts.listen);
      if (['0.0.0.0', '::'].includes(host)) throw new UsageError(`--listen ${opts.listen}: give the address other hosts reach this one at (the member's URLs use it), not a wildcard`);
      const token = readTokenFile(opts.tokenFile);
      await checkListen(host, port);
      const etcdBin = requireTool('etcd');
      const log = (l: string) => c.print(`${new Date().toISOString()} ${l}`);
      const runtime = opts.kubeletManifests
        ? new KubeletRuntime(c.layout, { manifestsDir: path.resolve(opts.kubeletManifests), podFile: opts.podManifest, ...(opts.memberLog ? { memberLog: path.resolve(opts.memberLog) } : {}) })
        : new SupervisorRuntime(c.layout, { etcdBin, log });
      const agent = new Agent({
        layout: c.layout, host, port, token, runtime, etcdVersion: etcdVersion(etcdBin), log,
        ...(opts.encryptionConfig ? { encryptionConfig: path.resolve(opts.encryptionConfig) } : {}),
        ...(opts.etcdCaKey ? { etcdCaKey: path.resolve(opts.etcdCaKey) } : {}),
      });
      await agent.open();
      let server: Awaited<ReturnType<typeof serveAgent>>;
      try {
        server = await serveAgent(agent, host, port);
      } catch (err) {
        await agent.close();
        throw err;
      }
      log(`agent serving ${server.url}, state in ${c.layout.root}: ${agent.tls() ? 'joined to its cluster' : 'waiting for `warden cluster init` to join it'}`);
      let watch: NodeJS.Timeout | undefined;
      const parentGone = new Promise<void>((resolve) => {
        const pid = opts.exitWith;
        if (pid) watch = setInterval(() => pidAlive(pid) || resolve(), 500);
      });
      await Promise.race([untilSignal(), parentGone.then(() => log(`process ${opts.exitWith} that started this agent is gone: stopping`))]);
      clearInterval(watch);
      await server.close();
      await agent.close();
      log('agent stopped');
    });
}

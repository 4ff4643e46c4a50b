// `warden cluster ...`: the local cluster that warden supervises (see src/cluster/).
import type { Command, Option } from 'commander';
import { requireTool } from '../../cluster/binaries.ts';
import { clusterDown, clusterStatus, clusterUp, startMember, stopMember, tlsClientFiles, type MemberRow } from '../../cluster/control.ts';
import { etcdctlAuthPrefix } from '../../cluster/credentials.ts';
import { Supervisor } from '../../cluster/supervisor.ts';
import type { Context } from '../context.ts';
import { durationOption, wholeNumberOption } from '../options.ts';
import { render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

/** --members of `cluster up` and `run`. */
export function membersOption(description: string): Option {
  return wholeNumberOption('--members <n>', description, { min: 1, max: 9, hint: '1, 3 or 5 are usual', default: 3 });
}

export function renderMembers(ctx: Context, rows: MemberRow[], fallback: 'table' | 'simple' = 'table'): string {
  return render(ctx.format(fallback), {
    json: () => rows,
    simple: () => rows.map((r) => [r.name, r.state, r.clientURL, r.peerURL, r.pid ?? '-', r.dataDir].join(', ')),
    table: () => ({
      headers: ['name', 'state', 'pid', 'client url', 'peer url', 'data dir'],
      rows: rows.map((r) => [r.name, r.manifest === 'moved-out' ? `${r.state} (manifest moved out)` : r.state, r.pid ? String(r.pid) : '-', r.clientURL, r.peerURL, r.dataDir]),
    }),
  });
}

/**
 * How other clients (etcdctl) reach the local cluster. With auth, root's password goes in
 * through the environment, read from its file: never printed, never on a command line.
 */
export function connectionHint(ctx: Context, rows: MemberRow[]): string[] {
  const eps = rows.map((r) => r.clientURL).join(',');
  const tls = tlsClientFiles(ctx.layout);
  const tlsFlags = tls ? ` --cacert=${tls.cacert} --cert=${tls.cert} --key=${tls.key}` : '';
  return [`${etcdctlAuthPrefix(ctx.layout)}etcdctl --endpoints=${eps}${tlsFlags} endpoint health`];
}

export const AUTH_FLAG_HELP = 'turn etcd authentication on: role and user root with a generated password stored 0600 in <state>/auth/root.password, used by every warden command (also on an existing cluster)';

export function registerCluster(program: Command, ctx: Ctx): void {
  const cluster = program.command('cluster').description('run a local etcd cluster of real members that warden supervises');

  cluster
    .command('up')
    .description('create (first time) and start the local cluster in the background; waits until every member is healthy')
    .addOption(membersOption('number of members: 1, 3 or 5 (an even number works but warns)'))
    .option('--tls', 'generate a CA and certificates and require client certificates', false)
    .option('--auth', AUTH_FLAG_HELP, false)
    .addOption(wholeNumberOption('--base-port <port>', 'use ports base, base+1, ... (default: free ports chosen automatically)', { min: 1024, max: 65535, hint: 'give a port from 1024 up, or omit it to pick free ports' }))
    .option('--etcd-arg <flag...>', 'extra etcd flag for every member, e.g. --etcd-arg=--quota-backend-bytes=104857600')
    .addOption(durationOption('--timeout <duration>', 'how long to wait for the members to become healthy', { default: '60s' }))
    .addHelpText('after', '\nExample:\n  warden cluster up --members 3\n  warden --state-dir /tmp/demo cluster up --tls --auth')
    .action(async (opts: { members: number; tls: boolean; auth: boolean; basePort?: number; etcdArg?: string[]; timeout: number }, cmd: Command) => {
      const c = ctx(cmd);
      const timeoutMs = opts.timeout;
      c.format('table');
      const res = await clusterUp(c.layout, {
        members: opts.members,
        tls: opts.tls,
        auth: opts.auth,
        ...(opts.basePort !== undefined ? { basePort: opts.basePort } : {}),
        ...(opts.etcdArg ? { etcdArgs: opts.etcdArg } : {}),
        timeoutMs,
        log: (l) => c.io.err(l),
      });
      c.print(renderMembers(c, res.rows));
      if (c.format('table') !== 'json') {
        c.print(`cluster is healthy (${res.rows.length} members, state in ${c.layout.root})`);
        for (const h of connectionHint(c, res.rows)) c.print(h);
      }
    });

  cluster
    .command('down')
    .description('stop every member and the supervisor; data stays in the state dir')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      await clusterDown(c.layout, (l) => c.print(l));
    });

  cluster
    .command('status')
    .description('list the members with their state, pid, URLs and data dirs')
    .addHelpText('after', '\nExample:\n  warden cluster status -w json')
    .action((_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      c.format('table');
      c.print(renderMembers(c, clusterStatus(c.layout)));
    });

  cluster
    .command('stop-member <name>')
    .description("stop one member by moving its manifest out of the manifests folder (as with a static pod)")
    .addOption(durationOption('--timeout <duration>', 'how long to wait for it to stop', { default: '30s' }))
    .action(async (name: string, opts: { timeout: number }, cmd: Command) => {
      const c = ctx(cmd);
      await stopMember(c.layout, name, opts.timeout);
      c.print(`member ${name} stopped (manifest moved to ${c.layout.stoppedManifestFile(name)})`);
    });

  cluster
    .command('start-member <name>')
    .description('start a stopped or dead member again with its data (moves its manifest back)')
    .addOption(durationOption('--timeout <duration>', 'how long to wait for it to become healthy', { default: '60s' }))
    .action(async (name: string, opts: { timeout: number }, cmd: Command) => {
      const c = ctx(cmd);
      await startMember(c.layout, name, opts.timeout);
      c.print(`member ${name} started and healthy`);
    });

  cluster
    .command('supervise', { hidden: true })
    .description('run the supervisor in the foreground (what `cluster up` starts in the background)')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const sup = new Supervisor(c.layout, { etcdBin: requireTool('etcd'), log: (l) => c.print(`${new Date().toISOString()} ${l}`) });
      await sup.start();
      await untilSignal();
      await sup.stop();
    });
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

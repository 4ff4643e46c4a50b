// `warden cluster ...`: a cluster of agents, one member each: the embedded default's on this
// machine (src/agent/embedded.ts), or one across hosts made by `cluster init` (src/agent/init.ts).
import type { Command, Option } from 'commander';
import { tlsClientFiles, turnAuthOn, type MemberRow } from '../../cluster/control.ts';
import { readInventory, requireInventory } from '../../cluster/inventory.ts';
import { etcdctlAuthPrefix } from '../../cluster/credentials.ts';
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
    simple: () => rows.map((r) => [r.name, ...(r.host ? [r.host] : []), r.state, r.clientURL, r.peerURL, r.pid ?? '-', r.dataDir].join(', ')),
    table: () => {
      const hosts = rows.some((r) => r.host);
      return {
        headers: ['name', ...(hosts ? ['host'] : []), 'state', 'pid', 'client url', 'peer url', 'data dir'],
        rows: rows.map((r) => [
          r.name, ...(hosts ? [r.host ?? '-'] : []), r.manifest === 'moved-out' ? `${r.state} (manifest moved out)` : r.state,
          r.pid ? String(r.pid) : '-', r.clientURL, r.peerURL, r.dataDir,
        ]),
      };
    },
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
  const cluster = program.command('cluster').description('run the local etcd cluster (one agent per member on this machine), or a cluster of agents across hosts');

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
      const { isEmbedded, embeddedUp } = await import('../../agent/embedded.ts');
      const { startAgentMembers, agentMemberRows } = await import('../../agent/members.ts');
      let inv = readInventory(c.layout);
      const acrossAgents = !!inv && !isEmbedded(c.layout);
      if (inv && acrossAgents) {
        // A cluster across agents (`cluster init`): every member starts on its host.
        await startAgentMembers(c.layout, inv, timeoutMs);
        if (opts.auth) await turnAuthOn(c.layout, (l) => c.io.err(l));
      } else {
        inv = (await embeddedUp(c.layout, {
          members: opts.members, tls: opts.tls, auth: opts.auth, timeoutMs, log: (l) => c.io.err(l),
          ...(opts.basePort !== undefined ? { basePort: opts.basePort } : {}),
          ...(opts.etcdArg ? { etcdArgs: opts.etcdArg } : {}),
        })).inv;
      }
      const rows = await agentMemberRows(c.layout, inv);
      c.print(renderMembers(c, rows));
      if (c.format('table') !== 'json') {
        c.print(`cluster is healthy (${rows.length} members ${acrossAgents ? `on ${rows.length} agents` : `on ${rows.length} local agents, state in ${c.layout.root}`})`);
        if (!acrossAgents) for (const h of connectionHint(c, rows)) c.print(h);
      }
    });

  cluster
    .command('down')
    .description('stop every member, the leader last, and the local agents with them; data stays in the state dir (across hosts: every member stops on its host, the agents stay up)')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const { embeddedDown, isEmbedded, stopUnfinished } = await import('../../agent/embedded.ts');
      if (!readInventory(c.layout) && (await stopUnfinished(c.layout, (l) => c.print(l)))) return;
      const inv = requireInventory(c.layout);
      if (isEmbedded(c.layout)) return embeddedDown(c.layout, inv, (l) => c.print(l));
      // Across agents: each member stops on its host (followers first); the agents stay up.
      const { stopAgentMembers } = await import('../../agent/members.ts');
      await stopAgentMembers(c.layout, inv, (l) => c.print(l));
    });

  cluster
    .command('status')
    .description('list the members with their state, pid, URLs and data dirs')
    .addHelpText('after', '\nExample:\n  warden cluster status -w json')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      c.format('table');
      const inv = requireInventory(c.layout);
      const { agentMemberRows } = await import('../../agent/members.ts');
      const rows = await agentMemberRows(c.layout, inv);
      c.print(renderMembers(c, rows));
      for (const r of rows.filter((x) => x.state === 'unreachable')) c.io.err(`warning: ${r.error ?? `agent ${r.host} did not answer`}`);
      if (rows.some((r) => r.state === 'unreachable')) c.fail(1);
    });

  cluster
    .command('stop-member <name>')
    .description("stop one member by moving its manifest out of the manifests folder (as with a static pod)")
    .addOption(durationOption('--timeout <duration>', 'how long to wait for it to stop', { default: '30s' }))
    .action(async (name: string, opts: { timeout: number }, cmd: Command) => {
      const c = ctx(cmd);
      const { stopAgentMember } = await import('../../agent/members.ts');
      const host = await stopAgentMember(c.layout, requireInventory(c.layout), name, opts.timeout);
      c.print(`member ${name} stopped on agent ${host} (its manifest moved out)`);
    });

  cluster
    .command('start-member <name>')
    .description('start a stopped or dead member again with its data (moves its manifest back)')
    .addOption(durationOption('--timeout <duration>', 'how long to wait for it to become healthy', { default: '60s' }))
    .action(async (name: string, opts: { timeout: number }, cmd: Command) => {
      const c = ctx(cmd);
      const { startAgentMember } = await import('../../agent/members.ts');
      const host = await startAgentMember(c.layout, requireInventory(c.layout), name, opts.timeout);
      c.print(`member ${name} started on agent ${host} and healthy`);
    });

  cluster
    .command('logs <name>')
    .description("print the last lines of a member's log (from its agent, for a cluster made by `cluster init`)")
    .addOption(wholeNumberOption('--lines <n>', 'how many lines', { min: 1, max: 100_000, hint: 'e.g. --lines 50', default: 100 }))
    .action(async (name: string, opts: { lines: number }, cmd: Command) => {
      const c = ctx(cmd);
      const { agentMemberLog } = await import('../../agent/members.ts');
      c.io.out((await agentMemberLog(c.layout, requireInventory(c.layout), name, opts.lines)).replace(/\n$/, ''));
    });

  cluster
    .command('init')
    .description('create a cluster across agents: join each agent (`warden agent` on every host) with the shared token, issue its certificate from a new cluster CA, and start one member per agent')
    .requiredOption('--agents <list>', 'the agents, comma-separated HOST:PORT, one member each (names etcd-1, etcd-2, ... in this order)')
    .requiredOption('--token-file <file>', 'the token the agents were started with (mode 0600)')
    .option('--tls', 'members require certificates from the cluster CA (each uses its agent\'s)', false)
    .option('--etcd-arg <flag...>', 'extra etcd flag for every member, e.g. --etcd-arg=--quota-backend-bytes=104857600')
    .addOption(durationOption('--timeout <duration>', 'how long to wait for the members to become healthy', { default: '60s' }))
    .addHelpText('after', '\nThe CA, the admin\'s client certificate and the inventory (agents and members) go to the state dir.\nRun it again to finish one that was interrupted.\n\nExample:\n  warden --state-dir ~/prod cluster init --agents 10.0.0.11:7700,10.0.0.12:7700,10.0.0.13:7700 --token-file token --tls')
    .action(async (opts: { agents: string; tokenFile: string; tls: boolean; etcdArg?: string[]; timeout: number }, cmd: Command) => {
      const c = ctx(cmd);
      c.format('table');
      const { clusterInit, readTokenFile } = await import('../../agent/init.ts');
      const { agentMemberRows } = await import('../../agent/members.ts');
      const agents = opts.agents.split(',').map((a) => a.trim()).filter(Boolean);
      const inv = await clusterInit(c.layout, {
        agents, token: readTokenFile(opts.tokenFile), tls: opts.tls, timeoutMs: opts.timeout, log: (l) => c.io.err(l),
        ...(opts.etcdArg ? { etcdArgs: opts.etcdArg } : {}),
      });
      const rows = await agentMemberRows(c.layout, inv);
      c.print(renderMembers(c, rows));
      if (c.format('table') !== 'json') {
        c.print(`cluster is healthy (${rows.length} members on ${rows.length} agents, inventory in ${c.layout.inventoryFile})`);
        for (const h of connectionHint(c, rows)) c.print(h);
      }
    });
}


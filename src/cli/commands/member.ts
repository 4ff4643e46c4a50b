// `warden member list|add|remove|update|promote`: cluster membership, with etcdctl's output.
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import type { Context } from '../context.ts';
import { render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

/** etcdctl prints IDs with %16x: hex, space-padded to 16. */
export function id16(id: bigint): string {
  return id.toString(16).padStart(16, ' ');
}

export function parseMemberId(text: string): bigint {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) throw new UsageError(`bad member ID "${text}": give it in hex as \`warden member list\` prints it`);
  return BigInt(`0x${text}`);
}

function parseUrls(text: string | undefined, flag: string): string[] {
  const urls = (text ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) throw new UsageError(`${flag} is required, e.g. ${flag}=http://127.0.0.1:2380`);
  for (const u of urls) if (!/^https?:\/\/[^/\s]+:\d+\/?$/.test(u)) throw new UsageError(`bad URL "${u}" in ${flag}: use the form http://host:port`);
  return urls;
}

export function registerMember(program: Command, ctx: Ctx): void {
  const member = program.command('member').description('list and change cluster membership (as etcdctl member)');

  member
    .command('replace <name>')
    .description('replace an unhealthy member (the runbook): remove it, add it back with an empty data dir as a learner (on the same host, or --agent another), start, promote, check that all agree; refused when the removal would lose quorum')
    .option('--agent <host:port>', 'run the member on this agent instead (a cluster across agents): a new host joins with --token-file')
    .option('--token-file <file>', 'the shared token, to join an agent that has not joined yet')
    .addHelpText('after', '\nExamples:\n  warden member replace etcd-2\n  warden member replace etcd-2 --agent 10.0.0.14:7700 --token-file /etc/warden/token')
    .action(async (name: string, f: { agent?: string; tokenFile?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const t0 = Date.now();
      const log = (l: string) => c.io.err(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}`);
      const { requireInventory } = await import('../../cluster/inventory.ts');
      const { replaceMember } = await import('../../restore/replace.ts');
      const auth = c.credentials();
      const o = { name, log, ...(f.agent ? { agent: f.agent } : {}), ...(auth ? { auth } : {}) };
      const inv = requireInventory(c.layout);
      let token: string | undefined;
      if (f.tokenFile) token = (await import('../../agent/init.ts')).readTokenFile(f.tokenFile);
      const res = await replaceMember(c.layout, inv, { ...o, ...(token ? { token } : {}) });
      c.print(render(format, {
        json: () => res,
        simple: () => [
          `replaced member ${res.name}${res.from !== res.to ? ` (moved from ${res.from} to ${res.to})` : ` on ${res.to}`}: ${res.agreement.members.length} healthy members agree at revision ${res.agreement.revision} (hashKV ${res.agreement.hash})`,
          ...(res.movedAside.length ? [`its old data dir is kept at ${res.movedAside.join(', ')}`] : []),
        ],
      }));
    });

  member
    .command('list')
    .description('list the members: ID, status, name, peer and client URLs, learner')
    .addHelpText('after', '\nExample:\n  warden member list -w table')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      await c.withClient(async (client) => {
        const res = await client.memberList();
        const row = (m: (typeof res.members)[number]) => [
          m.ID.toString(16), m.name ? 'started' : 'unstarted', m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner),
        ];
        c.print(render(format, {
          json: () => ({
            header: { cluster_id: res.header.cluster_id, member_id: res.header.member_id, raft_term: res.header.raft_term },
            members: res.members.map((m) => ({
              ID: m.ID, ...(m.name ? { name: m.name } : {}), peerURLs: m.peerURLs,
              ...(m.clientURLs.length ? { clientURLs: m.clientURLs } : {}), ...(m.isLearner ? { isLearner: true } : {}),
            })),
          }),
          simple: () => res.members.map((m) => row(m).join(', ')),
          table: () => ({ headers: ['ID', 'status', 'name', 'peer addrs', 'client addrs', 'is learner'], rows: res.members.map(row) }),
        }));
      });
    });

  member
    .command('add <name>')
    .description('add a member (optionally as a learner) and print the environment to start it with')
    .option('--peer-urls <urls>', 'comma-separated peer URLs of the new member')
    .option('--learner', 'add it as a learner (non-voting until promoted)', false)
    .addHelpText('after', '\nExample:\n  warden member add etcd-4 --peer-urls=http://127.0.0.1:23800 --learner')
    .action(async (name: string, opts: { peerUrls?: string; learner: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const urls = parseUrls(opts.peerUrls, '--peer-urls');
      await c.withClient(async (client) => {
        const res = await client.memberAdd(urls, { isLearner: opts.learner });
        const clusterId = res.header.cluster_id;
        c.print(`Member ${id16(res.member.ID)} added to cluster ${id16(clusterId)}\n`);
        const initial = res.members.flatMap((m) => (m.ID === res.member.ID ? urls.map((u) => `${name}=${u}`) : m.peerURLs.map((u) => `${m.name}=${u}`)));
        c.print(`ETCD_NAME="${name}"\nETCD_INITIAL_CLUSTER="${initial.join(',')}"\nETCD_INITIAL_ADVERTISE_PEER_URLS="${urls.join(',')}"\nETCD_INITIAL_CLUSTER_STATE="existing"`);
      });
    });

  member
    .command('remove <memberID>')
    .description('remove a member by its hex ID')
    .action(async (idText: string, _o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const id = parseMemberId(idText);
      await c.withClient(async (client) => {
        const res = await client.memberRemove(id);
        c.print(`Member ${id16(id)} removed from cluster ${id16(res.header.cluster_id)}`);
      });
    });

  member
    .command('update <memberID>')
    .description("change a member's peer URLs")
    .option('--peer-urls <urls>', 'comma-separated new peer URLs')
    .action(async (idText: string, opts: { peerUrls?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const id = parseMemberId(idText);
      const urls = parseUrls(opts.peerUrls, '--peer-urls');
      await c.withClient(async (client) => {
        const res = await client.memberUpdate(id, urls);
        c.print(`Member ${id16(id)} updated in cluster ${id16(res.header.cluster_id)}`);
      });
    });

  member
    .command('promote <memberID>')
    .description('promote a learner that has caught up to a voting member')
    .action(async (idText: string, _o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const id = parseMemberId(idText);
      await c.withClient(async (client) => {
        const res = await client.memberPromote(id);
        c.print(`Member ${id16(id)} promoted in cluster ${id16(res.header.cluster_id)}`);
      });
    });
}

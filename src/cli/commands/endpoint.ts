// `warden endpoint status|health [--cluster]`: etcdctl's columns, JSON shape and health lines.
import type { Command } from 'commander';
import { WardenError } from '../../errors.ts';
import type { EtcdClient, MemberClient } from '../../etcd/client.ts';
import { checkEndpointHealth, type EndpointHealth } from '../../etcd/health-check.ts';
import type { Context } from '../context.ts';
import { humanBytes, render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

export interface Target {
  /** The endpoint as the user (or the member list) spelled it; etcdctl prints it so. */
  label: string;
  member: MemberClient;
}

/** The members to ask: the given endpoints, or with --cluster every member's client URLs. */
export async function targetMembers(client: EtcdClient, endpoints: string[], cluster: boolean): Promise<Target[]> {
  if (!cluster) return endpoints.map((e) => ({ label: e, member: client.member(e) }));
  const { members } = await client.memberList();
  const urls = [...new Set(members.flatMap((m) => m.clientURLs))];
  if (urls.length === 0) throw new WardenError('the cluster reports no member with a client URL: check `warden member list`');
  return urls.map((u) => ({ label: u, member: client.member(u) }));
}

export function hexId(id: bigint): string {
  return id.toString(16);
}

/** What `etcdctl endpoint status -w json` prints for one endpoint (Go omits zero values). */
export function statusJson(endpoint: string, s: Awaited<ReturnType<MemberClient['status']>>): unknown {
  const status: Record<string, unknown> = {
    header: { cluster_id: s.header.cluster_id, member_id: s.header.member_id, revision: s.header.revision, raft_term: s.header.raft_term },
    version: s.version,
    dbSize: s.dbSize,
    leader: s.leader,
    raftIndex: s.raftIndex,
    raftTerm: s.raftTerm,
    raftAppliedIndex: s.raftAppliedIndex,
  };
  if (s.errors.length) status.errors = s.errors;
  status.dbSizeInUse = s.dbSizeInUse;
  if (s.isLearner) status.isLearner = true;
  return { Endpoint: endpoint, Status: status };
}

export function registerEndpoint(program: Command, ctx: Ctx): void {
  const endpoint = program.command('endpoint').description('status and health of etcd endpoints (as etcdctl endpoint)');

  endpoint
    .command('status')
    .description('print each endpoint\'s member ID, version, DB size, leader and raft indexes')
    .option('--cluster', 'ask every member listed by the cluster, not just --endpoints', false)
    .addHelpText('after', '\nExample:\n  warden endpoint status --cluster -w table')
    .action(async (opts: { cluster: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const results = await onTargets(c, opts.cluster, async (t) => {
        try {
          return { endpoint: t.label, status: await t.member.status() };
        } catch (err) {
          return { endpoint: t.label, error: err as Error };
        }
      });
      const ok = results.filter((r) => r.status) as { endpoint: string; status: Awaited<ReturnType<MemberClient['status']>> }[];
      for (const r of results) if (r.error) c.io.err(`Failed to get the status of endpoint ${r.endpoint}: ${r.error.message}`);
      if (ok.length) {
        c.print(render(format, {
          json: () => ok.map((r) => statusJson(r.endpoint, r.status)),
          simple: () => ok.map((r) => row(r.endpoint, r.status).join(', ')),
          table: () => ({
            headers: ['endpoint', 'ID', 'version', 'db size', 'in use', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'],
            rows: ok.map((r) => row(r.endpoint, r.status)),
          }),
        }));
      }
      if (ok.length < results.length) c.fail();
    });

  endpoint
    .command('health')
    .description('check that each endpoint commits a linearizable read; exits non-zero when any is unhealthy')
    .option('--cluster', 'check every member listed by the cluster, not just --endpoints', false)
    .addHelpText('after', '\nExample:\n  warden endpoint health --cluster')
    .action(async (opts: { cluster: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const results = await onTargets(c, opts.cluster, async (t) => ({ ...(await checkEndpointHealth(t.member)), endpoint: t.label }));
      c.print(render(format, {
        json: () => results,
        simple: () => results.map(healthLine),
        table: () => ({ headers: ['endpoint', 'health', 'took', 'error'], rows: results.map((r) => [r.endpoint, String(r.health), r.took, r.error ?? '']) }),
      }));
      const bad = results.filter((r) => !r.health).length;
      if (bad) {
        const quorum = Math.floor(results.length / 2) + 1;
        const healthy = results.length - bad;
        c.io.err(`cluster is unhealthy: ${bad} of ${results.length} endpoints unhealthy (${healthy >= quorum ? 'quorum kept' : 'QUORUM LOST'}: ${healthy} of ${results.length} healthy, ${quorum} needed)`);
        c.fail();
      }
    });
}

/** Runs `fn` on every target member (the given endpoints, or with --cluster every member). */
async function onTargets<R>(c: Context, cluster: boolean, fn: (t: Target) => Promise<R>): Promise<R[]> {
  const conn = c.connectionOptions();
  return c.withClient(async (client) => Promise.all((await targetMembers(client, conn.endpoints, cluster)).map(fn)));
}

function row(endpoint: string, s: Awaited<ReturnType<MemberClient['status']>>): string[] {
  return [
    endpoint,
    hexId(s.header.member_id),
    s.version,
    humanBytes(s.dbSize),
    humanBytes(s.dbSizeInUse),
    String(s.leader === s.header.member_id),
    String(s.isLearner),
    String(s.raftTerm),
    String(s.raftIndex),
    String(s.raftAppliedIndex),
    s.errors.join(', '),
  ];
}

export function healthLine(h: EndpointHealth): string {
  return h.health
    ? `${h.endpoint} is healthy: successfully committed proposal: took = ${h.took}`
    : `${h.endpoint} is unhealthy: failed to commit proposal: ${h.error ?? 'unknown error'}`;
}

// `warden defrag`: the seeds' "Defragmenting etcd data" runbook as one command. Members in
// turn, the leader last and (unless --no-move-leader) as a follower after moving leadership to
// a caught-up follower; each member healthy again and --wait elapsed before the next. The run
// holds the cluster's defragmentation lock, waiting up to --lock-timeout for another holder.
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import type { EtcdClient } from '../../etcd/client.ts';
import { hexId } from '../../defrag/policy.ts';
import { defragResultJson } from '../../defrag/json.ts';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFRAG_LOCK_KEY, DEFRAG_LOCK_TTL_SECONDS, withDefragLock } from '../../defrag/lock.ts';
import { rollingDefrag, type DefragResult, type DefragTarget, type RollingEvent } from '../../defrag/rolling.ts';
import { formatDuration } from '../../util/duration.ts';
import type { Context } from '../context.ts';
import { durationOption } from '../options.ts';
import { humanBytes, renderTable, toJson, type OutputFormat } from '../printer.ts';
import { targetMembers } from './endpoint.ts';

type Ctx = (cmd: Command) => Context;

/** Defragment calls get 30 s (the seeds' --command-timeout=30s) unless --command-timeout is given. */
export const DEFAULT_DEFRAG_TIMEOUT_MS = 30_000;

export function finishedLine(r: Pick<DefragResult, 'endpoint' | 'before' | 'after'>): string {
  return `Finished defragmenting etcd member[${r.endpoint}] (DB size ${humanBytes(r.before)} -> ${humanBytes(r.after)})`;
}


export function resultsTable(results: DefragResult[]): string {
  return renderTable(['endpoint', 'name', 'ID', 'db size before', 'db size after', 'took', 'was leader'], results.map((r) => [
    r.endpoint, r.name, hexId(r.id), humanBytes(r.before), humanBytes(r.after), formatDuration(r.durationMs), r.wasLeader ? `true (moved to ${r.leaderMovedTo?.name ?? '-'})` : 'false',
  ]));
}

/** The Defragment deadline: --command-timeout when given, else the seeds' 30 s. */
export function defragTimeoutMs(cmd: Command, c: Context): number {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  const source = root.getOptionValueSource('commandTimeout');
  return source === 'default' || source === undefined ? DEFAULT_DEFRAG_TIMEOUT_MS : c.commandTimeoutMs;
}

/** Progress lines printed as they happen (-w simple); nothing for json/table until the end. */
export function progressPrinter(c: Context, format: OutputFormat): (e: RollingEvent) => void {
  return (e) => {
    if (format !== 'simple') return;
    if (e.kind === 'leader-moved') c.print(`Moved leadership from ${e.from.name} (${hexId(e.from.id)}) to ${e.to.name} (${hexId(e.to.id)}) before defragmenting it`);
    else if (e.kind === 'defragmented') c.print(finishedLine(e.result));
    else if (e.kind === 'skipped') c.print(`Skipped etcd member[${e.label}]: ${e.reason}`);
  };
}

/** The members to defragment: --member names/IDs, else --cluster or the given endpoints. */
export async function defragTargets(c: Context, client: EtcdClient, opts: { cluster: boolean; member?: string }): Promise<DefragTarget[]> {
  if (opts.member !== undefined) {
    const wanted = opts.member.split(',').map((s) => s.trim()).filter(Boolean);
    if (wanted.length === 0) throw new UsageError('--member is empty: give member names or hex IDs, e.g. --member etcd-2');
    const { members } = await client.memberList();
    return wanted.map((w) => {
      const m = members.find((x) => x.name === w || hexId(x.ID) === w.toLowerCase());
      if (!m) throw new UsageError(`no member named "${w}" in the cluster: members are ${members.map((x) => x.name || hexId(x.ID)).join(', ')}`);
      const url = m.clientURLs[0];
      if (!url) throw new UsageError(`member "${w}" has not started (no client URL): start it first`);
      return { label: url, member: client.member(url) };
    });
  }
  const conn = c.connectionOptions();
  return targetMembers(client, conn.endpoints, opts.cluster);
}

export function registerDefrag(program: Command, ctx: Ctx): void {
  program
    .command('defrag')
    .description('defragment etcd members one at a time, the leader last (after moving leadership to a caught-up follower), each healthy again before the next')
    .option('--cluster', 'defragment every member in the member list, not just --endpoints', false)
    .option('--member <names>', 'only these members: comma-separated names or hex IDs')
    .addOption(durationOption('--wait <duration>', 'least time between two members (the seeds say one minute); 0 waits only for health', { default: '60s', allowZero: true }))
    .option('--no-move-leader', "defragment the leader in place, last (the seeds' plain order)")
    .addOption(durationOption('--health-timeout <duration>', 'how long to wait for a member to be healthy again, or for the new leader', { default: '2m' }))
    .addOption(durationOption('--lock-timeout <duration>', 'how long to wait while another defragmentation (a warden defrag, space recover or the operator) holds the lock; 0 fails at once', { default: formatDuration(DEFAULT_LOCK_TIMEOUT_MS), allowZero: true }))
    .addHelpText('after', [
      '',
      'Each Defragment call may take --command-timeout (default 30s here, as in the seeds: etcdctl --command-timeout=30s defrag).',
      `One defragmentation at a time per cluster: every run holds the lock ${DEFRAG_LOCK_KEY} through an etcd lease`,
      `(freed within ${DEFRAG_LOCK_TTL_SECONDS}s if its holder dies); another run waits up to --lock-timeout, then fails naming the holder.`,
      '',
      'Examples:',
      '  warden defrag --cluster',
      '  warden defrag --cluster --wait 10s -w json',
      '  warden --endpoints 10.0.0.5:2379 defrag --command-timeout 2m',
    ].join('\n'))
    .action(async (opts: { cluster: boolean; member?: string; wait: number; moveLeader: boolean; healthTimeout: number; lockTimeout: number }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const waitMs = opts.wait;
      const healthTimeoutMs = opts.healthTimeout;
      const lockTimeoutMs = opts.lockTimeout;
      const timeoutMs = defragTimeoutMs(cmd, c);
      const holder = `warden defrag${opts.member !== undefined ? ` --member ${opts.member}` : opts.cluster ? ' --cluster' : ''}`;
      await c.withClient(async (client) => {
        const targets = await defragTargets(c, client, opts);
        const results: DefragResult[] = [];
        const print = progressPrinter(c, format);
        const finish = () => {
          if (format === 'json') c.print(toJson(results.map(defragResultJson)));
          else if (format === 'table' && results.length) c.print(resultsTable(results));
        };
        try {
          await withDefragLock(client, {
            holder,
            timeoutMs: lockTimeoutMs,
            // Under NOSPACE nobody can take the lock; defragmenting is then how space comes back.
            goOnUnrecorded: true,
            ...(format === 'simple' ? { print: (l: string) => c.print(l) } : {}),
          }, (signal) => rollingDefrag({
            client,
            targets,
            moveLeader: opts.moveLeader,
            defragTimeoutMs: timeoutMs,
            waitMs,
            healthTimeoutMs,
            signal,
            on: (e) => {
              if (e.kind === 'defragmented') results.push(e.result);
              print(e);
            },
          }));
        } catch (err) {
          if (results.length) finish();
          throw err;
        }
        finish();
        if (results.length === 0 && format === 'simple') c.print('No member was defragmented');
      });
    });
}

// `warden space status|recover`: how full each member is (DB size, in use, quota), and the
// NOSPACE recovery of the seeds (compact, defragment every member, disarm, check a write).
import type { Command } from 'commander';
import { hexId, fragmentationPercent } from '../../defrag/policy.ts';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../../defrag/lock.ts';
import { QuotaCache } from '../../defrag/quota.ts';
import { recoverSpace, type SpaceRecoveryReport } from '../../defrag/space.ts';
import { formatDuration } from '../../util/duration.ts';
import type { Context } from '../context.ts';
import { durationOption } from '../options.ts';
import { humanBytes, render, toJson } from '../printer.ts';
import { spaceReportJson } from '../../defrag/json.ts';
import { defragTargets, defragTimeoutMs, progressPrinter } from './defrag.ts';

type Ctx = (cmd: Command) => Context;

interface SpaceRow {
  endpoint: string;
  name: string;
  id: bigint;
  dbSize: number;
  dbSizeInUse: number;
  quota: number;
  quotaKnown: boolean;
  error?: string;
}

function pct(n: number): string {
  return `${n.toFixed(0)}%`;
}

export function registerSpace(program: Command, ctx: Ctx): void {
  const space = program.command('space').description('database space: how full each member is, and recovery from NOSPACE');

  space
    .command('status')
    .description("each member's DB size, in use, quota (from its /metrics) and fragmentation")
    .addHelpText('after', '\nExample:\n  warden space status -w table')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const tls = c.connectionOptions().tls;
      await c.withClient(async (client) => {
        const { members } = await client.memberList();
        const quotas = new QuotaCache(tls);
        const rows: SpaceRow[] = await Promise.all(members.filter((m) => m.clientURLs[0]).map(async (m) => {
          const url = m.clientURLs[0] as string;
          const base = { endpoint: url, name: m.name, id: m.ID };
          try {
            const [st, q] = await Promise.all([client.member(url).status(), quotas.get(url)]);
            return { ...base, dbSize: st.dbSize, dbSizeInUse: st.dbSizeInUse, quota: q.bytes, quotaKnown: q.known };
          } catch (err) {
            return { ...base, dbSize: 0, dbSizeInUse: 0, quota: 0, quotaKnown: false, error: (err as Error).message };
          }
        }));
        const alarms = await client.alarmList().catch(() => []);
        c.print(render(format, {
          json: () => ({
            members: rows.map((r) => ({
              endpoint: r.endpoint, name: r.name, id: hexId(r.id), dbSize: r.dbSize, dbSizeInUse: r.dbSizeInUse, quota: r.quota, quotaKnown: r.quotaKnown,
              quotaUsedPercent: r.quota ? Math.round((r.dbSize / r.quota) * 1000) / 10 : null,
              fragmentationPercent: Math.round(fragmentationPercent(r.dbSize, r.dbSizeInUse) * 10) / 10,
              ...(r.error ? { error: r.error } : {}),
            })),
            alarms: alarms.map((a) => ({ memberID: a.memberID, alarm: a.alarm })),
          }),
          simple: () => [
            ...rows.map((r) => r.error
              ? `${r.endpoint}, ${r.name}, error: ${r.error}`
              : `${r.endpoint}, ${r.name}, DB ${humanBytes(r.dbSize)}, in use ${humanBytes(r.dbSizeInUse)}, quota ${humanBytes(r.quota)}${r.quotaKnown ? '' : ' (assumed)'} (${pct((r.dbSize / r.quota) * 100)} used), ${pct(fragmentationPercent(r.dbSize, r.dbSizeInUse))} fragmented`),
            ...alarms.map((a) => `memberID:${a.memberID} alarm:${a.alarm}`),
          ],
          table: () => ({
            headers: ['endpoint', 'name', 'db size', 'in use', 'quota', 'quota used', 'fragmented', 'errors'],
            rows: rows.map((r) => [r.endpoint, r.name, humanBytes(r.dbSize), humanBytes(r.dbSizeInUse), `${humanBytes(r.quota)}${r.quotaKnown ? '' : '*'}`,
              r.quota ? pct((r.dbSize / r.quota) * 100) : '-', pct(fragmentationPercent(r.dbSize, r.dbSizeInUse)), r.error ?? '']),
          }),
        }));
        if (rows.some((r) => r.error)) c.fail();
      });
    });

  space
    .command('recover')
    .description('recover from NOSPACE: compact to the current revision, defragment every member (leader last), disarm all alarms, check a write')
    .addOption(durationOption('--wait <duration>', 'least time between two members (short: the cluster refuses writes until the end)', { default: '5s', allowZero: true }))
    .option('--no-move-leader', 'defragment the leader in place, last')
    .addOption(durationOption('--health-timeout <duration>', 'how long to wait for a member to be healthy again, or for the new leader', { default: '2m' }))
    .addOption(durationOption('--lock-timeout <duration>', 'how long to wait while another defragmentation holds the lock; 0 fails at once', { default: formatDuration(DEFAULT_LOCK_TIMEOUT_MS), allowZero: true }))
    .addHelpText('after', [
      '',
      'Holds the defragmentation lock as `warden defrag` does. Under the NOSPACE alarm etcd takes no write, so the lock',
      'can then only be checked (a holder from before the alarm is waited for), not recorded.',
      'A recovery that leaves a member above 80% of its quota ends with a warning: the live data nearly fills it.',
      '',
      'Example:',
      '  warden space recover        # after `warden alarm list` shows alarm:NOSPACE',
    ].join('\n'))
    .action(async (opts: { wait: number; moveLeader: boolean; healthTimeout: number; lockTimeout: number }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const waitMs = opts.wait;
      const healthTimeoutMs = opts.healthTimeout;
      const lockTimeoutMs = opts.lockTimeout;
      const timeoutMs = defragTimeoutMs(cmd, c);
      const tls = c.connectionOptions().tls;
      await c.withClient(async (client) => {
        const targets = await defragTargets(c, client, { cluster: true });
        // Recovery is a sequence of steps: table output shows the same lines as simple.
        const simple = format !== 'json';
        const report: SpaceRecoveryReport = await recoverSpace(client, {
          waitMs,
          healthTimeoutMs,
          defragTimeoutMs: timeoutMs,
          moveLeader: opts.moveLeader,
          targets,
          ...(tls ? { tls } : {}),
          lock: { holder: 'warden space recover', timeoutMs: lockTimeoutMs },
          print: (l) => {
            if (simple) c.print(l);
          },
          warn: (l) => c.io.err(l),
          onDefrag: progressPrinter(c, simple ? 'simple' : format),
        });
        if (!simple) {
          c.print(toJson(spaceReportJson(report)));
        }
      });
    });
}

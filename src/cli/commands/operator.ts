// `warden operator`: the long-running operator (leader election, controllers, /healthz,
// /metrics and the resource API). `warden run` uses the same options.
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { parseSize, type RetentionPolicy } from '../../backup/retention.ts';
import type { BackupInfo } from '../../backup/archive.ts';
import { pruneRemote, s3Target, shipSet } from '../../backup/ship.ts';
import { parseSchedule, type ScheduleOptions } from '../../backup/schedule.ts';
import type { DefragControllerOptions } from '../../defrag/controller.ts';
import { parseBytes, parsePercent, parseWait } from '../../defrag/options.ts';
import type { SpaceOptions } from '../../defrag/space-controller.ts';
import { parseMigrationRate } from '../../encryption/migration.ts';
import { parseLeaseTtl } from '../../operator/election.ts';
import type { OperatorOptions } from '../../operator/operator.ts';
import { DEFAULT_PREFIXES, singlePrefix } from '../../resources/registry.ts';
import { parseDuration } from '../../util/duration.ts';
import type { Context } from '../context.ts';
import { untilSignal } from './cluster.ts';

type Ctx = (cmd: Command) => Context;

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`bad --listen "${text}": use HOST:PORT, e.g. 127.0.0.1:9479 (port 0 picks a free one)`);
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export interface OperatorFlags {
  listen: string;
  leaseTtl: string;
  id?: string;
  keyRotation: string;
  migrationRate?: string;
  prefix?: string;
  backupSchedule?: string;
  backupDir?: string;
  backupKeysDir?: string;
  backupRetainCount: string;
  backupRetainSize: string;
  backupRetainAge?: string;
  backupTo?: string;
  s3Endpoint?: string;
  s3Region?: string;
  autoDefrag: boolean;
  defragMinFragmentation: string;
  defragMinDbSize: string;
  defragWait: string;
  defragInterval: string;
  defragTimeout: string;
  autoSpaceRecover?: boolean;
  spaceAlertFor: string;
  spaceSampleInterval: string;
}

/** The operator flags shared by `operator` and `run`. */
export function addOperatorFlags(cmd: Command): Command {
  return cmd
    .option('--listen <host:port>', 'where to serve /healthz, /metrics and the resource API (loopback only)', '127.0.0.1:9479')
    .option('--lease-ttl <seconds>', 'leader lease TTL: a dead leader is replaced after at most this long', '10')
    .option('--id <identity>', "this operator's identity in the election (default: host-pid)")
    .option('--key-rotation <duration>', 'encryption key rotation interval, counted from the end of the last migration', '168h')
    .option('--migration-rate <n>', 'encryption migration throttle: at most n objects per second (default: unlimited)')
    .option('--prefix <root>', 'etcd key root for resources instead of /kubernetes.io and /openshift.io (e.g. /registry)')
    .option('--backup-schedule <cron>', 'take backups on this cron schedule, e.g. "0 */6 * * *" (needs --backup-dir)')
    .option('--backup-dir <dir>', 'where scheduled backups go')
    .option('--backup-keys-dir <dir>', 'where their static_kuberesources archives go (default: --backup-dir)')
    .option('--backup-retain-count <n>', 'keep at most this many backup sets', '15')
    .option('--backup-retain-size <size>', 'keep at most this much in all, e.g. 10GiB', '10GiB')
    .option('--backup-retain-age <duration>', 'delete sets older than this, e.g. 720h')
    .option('--backup-to <s3url>', 'also ship every scheduled set to S3-compatible storage (retention applies there too)')
    .option('--s3-endpoint <url>', 'with --backup-to: S3-compatible endpoint (env AWS_ENDPOINT_URL)')
    .option('--s3-region <region>', 'with --backup-to: region (env AWS_REGION)')
    .option('--no-auto-defrag', 'do not defragment members automatically')
    .option('--defrag-min-fragmentation <percent>', 'defragment a member when at least this much of its DB is free (1 - in use / DB size)', '45')
    .option('--defrag-min-db-size <size>', 'and its DB is at least this big', '100MiB')
    .option('--defrag-wait <duration>', 'least time between two members, each healthy again before the next', '36s')
    .option('--defrag-interval <duration>', 'how often the defrag controller looks at the members', '1m')
    .option('--defrag-timeout <duration>', 'deadline of one member defragmentation', '5m')
    .option('--auto-space-recover', 'on a NOSPACE alarm, compact, defragment every member, disarm and check a write, without a human')
    .option('--space-alert-for <duration>', 'how long a space alert condition must hold before it turns True (the seeds: 10 minutes)', '10m')
    .option('--space-sample-interval <duration>', 'how often member DB sizes and quotas are sampled', '30s');
}

function defragOptions(flags: OperatorFlags): DefragControllerOptions | false {
  const o: DefragControllerOptions = {
    minFragmentationPercent: parsePercent(flags.defragMinFragmentation, '--defrag-min-fragmentation'),
    minDbSizeBytes: parseBytes(flags.defragMinDbSize, '--defrag-min-db-size'),
    waitMs: parseWait(flags.defragWait, '--defrag-wait'),
    intervalMs: parseDuration(flags.defragInterval, '--defrag-interval'),
    defragTimeoutMs: parseDuration(flags.defragTimeout, '--defrag-timeout'),
  };
  return flags.autoDefrag ? o : false;
}

function spaceOptions(flags: OperatorFlags, c: Context): SpaceOptions {
  const defragTimeoutMs = parseDuration(flags.defragTimeout, '--defrag-timeout');
  return {
    alertForMs: parseDuration(flags.spaceAlertFor, '--space-alert-for'),
    sampleIntervalMs: parseDuration(flags.spaceSampleInterval, '--space-sample-interval'),
    autoRecover: flags.autoSpaceRecover ?? false,
    defragTimeoutMs,
    // The members' /metrics need the cluster's client certificate; `run` creates it later.
    tls: () => c.connectionOptions().tls,
  };
}

function backupOptions(flags: OperatorFlags, c: Context): ScheduleOptions | undefined {
  if (!flags.backupSchedule && !flags.backupDir) return undefined;
  if (!flags.backupSchedule || !flags.backupDir) throw new UsageError('--backup-schedule and --backup-dir go together: give both');
  parseSchedule(flags.backupSchedule);
  const count = Number(flags.backupRetainCount);
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--backup-retain-count must be a whole number of at least 1 (got "${flags.backupRetainCount}")`);
  const size = parseSize(flags.backupRetainSize);
  if (!size) throw new UsageError(`bad --backup-retain-size "${flags.backupRetainSize}": use a size like 10GiB or 500MB`);
  const target = flags.backupTo ? s3Target(flags.backupTo, { ...(flags.s3Endpoint ? { endpoint: flags.s3Endpoint } : {}), ...(flags.s3Region ? { region: flags.s3Region } : {}) }) : undefined;
  return {
    ...(target ? {
      ship: (snap: string, archive: string, info: BackupInfo) => shipSet(target, snap, archive, info),
      pruneRemote: (policy: RetentionPolicy, now: Date) => pruneRemote(target, policy, now),
    } : {}),
    schedule: flags.backupSchedule,
    dir: flags.backupDir,
    ...(flags.backupKeysDir ? { keysDir: flags.backupKeysDir } : {}),
    retention: { count, totalBytes: size, ...(flags.backupRetainAge ? { maxAgeMs: parseDuration(flags.backupRetainAge, '--backup-retain-age') } : {}) },
    layout: c.layout,
  };
}

/** Validates the flags up front, before anything starts. */
export function operatorOptions(flags: OperatorFlags, c: Context, log: (l: string) => void): Omit<OperatorOptions, 'client'> {
  const { host, port } = parseListen(flags.listen);
  const backup = backupOptions(flags, c);
  const defrag = defragOptions(flags);
  const space = spaceOptions(flags, c);
  return {
    stateDir: c.layout.root,
    listenHost: host,
    listenPort: port,
    leaseTtlSeconds: parseLeaseTtl(flags.leaseTtl),
    rotationMs: parseDuration(flags.keyRotation, '--key-rotation'),
    prefixes: flags.prefix ? singlePrefix(flags.prefix) : DEFAULT_PREFIXES,
    ...(flags.migrationRate !== undefined ? { migrationRate: parseMigrationRate(flags.migrationRate) } : {}),
    ...(backup ? { backup } : {}),
    defrag,
    space,
    ...(flags.id ? { identity: flags.id } : {}),
    log,
  };
}

export function registerOperator(program: Command, ctx: Ctx): void {
  addOperatorFlags(program.command('operator'))
    .description('run the operator in the foreground: leader election, controllers, /healthz, /metrics, resource API')
    .addHelpText('after', '\nExample:\n  warden operator --listen 127.0.0.1:0')
    .action(async (flags: OperatorFlags, cmd: Command) => {
      const c = ctx(cmd);
      const options = operatorOptions(flags, c, (l) => c.print(`${new Date().toISOString()} ${l}`));
      const client = c.client();
      try {
        const { Operator } = await import('../../operator/operator.ts');
        const op = new Operator({ ...options, client });
        try {
          await op.start();
          await untilSignal();
          c.print('operator stopping');
        } finally {
          await op.stop();
        }
      } finally {
        client.close();
      }
    });
}

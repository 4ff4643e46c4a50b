// `warden operator`: the long-running operator (leader election, controllers, /healthz,
// /metrics and the resource API). `warden run` uses the same options.
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { checkRecipients, collect, recipientsOf } from '../../backup/age.ts';
import type { RetentionPolicy } from '../../backup/retention.ts';
import type { BackupInfo } from '../../backup/archive.ts';
import { pruneRemote, s3Target, shipSet } from '../../backup/ship.ts';
import { parseSchedule, type ScheduleOptions } from '../../backup/schedule.ts';
import type { DefragControllerOptions } from '../../defrag/controller.ts';
import { parsePercent } from '../../defrag/options.ts';
import type { SpaceOptions } from '../../defrag/space-controller.ts';
import type { OperatorOptions } from '../../operator/operator.ts';
import { DEFAULT_PREFIXES, singlePrefix } from '../../resources/registry.ts';
import { LOOPBACK_HOSTS } from '../../util/ports.ts';
import type { Context } from '../context.ts';
import { durationOption, leaseTtlOption, migrationRateOption, sizeOption, wholeNumberOption } from '../options.ts';
import { untilSignal } from './cluster.ts';

type Ctx = (cmd: Command) => Context;

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`bad --listen "${text}": use HOST:PORT, e.g. 127.0.0.1:9479 (port 0 picks a free one)`);
  const host = (m[1] as string).replace(/^\[|\]$/g, '');
  if (!LOOPBACK_HOSTS.includes(host)) throw new UsageError(`--listen host ${host} is not a loopback address: the operator serves on 127.0.0.1 only`);
  return { host, port: Number(m[2]) };
}

export interface OperatorFlags {
  listen: string;
  leaseTtl: number;
  id?: string;
  keyRotation: number;
  migrationRate?: number;
  prefix?: string;
  backupSchedule?: string;
  backupDir?: string;
  backupKeysDir?: string;
  backupRetainCount: number;
  backupRetainSize: number;
  backupRetainAge?: number;
  backupTo?: string;
  backupEncryptTo?: string[];
  backupEncryptToFile?: string[];
  s3Endpoint?: string;
  s3Region?: string;
  autoDefrag: boolean;
  defragMinFragmentation: number;
  defragMinDbSize: number;
  defragWait: number;
  defragInterval: number;
  defragTimeout: number;
  autoSpaceRecover?: boolean;
  spaceAlertFor: number;
  spaceSampleInterval: number;
}

/** The operator flags shared by `operator` and `run`; every value is parsed when the command line is read. */
export function addOperatorFlags(cmd: Command): Command {
  return cmd
    .option('--listen <host:port>', 'where to serve /healthz, /metrics and the resource API (loopback only; port 0 picks a free one)', '127.0.0.1:9479')
    .addOption(leaseTtlOption('leader lease TTL: a dead leader is replaced after at most this long'))
    .option('--id <identity>', "this operator's identity in the election (default: host-pid)")
    .addOption(durationOption('--key-rotation <duration>', 'encryption key rotation interval, counted from the end of the last migration', { default: '168h', max: '8760h' }))
    .addOption(migrationRateOption('encryption migration throttle: at most n objects per second (default: unlimited)'))
    .option('--prefix <root>', 'etcd key root for resources instead of /kubernetes.io and /openshift.io (e.g. /registry)')
    .option('--backup-schedule <cron>', 'take backups on this cron schedule, e.g. "0 */6 * * *" (needs --backup-dir)')
    .option('--backup-dir <dir>', 'where scheduled backups go')
    .option('--backup-keys-dir <dir>', 'where their static_kuberesources archives go (default: --backup-dir)')
    .addOption(wholeNumberOption('--backup-retain-count <n>', 'keep at most this many backup sets', { min: 1, hint: 'the default is 15', default: 15 }))
    .addOption(sizeOption('--backup-retain-size <size>', 'keep at most this much in all, e.g. 10GiB', { default: '10GiB' }))
    .addOption(durationOption('--backup-retain-age <duration>', 'delete sets older than this, e.g. 720h', { max: '87600h' }))
    .option('--backup-to <s3url>', 'also ship every scheduled set to S3-compatible storage (retention applies there too)')
    .option('--backup-encrypt-to <recipient>', 'encrypt every scheduled set to this age recipient (age1..., from age-keygen; repeatable)', collect)
    .option('--backup-encrypt-to-file <file>', 'encrypt every scheduled set to the recipients in this file, one a line (repeatable)', collect)
    .option('--s3-endpoint <url>', 'with --backup-to: S3-compatible endpoint (env AWS_ENDPOINT_URL)')
    .option('--s3-region <region>', 'with --backup-to: region (env AWS_REGION)')
    .option('--no-auto-defrag', 'do not defragment members automatically')
    .addOption(new Option('--defrag-min-fragmentation <percent>', 'defragment a member when at least this much of its DB is free (1 - in use / DB size)').default(45, '45').argParser((v: string) => parsePercent(v, '--defrag-min-fragmentation')))
    .addOption(sizeOption('--defrag-min-db-size <size>', 'and its DB is at least this big', { default: '100MiB', allowZero: true }))
    .addOption(durationOption('--defrag-wait <duration>', 'least time between two members, each healthy again before the next', { default: '36s', allowZero: true }))
    .addOption(durationOption('--defrag-interval <duration>', 'how often the defrag controller looks at the members', { default: '1m' }))
    .addOption(durationOption('--defrag-timeout <duration>', 'deadline of one member defragmentation', { default: '5m' }))
    .option('--auto-space-recover', 'on a NOSPACE alarm, compact, defragment every member, disarm and check a write, without a human')
    .addOption(durationOption('--space-alert-for <duration>', 'how long a space alert condition must hold before it turns True (the seeds: 10 minutes)', { default: '10m', max: '168h' }))
    .addOption(durationOption('--space-sample-interval <duration>', 'how often member DB sizes and quotas are sampled', { default: '30s' }));
}

function defragOptions(flags: OperatorFlags): DefragControllerOptions | false {
  const o: DefragControllerOptions = {
    minFragmentationPercent: flags.defragMinFragmentation,
    minDbSizeBytes: flags.defragMinDbSize,
    waitMs: flags.defragWait,
    intervalMs: flags.defragInterval,
    defragTimeoutMs: flags.defragTimeout,
  };
  return flags.autoDefrag ? o : false;
}

function spaceOptions(flags: OperatorFlags, c: Context): SpaceOptions {
  return {
    alertForMs: flags.spaceAlertFor,
    sampleIntervalMs: flags.spaceSampleInterval,
    autoRecover: flags.autoSpaceRecover ?? false,
    defragTimeoutMs: flags.defragTimeout,
    // The members' /metrics need the cluster's client certificate; `run` creates it later.
    tls: () => c.connectionOptions().tls,
  };
}

function backupOptions(flags: OperatorFlags, c: Context): ScheduleOptions | undefined {
  if (!flags.backupSchedule && !flags.backupDir) return undefined;
  if (!flags.backupSchedule || !flags.backupDir) throw new UsageError('--backup-schedule and --backup-dir go together: give both');
  parseSchedule(flags.backupSchedule);
  const encryptTo = recipientsOf(flags.backupEncryptTo, flags.backupEncryptToFile);
  if (encryptTo) checkRecipients(encryptTo, { recipient: '--backup-encrypt-to', file: '--backup-encrypt-to-file' });
  const target = flags.backupTo ? s3Target(flags.backupTo, { ...(flags.s3Endpoint ? { endpoint: flags.s3Endpoint } : {}), ...(flags.s3Region ? { region: flags.s3Region } : {}) }) : undefined;
  return {
    ...(target ? {
      ship: (snap: string, archive: string, info: BackupInfo) => shipSet(target, snap, archive, info),
      pruneRemote: (policy: RetentionPolicy, now: Date) => pruneRemote(target, policy, now),
    } : {}),
    schedule: flags.backupSchedule,
    dir: flags.backupDir,
    ...(flags.backupKeysDir ? { keysDir: flags.backupKeysDir } : {}),
    ...(encryptTo ? { encryptTo } : {}),
    retention: { count: flags.backupRetainCount, totalBytes: flags.backupRetainSize, ...(flags.backupRetainAge !== undefined ? { maxAgeMs: flags.backupRetainAge } : {}) },
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
    leaseTtlSeconds: flags.leaseTtl,
    rotationMs: flags.keyRotation,
    prefixes: flags.prefix ? singlePrefix(flags.prefix) : DEFAULT_PREFIXES,
    ...(flags.migrationRate !== undefined ? { migrationRate: flags.migrationRate } : {}),
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

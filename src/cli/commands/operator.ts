// `warden operator`: the long-running operator (leader election, controllers, /healthz,
// /metrics and the resource API). `warden run` uses the same options.
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { EtcdPermissionError, type EtcdClient } from '../../etcd/client.ts';
import { checkRecipients, collect, recipientsOf } from '../../backup/age.ts';
import type { RetentionPolicy } from '../../backup/retention.ts';
import type { BackupInfo } from '../../backup/archive.ts';
import { pruneRemote, s3Target, shipSet, type S3Target } from '../../backup/ship.ts';
import { parseSchedule, type ScheduleOptions } from '../../backup/schedule.ts';
import type { DefragControllerOptions } from '../../defrag/controller.ts';
import { parsePercent } from '../../defrag/options.ts';
import type { SpaceOptions } from '../../defrag/space-controller.ts';
import { LEADER_KEY } from '../../operator/election.ts';
import type { OperatorOptions } from '../../operator/operator.ts';
import type { RevisionLogOptions } from '../../revlog/controller.ts';
import type { BackupSettings } from '../../console/backups.ts';
import { openLogDir } from '../../revlog/store.ts';
import { pruneRemoteLog } from '../../revlog/upload.ts';
import { DEFAULT_PREFIXES, singlePrefix } from '../../resources/registry.ts';
import { LOOPBACK_HOSTS } from '../../util/ports.ts';
import type { Context } from '../context.ts';
import { encryptionPublisher } from '../../agent/encryption-copies.ts';
import { durationOption, leaseTtlOption, migrationRateOption, sizeOption, wholeNumberOption } from '../options.ts';
import { untilSignal } from '../../util/signals.ts';

type Ctx = (cmd: Command) => Context;

/** HOST:PORT; a host other than loopback only with TLS (plain HTTP, --insecure-http, stays on loopback). */
export function parseListen(text: string, insecureHttp = false): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`bad --listen "${text}": use HOST:PORT, e.g. 127.0.0.1:9479 (port 0 picks a free one)`);
  const host = (m[1] as string).replace(/^\[|\]$/g, '');
  if (insecureHttp && !LOOPBACK_HOSTS.includes(host)) {
    throw new UsageError(`--listen ${host} with --insecure-http: plain HTTP serves on loopback only (127.0.0.1, localhost, ::1); drop --insecure-http to serve HTTPS with authentication on ${host}`);
  }
  return { host, port: Number(m[2]) };
}

export interface OperatorFlags {
  listen: string;
  insecureHttp?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  metricsPublic?: boolean;
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
  revisionLog?: boolean;
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
    .option('--listen <host:port>', 'where to serve the API (/healthz, /metrics, resources, actions) over HTTPS; port 0 picks a free one; a non-loopback address (or 0.0.0.0) only with TLS', '127.0.0.1:9479')
    .option('--tls-cert <file>', "the API's server certificate (PEM) instead of one the cluster CA signs at start; with --tls-key")
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--insecure-http', 'serve plain HTTP instead of HTTPS: loopback only; authentication stays on')
    .option('--metrics-public', 'serve /metrics without authentication (for a Prometheus without credentials)')
    .addOption(leaseTtlOption('leader lease TTL: a dead leader is replaced after at most this long'))
    .option('--id <identity>', "this operator's identity in the election (default: host-pid)")
    .addOption(durationOption('--key-rotation <duration>', 'encryption key rotation interval, counted from the end of the last migration', { default: '168h', max: '8760h' }))
    .addOption(migrationRateOption('encryption migration throttle: at most n objects per second (default: unlimited)'))
    .option('--prefix <root>', 'etcd key root for resources instead of /kubernetes.io and /openshift.io (e.g. /registry)')
    .option('--backup-schedule <cron>', 'take backups on this cron schedule, e.g. "0 */6 * * *" (needs --backup-dir)')
    .option('--backup-dir <dir>', 'where scheduled backups go, and backups asked for through the API (POST /apis/warden.io/v1/actions/backup)')
    .option('--backup-keys-dir <dir>', 'where their static_kuberesources archives go (default: --backup-dir)')
    .addOption(wholeNumberOption('--backup-retain-count <n>', 'keep at most this many backup sets', { min: 1, hint: 'the default is 15', default: 15 }))
    .addOption(sizeOption('--backup-retain-size <size>', 'keep at most this much in all, e.g. 10GiB', { default: '10GiB' }))
    .addOption(durationOption('--backup-retain-age <duration>', 'delete sets older than this, e.g. 720h', { max: '87600h' }))
    .option('--backup-to <s3url>', 'also ship every scheduled set to S3-compatible storage (retention applies there too)')
    .option('--backup-encrypt-to <recipient>', 'encrypt every scheduled set to this age recipient (age1..., from age-keygen; repeatable)', collect)
    .option('--backup-encrypt-to-file <file>', 'encrypt every scheduled set to the recipients in this file, one a line (repeatable)', collect)
    .option('--revision-log', 'record every change between full snapshots into <backup-dir>/revlog (a full backup first when there is none to continue), so `warden restore DIR --to-revision N | --to-time TIME` can restore any point in time (needs --backup-dir; with --backup-to, sealed segments are shipped there too)')
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

/** The bucket of --backup-to (with --s3-endpoint and --s3-region), when given. */
function backupBucket(flags: OperatorFlags): S3Target | undefined {
  return flags.backupTo ? s3Target(flags.backupTo, { ...(flags.s3Endpoint ? { endpoint: flags.s3Endpoint } : {}), ...(flags.s3Region ? { region: flags.s3Region } : {}) }) : undefined;
}

/** Where backups go, scheduled or asked for through the API: --backup-dir alone serves only the latter. */
function backupTarget(flags: OperatorFlags): OperatorOptions['backupTarget'] {
  if (!flags.backupDir) return undefined;
  const target = backupBucket(flags);
  const encryptTo = recipientsOf(flags.backupEncryptTo, flags.backupEncryptToFile);
  if (encryptTo) checkRecipients(encryptTo, { recipient: '--backup-encrypt-to', file: '--backup-encrypt-to-file' });
  return {
    dir: flags.backupDir,
    ...(flags.backupKeysDir ? { keysDir: flags.backupKeysDir } : {}),
    ...(encryptTo ? { encryptTo } : {}),
    ...(target ? { ship: (snap: string, archive: string, info: BackupInfo) => shipSet(target, snap, archive, info) } : {}),
  };
}

function backupOptions(flags: OperatorFlags, c: Context): ScheduleOptions | undefined {
  if (!flags.backupSchedule) return undefined;
  if (!flags.backupDir) throw new UsageError('--backup-schedule needs --backup-dir: give both');
  parseSchedule(flags.backupSchedule);
  const encryptTo = recipientsOf(flags.backupEncryptTo, flags.backupEncryptToFile);
  if (encryptTo) checkRecipients(encryptTo, { recipient: '--backup-encrypt-to', file: '--backup-encrypt-to-file' });
  const target = backupBucket(flags);
  return {
    ...(target ? {
      ship: (snap: string, archive: string, info: BackupInfo) => shipSet(target, snap, archive, info),
      pruneRemote: async (policy: RetentionPolicy, now: Date) => {
        const removed = await pruneRemote(target, policy, now);
        // The revision log's segments in the bucket go with the sets that needed them.
        if (flags.revisionLog) await pruneRemoteLog(target);
        return removed;
      },
    } : {}),
    schedule: flags.backupSchedule,
    dir: flags.backupDir,
    ...(flags.backupKeysDir ? { keysDir: flags.backupKeysDir } : {}),
    ...(encryptTo ? { encryptTo } : {}),
    retention: { count: flags.backupRetainCount, totalBytes: flags.backupRetainSize, ...(flags.backupRetainAge !== undefined ? { maxAgeMs: flags.backupRetainAge } : {}) },
    layout: c.layout,
  };
}

function revisionLogOptions(flags: OperatorFlags, c: Context): RevisionLogOptions | undefined {
  if (!flags.revisionLog) return undefined;
  if (!flags.backupDir) throw new UsageError('--revision-log needs --backup-dir: the log goes into <backup-dir>/revlog, beside the full snapshots it starts from');
  // The log holds every value written: with encrypted sets it is encrypted to the same recipients.
  const encryptTo = recipientsOf(flags.backupEncryptTo, flags.backupEncryptToFile);
  if (encryptTo) checkRecipients(encryptTo, { recipient: '--backup-encrypt-to', file: '--backup-encrypt-to-file' });
  const target = backupBucket(flags);
  // Tests and benchmarks make segments small and marks frequent (not a user's knob).
  const tuning = process.env.WARDEN_REVLOG_TUNING ? (JSON.parse(process.env.WARDEN_REVLOG_TUNING) as RevisionLogOptions['tuning']) : undefined;
  return {
    dir: flags.backupDir,
    ...(flags.backupKeysDir ? { keysDir: flags.backupKeysDir } : {}),
    ...(target ? { ship: (snap: string, archive: string, info: BackupInfo) => shipSet(target, snap, archive, info), target } : {}),
    ...(encryptTo ? { encryptTo } : {}),
    ...(tuning ? { tuning } : {}),
    layout: c.layout,
  };
}

/** What the console shows of backups: the flags that say where they go and how long they stay. */
function consoleBackups(flags: OperatorFlags, c: Context): BackupSettings {
  const s3 = backupBucket(flags);
  return {
    dir: flags.backupDir as string,
    ...(flags.backupKeysDir ? { keysDir: flags.backupKeysDir } : {}),
    ...(s3 ? { s3 } : {}),
    ...(flags.backupSchedule ? { schedule: flags.backupSchedule } : {}),
    ...(flags.backupSchedule ? { retention: { count: flags.backupRetainCount, totalBytes: flags.backupRetainSize, ...(flags.backupRetainAge !== undefined ? { maxAgeMs: flags.backupRetainAge } : {}) } } : {}),
    revisionLog: !!flags.revisionLog,
    encrypted: !!recipientsOf(flags.backupEncryptTo, flags.backupEncryptToFile),
    openRoot: openLogDir(c.layout.root),
  };
}

/** Validates the flags up front, before anything starts. */
export function operatorOptions(flags: OperatorFlags, c: Context, log: (l: string) => void): Omit<OperatorOptions, 'client'> {
  const { host, port } = parseListen(flags.listen, flags.insecureHttp);
  if (flags.insecureHttp && (flags.tlsCert || flags.tlsKey)) throw new UsageError('--insecure-http serves plain HTTP: drop --tls-cert/--tls-key, or drop --insecure-http');
  if (!!flags.tlsCert !== !!flags.tlsKey) throw new UsageError('--tls-cert and --tls-key go together: give both, or neither (a certificate from the cluster CA is used then)');
  const backup = backupOptions(flags, c);
  const revisionLog = revisionLogOptions(flags, c);
  const target = backupTarget(flags);
  const defrag = defragOptions(flags);
  const space = spaceOptions(flags, c);
  return {
    stateDir: c.layout.root,
    listenHost: host,
    listenPort: port,
    api: {
      ...(flags.insecureHttp ? { insecureHttp: true } : {}),
      ...(flags.tlsCert ? { certFile: flags.tlsCert } : {}),
      ...(flags.tlsKey ? { keyFile: flags.tlsKey } : {}),
      ...(flags.metricsPublic ? { metricsPublic: true } : {}),
    },
    ...(target ? { backupTarget: target } : {}),
    leaseTtlSeconds: flags.leaseTtl,
    rotationMs: flags.keyRotation,
    prefixes: flags.prefix ? singlePrefix(flags.prefix) : DEFAULT_PREFIXES,
    ...(flags.migrationRate !== undefined ? { migrationRate: flags.migrationRate } : {}),
    ...(backup ? { backup } : {}),
    ...(revisionLog ? { revisionLog } : {}),
    defrag,
    space,
    ...(flags.id ? { identity: flags.id } : {}),
    ...(flags.backupDir ? { consoleBackups: consoleBackups(flags, c) } : {}),
    // Tests sample the console's history often (not a user's knob).
    ...(process.env.WARDEN_HISTORY_INTERVAL_MS ? { historyIntervalMs: Number(process.env.WARDEN_HISTORY_INTERVAL_MS) } : {}),
    publishEncryptionConfig: encryptionPublisher(c.layout),
    log,
  };
}

/**
 * A wrong password, a missing user or a user who may not read warden's keys do not get better
 * by retrying: one line before the operator starts. An unreachable cluster is left to the
 * election, which keeps trying until etcd answers.
 */
export async function checkCredentials(client: EtcdClient): Promise<void> {
  try {
    await client.get(LEADER_KEY, { countOnly: true });
  } catch (err) {
    if (err instanceof EtcdPermissionError) throw err;
  }
}

export function registerOperator(program: Command, ctx: Ctx): void {
  addOperatorFlags(program.command('operator'))
    .description('run the operator in the foreground: leader election, controllers, /healthz, /metrics, resource API')
    .addHelpText('after', [
      '',
      'The API is served over HTTPS with a certificate the cluster CA (<state-dir>/tls/ca.crt) signs, and every',
      'route but /healthz needs credentials: a bearer token (`warden token create NAME --role viewer|operator|admin`)',
      'or a client certificate signed by the cluster CA (O=warden:viewer|warden:operator|warden:admin|system:masters;',
      'the cluster\'s own tls/client.crt is an admin). See docs/commands.md, "Operator API security".',
      '',
      'Examples:',
      '  warden operator --listen 127.0.0.1:0',
      '  warden operator --listen 0.0.0.0:9479 --backup-dir /var/backups/etcd',
      '  curl --cacert .warden/tls/ca.crt --cert .warden/tls/client.crt --key .warden/tls/client.key https://127.0.0.1:9479/conditions',
    ].join('\n'))
    .action(async (flags: OperatorFlags, cmd: Command) => {
      const c = ctx(cmd);
      const options = operatorOptions(flags, c, (l) => c.print(`${new Date().toISOString()} ${l}`));
      const client = c.client();
      try {
        await checkCredentials(client);
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

// The operator: elects a leader through an etcd lease, runs the controllers while it leads,
// and serves its API (HTTPS and authentication by default: listener.ts, guard.ts). Two
// operators on one cluster never act at once.
import os from 'node:os';
import { WardenError } from '../errors.ts';
import { FailureLimiter } from '../auth/failures.ts';
import { TokenAuthenticator } from '../auth/tokens.ts';
import { StateLayout } from '../cluster/layout.ts';
import { CLUSTER_CLIENT_CN } from '../cluster/tls.ts';
import { resourceMatches } from '../encryption/config.ts';
import type { EtcdClient } from '../etcd/client.ts';
import { backupScheduleController, type ScheduleOptions } from '../backup/schedule.ts';
import { revisionLogController, type RevisionLogOptions } from '../revlog/controller.ts';
import { recordMaxRevision } from '../restore/bump.ts';
import { recordFile } from '../restore/restore.ts';
import type { DefragControllerOptions } from '../defrag/controller.ts';
import { defragControllers, type SpaceOptions } from '../defrag/space-controller.ts';
import { encryptionController } from '../encryption/controller.ts';
import { ConfigWatcher, encryptionConfigFile } from '../encryption/store.ts';
import { kmsController } from '../encryption/kms/controller.ts';
import type { KmsPlugins } from '../encryption/kms/registry.ts';
import { recordKeyRoots } from '../resources/key-roots.ts';
import { DEFAULT_PREFIXES, ENCRYPTED_RESOURCES, type KeyPrefixes } from '../resources/registry.ts';
import { ResourceStore } from '../resources/store.ts';
import { ConditionStore, EventLog, type WardenEvent } from './conditions.ts';
import { DEFAULT_ROTATION_MS } from '../encryption/plan.ts';
import { AuditLog, operatorAuditEntry } from '../audit/audit.ts';
import { ControllerRunner, type Controller } from './controller.ts';
import { LeaderElection } from './election.ts';
import { healthController } from './health-controller.ts';
import type { ActionHost, ActionOptions } from './actions.ts';
import { buildApp, listen, type Listening } from './http.ts';
import { prepareListener, type ApiListenOptions } from './listener.ts';
import { OperatorMetrics } from './metrics.ts';
import { QuotaCache } from '../defrag/quota.ts';
import { lookupSession, publishOperator } from '../console/sessions.ts';
import type { BackupSettings } from '../console/backups.ts';
import { DEFAULT_HISTORY_INTERVAL_MS, historyController } from '../console/history.ts';
import { Operations } from '../console/running.ts';
import { listenInUseMessage } from '../util/ports.ts';

export interface OperatorOptions {
  client: EtcdClient;
  /** The warden state dir: where the EncryptionConfiguration lives. */
  stateDir: string;
  prefixes?: KeyPrefixes;
  /** Key rotation interval for the encryption controller. */
  rotationMs?: number;
  /** Copies each EncryptionConfiguration to every host's kube-apiserver (the agents) before it is relied on. */
  publishEncryptionConfig?: (config: string) => Promise<void>;
  /** Migration throttle: objects per second (unlimited when unset). */
  migrationRate?: number;
  /** Scheduled backups, when configured. */
  backup?: ScheduleOptions;
  /** The revision log (--revision-log), for point-in-time restores. */
  revisionLog?: RevisionLogOptions;
  /** Automatic defragmentation (src/defrag/controller.ts); false turns it off (--no-auto-defrag). */
  defrag?: DefragControllerOptions | false;
  /** Space alerts and, with autoRecover, NOSPACE recovery (src/defrag/space-controller.ts). */
  space?: SpaceOptions;
  listenHost: string;
  listenPort: number;
  /** The API listener: HTTPS from the cluster CA and authentication unless told otherwise. */
  api?: ApiListenOptions;
  /** Where backups asked for through the API go (--backup-dir), and their upload. */
  backupTarget?: ActionOptions['backup'];
  leaseTtlSeconds: number;
  identity?: string;
  /** How often the console's history is sampled (tests make it short). */
  historyIntervalMs?: number;
  /** What the console shows of backups (the operator's backup flags). */
  consoleBackups?: BackupSettings;
  controllers?: Controller[];
  log: (line: string) => void;
}

export class Operator implements ActionHost {
  readonly identity: string;
  readonly client: EtcdClient;
  readonly actions: ActionOptions;
  readonly metrics = new OperatorMetrics();
  readonly conditions: ConditionStore;
  readonly events: EventLog;
  readonly encryptionConfig: ConfigWatcher;
  readonly resources: ResourceStore;
  /** The audit trail of the changes its controllers and its API's callers make. */
  readonly audit: AuditLog;
  private readonly election: LeaderElection;
  private readonly runner: ControllerRunner;
  private http?: Listening;
  private tokens?: TokenAuthenticator;
  /** The members' quotas (from their /metrics), for the console. */
  readonly quotas: QuotaCache;
  /** What this operator runs now (its actions), for the console. */
  readonly operations = new Operations();
  private readonly publishing = new AbortController();
  private published?: Promise<void>;

  constructor(private readonly opts: OperatorOptions) {
    this.identity = opts.identity ?? `${os.hostname()}-${process.pid}`;
    this.client = opts.client;
    const metricsTls = opts.space?.tls;
    this.actions = {
      layout: new StateLayout(opts.stateDir),
      ...(opts.backupTarget ? { backup: opts.backupTarget } : {}),
      ...(metricsTls ? { metricsTls: typeof metricsTls === 'function' ? metricsTls : () => metricsTls } : {}),
      log: opts.log,
    };
    this.conditions = new ConditionStore(opts.client);
    this.quotas = new QuotaCache(this.actions.metricsTls);
    this.audit = new AuditLog(opts.client, opts.stateDir);
    this.events = new EventLog(opts.client, opts.log, async (e) => {
      const entry = operatorAuditEntry(e, this.identity);
      if (entry) await this.audit.record(entry);
    });
    this.election = new LeaderElection(opts.client, { identity: this.identity, ttlSeconds: opts.leaseTtlSeconds, log: opts.log });
    const configFile = encryptionConfigFile(opts.stateDir);
    this.encryptionConfig = new ConfigWatcher(configFile);
    this.resources = new ResourceStore(opts.client, (gr) => this.encryptionConfig.transformer(gr), opts.prefixes);
    const controllers = opts.controllers ?? [
      healthController({ onRevision: (revision, clusterId) => recordMaxRevision(opts.stateDir, revision, clusterId) }),
      encryptionController({
        configFile,
        kms: this.encryptionConfig.kms,
        ...(opts.publishEncryptionConfig ? { publish: opts.publishEncryptionConfig } : {}),
        ...(opts.rotationMs ? { rotationMs: opts.rotationMs } : {}),
        ...(opts.prefixes ? { prefixes: opts.prefixes } : {}),
        ...(opts.migrationRate ? { ratePerSecond: opts.migrationRate } : {}),
      }),
      ...(opts.backup ? [backupScheduleController(opts.backup)] : []),
      ...(opts.revisionLog ? [revisionLogController(opts.revisionLog)] : []),
      ...defragControllers({ defrag: opts.defrag, space: opts.space, identity: this.identity }),
      historyController(opts.historyIntervalMs ? { intervalMs: opts.historyIntervalMs } : {}),
      kmsController({ watcher: this.encryptionConfig }),
    ];
    this.runner = new ControllerRunner(controllers, (signal) => ({
      client: opts.client, conditions: this.conditions, events: this.events, metrics: this.metrics, log: opts.log, signal, operations: this.operations,
    }));
    this.election.on('elected', () => {
      this.metrics.isLeader.set(1);
      this.runner.start();
      // CLI commands run without --prefix (encryption --wait taking over, apply, scan) use these.
      void recordKeyRoots(opts.client, opts.prefixes ?? DEFAULT_PREFIXES).catch((err: Error) => opts.log(`could not record the key roots: ${err.message}`));
      void this.events.record({ type: 'Normal', reason: 'LeaderElected', message: `${this.identity} leads`, source: 'operator' }).catch(() => undefined);
    });
    this.election.on('lost', () => {
      this.metrics.isLeader.set(0);
      void this.runner.stop();
    });
  }

  get isLeader(): boolean {
    return this.election.isLeader;
  }

  get consoleBackups(): BackupSettings | undefined {
    return this.opts.consoleBackups;
  }

  get restoreRecordFile(): string {
    return recordFile(this.actions.layout);
  }

  get historyIntervalMs(): number {
    return this.opts.historyIntervalMs ?? DEFAULT_HISTORY_INTERVAL_MS;
  }

  /** What the console's Encryption page reads: the configuration file, the rotation interval, the events. */
  get consoleEncryption(): { configFile: string; rotationMs: number; events: () => Promise<WardenEvent[]>; kms: KmsPlugins } {
    return { configFile: encryptionConfigFile(this.opts.stateDir), rotationMs: this.opts.rotationMs ?? DEFAULT_ROTATION_MS, events: () => this.events.list(), kms: this.encryptionConfig.kms };
  }

  get url(): string | undefined {
    return this.http?.url;
  }

  /** Whether a resource's data is secret: one OpenShift encrypts, or one the EncryptionConfiguration names. */
  isSensitive(groupResource: string): boolean {
    if (ENCRYPTED_RESOURCES.includes(groupResource)) return true;
    return this.encryptionConfig.current()?.resources.some((r) => r.resources.some((p) => resourceMatches(p, groupResource))) ?? false;
  }

  async start(): Promise<void> {
    const api = this.opts.api ?? {};
    const host = this.opts.listenHost;
    const prepared = await prepareListener(new StateLayout(this.opts.stateDir).tlsDir, host, api);
    const authenticate = api.authenticate !== false;
    if (authenticate) {
      this.tokens = new TokenAuthenticator(this.opts.client, this.opts.log);
      await this.tokens.start();
    }
    const app = await buildApp(this, this.tokens ? {
      scheme: prepared.tls ? 'https' : 'http',
      hosts: new Set(prepared.hosts),
      metricsPublic: api.metricsPublic ?? false,
      tokens: this.tokens,
      limiter: new FailureLimiter(),
      clusterClientCn: CLUSTER_CLIENT_CN,
      sessions: (id) => lookupSession(this.opts.client, id),
    } : undefined);
    try {
      this.http = await listen(app, { host, port: this.opts.listenPort, ...(prepared.tls ? { tls: prepared.tls } : {}) });
    } catch (err) {
      this.tokens?.stop();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new WardenError(listenInUseMessage(host, this.opts.listenPort));
      if (code === 'EADDRNOTAVAIL') throw new WardenError(`cannot listen on ${host}: no such address on this machine: give one of its addresses, or 0.0.0.0 for all`);
      throw err;
    }
    this.metrics.isLeader.set(0);
    this.election.start();
    // Where `warden console` finds this operator.
    this.published = publishOperator(this.opts.client, { identity: this.identity, url: this.http.url, since: new Date().toISOString() }, this.publishing.signal, this.opts.log);
    this.opts.log(`operator ${this.identity} serving ${this.http.url}/healthz and ${this.http.url}/metrics`);
    this.opts.log(prepared.tls
      ? `API over HTTPS (certificate ${prepared.certificate}); every route but /healthz${api.metricsPublic ? ' and /metrics' : ''} needs a bearer token (\`warden token create NAME --role viewer|operator|admin\`) or a client certificate signed by the cluster CA`
      : `API over plain HTTP on loopback (--insecure-http); every route but /healthz${api.metricsPublic ? ' and /metrics' : ''} needs a bearer token (\`warden token create NAME --role viewer|operator|admin\`)`);
    if (!authenticate) this.opts.log('API WITHOUT AUTHENTICATION (a benchmark\'s reference)');
  }

  async stop(): Promise<void> {
    this.publishing.abort();
    await this.published;
    await this.runner.stop();
    await this.election.stop();
    this.tokens?.stop();
    await this.http?.close();
    this.encryptionConfig.kms.close();
  }
}

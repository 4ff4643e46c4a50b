// The operator: elects a leader through an etcd lease, runs the controllers while it leads,
// and serves /healthz and /metrics. Two operators on one cluster never act at once.
import os from 'node:os';
import { WardenError } from '../errors.ts';
import type { EtcdClient } from '../etcd/client.ts';
import { backupScheduleController, type ScheduleOptions } from '../backup/schedule.ts';
import type { DefragControllerOptions } from '../defrag/controller.ts';
import { defragControllers, type SpaceOptions } from '../defrag/space-controller.ts';
import { encryptionController } from '../encryption/controller.ts';
import { ConfigWatcher, encryptionConfigFile } from '../encryption/store.ts';
import { recordKeyRoots } from '../resources/key-roots.ts';
import { DEFAULT_PREFIXES, type KeyPrefixes } from '../resources/registry.ts';
import { ResourceStore } from '../resources/store.ts';
import { ConditionStore, EventLog } from './conditions.ts';
import { AuditLog, operatorAuditEntry } from '../audit/audit.ts';
import { ControllerRunner, type Controller } from './controller.ts';
import { LeaderElection } from './election.ts';
import { healthController } from './health-controller.ts';
import { buildApp, listen, type Listening } from './http.ts';
import { OperatorMetrics } from './metrics.ts';
import { LOOPBACK_HOSTS, listenInUseMessage } from '../util/ports.ts';

export interface OperatorOptions {
  client: EtcdClient;
  /** The warden state dir: where the EncryptionConfiguration lives. */
  stateDir: string;
  prefixes?: KeyPrefixes;
  /** Key rotation interval for the encryption controller. */
  rotationMs?: number;
  /** Migration throttle: objects per second (unlimited when unset). */
  migrationRate?: number;
  /** Scheduled backups, when configured. */
  backup?: ScheduleOptions;
  /** Automatic defragmentation (src/defrag/controller.ts); false turns it off (--no-auto-defrag). */
  defrag?: DefragControllerOptions | false;
  /** Space alerts and, with autoRecover, NOSPACE recovery (src/defrag/space-controller.ts). */
  space?: SpaceOptions;
  listenHost: string;
  listenPort: number;
  leaseTtlSeconds: number;
  identity?: string;
  controllers?: Controller[];
  log: (line: string) => void;
}

export class Operator {
  readonly identity: string;
  readonly metrics = new OperatorMetrics();
  readonly conditions: ConditionStore;
  readonly events: EventLog;
  readonly encryptionConfig: ConfigWatcher;
  readonly resources: ResourceStore;
  private readonly election: LeaderElection;
  private readonly runner: ControllerRunner;
  private http?: Listening;

  constructor(private readonly opts: OperatorOptions) {
    this.identity = opts.identity ?? `${os.hostname()}-${process.pid}`;
    this.conditions = new ConditionStore(opts.client);
    const audit = new AuditLog(opts.client, opts.stateDir);
    this.events = new EventLog(opts.client, opts.log, async (e) => {
      const entry = operatorAuditEntry(e, this.identity);
      if (entry) await audit.record(entry);
    });
    this.election = new LeaderElection(opts.client, { identity: this.identity, ttlSeconds: opts.leaseTtlSeconds, log: opts.log });
    const configFile = encryptionConfigFile(opts.stateDir);
    this.encryptionConfig = new ConfigWatcher(configFile);
    this.resources = new ResourceStore(opts.client, (gr) => this.encryptionConfig.transformer(gr), opts.prefixes);
    const controllers = opts.controllers ?? [
      healthController(),
      encryptionController({
        configFile,
        ...(opts.rotationMs ? { rotationMs: opts.rotationMs } : {}),
        ...(opts.prefixes ? { prefixes: opts.prefixes } : {}),
        ...(opts.migrationRate ? { ratePerSecond: opts.migrationRate } : {}),
      }),
      ...(opts.backup ? [backupScheduleController(opts.backup)] : []),
      ...defragControllers({ defrag: opts.defrag, space: opts.space, identity: this.identity }),
    ];
    this.runner = new ControllerRunner(controllers, (signal) => ({
      client: opts.client, conditions: this.conditions, events: this.events, metrics: this.metrics, log: opts.log, signal,
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

  get url(): string | undefined {
    return this.http?.url;
  }

  async start(): Promise<void> {
    if (!LOOPBACK_HOSTS.includes(this.opts.listenHost)) {
      throw new WardenError(`--listen host ${this.opts.listenHost} is not a loopback address: the operator serves on 127.0.0.1 only`);
    }
    try {
      this.http = await listen(await buildApp(this), this.opts.listenHost, this.opts.listenPort);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new WardenError(listenInUseMessage(this.opts.listenHost, this.opts.listenPort));
      throw err;
    }
    this.metrics.isLeader.set(0);
    this.election.start();
    this.opts.log(`operator ${this.identity} serving ${this.http.url}/healthz and ${this.http.url}/metrics`);
  }

  async stop(): Promise<void> {
    await this.runner.stop();
    await this.election.stop();
    await this.http?.close();
  }
}

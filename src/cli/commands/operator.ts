// `warden operator`: the long-running operator (leader election, controllers, /healthz,
// /metrics and the resource API). `warden run` uses the same options.
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import type { EtcdClient } from '../../etcd/client.ts';
import { Operator, type OperatorOptions } from '../../operator/operator.ts';
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

export function parseTtl(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2 || n > 3600) throw new UsageError(`--lease-ttl must be whole seconds from 2 to 3600 (got "${text}")`);
  return n;
}

function parseRate(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--migration-rate must be a positive number of objects per second (got "${text}")`);
  return n;
}

export interface OperatorFlags {
  listen: string;
  leaseTtl: string;
  id?: string;
  keyRotation: string;
  migrationRate?: string;
  prefix?: string;
}

/** The operator flags shared by `operator` and `run`. */
export function addOperatorFlags(cmd: Command): Command {
  return cmd
    .option('--listen <host:port>', 'where to serve /healthz, /metrics and the resource API (loopback only)', '127.0.0.1:9479')
    .option('--lease-ttl <seconds>', 'leader lease TTL: a dead leader is replaced after at most this long', '10')
    .option('--id <identity>', "this operator's identity in the election (default: host-pid)")
    .option('--key-rotation <duration>', 'encryption key rotation interval, counted from the end of the last migration', '168h')
    .option('--migration-rate <n>', 'encryption migration throttle: at most n objects per second (default: unlimited)')
    .option('--prefix <root>', 'etcd key root for resources instead of /kubernetes.io and /openshift.io (e.g. /registry)');
}

/** Validates the flags up front, before anything starts. */
export function operatorOptions(flags: OperatorFlags, c: Context, client: EtcdClient, log: (l: string) => void): OperatorOptions {
  const { host, port } = parseListen(flags.listen);
  return {
    client,
    stateDir: c.layout.root,
    listenHost: host,
    listenPort: port,
    leaseTtlSeconds: parseTtl(flags.leaseTtl),
    rotationMs: parseDuration(flags.keyRotation, '--key-rotation'),
    prefixes: flags.prefix ? singlePrefix(flags.prefix) : DEFAULT_PREFIXES,
    ...(flags.migrationRate !== undefined ? { migrationRate: parseRate(flags.migrationRate) } : {}),
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
      const client = c.client();
      try {
        const op = new Operator(operatorOptions(flags, c, client, (l) => c.print(`${new Date().toISOString()} ${l}`)));
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

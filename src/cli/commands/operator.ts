// `warden operator`: the long-running operator (leader election, controllers, /healthz, /metrics).
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { Operator } from '../../operator/operator.ts';
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

export function registerOperator(program: Command, ctx: Ctx): void {
  program
    .command('operator')
    .description('run the operator in the foreground: leader election, controllers, /healthz and /metrics')
    .option('--listen <host:port>', 'where to serve /healthz and /metrics (loopback only)', '127.0.0.1:9479')
    .option('--lease-ttl <seconds>', 'leader lease TTL: a dead leader is replaced after at most this long', '10')
    .option('--id <identity>', 'this operator\'s identity in the election (default: host-pid)')
    .addHelpText('after', '\nExample:\n  warden operator --listen 127.0.0.1:0')
    .action(async (opts: { listen: string; leaseTtl: string; id?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const { host, port } = parseListen(opts.listen);
      const ttl = parseTtl(opts.leaseTtl);
      const client = c.client();
      const op = new Operator({
        client, listenHost: host, listenPort: port, leaseTtlSeconds: ttl, ...(opts.id ? { identity: opts.id } : {}),
        log: (l) => c.print(l),
      });
      try {
        await op.start();
        await untilSignal();
        c.print('operator stopping');
      } finally {
        await op.stop();
        client.close();
      }
    });
}

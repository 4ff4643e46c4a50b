// The warden command line: global flags named as etcdctl names them, one file per command group,
// and one error path: a WardenError prints `Error: <one line>` and exits non-zero.
import { Command, CommanderError, Option } from 'commander';
import { WardenError } from '../errors.ts';
import { registerAlarm } from './commands/alarm.ts';
import { registerBackup } from './commands/backup.ts';
import { registerCluster } from './commands/cluster.ts';
import { registerDefrag } from './commands/defrag.ts';
import { registerEncryption } from './commands/encryption.ts';
import { registerEndpoint } from './commands/endpoint.ts';
import { registerKv } from './commands/kv.ts';
import { registerMember } from './commands/member.ts';
import { registerOperator } from './commands/operator.ts';
import { registerResources } from './commands/resources.ts';
import { registerRestore } from './commands/restore.ts';
import { registerRun } from './commands/run.ts';
import { registerSnapshot } from './commands/snapshot.ts';
import { registerSpace } from './commands/space.ts';
import { registerStatus } from './commands/status.ts';
import { Context, type GlobalFlags, type RunResult } from './context.ts';
import { stdio, type Output } from './printer.ts';

export function buildProgram(io: Output = stdio, result: RunResult = { exitCode: 0 }): Command {
  const program = new Command('warden')
    .description('etcd-warden keeps etcd-backed control planes safe.\nWith no --endpoints, commands act on the local cluster in ./.warden (see `warden cluster up`).')
    .version('0.1.0')
    .addOption(new Option('--state-dir <dir>', 'warden state directory (env WARDEN_STATE_DIR)').default(undefined, './.warden'))
    .option('--endpoints <list>', 'comma-separated etcd endpoints, e.g. 127.0.0.1:2379 (env ETCDCTL_ENDPOINTS); default: the local cluster')
    .option('--cacert <file>', 'verify TLS servers with this CA bundle (env ETCDCTL_CACERT)')
    .option('--cert <file>', 'TLS client certificate (env ETCDCTL_CERT)')
    .option('--key <file>', 'TLS client key (env ETCDCTL_KEY)')
    .option('--user <name:password>', 'etcd user, as name:password or with --password (env ETCDCTL_USER)')
    .option('--password <password>', 'password for --user (env ETCDCTL_PASSWORD)')
    .option('--command-timeout <duration>', 'timeout for each etcd call, e.g. 5s', '5s')
    .option('--dial-timeout <duration>', 'timeout to connect to an endpoint', '2s')
    .option('-w, --write-out <format>', 'output format: simple, json or table')
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  const ctx = (cmd: Command) => new Context(cmd.optsWithGlobals() as GlobalFlags, io, result);
  registerRun(program, ctx);
  registerCluster(program, ctx);
  registerEndpoint(program, ctx);
  registerMember(program, ctx);
  registerAlarm(program, ctx);
  registerDefrag(program, ctx);
  registerSpace(program, ctx);
  registerStatus(program, ctx);
  registerSnapshot(program, ctx);
  registerKv(program, ctx);
  registerResources(program, ctx);
  registerEncryption(program, ctx);
  registerBackup(program, ctx);
  registerRestore(program, ctx);
  registerOperator(program, ctx);
  for (const c of program.commands) propagate(c);
  return program;
}

function propagate(cmd: Command): void {
  cmd.exitOverride();
  cmd.showHelpAfterError(false);
  for (const c of cmd.commands) propagate(c);
}

export type ContextFactory = (cmd: Command) => Context;

export async function main(argv: string[], io: Output = stdio): Promise<number> {
  const result: RunResult = { exitCode: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0; commander already printed the line.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof WardenError) {
      io.err(`Error: ${err.message}`);
      return err.exitCode;
    }
    io.err(`Error: ${(err as Error)?.stack ?? String(err)}`);
    return 1;
  }
}

// The warden command line: global flags named as etcdctl names them, one file per command group,
// and one error path: a WardenError prints `Error: <one line>` and exits non-zero.
import { Command, CommanderError, Option } from 'commander';
import { WardenError } from '../errors.ts';
import { Context, type GlobalFlags, type RunResult } from './context.ts';
import { stdio, type Output } from './printer.ts';

export type ContextFactory = (cmd: Command) => Context;
type Register = (program: Command, ctx: ContextFactory) => void;

/**
 * Each top-level command and the module that registers it. A command line loads only the module
 * of its command (each is its own chunk in the bundle, with the libraries it needs), not all
 * fifteen: that is most of a command's start-up. --help, no command or an unknown one load all.
 */
const kv = async (): Promise<Register> => (await import('./commands/kv.ts')).registerKv;
const resources = async (): Promise<Register> => (await import('./commands/resources.ts')).registerResources;
const restore = async (): Promise<Register> => (await import('./commands/restore.ts')).registerRestore;
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import('./commands/run.ts')).registerRun,
  cluster: async () => (await import('./commands/cluster.ts')).registerCluster,
  endpoint: async () => (await import('./commands/endpoint.ts')).registerEndpoint,
  member: async () => (await import('./commands/member.ts')).registerMember,
  alarm: async () => (await import('./commands/alarm.ts')).registerAlarm,
  defrag: async () => (await import('./commands/defrag.ts')).registerDefrag,
  space: async () => (await import('./commands/space.ts')).registerSpace,
  status: async () => (await import('./commands/status.ts')).registerStatus,
  snapshot: async () => (await import('./commands/snapshot.ts')).registerSnapshot,
  put: kv,
  get: kv,
  del: kv,
  apply: resources,
  delete: resources,
  encryption: async () => (await import('./commands/encryption.ts')).registerEncryption,
  backup: async () => (await import('./commands/backup.ts')).registerBackup,
  restore,
  quorum: restore,
  operator: async () => (await import('./commands/operator.ts')).registerOperator,
};

/** Global flags that take a value as the next argument (so it is not taken for the command). */
const GLOBAL_WITH_VALUE = new Set(['--state-dir', '--endpoints', '--cacert', '--cert', '--key', '--user', '--password', '--command-timeout', '--dial-timeout', '-w', '--write-out']);

/** The top-level command an argument list names, or undefined (none, --help, or unknown). */
export function commandOf(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (a.startsWith('-')) {
      if (GLOBAL_WITH_VALUE.has(a)) i++;
      continue;
    }
    return Object.hasOwn(COMMANDS, a) ? a : undefined;
  }
  return undefined;
}

/** The program with the commands `argv` needs (all of them when it names none). */
export async function buildProgram(io: Output = stdio, result: RunResult = { exitCode: 0 }, argv?: string[]): Promise<Command> {
  const name = argv ? commandOf(argv) : undefined;
  const versionOnly = !name && argv !== undefined && argv.some((a) => a === '-V' || a === '--version');
  const loaders = name ? [COMMANDS[name]!] : versionOnly ? [] : [...new Set(Object.values(COMMANDS))];
  const registers = [...new Set(await Promise.all(loaders.map((l) => l())))];
  return programWith(io, result, registers);
}

function programWith(io: Output, result: RunResult, registers: Register[]): Command {
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
  for (const register of registers) register(program, ctx);
  for (const c of program.commands) propagate(c);
  return program;
}

function propagate(cmd: Command): void {
  cmd.exitOverride();
  cmd.showHelpAfterError(false);
  for (const c of cmd.commands) propagate(c);
}

export async function main(argv: string[], io: Output = stdio): Promise<number> {
  const result: RunResult = { exitCode: 0 };
  const program = await buildProgram(io, result, argv);
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

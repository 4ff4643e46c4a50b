// The warden command line: global flags named as etcdctl names them, one file per command group,
// and one error path: a WardenError prints `Error: <one line>` and exits non-zero, and so does
// every usage error commander finds (exit 2), in the same `<what went wrong>: <what to do>` form.
import { Command, CommanderError, Option } from 'commander';
import { UsageError, WardenError } from '../errors.ts';
import { EtcdUnavailableError } from '../etcd/errors.ts';
import { auditCommand } from './audit.ts';
import { Context, type GlobalFlags, type RunResult } from './context.ts';
import { durationOption } from './options.ts';
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
  agent: async () => (await import('./commands/agent.ts')).registerAgent,
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
  token: async () => (await import('./commands/token.ts')).registerToken,
  console: async () => (await import('./commands/console.ts')).registerConsole,
  audit: async () => (await import('./commands/audit.ts')).registerAudit,
  'kms-plugin': async () => (await import('./commands/kms-plugin.ts')).registerKmsPlugin,
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
    .option('--user <name[:password]>', 'etcd user, as name:password or with --password (env ETCDCTL_USER); default on the local cluster: root with the password `cluster up --auth` stored')
    .option('--password <password>', 'password for --user (env ETCDCTL_PASSWORD, which keeps it off the process list)')
    .addOption(durationOption('--command-timeout <duration>', 'timeout for each etcd call, e.g. 5s', { default: '5s' }))
    .addOption(durationOption('--dial-timeout <duration>', 'timeout to connect to an endpoint', { default: '2s' }))
    .option('-w, --write-out <format>', 'output format: simple, json or table')
    .addHelpText('after', '\nDurations look like 500ms, 5s or 1m30s, at most 24h unless a flag says otherwise; sizes like\n100MiB, 10GiB or 1048576, at most 1PiB.');
  const ctx = (cmd: Command) => new Context(cmd.optsWithGlobals() as GlobalFlags, io, result);
  for (const register of registers) register(program, ctx);
  program.hook('preAction', (_program, action) => {
    result.action = action;
  });
  propagate(program, io);
  return program;
}

/**
 * commander writes its own errors (and, for a group called without a command, its help) to
 * stderr before exiting; here it writes nothing there and throws a CommandLineError instead,
 * which main prints as one line.
 */
function propagate(cmd: Command, io: Output): void {
  cmd.showHelpAfterError(false);
  // Only errors and the help of a group called without a command go to writeErr.
  cmd.configureOutput({ writeOut: (s) => io.out(s), writeErr: () => helpOnStderr.add(cmd), outputError: () => undefined });
  cmd.exitOverride((err) => {
    throw new CommandLineError(err, cmd);
  });
  for (const c of cmd.commands) propagate(c, io);
}

/** Groups whose help commander wanted to print as an error (called without a command). */
const helpOnStderr = new WeakSet<Command>();

/** A usage error commander found, with the command it was found on. */
class CommandLineError extends Error {
  constructor(
    readonly commander: CommanderError,
    readonly command: Command,
  ) {
    super(commander.message);
  }
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** commander's message as `<what went wrong>: <what to do>`. */
function usageLine(err: CommanderError, cmd: Command): string {
  const path = commandPath(cmd);
  const help = `\`${path} --help\``;
  if (err.code === 'commander.help') {
    const subs = cmd.createHelp().visibleCommands(cmd).map((c) => c.name()).filter((n) => n !== 'help');
    return cmd.parent
      ? `\`${path}\` needs a command: one of ${subs.join(', ')} (see ${help})`
      : `\`${path}\` needs a command: see ${help} for the commands`;
  }
  const [first = '', ...rest] = err.message.replace(/^error: /, '').split('\n');
  const what = first.replace(/\.$/, '');
  const suggestion = /^\(Did you mean (.*)\?\)$/.exec(rest.join(' ').trim())?.[1];
  switch (err.code) {
    case 'commander.unknownOption':
    case 'commander.unknownCommand':
      return suggestion ? `${what}: did you mean ${suggestion}? (see ${help})` : `${what}: see ${help} for the ${err.code === 'commander.unknownOption' ? 'options' : 'commands'}`;
    case 'commander.excessArguments': {
      const m = /^(too many arguments(?: for '[^']+')?)\. Expected (\d+) arguments? but got (\d+)$/.exec(what);
      return `${m ? `${m[1]} (expected ${m[2]}, got ${m[3]})` : what}: see ${help}`;
    }
    case 'commander.optionMissingArgument':
      return `${what.replace(/ argument missing$/, ' needs a value')}: see ${help}`;
    default:
      return `${[what, ...rest].join(' ').replace(/\. /g, '; ').replace(/\.$/, '')}: see ${help}`;
  }
}

export async function main(argv: string[], io: Output = stdio): Promise<number> {
  const result: RunResult = { exitCode: 0 };
  const program = await buildProgram(io, result, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (result.action) await auditCommand(result.action, argv, result.exitCode === 0 ? 'succeeded' : 'failed');
    return result.exitCode;
  } catch (err) {
    if (result.action && !(err instanceof CommandLineError) && !(err instanceof UsageError)) {
      const line = err instanceof Error ? err.message.replace(/\s*\n\s*/g, ' ') : String(err);
      await auditCommand(result.action, argv, 'failed', line, !(err instanceof EtcdUnavailableError));
    }
    if (err instanceof CommandLineError) {
      const { code } = err.commander;
      // --help, `help <command>` and --version end here too; commander printed them on stdout.
      if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
      if (code === 'commander.help' && !helpOnStderr.has(err.command)) return 0;
      io.err(`Error: ${usageLine(err.commander, err.command)}`);
      return 2;
    }
    if (err instanceof WardenError) {
      io.err(`Error: ${err.message}`);
      return err.exitCode;
    }
    // Not a failure warden foresaw (that would be a WardenError): still one line, the stack only on request.
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ').replace(/^Error: /, '');
    io.err(`Error: ${message}: unexpected; run it again with WARDEN_DEBUG=1 to see where it came from, and report it`);
    if (process.env.WARDEN_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}

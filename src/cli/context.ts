// What every command gets from the global flags: where the state dir is, how to reach etcd,
// how to print. One place turns etcdctl-style flags (and ETCDCTL_* variables) into a connection.
import fs from 'node:fs';
import type { Command } from 'commander';
import { UsageError, WardenError } from '../errors.ts';
import { embeddedConnection } from '../cluster/cluster-config.ts';
import { StateLayout, resolveStateDir } from '../cluster/layout.ts';
import { EtcdClient, type ConnectionOptions, type MemberClient } from '../etcd/client.ts';
import type { Credentials } from '../etcd/connection.ts';
import { EtcdUnavailableError } from '../etcd/errors.ts';
import { parseOutputFormat, stdio, type Output, type OutputFormat } from './printer.ts';

export interface GlobalFlags {
  stateDir?: string;
  endpoints?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  user?: string;
  password?: string;
  /** Milliseconds, parsed and bounded with the command line. */
  commandTimeout?: number;
  dialTimeout?: number;
  writeOut?: string;
}

/** Shared by every command of one invocation: the exit code to end with. */
export interface RunResult {
  exitCode: number;
  /** The command whose action ran (set before it runs), for the audit trail. */
  action?: Command;
}

export class Context {
  readonly layout: StateLayout;
  constructor(
    readonly flags: GlobalFlags,
    readonly io: Output = stdio,
    private readonly result: RunResult = { exitCode: 0 },
  ) {
    this.layout = new StateLayout(resolveStateDir(flags.stateDir));
  }

  format(fallback: OutputFormat = 'simple'): OutputFormat {
    return this.flags.writeOut ? parseOutputFormat(this.flags.writeOut) : fallback;
  }

  get commandTimeoutMs(): number {
    return this.flags.commandTimeout ?? 5000;
  }

  /** True when the user named endpoints (flag or ETCDCTL_ENDPOINTS) instead of the embedded cluster. */
  get explicitEndpoints(): boolean {
    return !!(this.flags.endpoints ?? process.env.ETCDCTL_ENDPOINTS);
  }

  connectionOptions(): ConnectionOptions {
    const f = this.flags;
    const env = process.env;
    const dialTimeoutMs = f.dialTimeout ?? 2000;
    const auth = this.flagCredentials();
    const base = { commandTimeoutMs: this.commandTimeoutMs, dialTimeoutMs, ...(auth ? { auth } : {}) };
    const endpointsFlag = f.endpoints ?? env.ETCDCTL_ENDPOINTS;
    const cacert = f.cacert ?? env.ETCDCTL_CACERT;
    const cert = f.cert ?? env.ETCDCTL_CERT;
    const key = f.key ?? env.ETCDCTL_KEY;
    if (!endpointsFlag) {
      if (cacert || cert || key) throw new UsageError('--cacert/--cert/--key need --endpoints: the embedded cluster uses its own certificates');
      const c = embeddedConnection(this.layout);
      return { ...base, endpoints: c.endpoints, ...(c.tls ? { tls: c.tls } : {}), ...(!auth && c.auth ? { auth: c.auth } : {}) };
    }
    const endpoints = endpointsFlag.split(',').map((e) => e.trim()).filter(Boolean);
    if (endpoints.length === 0) throw new UsageError('--endpoints is empty: give host:port[,host:port...]');
    if ((cert && !key) || (key && !cert)) throw new UsageError('--cert and --key go together: give both, or neither');
    const tls = cacert || cert ? { ...(cacert ? { ca: readPem(cacert, '--cacert') } : {}), ...(cert ? { cert: readPem(cert, '--cert') } : {}), ...(key ? { key: readPem(key, '--key') } : {}) } : undefined;
    return { ...base, endpoints, ...(tls ? { tls } : {}) };
  }

  /**
   * The etcd user the commands act as: --user/--password, else ETCDCTL_USER/ETCDCTL_PASSWORD
   * (either as name:password or as a name and a password), else, for the local cluster, root
   * with the password `cluster up --auth` stored. Never printed.
   */
  credentials(): Credentials | undefined {
    return this.flagCredentials() ?? (this.explicitEndpoints ? undefined : embeddedConnection(this.layout).auth);
  }

  private flagCredentials(): Credentials | undefined {
    const user = this.flags.user ?? process.env.ETCDCTL_USER;
    if (!user) {
      if (this.flags.password !== undefined) throw new UsageError('--password needs --user NAME');
      return undefined;
    }
    // As etcdctl: with --password, --user is the name as given; without, name:password.
    if (this.flags.password !== undefined) return { user, password: this.flags.password };
    const i = user.indexOf(':');
    if (i > 0) return { user: user.slice(0, i), password: user.slice(i + 1) };
    const password = process.env.ETCDCTL_PASSWORD;
    if (password === undefined) throw new UsageError('--user needs the form name:password (or give --password, or ETCDCTL_PASSWORD)');
    return { user, password };
  }

  client(): EtcdClient {
    return new EtcdClient(this.connectionOptions());
  }

  /** Runs a member-targeted call on the first member that answers (alarms are cluster-wide). */
  async onAnyMember<T>(fn: (m: MemberClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      let last: unknown;
      for (const m of client.members()) {
        try {
          return await fn(m);
        } catch (err) {
          last = err;
          if (!(err instanceof EtcdUnavailableError)) throw err;
        }
      }
      throw last;
    });
  }

  /** Runs `fn` with a client and always closes it. */
  async withClient<T>(fn: (c: EtcdClient) => Promise<T>): Promise<T> {
    const c = this.client();
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  /** Ends the command with a non-zero exit without throwing (output was already printed). */
  fail(code = 1): void {
    this.result.exitCode = code;
  }

  print(text: string): void {
    this.io.out(text);
  }
}

function readPem(file: string, flag: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new WardenError(`cannot read ${flag} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check the path`);
  }
}

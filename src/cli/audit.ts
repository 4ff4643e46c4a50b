// The CLI's side of the audit trail (src/audit/audit.ts): every command that changes something
// is recorded once it ends, with its outcome, as the OS user (and etcd user) who ran it.
import type { Command } from 'commander';
import { AuditLog, osActor, redactArgs } from '../audit/audit.ts';
import type { EtcdClient } from '../etcd/client.ts';
import { Context, type GlobalFlags } from './context.ts';

/** Command paths (after `warden`) that change a cluster, its data or warden's own state. */
const CHANGES = new Set([
  'put', 'del', 'apply', 'delete',
  'member add', 'member remove', 'member promote', 'member update',
  'alarm disarm', 'defrag', 'space recover',
  'encryption enable', 'encryption disable', 'encryption rotate',
  'backup', 'restore', 'quorum restore',
  'cluster up', 'cluster down', 'cluster stop-member', 'cluster start-member',
  'token create', 'token revoke', 'console',
]);

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Whether the command that ran changes something (a dry run does not). */
export function changes(cmd: Command): boolean {
  return CHANGES.has(commandPath(cmd)) && !(cmd.opts() as { dryRun?: boolean }).dryRun;
}

/**
 * Records the command `cmd` (run with `argv`) and how it ended. etcd gets the entry when it
 * answers within a second; a command that failed because etcd was unreachable is recorded in
 * the state dir only.
 */
export async function auditCommand(cmd: Command, argv: string[], outcome: 'succeeded' | 'failed', error?: string, etcdReachable = true): Promise<void> {
  if (!changes(cmd)) return;
  let client: EtcdClient | undefined;
  let ctx: Context | undefined;
  try {
    ctx = new Context(cmd.optsWithGlobals() as GlobalFlags);
    const conn = ctx.connectionOptions();
    // After `cluster down` no member is left to take the entry: it goes to the state dir at once.
    if (etcdReachable && commandPath(cmd) !== 'cluster down') {
      const { EtcdClient } = await import('../etcd/client.ts');
      client = new EtcdClient({ ...conn, commandTimeoutMs: 1000, dialTimeoutMs: 1000 });
    }
    await new AuditLog(client, ctx.layout.root).record({
      actor: osActor(conn.auth?.user),
      via: 'cli',
      action: commandPath(cmd),
      target: redactArgs(argv).join(' '),
      outcome,
      ...(error ? { error } : {}),
    });
  } catch {
    // No connection can be made (no cluster, bad flags): still the local record, when there is a state dir.
    if (ctx) await new AuditLog(undefined, ctx.layout.root).record({ actor: osActor(), via: 'cli', action: commandPath(cmd), target: redactArgs(argv).join(' '), outcome, ...(error ? { error } : {}) });
  } finally {
    client?.close();
  }
}

// `warden audit`: the audit trail (src/audit/audit.ts): who changed what, when, and how it ended.
import type { Command } from 'commander';
import { readAudit, readLocalAudit, type AuditEntry } from '../../audit/audit.ts';
import { EtcdUnavailableError } from '../../etcd/errors.ts';
import type { Context } from '../context.ts';
import { durationOption } from '../options.ts';
import { render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

function who(e: AuditEntry): string {
  return `${e.actor.kind} ${e.actor.name}${e.actor.etcdUser ? ` (etcd user ${e.actor.etcdUser})` : ''}`;
}

export function auditLine(e: AuditEntry): string {
  return `${e.time} ${who(e)} via ${e.via}: ${e.action} ${e.outcome}${e.target ? `: ${e.target}` : ''}${e.error ? ` (${e.error})` : ''}${e.notInEtcd ? ' [not in etcd]' : ''}`;
}

/** etcd's trail, plus what only the local file holds (written while etcd could not take it). */
export function mergeTrails(fromEtcd: AuditEntry[], local: AuditEntry[]): AuditEntry[] {
  const onlyLocal = local.filter((e) => e.notInEtcd);
  return [...fromEtcd, ...onlyLocal].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

export function registerAudit(program: Command, ctx: Ctx): void {
  program
    .command('audit')
    .description('list the audit trail: every change made through warden (CLI, operator, API), who made it, when, and how it ended')
    .addOption(durationOption('--since <duration>', 'only entries newer than this, e.g. 1h', { max: '87600h' }))
    .option('--local', 'read this host\'s file (<state dir>/audit/audit.jsonl) instead of etcd', false)
    .addHelpText('after', [
      '',
      'Entries live in etcd under /warden/audit/ (the newest 5000) and as JSON lines in <state dir>/audit/audit.jsonl,',
      'which also keeps changes made while etcd took no writes (marked [not in etcd]). Never any secret value.',
      '',
      'Example:',
      '  warden audit --since 1h',
      '  warden audit -w json | jq \'.[] | select(.outcome == "failed")\'',
    ].join('\n'))
    .action(async (opts: { since?: number; local: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      let entries: AuditEntry[];
      const local = readLocalAudit(c.layout.root, opts.since);
      if (opts.local) {
        entries = local;
      } else {
        try {
          entries = mergeTrails(await c.withClient((client) => readAudit(client, opts.since)), local);
        } catch (err) {
          if (!(err instanceof EtcdUnavailableError)) throw err;
          c.io.err(`warning: etcd cannot be read (${err.message}); showing this host's file ${c.layout.root}/audit/audit.jsonl`);
          entries = local;
        }
      }
      const out = render(format, {
        json: () => entries,
        simple: () => entries.map(auditLine),
        table: () => ({
          headers: ['time', 'who', 'via', 'action', 'outcome', 'details'],
          rows: entries.map((e) => [e.time, who(e), e.via, e.action, e.outcome, [e.target, e.error ? `error: ${e.error}` : '', e.notInEtcd ? 'not in etcd' : ''].filter(Boolean).join('; ')]),
        }),
      });
      if (out) c.print(out);
    });
}

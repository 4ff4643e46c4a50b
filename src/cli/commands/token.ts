// `warden token create|list|revoke`: bearer tokens for the operator's API (src/auth/tokens.ts).
// A token is printed once, when created (alone on stdout, so `TOKEN=$(warden token create ...)`
// works); etcd keeps only its SHA-256, and `list` never shows it.
import { Option, type Command } from 'commander';
import { parseRole, type Role } from '../../auth/roles.ts';
import { createToken, isExpired, listTokens, revokeToken, type TokenRecord } from '../../auth/tokens.ts';
import type { Context } from '../context.ts';
import { durationOption } from '../options.ts';
import { render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

function row(r: TokenRecord, now: Date): Record<string, unknown> {
  return { name: r.name, role: r.role, created: r.created, expires: r.expires ?? null, expired: isExpired(r, now) };
}

export function registerToken(program: Command, ctx: Ctx): void {
  const token = program
    .command('token')
    .description("bearer tokens for the operator's API: create (printed once), list, revoke");

  token
    .command('create <name>')
    .description('create a token with a role and print it, once; etcd keeps only its SHA-256')
    .addOption(new Option('--role <role>', 'viewer (status, conditions, events, metrics, resource metadata), operator (viewer + backup, defrag, rotate, space recover), admin (everything, secret data and writes included)').makeOptionMandatory().argParser(parseRole))
    .addOption(durationOption('--ttl <duration>', 'how long the token is valid; 0: until revoked', { default: '24h', max: '8760h', allowZero: true }))
    .addHelpText('after', [
      '',
      'The token alone goes to stdout; use it as `Authorization: Bearer <token>`.',
      '',
      'Examples:',
      '  TOKEN=$(warden token create ci-deploy --role operator --ttl 720h)',
      '  curl --cacert .warden/tls/ca.crt -H "Authorization: Bearer $TOKEN" https://127.0.0.1:9479/conditions',
    ].join('\n'))
    .action(async (name: string, opts: { role: Role; ttl: number }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      await c.withClient(async (client) => {
        const { token: value, record } = await createToken(client, { name, role: opts.role, ...(opts.ttl ? { ttlMs: opts.ttl } : {}) });
        if (format === 'json') {
          c.print(render('json', { json: () => ({ ...row(record, new Date()), token: value }), simple: () => [] }));
          return;
        }
        c.print(value);
        c.io.err(`token "${record.name}" created (role ${record.role}, ${record.expires ? `expires ${record.expires}` : 'never expires'}): it is shown only now; send it as "Authorization: Bearer <token>"; revoke it with \`warden token revoke ${record.name}\``);
      });
    });

  token
    .command('list')
    .description('the tokens: name, role, created, expires (never the token itself)')
    .addHelpText('after', '\nExample:\n  warden token list -w json')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('table');
      const now = new Date();
      const records = await c.withClient((client) => listTokens(client));
      c.print(render(format, {
        json: () => records.map((r) => row(r, now)),
        simple: () => records.map((r) => `${r.name}, ${r.role}, created ${r.created}, ${r.expires ? `${isExpired(r, now) ? 'expired' : 'expires'} ${r.expires}` : 'never expires'}`),
        table: () => ({
          headers: ['name', 'role', 'created', 'expires', 'state'],
          rows: records.map((r) => [r.name, r.role, r.created, r.expires ?? 'never', isExpired(r, now) ? 'expired' : 'active']),
        }),
      }));
    });

  token
    .command('revoke <name>')
    .description('delete a token: every operator refuses it from then on')
    .addHelpText('after', '\nExample:\n  warden token revoke ci-deploy')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      await c.withClient((client) => revokeToken(client, name));
      c.print(`token "${name}" revoked`);
    });
}

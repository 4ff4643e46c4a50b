// `warden console`: a one-time login URL for the operator's web console (as Jupyter prints one).
// The token in it works once, for a few minutes, and becomes a session cookie; etcd keeps only
// its SHA-256. The URL is the one the leading operator published (console/sessions.ts), or --url.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { Option, type Command } from 'commander';
import { parseRole, type Role } from '../../auth/roles.ts';
import { checkTokenName } from '../../auth/tokens.ts';
import { consoleUrl, createLogin, servingOperators } from '../../console/sessions.ts';
import { UsageError } from '../../errors.ts';
import { currentLeader } from '../../operator/election.ts';
import type { Context } from '../context.ts';
import { durationOption } from '../options.ts';
import { render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

interface ConsoleFlags {
  role: Role;
  name?: string;
  ttl: number;
  url?: string;
  open?: boolean;
}

/** Pure: the login link for `base` (the operator's URL) and `token`. */
export function loginUrl(base: string, token: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new UsageError(`--url ${base} is not a URL: give the operator's address, e.g. https://10.0.0.5:9479`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`--url ${base}: give an https:// (or, on loopback, http://) address`);
  return `${u.origin}/login?token=${encodeURIComponent(token)}`;
}

/** The user's own name as a console login name (what audit lines show). */
function defaultName(): string {
  let user = 'user';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry */
  }
  const clean = user.toLowerCase().replace(/[^a-z0-9._@-]/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return clean || 'user';
}

export function registerConsole(program: Command, ctx: Ctx): void {
  program
    .command('console')
    .description("print a one-time login URL for the operator's web console (members, space, backups, encryption, events, actions)")
    .addOption(new Option('--role <role>', 'what the session may do: viewer (look only), operator (viewer + back up, defrag, rotate, recover space), admin').default('viewer').argParser(parseRole))
    .option('--name <name>', 'who logs in, as audit lines show it (default: your user name)')
    .addOption(durationOption('--ttl <duration>', 'how long the link works before it is used (once used, the session lasts 12h)', { default: '5m', max: '1h' }))
    .option('--url <url>', "the operator's address, when it is not the one it published (e.g. behind a proxy)")
    .option('--open', 'open the URL in a browser (xdg-open) when there is one')
    .addHelpText('after', [
      '',
      'The URL alone goes to stdout. It logs in once: opening it again shows a "link already used" page.',
      '',
      'Examples:',
      '  warden console',
      '  warden console --role operator --open',
      '  warden console --url https://10.0.0.5:9479 --ttl 10m',
    ].join('\n'))
    .action(async (f: ConsoleFlags, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const name = checkTokenName(f.name ?? defaultName());
      const out = await c.withClient(async (client) => {
        const base = f.url ?? consoleUrl(await servingOperators(client), (await currentLeader(client))?.identity);
        loginUrl(base, 'x'); // a bad --url fails before a login exists
        const { token, expires } = await createLogin(client, { name, role: f.role }, f.ttl);
        return { url: loginUrl(base, token), expires, role: f.role, name };
      });
      c.print(render(format, { json: () => out, simple: () => [out.url] }));
      if (format !== 'json') c.io.err(`open it within ${Math.round(f.ttl / 60_000)} min (until ${out.expires.toISOString()}); it logs ${out.name} in once, as ${out.role}`);
      if (f.open) {
        const child = spawn('xdg-open', [out.url], { detached: true, stdio: 'ignore' });
        child.on('error', () => c.io.err('no browser to open here (xdg-open not found): open the URL yourself'));
        child.unref();
      }
    });
}

// `warden put|get|del`: plain key-value access for demos and scripts, as etcdctl prints it.
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import type { Context } from '../context.ts';
import { wholeNumberOption } from '../options.ts';
import { resourceGet, typeFromArg, lookupTypeArg, type ResourceGetFlags } from './resources.ts';
import { render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

export function registerKv(program: Command, ctx: Ctx): void {
  program
    .command('put <key> [value]')
    .description('write a key (the value from the argument, or stdin when omitted)')
    .addHelpText('after', '\nExample:\n  warden put greeting hello')
    .action(async (key: string, value: string | undefined, _o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const v = value ?? (await readStdin());
      await c.withClient(async (client) => {
        await client.put(key, v);
        c.print('OK');
      });
    });

  program
    .command('get <key> [rangeEnd]')
    .description('read a key (etcdctl style), or objects of a resource type (kubectl style: `get secrets [NAME] -n NS -o yaml`)')
    .option('--prefix', 'get every key with this prefix', false)
    .option('--keys-only', 'print only keys', false)
    .option('--print-value-only', 'print only values (simple format)', false)
    .addOption(wholeNumberOption('--limit <n>', 'at most n keys (0: no limit)', { min: 0, hint: '0 means no limit', default: 0 }))
    .addOption(wholeNumberOption('--rev <n>', 'read at this revision (0: the latest)', { min: 0, hint: '0 means the latest revision', default: 0 }))
    .option('-n, --namespace <ns>', 'resource get: the namespace (default "default")')
    .option('-A, --all-namespaces', 'resource get: every namespace')
    .option('-o, --output <format>', 'resource get: json, yaml or name')
    .option('--key-root <root>', 'resource get: etcd key root instead of /kubernetes.io and /openshift.io')
    .addHelpText('after', [
      '',
      'The first argument is a resource type when it names one (secrets, configmaps, cm, routes, ...)',
      'or when -n, -A or -o is given; otherwise it is an etcd key.',
      '',
      'Examples:',
      '  warden get greeting',
      '  warden get --prefix /kubernetes.io/secrets/ --keys-only',
      '  warden get secrets -n prod',
      '  warden get secret db-password -n prod -o yaml',
    ].join('\n'))
    .action(async (key: string, rangeEnd: string | undefined, opts: { prefix: boolean; keysOnly: boolean; printValueOnly: boolean; limit: number; rev: number; keyRoot?: string } & Omit<ResourceGetFlags, 'prefix'>, cmd: Command) => {
      const c = ctx(cmd);
      const type = typeFromArg(key);
      if ((type && lookupTypeArg(key)) || opts.namespace || opts.allNamespaces || opts.output) {
        if (!type) throw new UsageError(`unknown resource type "${key}": use e.g. secrets, configmaps, routes, or resource.group`);
        await resourceGet(c, type, rangeEnd, {
          ...(opts.namespace ? { namespace: opts.namespace } : {}), ...(opts.allNamespaces ? { allNamespaces: true } : {}),
          ...(opts.output ? { output: opts.output } : {}), ...(opts.keyRoot ? { prefix: opts.keyRoot } : {}),
        });
        return;
      }
      const format = c.format('simple');
      await c.withClient(async (client) => {
        const res = await client.get(key, {
          prefix: opts.prefix, keysOnly: opts.keysOnly, limit: opts.limit, revision: opts.rev,
          ...(rangeEnd ? { rangeEnd } : {}),
        });
        const out = render(format, {
          json: () => ({
            header: res.header,
            kvs: res.kvs.map((kv) => ({
              key: kv.key.toString('base64'), create_revision: kv.createRevision, mod_revision: kv.modRevision, version: kv.version,
              ...(opts.keysOnly ? {} : { value: kv.value.toString('base64') }), ...(kv.lease ? { lease: kv.lease } : {}),
            })),
            count: res.count,
            ...(res.more ? { more: true } : {}),
          }),
          simple: () => res.kvs.flatMap((kv) => (opts.keysOnly ? [kv.key.toString()] : opts.printValueOnly ? [kv.value.toString()] : [kv.key.toString(), kv.value.toString()])),
        });
        if (out) c.print(out);
      });
    });

  program
    .command('del <key> [rangeEnd]')
    .description('delete a key, a range, or with --prefix every key under a prefix; prints how many')
    .option('--prefix', 'delete every key with this prefix', false)
    .addHelpText('after', '\nExample:\n  warden del greeting')
    .action(async (key: string, rangeEnd: string | undefined, opts: { prefix: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      await c.withClient(async (client) => {
        const n = await client.delete(key, { prefix: opts.prefix, ...(rangeEnd ? { rangeEnd } : {}) });
        c.print(String(n));
      });
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\n$/, '');
}

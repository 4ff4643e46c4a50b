// `warden kms-plugin`: warden's own KMS v2 plugin (src/encryption/kms/local-kek.ts) served on a
// unix socket for kube-apiserver and warden; `rotate` adds a KEK, `status` asks a running plugin.
// Key material is never printed: only key IDs, which reveal nothing of the keys.
import path from 'node:path';
import type { Command } from 'commander';
import { kmsClient, serveKms } from '../../encryption/kms/grpc.ts';
import { ensureKekFile, localKekService, rotateKek } from '../../encryption/kms/local-kek.ts';
import { UsageError } from '../../errors.ts';
import type { Context } from '../context.ts';
import { render } from '../printer.ts';
import { untilSignal } from '../../util/signals.ts';

type Ctx = (cmd: Command) => Context;

/**
 * A flag of `rotate` or `status`. commander gives --socket and --kek-file to `kms-plugin` itself
 * wherever they appear (the program does not use positional options), so the subcommands declare
 * them for their help and read them with the parent's.
 */
function flag(cmd: Command, name: 'socket' | 'kekFile', usage: string): string {
  const v = (cmd.optsWithGlobals() as { socket?: string; kekFile?: string })[name];
  if (!v) throw new UsageError(`\`warden ${cmd.parent?.name()} ${cmd.name()}\` needs ${usage}: see \`warden ${cmd.parent?.name()} ${cmd.name()} --help\``);
  return v;
}

/** --socket as a KMS endpoint: a path, or already unix:///path. */
function endpointOf(socket: string): string {
  return socket.startsWith('unix:') ? socket : `unix://${path.resolve(socket)}`;
}

export function registerKmsPlugin(program: Command, ctx: Ctx): void {
  const plugin = program
    .command('kms-plugin')
    .description("serve warden's KMS v2 plugin on a unix socket: a local file of key-encryption keys (KEKs), AES-256-GCM; for kube-apiserver's kms provider and for warden")
    .option('--socket <path>', 'the unix socket to serve on (created mode 0600, its folder 0700; a stale one is replaced)')
    .option('--kek-file <file>', 'the KEK file (JSON, mode 0600; created with one new KEK when absent). Back it up: data encrypted under a KEK it lost cannot be decrypted')
    .addHelpText('after', [
      '',
      'Runs in the foreground until SIGINT or SIGTERM, which remove the socket.',
      'kube-apiserver (--encryption-provider-config) uses it as',
      '  - kms: {apiVersion: v2, name: warden, endpoint: unix:///var/run/warden/kms.sock, timeout: 3s}',
      '',
      'Example:',
      '  warden kms-plugin --socket /var/run/warden/kms.sock --kek-file /etc/warden/keks.json',
    ].join('\n'))
    .action(async (opts: { socket?: string; kekFile?: string }, cmd: Command) => {
      const c = ctx(cmd);
      // Not required options: commander would require them of `rotate` and `status` too.
      if (!opts.socket || !opts.kekFile) {
        throw new UsageError(`\`warden kms-plugin\` needs ${opts.socket ? '--kek-file FILE' : '--socket PATH'}: see \`warden kms-plugin --help\``);
      }
      const kekFile = path.resolve(opts.kekFile);
      if (ensureKekFile(kekFile)) c.io.err(`created KEK file ${kekFile} with a new KEK (mode 0600): back it up; data encrypted under a lost KEK cannot be decrypted`);
      const service = localKekService(kekFile);
      const log = (l: string) => c.io.err(`${new Date().toISOString()} ${l}`);
      const stop = untilSignal(); // armed first: a signal while binding still closes the server
      const server = await serveKms(opts.socket, service, { log });
      c.io.err(`kms plugin serving on ${server.address} (key ID ${(await service.status()).keyId})`);
      const signal = await stop;
      await server.close();
      c.io.err(`kms plugin stopped (${signal})`);
    });

  plugin
    .command('rotate')
    .description('add a new KEK to the KEK file: it encrypts from then on, the earlier ones stay for decryption; a running plugin picks it up at its next call')
    .option('--kek-file <file>', 'the KEK file the plugin serves (required)')
    .addHelpText('after', [
      '',
      'Data keys encrypted under an earlier KEK still decrypt; the new key ID makes their values stale, and warden\'s encryption controller (as kube-apiserver, on writes) rewrites them under the new KEK.',
      '',
      'Example:',
      '  warden kms-plugin rotate --kek-file /etc/warden/keks.json',
    ].join('\n'))
    .action((_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const r = rotateKek(path.resolve(flag(cmd, 'kekFile', '--kek-file FILE')));
      c.print(render(format, {
        json: () => ({ keyId: r.id, previous: r.previous }),
        simple: () => [`KEK rotated: new key ID ${r.id} (kept for decryption: ${r.previous.join(', ')})`],
      }));
    });

  plugin
    .command('status')
    .description("ask the KMS v2 plugin on a socket for its Status: version, health and current key ID (any KMS v2 plugin, not only warden's)")
    .option('--socket <path>', "the plugin's unix socket, a path or unix:///path (required)")
    .addHelpText('after', '\nExits 1 when the plugin does not report healthz "ok".\n\nExample:\n  warden kms-plugin status --socket /var/run/warden/kms.sock -w json')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('table');
      const endpoint = endpointOf(flag(cmd, 'socket', '--socket PATH'));
      const client = kmsClient(endpoint);
      try {
        const s = await client.status();
        c.print(render(format, {
          json: () => ({ endpoint, version: s.version, healthz: s.healthz, keyId: s.keyId }),
          simple: () => [`${endpoint}, version ${s.version}, healthz ${s.healthz}, key ID ${s.keyId}`],
          table: () => ({ headers: ['endpoint', 'version', 'healthz', 'key id'], rows: [[endpoint, s.version, s.healthz, s.keyId]] }),
        }));
        if (s.healthz !== 'ok') c.fail(1);
      } finally {
        client.close();
      }
    });
}

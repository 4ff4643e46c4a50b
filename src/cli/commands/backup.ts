// `warden backup DIR` (one backup set, verified; encrypted to age recipients with
// --encrypt-to), `warden backup list DIR` (with --identity, what encrypted sets describe).
import type { Command } from 'commander';
import { checkRecipients, collect, recipientsOf } from '../../backup/age.ts';
import { localSets, pointInTimeWindow, s3Sets, type ListRow } from '../../backup/listing.ts';
import { takeBackup } from '../../backup/backup.ts';
import { removeLeftovers } from '../../backup/lock.ts';
import type { S3Options } from '../../backup/s3-url.ts';
import { parseS3Url } from '../../backup/s3-url.ts';
import { checkTarget, openStore, s3Target, shipSet, type S3Target } from '../../backup/ship.ts';
import { UsageError } from '../../errors.ts';
import { kmsKekFile } from '../../encryption/store.ts';
import type { Context } from '../context.ts';
import { durationOption } from '../options.ts';
import { humanBytes, render, toJson } from '../printer.ts';
import { removeScratch, scratchDir } from '../../util/scratch.ts';
import { openLogDir } from '../../revlog/store.ts';
import { windowLines } from '../../revlog/window.ts';

type Ctx = (cmd: Command) => Context;

function printList(c: Context, format: ReturnType<Context['format']>, rows: ListRow[], window: string[] = []): void {
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  c.print(render(format, {
    json: () => rows,
    simple: () => rows.map((r) => [r.timestamp, r.member, r.revision ?? '-', humanBytes(r.size), r.encryption, r.encrypted ? 'age-encrypted' : 'not encrypted', r.snapshot ?? '(snapshot missing)'].join(', ')),
    table: () => ({
      headers: ['time', 'member', 'revision', 'size', 'encryption', 'encrypted', 'state', 'location'],
      rows: rows.map((r) => [r.timestamp, r.member, r.revision === null ? '-' : String(r.revision), humanBytes(r.size), r.encryption, yesNo(r.encrypted), !r.complete ? 'INCOMPLETE' : r.dirty ? 'POSSIBLY DIRTY' : 'ok', r.snapshot ?? r.archive ?? '']),
    }),
  }));
  // The point-in-time window follows the sets (the JSON stays the list of sets scripts read).
  if (format !== 'json' && window.length) c.print(['', ...window].join('\n'));
}

async function listS3(c: Context, target: S3Target, format: ReturnType<Context['format']>, identity: string | undefined): Promise<void> {
  printList(c, format, await s3Sets(target, { ...(identity ? { identity } : {}), warn: (l) => c.io.err(l) }));
}

/** A progress bar on a terminal for DBs worth one; nothing otherwise. */
async function progressBar(c: Context): Promise<{ update: (n: number, total: number) => void; stop: () => void }> {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const { default: cliProgress } = await import('cli-progress');
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  return {
    update: (n, total) => {
      if (!bar && total >= 16 * 1024 * 1024) {
        bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'snapshot [{bar}] {percentage}% | {done} of {all}', hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(total, 0, { done: humanBytes(0), all: humanBytes(total) });
      }
      bar?.update(Math.min(n, total), { done: humanBytes(n), all: humanBytes(total) });
    },
    stop: () => {
      bar?.stop();
      void c;
    },
  };
}

export interface S3Flags {
  s3Endpoint?: string;
  s3Region?: string;
  s3PathStyle?: boolean;
}

export function s3Options(f: S3Flags): S3Options {
  return { ...(f.s3Endpoint ? { endpoint: f.s3Endpoint } : {}), ...(f.s3Region ? { region: f.s3Region } : {}), ...(f.s3PathStyle ? { forcePathStyle: true } : {}) };
}

/** The S3 flags shared by every command that talks to a bucket. */
export function addS3Flags(cmd: Command): Command {
  return cmd
    .option('--s3-endpoint <url>', 'S3-compatible endpoint, e.g. http://127.0.0.1:9000 (env AWS_ENDPOINT_URL); credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY')
    .option('--s3-region <region>', 'region (env AWS_REGION, default us-east-1)')
    .option('--s3-path-style', 'path-style addressing (default when --s3-endpoint is given)');
}

export function registerBackup(program: Command, ctx: Ctx): void {
  const backup = addS3Flags(program
    .command('backup')
    .description('take one verified backup set (snapshot_<ts>.db + static_kuberesources_<ts>.tar.gz) from one healthy member')
    .argument('[dir]', 'directory for the backup set (optional with --to: then only the bucket keeps it)')
    .option('--member <name>', 'member to take it from (default: a healthy follower)')
    .option('--keys-dir <dir>', 'write the static_kuberesources archive (with the encryption keys) here instead')
    .option('--force', 'back up even while a migration runs or the cluster is unhealthy (files named __POSSIBLY_DIRTY__)', false)
    .option('--to <s3url>', 'also upload the set to S3-compatible storage, e.g. s3://bucket/etcd (multipart, streamed)')
    .option('--encrypt-to <recipient>', 'encrypt both files to this age recipient (age1..., printed by age-keygen; repeatable): snapshot_<ts>.db.age, static_kuberesources_<ts>.tar.gz.age; nothing is written in the clear', collect)
    .option('--encrypt-to-file <file>', 'encrypt to the recipients in this file, one a line, # comments (as age -R; repeatable)', collect)
    .option('--include-kek', 'with --encrypt-to: also carry a KMS plugin\'s key-encryption-key file (--kek-file) in the (encrypted) keys archive, so the set reads back without the plugin\'s own copy; restore merges it back', false)
    .option('--kek-file <file>', 'with --include-kek: the plugin\'s KEK file (default: <state dir>/kms/kek.json, `warden run --kms`\'s)'))
    .addHelpText('after', '\nExamples:\n  warden backup /var/backups/etcd\n  warden backup /var/backups/etcd --keys-dir /secure/keys\n  warden backup /var/backups/etcd --encrypt-to age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n  warden backup /var/backups/etcd --encrypt-to age1... --include-kek --kek-file /etc/warden/kek.json\n  warden backup /var/backups/etcd --to s3://backups/etcd --s3-endpoint http://127.0.0.1:9000\n  warden backup list /var/backups/etcd\n  warden backup list s3://backups/etcd\n  warden backup presign s3://backups/etcd/snapshot_2026-01-01_000000.db --expires 1h')
    .action(async (dirArg: string | undefined, opts: { member?: string; keysDir?: string; force: boolean; to?: string; encryptTo?: string[]; encryptToFile?: string[]; includeKek: boolean; kekFile?: string } & S3Flags, cmd: Command) => {
      const c = ctx(cmd);
      if (!dirArg && !opts.to) throw new UsageError('no backup directory given: give one (or --to s3://bucket/prefix), e.g. `warden backup /var/backups/etcd`');
      const encryptTo = recipientsOf(opts.encryptTo, opts.encryptToFile);
      if (encryptTo) checkRecipients(encryptTo, { recipient: '--encrypt-to', file: '--encrypt-to-file' });
      if (opts.kekFile && !opts.includeKek) throw new UsageError('--kek-file goes with --include-kek: add --include-kek to carry the KEK file in the set');
      const includeKek = opts.includeKek ? (opts.kekFile ?? kmsKekFile(c.layout.root)) : undefined;
      if (includeKek && !encryptTo) throw new UsageError('--include-kek puts the KMS plugin\'s key-encryption keys into the backup: give --encrypt-to (or --encrypt-to-file) too, so they are never written in the clear');
      const target = opts.to ? s3Target(opts.to, s3Options(opts)) : undefined;
      if (target) await checkTarget(target);
      // With --to and no dir, the set is staged in a private temp dir and only the bucket keeps it.
      const staging = dirArg ? undefined : scratchDir('backup', (l) => c.io.err(l));
      const dir = dirArg ?? (staging as string);
      const format = c.format('simple');
      const abort = new AbortController();
      const onSig = () => abort.abort();
      process.once('SIGINT', onSig);
      process.once('SIGTERM', onSig);
      const bar = await progressBar(c);
      try {
        await c.withClient(async (client) => {
          const res = await takeBackup(client, {
            dir, ...(opts.keysDir ? { keysDir: opts.keysDir } : {}), ...(opts.member ? { member: opts.member } : {}), force: opts.force, ...(encryptTo ? { encryptTo } : {}), ...(includeKek ? { includeKek } : {}),
            layout: c.layout, log: (l) => c.io.err(l), onProgress: bar.update, signal: abort.signal,
          });
          bar.stop();
          const i = res.info;
          const shipped = target ? await shipSet(target, res.snapshotPath, res.archivePath, i, undefined, abort.signal) : undefined;
          if (shipped) c.io.err(`uploaded the set to ${target?.url} (${shipped})`);
          c.print(render(format, {
            json: () => ({ snapshot: staging ? null : res.snapshotPath, archive: staging ? null : res.archivePath, ...(shipped ? { uploaded: shipped } : {}), ...i }),
            simple: () => [
              `Snapshot saved at ${res.snapshotPath}`,
              toJson({ hash: i.hash, revision: i.revision, totalKey: i.totalKey, totalSize: i.totalSize }),
              `member ${i.member.name}, revision ${i.revision}, encryption ${i.encryption.writeKey}${i.dirty ? ', POSSIBLY DIRTY' : ''}`,
              `snapshot db and kube resources are successfully saved to ${staging ? target?.url : dir}${opts.keysDir ? ` (kube resources in ${opts.keysDir})` : ''}${shipped && !staging ? ` and ${target?.url}` : ''}`,
            ],
          }));
        });
      } finally {
        bar.stop();
        removeScratch(staging);
        process.off('SIGINT', onSig);
        process.off('SIGTERM', onSig);
      }
    });

  addS3Flags(backup
    .command('list <location>')
    .description('list the backup sets in a directory or an s3:// location: time, member, revision, size, encryption, encrypted, location; removes (and names) what killed backups left in the directory')
    .option('--keys-dir <dir>', 'where the archives are, when kept apart')
    .option('--identity <file>', 'an age identity (age-keygen) to read what encrypted sets describe (member, revision)'))
    .action(async (dir: string, _o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('table');
      // --keys-dir is also an option of `backup` itself, which commander gives it to.
      const { keysDir, identity } = cmd.optsWithGlobals() as { keysDir?: string; identity?: string };
      if (dir.startsWith('s3://')) {
        await listS3(c, s3Target(dir, s3Options(cmd.optsWithGlobals() as S3Flags)), format, identity);
        return;
      }
      for (const line of removeLeftovers([dir, ...(keysDir ? [keysDir] : [])])) c.io.err(line);
      const { rows, windowSets } = await localSets(dir, { ...(keysDir ? { keysDir } : {}), ...(identity ? { identity } : {}), warn: (l) => c.io.err(l) });
      // An encrypted log's open segment lies in this host's state dir (the operator's).
      const w = pointInTimeWindow(dir, windowSets, openLogDir(c.layout.root));
      const window = windowLines(w.root, w, dir);
      printList(c, format, rows, window);
    });

  addS3Flags(backup
    .command('presign <s3url>')
    .description('print a plain-HTTP GET URL for one backup object (e.g. for `warden restore --from-url`)')
    .addOption(durationOption('--expires <duration>', 'how long the URL works, e.g. 15m or 24h', { default: '1h', max: '168h' })))
    .action(async (url: string, _o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const f = cmd.optsWithGlobals() as S3Flags & { expires: number };
      const seconds = Math.ceil(f.expires / 1000);
      const loc = parseS3Url(url);
      const parts = loc.prefix.replace(/\/$/, '').split('/');
      const name = parts.pop();
      if (!name) throw new UsageError(`give the object to presign, e.g. s3://${loc.bucket}/etcd/snapshot_2026-01-01_000000.db`);
      const store = await openStore({ url, location: { bucket: loc.bucket, prefix: parts.length ? `${parts.join('/')}/` : '' }, options: s3Options(f) });
      try {
        c.print(await store.presign(name, seconds));
      } finally {
        store.close();
      }
    });
}

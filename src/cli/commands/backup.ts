// `warden backup DIR` (one backup set, verified), `warden backup list DIR`.
import type { Command } from 'commander';
import { readBackupInfo, type BackupInfo } from '../../backup/archive.ts';
import { takeBackup } from '../../backup/backup.ts';
import { findLocalSets } from '../../backup/names.ts';
import type { Context } from '../context.ts';
import { humanBytes, render, toJson } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

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

export function registerBackup(program: Command, ctx: Ctx): void {
  const backup = program
    .command('backup')
    .description('take one verified backup set (snapshot_<ts>.db + static_kuberesources_<ts>.tar.gz) from one healthy member')
    .argument('[dir]', 'directory for the backup set')
    .option('--member <name>', 'member to take it from (default: a healthy follower)')
    .option('--keys-dir <dir>', 'write the static_kuberesources archive (with the encryption keys) here instead')
    .option('--force', 'back up even while a migration runs or the cluster is unhealthy (files named __POSSIBLY_DIRTY__)', false)
    .addHelpText('after', '\nExamples:\n  warden backup /var/backups/etcd\n  warden backup /var/backups/etcd --keys-dir /secure/keys\n  warden backup list /var/backups/etcd')
    .action(async (dir: string | undefined, opts: { member?: string; keysDir?: string; force: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      if (!dir) {
        cmd.help({ error: true });
        return;
      }
      const format = c.format('simple');
      const abort = new AbortController();
      const onSig = () => abort.abort();
      process.once('SIGINT', onSig);
      process.once('SIGTERM', onSig);
      const bar = await progressBar(c);
      try {
        await c.withClient(async (client) => {
          const res = await takeBackup(client, {
            dir, ...(opts.keysDir ? { keysDir: opts.keysDir } : {}), ...(opts.member ? { member: opts.member } : {}), force: opts.force,
            layout: c.layout, log: (l) => c.io.err(l), onProgress: bar.update, signal: abort.signal,
          });
          bar.stop();
          const i = res.info;
          c.print(render(format, {
            json: () => ({ snapshot: res.snapshotPath, archive: res.archivePath, ...i }),
            simple: () => [
              `Snapshot saved at ${res.snapshotPath}`,
              toJson({ hash: i.hash, revision: i.revision, totalKey: i.totalKey, totalSize: i.totalSize }),
              `member ${i.member.name}, revision ${i.revision}, encryption ${i.encryption.writeKey}${i.dirty ? ', POSSIBLY DIRTY' : ''}`,
              `snapshot db and kube resources are successfully saved to ${dir}${opts.keysDir ? ` (kube resources in ${opts.keysDir})` : ''}`,
            ],
          }));
        });
      } finally {
        bar.stop();
        process.off('SIGINT', onSig);
        process.off('SIGTERM', onSig);
      }
    });

  backup
    .command('list <dir>')
    .description('list the backup sets in a directory: time, member, revision, size, encryption, location')
    .option('--keys-dir <dir>', 'where the archives are, when kept apart')
    .action(async (dir: string, _o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('table');
      // --keys-dir is also an option of `backup` itself, which commander gives it to.
      const { keysDir } = cmd.optsWithGlobals() as { keysDir?: string };
      const sets = findLocalSets(dir, keysDir);
      const rows = await Promise.all(sets.map(async (s) => {
        const info: BackupInfo | undefined = s.archive ? await readBackupInfo(s.archive.path).catch(() => undefined) : undefined;
        return {
          timestamp: s.timestamp,
          complete: !!(s.snapshot && s.archive),
          dirty: s.dirty,
          member: info?.member.name ?? '',
          revision: info?.revision ?? null,
          size: (s.snapshot?.size ?? 0) + (s.archive?.size ?? 0),
          encryption: info?.encryption.writeKey ?? '',
          snapshot: s.snapshot?.path ?? null,
          archive: s.archive?.path ?? null,
        };
      }));
      c.print(render(format, {
        json: () => rows,
        simple: () => rows.map((r) => [r.timestamp, r.member, r.revision ?? '-', humanBytes(r.size), r.encryption, r.snapshot ?? '(snapshot missing)'].join(', ')),
        table: () => ({
          headers: ['time', 'member', 'revision', 'size', 'encryption', 'state', 'location'],
          rows: rows.map((r) => [r.timestamp, r.member, r.revision === null ? '-' : String(r.revision), humanBytes(r.size), r.encryption, !r.complete ? 'INCOMPLETE' : r.dirty ? 'POSSIBLY DIRTY' : 'ok', r.snapshot ?? r.archive ?? '']),
        }),
      }));
    });
}

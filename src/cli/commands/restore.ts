// `warden restore ...` and `warden quorum restore`: disaster recovery on the local cluster, and
// restoring a snapshot into a data dir for clusters warden does not run.
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError, WardenError } from '../../errors.ts';
import { isAgeFile } from '../../backup/age.ts';
import { readBackupInfo } from '../../backup/archive.ts';
import { decryptSnapshot, plainName } from '../../backup/decrypt.ts';
import { downloadUrl } from '../../backup/s3-download.ts';
import { openLogDir } from '../../revlog/store.ts';
import { findLocalSets, isEncryptedName, parseBackupName } from '../../backup/names.ts';
import { etcdVersion, requireTool } from '../../cluster/binaries.ts';
import { requireClusterConfig } from '../../cluster/cluster-config.ts';
import { dryRunRestore } from '../../restore/dry-run.ts';
import { preparePointInTime, type Target } from '../../restore/point-in-time.ts';
import { defaultBump, UNKNOWN_BUMP } from '../../restore/bump.ts';
import { quorumRestore } from '../../restore/quorum.ts';
import { restoreCluster, type PreparedSet } from '../../restore/restore.ts';
import { checkSet, chooseSet } from '../../restore/set.ts';
import { restoreDataDir } from '../../restore/tools.ts';
import { snapshotStatus } from '../../snapshot/status.ts';
import type { Credentials } from '../../etcd/connection.ts';
import { EtcdClient } from '../../etcd/client.ts';
import type { Context } from '../context.ts';
import { render } from '../printer.ts';
import { wholeNumberOption } from '../options.ts';
import { LazyScratch, removeOnSignal, removeScratch, scratchDir } from '../../util/scratch.ts';
import { s3Target, type S3Target } from '../../backup/ship.ts';
import { fetchPointInTime, inBucketTerms } from '../../restore/pit-fetch.ts';
import { addS3Flags, s3Options, type S3Flags } from './backup.ts';

type Ctx = (cmd: Command) => Context;

/** The etcd user restore acts as once a restored member serves (the set's auth store is then in force). */
function credentials(c: Context): { auth?: Credentials } {
  const auth = c.credentials();
  return auth ? { auth } : {};
}

interface RestoreFlags extends S3Flags {
  keysDir?: string;
  timestamp?: string;
  recoveryMember?: string;
  dryRun: boolean;
  fromUrl?: string;
  encryptionConfig?: string;
  dataDir?: string;
  name?: string;
  initialAdvertisePeerUrls?: string;
  initialClusterToken: string;
  identity?: string;
  kekFile?: string;
  toRevision?: number;
  toTime?: Date;
  /** A number of revisions, false with --no-bump-revision, absent: the default. */
  bumpRevision?: number | false;
}

/** Data-dir mode: restore a snapshot for a cluster warden does not run, and say how to start it. */
async function restoreIntoDataDir(c: Context, snapshot: string, f: RestoreFlags): Promise<void> {
  if (!f.name || !f.initialAdvertisePeerUrls) throw new UsageError('--data-dir needs --name and --initial-advertise-peer-urls (e.g. --name etcd-1 --initial-advertise-peer-urls http://10.0.0.1:2380)');
  if (!/^https?:\/\/[^/\s]+:\d+$/.test(f.initialAdvertisePeerUrls)) throw new UsageError(`bad --initial-advertise-peer-urls "${f.initialAdvertisePeerUrls}": use the form http://host:port`);
  if (!fs.existsSync(snapshot)) throw new WardenError(`snapshot ${snapshot} does not exist: give the path of a snapshot_<ts>.db file`);
  const dataDir = path.resolve(f.dataDir as string);
  // An encrypted snapshot is decrypted next to the data dir that will hold the same data, and removed after.
  const plain = new LazyScratch('decrypted', (l) => c.io.err(l), path.dirname(dataDir));
  const unwatch = removeOnSignal(plain);
  let st;
  let tool;
  let bumped: { amount: number; why: string } | undefined;
  try {
    let file = snapshot;
    if (isEncryptedName(snapshot) || isAgeFile(snapshot)) {
      fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o700 });
      file = path.join(plain.dir, plainName(snapshot));
      st = await decryptSnapshot(snapshot, f.identity, { to: file });
    } else {
      st = await snapshotStatus(snapshot).catch((err: unknown) => {
        throw new WardenError(`the snapshot ${snapshot} is damaged (${(err as Error).message}): use another backup`);
      });
    }
    const bump = bumpOf(f, undefined);
    tool = await restoreDataDir({ snapshot: file, dataDir, name: f.name, peerURL: f.initialAdvertisePeerUrls, token: f.initialClusterToken, ...(bump ? { bumpRevision: bump.amount } : {}) });
    bumped = bump && (tool.canBump || tool.bumpedTo !== undefined) ? bump : undefined;
  } finally {
    plain.remove();
    unwatch();
  }
  const host = new URL(f.initialAdvertisePeerUrls).hostname;
  c.print([
    `restored revision ${st.revision} (${st.totalKey} keys) into ${dataDir} with ${tool.kind}`,
    bumped
      ? `bumped the revision by ${bumped.amount} and marked it compacted (${bumped.why}): watchers from before get "required revision has been compacted" and re-list`
      : `note: the revision was not bumped: watchers may see revisions go back to ${st.revision}`,
    'start it as a new one-member cluster with:',
    `  etcd --name ${f.name} --data-dir ${dataDir} \\`,
    `    --listen-peer-urls ${f.initialAdvertisePeerUrls} --initial-advertise-peer-urls ${f.initialAdvertisePeerUrls} \\`,
    `    --listen-client-urls http://${host}:2379 --advertise-client-urls http://${host}:2379`,
    'then add the other members back one at a time (`warden member add NAME --peer-urls URL --learner`, start each with an empty data dir and --initial-cluster-state existing, then `warden member promote ID`).',
  ].join('\n'));
}

/**
 * The bump a restore makes: as given, none with --no-bump-revision, else the default
 * (restore/bump.ts). `stateDir` undefined: a data dir for an etcd warden does not run, whose
 * highest revision warden never saw (1,000,000,000).
 */
function bumpOf(f: RestoreFlags, stateDir: string | undefined, live?: { revision: number; clusterId: string }): { amount: number; why: string } | undefined {
  if (f.bumpRevision === false) return undefined;
  if (typeof f.bumpRevision === 'number') return { amount: f.bumpRevision, why: 'as asked' };
  return stateDir ? defaultBump(stateDir, live) : { amount: UNKNOWN_BUMP, why: 'warden never saw the revisions of the cluster this data dir is for' };
}

/** The cluster's revision now, as the real restore reads it before it stops the cluster (a dry run's bump follows it too). */
async function liveRevision(c: Context): Promise<{ revision: number; clusterId: string } | undefined> {
  let client;
  try {
    // A broken cluster (what a restore is for) must not hold the dry run up for long.
    client = new EtcdClient({ ...c.connectionOptions(), commandTimeoutMs: 2000 });
    const { header } = await client.get('\0', { countOnly: true });
    return { revision: header.revision, clusterId: header.cluster_id.toString(16) };
  } catch {
    return undefined; // no cluster here, or it does not answer: the operator's note, or the default
  } finally {
    client?.close();
  }
}

/** RFC 3339 (a date and time with a zone), for --to-time. */
function parseTime(text: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.test(text);
  const d = new Date(text);
  if (!ok || Number.isNaN(d.getTime())) throw new UsageError(`bad --to-time "${text}": use RFC 3339 with a zone, e.g. 2026-12-01T17:05:00Z or 2026-12-01T18:05:00+01:00`);
  return d;
}

/** The set a --to-revision/--to-time restore (or its dry run) restores: a backup set replayed to the target in `scratch`. */
async function pointInTimeSet(dir: string, target: Target, f: RestoreFlags, log: (l: string) => void, scratch: LazyScratch, openRoot?: string): Promise<PreparedSet> {
  return (await preparePointInTime(dir, target, {
    ...(f.keysDir ? { keysDir: f.keysDir } : {}), etcdVersion: etcdVersion(requireTool('etcd')), log,
    ...(f.identity ? { identity: f.identity } : {}), scratch: () => scratch.dir, ...(openRoot ? { openRoot } : {}),
  })).set;
}

/**
 * --from-url s3://bucket/prefix with a point in time: the log segments and the set it needs,
 * downloaded into `folder` (laid out as a backup dir), then prepared as from a backup dir. What
 * goes wrong is said of the bucket, not of the folder (removed by then).
 */
async function bucketPointInTimeSet(bucket: S3Target, target: Target, f: RestoreFlags, folder: string, log: (l: string) => void, scratch: LazyScratch, signal: AbortSignal): Promise<PreparedSet> {
  await fetchPointInTime(bucket, target, folder, log, signal, f.identity ? { identity: f.identity } : {});
  return pointInTimeSet(folder, target, f, log, scratch).catch((err: unknown) => {
    throw inBucketTerms(err, folder, bucket);
  });
}

function pointInTime(f: RestoreFlags): Target | undefined {
  if (f.toRevision !== undefined && f.toTime) throw new UsageError('give --to-revision or --to-time, not both');
  if (f.toRevision !== undefined) return { revision: f.toRevision };
  return f.toTime ? { time: f.toTime } : undefined;
}

/**
 * --from-url: the hosted-cluster flow (seed 002). The snapshot is downloaded into `dir` and
 * verified; that snapshot is the one restored. The keys come apart: with --keys-dir only the
 * archive of this backup is taken from there (never a snapshot that happens to lie beside it),
 * with --encryption-config the file given.
 */
async function prepareFromUrl(c: Context, f: RestoreFlags, dir: string, plaintext: LazyScratch, signal: AbortSignal): Promise<PreparedSet> {
  const name = path.basename(new URL(f.fromUrl as string).pathname);
  const parsed = parseBackupName(name);
  const ts = parsed?.timestamp;
  const downloaded = path.join(dir, name && parsed?.kind === 'snapshot' ? name : 'snapshot.db');
  c.io.err(`downloading ${name || 'the snapshot'}`);
  await downloadUrl(f.fromUrl as string, downloaded, signal);
  // An encrypted snapshot (by its name, or its first line) is decrypted into the state dir's
  // private scratch folder, verified as it is written; the download holds only ciphertext.
  const encrypted = isEncryptedName(downloaded) || isAgeFile(downloaded);
  // The recovery host can fetch a plaintext snapshot itself; an encrypted one is decrypted here (the identity stays here).
  const url = encrypted ? undefined : (f.fromUrl as string);
  const file = encrypted ? path.join(plaintext.dir, plainName(downloaded)) : downloaded;
  const status = await (encrypted ? decryptSnapshot(downloaded, f.identity, { to: file, signal }) : snapshotStatus(file)).catch((err: unknown) => {
    if (encrypted) throw err;
    throw new WardenError(`the downloaded snapshot is damaged (${(err as Error).message}): check the URL`);
  });
  c.io.err(`downloaded and verified: revision ${status.revision}, ${status.totalKey} keys${encrypted ? ' (decrypted with the identity given)' : ''}`);
  if (f.keysDir) {
    const archives = findLocalSets(f.keysDir).filter((s) => s.archive && (!ts || s.timestamp === ts));
    // A URL without a backup name: the newest archive that describes this very snapshot.
    let archive = ts ? archives[0] : undefined;
    for (const a of ts ? [] : archives) {
      const info = await readBackupInfo(a.archive?.path as string, f.identity).catch(() => undefined);
      if (info?.revision === status.revision && (!info.sha256 || !status.sha256 || info.sha256 === status.sha256)) {
        archive = a;
        break;
      }
    }
    if (!archive?.archive) throw new WardenError(`no static_kuberesources${ts ? `_${ts}` : ''}.tar.gz ${ts ? '' : `of revision ${status.revision} `}in ${f.keysDir}: give the keys archive of this backup`);
    const set = await checkSet({ timestamp: archive.timestamp, snapshot: file, archive: archive.archive.path }, { etcdVersion: etcdVersion(requireTool('etcd')), status, ...(f.identity ? { identity: f.identity } : {}) });
    return { ...set, ...(url ? { url } : {}) };
  }
  // restoreCluster checks that this configuration holds every key the snapshot's values use.
  return { timestamp: ts ?? 'downloaded', snapshot: file, status, encryptionConfig: path.resolve(f.encryptionConfig as string), ...(url ? { url } : {}) };
}

/**
 * Runs `work` until it ends or Ctrl-C (SIGINT, or SIGTERM) ends it with one line. `abort` is
 * aborted first, so a download stops and removes its partial file; the restore itself is
 * recorded phase by phase, so leaving it at any point is what a kill does, and running the
 * same command again finishes it.
 */
async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>, message: () => string): Promise<T> {
  const abort = new AbortController();
  let onSignal = (): void => undefined;
  const interrupted = new Promise<never>((_resolve, reject) => {
    onSignal = () => {
      abort.abort();
      reject(new WardenError(message(), 130));
    };
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const running = work(abort.signal);
    running.catch(() => undefined); // after an interruption its own error does not matter
    return await Promise.race([running, interrupted]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerRestore(program: Command, ctx: Ctx): void {
  addS3Flags(program
    .command('restore')
    .description('restore the local cluster from a backup set (or, with --data-dir, a snapshot into a data dir)')
    .argument('[source]', 'backup dir (snapshot_<ts>.db + static_kuberesources_<ts>.tar.gz), or a snapshot file with --data-dir')
    .option('--keys-dir <dir>', 'where the static_kuberesources archive is, when kept apart (only archives are taken from there, never a snapshot)')
    .option('--timestamp <ts>', 'which set (YYYY-MM-DD_HHMMSS; default: the newest complete one)')
    .option('--recovery-member <name>', 'the member restored first, as a one-member cluster (default: the first)')
    .option('--dry-run', 'restore into a scratch dir and check a throwaway member against the snapshot; touch nothing else', false)
    .option('--from-url <url>', 'download into a private temp dir (removed afterwards) and restore from there: a (presigned) https URL of one snapshot (keys via --keys-dir or --encryption-config), or, with --to-revision/--to-time, the bucket the operator ships to (s3://bucket/prefix: the revision log segments and the one set the point in time needs; S3 flags as for `warden backup`)')
    .option('--encryption-config <file>', 'with --from-url: an EncryptionConfiguration holding the keys the snapshot uses (the key its values use becomes the write key; other keys stay readable)')
    .option('--data-dir <dir>', 'data-dir mode: restore the snapshot file into this empty dir for an etcd warden does not run')
    .option('--name <name>', 'data-dir mode: the member name')
    .option('--initial-advertise-peer-urls <url>', 'data-dir mode: the member peer URL')
    .option('--initial-cluster-token <token>', 'data-dir mode: a new cluster token', 'etcd-cluster-restored')
    .option('--identity <file>', 'the age identity (age-keygen) that decrypts an encrypted set (.age files); the plaintext exists only in a private scratch folder, removed afterwards')
    .option('--kek-file <file>', 'a set taken with --include-kek: merge the KMS plugin\'s key-encryption keys it carries into this KEK file, for decryption (default: <state dir>/kms/kek.json, `warden run --kms`\'s; created 0600 when absent)')
    .addOption(wholeNumberOption('--to-revision <n>', 'point in time: restore the cluster as it was at this revision (the newest set at or before it, then the revision log DIR/revlog replayed up to it)', { min: 1, hint: 'a revision, e.g. 123456' }))
    .addOption(new Option('--to-time <time>', 'point in time: restore the cluster as it was at this time (RFC 3339, e.g. 2026-12-01T17:05:00Z): the last revision the revision log saw by then').argParser(parseTime))
    .addOption(wholeNumberOption('--bump-revision <n>', 'add this many to the restored revision and mark everything up to it compacted, so watchers and informers re-list (default: 1.2 × the highest revision the operator saw, else 1000000000)', { min: 1, hint: 'a number of revisions, e.g. 1000000000' }))
    .option('--no-bump-revision', 'restore the revision as it is in the snapshot (watchers may then see revisions go back)'))
    .addHelpText('after', [
      '',
      'Examples:',
      '  warden restore /var/backups/etcd --dry-run',
      '  warden restore /var/backups/etcd --keys-dir /secure/keys',
      '  warden restore /var/backups/etcd --identity /secure/backup-key.txt     # a set taken with --encrypt-to',
      '  warden restore /var/backups/etcd --to-time 2026-12-01T17:05:00Z       # just before the bad change (needs operator --revision-log)',
      '  warden restore --from-url "https://s3.example.com/b/snapshot_2026-01-01_000000.db?X-Amz-..." --keys-dir /secure/keys',
      '  warden restore --from-url s3://backups/etcd --to-revision 123456 --dry-run   # from the bucket of operator --revision-log --backup-to',
      '  warden restore --from-url s3://backups/etcd --to-time 2026-12-01T17:05:00Z --s3-endpoint http://127.0.0.1:9000',
      '  warden restore snapshot_2026-01-01_000000.db --data-dir /var/lib/etcd-new --name etcd-1 --initial-advertise-peer-urls http://10.0.0.1:2380',
    ].join('\n'))
    .action(async (source: string | undefined, f: RestoreFlags, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      if (f.dataDir) {
        if (f.toRevision !== undefined || f.toTime) throw new UsageError('--to-revision and --to-time restore the cluster from a backup dir: drop --data-dir');
        if (!source) throw new UsageError('give the snapshot file to restore: warden restore SNAPSHOT --data-dir DIR ...');
        await restoreIntoDataDir(c, source, f);
        return;
      }
      if (!source && !f.fromUrl) throw new UsageError('give the backup dir to restore from (or --from-url URL)');
      const t0 = Date.now();
      // Long work: every step says how far into the restore it is.
      const log = (l: string) => c.io.err(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}`);
      const target = pointInTime(f);
      if (target && f.timestamp) throw new UsageError('--to-revision and --to-time choose the set themselves from a backup dir: drop --timestamp');
      // An s3:// URL is the bucket a point in time is restored from (its log and the set it needs).
      const bucketUrl = f.fromUrl !== undefined && /^s3:\/\//i.test(f.fromUrl.trim());
      if (target && f.fromUrl && !bucketUrl) throw new UsageError('a presigned URL names one object, and a point in time needs the revision log too: give --from-url s3://bucket/prefix (the bucket of operator --backup-to, with --s3-endpoint etc. as for warden backup)');
      if (bucketUrl && !target) throw new UsageError('--from-url s3://... restores a point in time: add --to-revision N or --to-time TIME (for one set, give its presigned URL: warden backup presign s3://bucket/prefix/snapshot_<ts>.db)');
      if (bucketUrl && source) throw new UsageError(`give a backup dir or --from-url ${f.fromUrl}, not both`);
      if (bucketUrl && f.encryptionConfig) throw new UsageError('--encryption-config goes with a presigned --from-url: a point-in-time restore takes the keys from the set\'s archive (or --keys-dir); drop it');
      const bucket = bucketUrl ? s3Target((f.fromUrl as string).trim(), s3Options(f)) : undefined;
      if (f.dryRun) {
        if (f.fromUrl && !bucket) throw new UsageError('--dry-run works on a backup dir or, with a point in time, on --from-url s3://bucket/prefix; download a presigned URL into a dir first');
        // An encrypted set's snapshot is decrypted into a private scratch folder for etcdctl, removed however the dry run ends.
        const plain = new LazyScratch('decrypted', log);
        // What the point in time needs from the bucket: its folder goes when the dry run ends, however it ends.
        const download = bucket ? scratchDir('download', log) : undefined;
        const { set, r } = await untilInterrupted(async (signal) => {
          const chosen = target
            ? await (bucket && download ? bucketPointInTimeSet(bucket, target, f, download, log, plain, signal) : pointInTimeSet(source as string, target, f, log, plain, openLogDir(c.layout.root)))
            : await chooseSet(source as string, {
              ...(f.keysDir ? { keysDir: f.keysDir } : {}), ...(f.timestamp ? { timestamp: f.timestamp } : {}), etcdVersion: etcdVersion(requireTool('etcd')),
              ...(f.identity ? { identity: f.identity } : {}), scratch: () => plain.dir,
            });
          const bump = bumpOf(f, c.layout.root, await liveRevision(c));
          return { set: chosen, r: await dryRunRestore(chosen.snapshot, chosen.status.revision, log, { ...credentials(c), ...(bump ? { bumpRevision: bump.amount } : {}) }) };
        }, () => `interrupted: the dry run was abandoned${download ? ' (the download was removed)' : ''}; nothing was changed`).finally(() => {
          plain.remove();
          removeScratch(download);
        });
        c.print(render(format, {
          json: () => ({ timestamp: set.timestamp, ...r }),
          simple: () => [`dry run of backup ${set.timestamp}${target ? ` replayed to revision ${set.status.revision}` : ''}: OK: a member restored from it serves revision ${r.revision}, ${r.keys} keys, hashKV ${r.hashKV} (matches the snapshot); nothing else was touched`],
        }));
        return;
      }
      if (f.fromUrl && !bucket && !f.keysDir && !f.encryptionConfig) throw new UsageError('--from-url needs the keys given apart: --keys-dir DIR (with the static_kuberesources archive) or --encryption-config FILE');
      requireClusterConfig(c.layout); // before any download: there must be a cluster to restore

      // The download is a whole snapshot (or a set and log segments): its folder goes when the command ends, however it ends.
      const download = f.fromUrl ? scratchDir('download', (l) => c.io.err(l)) : undefined;
      // An encrypted snapshot's plaintext, for etcdctl: in the state dir, next to the data dirs.
      const plaintext = new LazyScratch('decrypted', log, c.layout.root);
      let started = false;
      const res = await untilInterrupted(async (signal) => {
        const prepared = bucket && target && download
          ? await bucketPointInTimeSet(bucket, target, f, download, log, plaintext, signal)
          : download
            ? await prepareFromUrl(c, f, download, plaintext, signal)
            : target
            ? await pointInTimeSet(source as string, target, f, log, plaintext, openLogDir(c.layout.root))
            : undefined;
        started = true;
        return restoreCluster({
          layout: c.layout, dir: source ?? '', log, plaintext,
          ...(f.keysDir ? { keysDir: f.keysDir } : {}), ...(f.timestamp ? { timestamp: f.timestamp } : {}),
          ...(f.recoveryMember ? { recoveryMember: f.recoveryMember } : {}), ...(prepared ? { prepared } : {}),
          ...credentials(c),
          ...(f.identity ? { identity: f.identity } : {}),
          ...(f.kekFile ? { kekFile: f.kekFile } : {}),
          ...(f.bumpRevision !== undefined ? { bumpRevision: f.bumpRevision } : {}),
        });
      }, () => (started
        ? `interrupted during the restore: run the same command again to finish it (its progress is kept in ${path.join(c.layout.root, 'restore.json')})`
        : `interrupted before the restore started${download ? ' (the download was removed)' : ''}: nothing was changed; run the command again to restore`))
        .finally(() => {
          removeScratch(download);
          plaintext.remove();
        });
      c.print(render(format, {
        json: () => res,
        simple: () => [
          `restored backup ${res.timestamp} (revision ${res.revision}) into ${res.agreement.members.length} members, recovery member ${res.recovery}`,
          ...res.agreement.members.map((m) => `  ${m.name} ${m.endpoint}: revision ${m.revision}, hashKV ${m.hash}`),
          `old data dirs moved aside: ${res.movedAside.join(', ') || 'none'}`,
        ],
      }));
    });

  program
    .command('quorum')
    .description('recover from lost quorum')
    .command('restore')
    .description('rebuild the cluster from the surviving member with the most data (--force-new-cluster), then add the others back')
    .option('--member <name>', 'the surviving member to rebuild from (default: the running one with the highest raft index)')
    .addHelpText('after', '\nExample:\n  warden quorum restore')
    .action(async (f: { member?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const t0 = Date.now();
      const res = await quorumRestore(c.layout, { ...(f.member ? { member: f.member } : {}), ...credentials(c), log: (l) => c.io.err(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}`) });
      c.print(render(format, {
        json: () => res,
        simple: () => (res.resumed
          ? [`finished the interrupted quorum restore: ${res.agreement.members.length} healthy members agree at revision ${res.agreement.revision} (hashKV ${res.agreement.hash})`]
          : [
            `quorum restored from ${res.survivor}: ${res.agreement.members.length} healthy members agree at revision ${res.agreement.revision} (hashKV ${res.agreement.hash})`,
            `the survivor's data before the restore is kept at ${res.copiedTo}`,
          ]),
      }));
    });
}

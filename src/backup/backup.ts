// Taking one backup set from one healthy member: the snapshot streamed from etcd (its sha256
// trailer checked, then appended as etcdctl does so `etcdctl snapshot restore` accepts the
// file), read back and verified, and the static_kuberesources archive beside it. Both are
// written as .part, fsynced and renamed, mode 0600; on any failure nothing is left behind. Each
// folder written to is locked for the backup's life, so what a killed backup left (a .part) is
// told apart and removed by the next one (lock.ts).
//
// Encrypted to age recipients, the plaintext never reaches the disk: the snapshot stream is
// verified as it goes by (StreamStatus: the same scan a file read-back runs) while it is piped
// into `age`, which writes the ciphertext straight to the .age.part file (in its own process, on
// the other core); the archive is built in memory and piped into age the same way.
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WardenError } from '../errors.ts';
import { EtcdPermissionError, type EtcdClient, type MemberClient } from '../etcd/client.ts';
import { checkEndpointHealth } from '../etcd/health-check.ts';
import { encryptionStatus } from '../encryption/controller.ts';
import { encryptionConfigFile } from '../encryption/store.ts';
import { readClusterConfig, readManifests } from '../cluster/cluster-config.ts';
import { StateLayout } from '../cluster/layout.ts';
import { readInventory } from '../cluster/inventory.ts';
import { tlsFiles } from '../cluster/tls.ts';
import { StatusFollower, StreamStatus, snapshotStatus, type SnapshotStatus } from '../snapshot/status.ts';
import { restoredRevisions } from '../snapshot/hashkv.ts';
import { humanBytes } from '../cli/printer.ts';
import { fsyncDir } from '../util/fsutil.ts';
import { unlessAborted } from '../util/wait.ts';
import { prefetchArchiveLibrary, writeArchive, type ArchiveEntry, type BackupInfo } from './archive.ts';
import { BackupLock, removeLeftovers } from './lock.ts';
import { encryptInto, type AgeEncryption, type AgeRecipients } from './age.ts';
import { archiveName, backupTimestamp, snapshotName } from './names.ts';
import { KEK_ENTRY, kekFileText } from '../encryption/kms/local-kek.ts';

export interface BackupOptions {
  dir: string;
  /** Where the archive (with the keys) goes; the seeds advise keeping it apart. */
  keysDir?: string;
  member?: string;
  force?: boolean;
  layout: StateLayout;
  log: (line: string) => void;
  onProgress?: (received: number, total: number) => void;
  signal?: AbortSignal;
  now?: Date;
  /** Encrypt both files to these age recipients (checked by the caller with checkRecipients). */
  encryptTo?: AgeRecipients;
  /**
   * A KMS plugin's key-encryption-key file to carry in the archive (`kms/kek.json`): only with
   * encryptTo, so key material is never written in the clear.
   */
  includeKek?: string;
}

export interface BackupResult {
  snapshotPath: string;
  archivePath: string;
  info: BackupInfo;
  /**
   * The revision a member restored from the snapshot stands at (above `info.revision`, its last
   * key's, when a compaction removed the last tombstones): given for an encrypted set, whose
   * plaintext was read only as it streamed (for a plain one, read it with restoredRevisionOf).
   */
  restoredRevision?: number;
}

interface MemberState {
  name: string;
  id: bigint;
  url: string;
  client: MemberClient;
  healthy: boolean;
  error?: string;
  isLeader: boolean;
  isLearner: boolean;
  dbSize: number;
  applied: number;
  version: string;
  clusterId: bigint;
}

async function memberStates(client: EtcdClient): Promise<MemberState[]> {
  const { members } = await client.memberList();
  return Promise.all(members.map(async (m): Promise<MemberState> => {
    const url = m.clientURLs[0] ?? '';
    const base = { name: m.name || m.ID.toString(16), id: m.ID, url, isLearner: m.isLearner };
    if (!url) return { ...base, client: undefined as unknown as MemberClient, healthy: false, error: 'not started', isLeader: false, dbSize: 0, applied: 0, version: '', clusterId: 0n };
    const mc = client.member(url);
    try {
      const [st, h] = await Promise.all([mc.status(), checkEndpointHealth(mc)]);
      return { ...base, client: mc, healthy: h.health, ...(h.error ? { error: h.error } : {}), isLeader: st.leader === st.header.member_id, dbSize: st.dbSize, applied: st.raftAppliedIndex, version: st.version, clusterId: st.header.cluster_id };
    } catch (err) {
      return { ...base, client: mc, healthy: false, error: (err as Error).message, isLeader: false, dbSize: 0, applied: 0, version: '', clusterId: 0n };
    }
  }));
}

/**
 * Creates `dir` (and missing parents); returns the folders it created (deepest first), which a
 * failed backup removes again: a backup that fails leaves no empty folder behind.
 */
function makeDir(dir: string, label: string): string[] {
  const created: string[] = [];
  try {
    const first = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (first) for (let d = path.resolve(dir); ; d = path.dirname(d)) {
      created.push(d);
      if (d === path.resolve(first) || d === path.dirname(d)) break;
    }
    return created;
  } catch (err) {
    throw new WardenError(`cannot write to ${label} ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): choose a writable directory`);
  }
}

/** Removes these folders, deepest first, as long as they are empty. */
function removeEmptyDirs(dirs: string[]): void {
  for (const d of dirs) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (someone else writes there too), or already gone
    }
  }
}

/** Files a restore needs besides the snapshot, from the local state dir (when there is one). */
async function archiveEntries(layout: StateLayout, includeKek?: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  // Read now, whole: a rotation while the backup runs cannot leave half a file in the archive.
  if (includeKek) entries.push({ name: KEK_ENTRY, content: kekFileText(includeKek) });
  const cfg = readClusterConfig(layout);
  if (cfg) {
    entries.push({ name: 'cluster.json', from: layout.clusterFile });
    // Its inventory (the agents keep their own certificates).
    if (fs.existsSync(layout.inventoryFile)) entries.push({ name: 'inventory.json', from: layout.inventoryFile });
    if (cfg.tls) {
      const t = tlsFiles(layout.tlsDir);
      for (const f of [t.ca, t.caKey, t.clientCert, t.clientKey]) if (fs.existsSync(f)) entries.push({ name: `tls/${path.basename(f)}`, from: f });
    }
  }
  const enc = encryptionConfigFile(layout.root);
  if (fs.existsSync(enc)) entries.push({ name: 'encryption/encryption-config.yaml', from: enc });
  else {
    // The hosts' kube-apiservers may hold one the admin does not (configured by hand): theirs goes in.
    const inv = cfg ? readInventory(layout) : undefined;
    const { fetchEncryptionConfig } = await import('../agent/encryption-copies.ts');
    const config = inv ? await fetchEncryptionConfig(layout, inv) : undefined;
    if (config) entries.push({ name: 'encryption/encryption-config.yaml', content: config });
  }
  return entries;
}

/** fdatasync of a file still being written: at most one at a time, every 16 MiB written. */
class WriteBack {
  private static readonly BYTES = 16 * 1024 * 1024;
  private synced = 0;
  private pending: Promise<void> | undefined;

  constructor(private readonly fd: number) {}

  maybeSync(written: number): void {
    if (this.pending || written - this.synced < WriteBack.BYTES) return;
    this.pending = new Promise<void>((resolve) => {
      // Errors here are not final: the fsync after the last byte reports them.
      fs.fdatasync(this.fd, () => {
        this.synced = written;
        this.pending = undefined;
        resolve();
      });
    });
  }

  /** Resolves when no fdatasync is running (the fd may be closed after that). */
  async idle(): Promise<void> {
    await this.pending;
  }
}

/** The snapshot of one member on its way to `part`: streamed, trailer appended, fsynced, read back. */
interface Transfer {
  /** `dbSize`: the database's bytes (without the sha256 trailer). */
  /** `fileSha256`: the whole snapshot file's (database and trailer; for --encrypt-to, the plaintext's). */
  /** `restoredRevision`: where a member restored from it stands, when the plaintext is never on disk (--encrypt-to). */
  done: Promise<{ sha256: string; fileSha256: string; status: SnapshotStatus; dbSize: number; restoredRevision?: number }>;
  /** Stops the transfer (if still running) and waits until its descriptor is closed. */
  cancel(): Promise<void>;
}

function throwSyncError(syncError: NodeJS.ErrnoException | null, opts: BackupOptions): void {
  if (!syncError) return;
  const why = syncError.code === 'ENOSPC' ? `no space left on the device of ${opts.dir}: free space and retry` : `${syncError.code ?? syncError.message}: check the device and retry`;
  throw new WardenError(`could not flush the snapshot to disk (${why}); nothing was written`);
}

const interrupted = (): WardenError => new WardenError('interrupted: the backup was abandoned and nothing was written');

/** The one line for a snapshot stream that failed after `received` bytes. */
function streamFailure(err: unknown, received: number, label: string, opts: BackupOptions, cancelled: boolean): Error {
  if (opts.signal?.aborted || cancelled) return interrupted();
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new WardenError(`no space left on the device of ${opts.dir} after ${humanBytes(received)}: free space and retry; nothing was written`);
  // A refused snapshot (etcd allows it only to the root role) says what to grant as it is.
  if (err instanceof EtcdPermissionError) return err;
  return new WardenError(`the snapshot stream from ${label} failed after ${humanBytes(received)}: ${(err as Error).message}; nothing was written: retry, or pick another member with --member`);
}

function startTransfer(source: MemberClient, label: string, part: string, dbSize: number, opts: BackupOptions): Transfer {
  if (opts.encryptTo) return startEncryptedTransfer(source, label, part, dbSize, opts, opts.encryptTo);
  const stream = source.snapshot();
  let cancelled = false;
  const done = (async () => {
    // warden owns the descriptor (the stream does not close it): the background fdatasyncs,
    // the sha256 trailer and the final fsync all use it, and it is closed only after them.
    const fd = fs.openSync(part, 'wx', 0o600);
    const onAbort = () => stream.destroy(new WardenError('interrupted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const out = fs.createWriteStream(part, { fd, autoClose: false, highWaterMark: 4 * 1024 * 1024 });
    let readBack: StatusFollower | undefined;
    try {
      // Reads the file back as it is written: the bbolt check and etcdctl's numbers are ready
      // moments after the stream ends instead of a whole second pass later.
      readBack = new StatusFollower(part);
      // Progress is sampled from the file stream: a counting stage in the pipe costs throughput.
      // The same tick starts writing back what is on disk so far (fdatasync in the thread pool
      // while the stream goes on), so the final fsync has only the tail left to flush.
      const writeBack = new WriteBack(fd);
      const progress = setInterval(() => {
        opts.onProgress?.(out.bytesWritten, dbSize);
        writeBack.maybeSync(out.bytesWritten);
        readBack?.advance(out.bytesWritten);
      }, 50);
      try {
        await pipeline(stream, out);
        opts.onProgress?.(out.bytesWritten, dbSize);
      } catch (err) {
        throw streamFailure(err, out.bytesWritten, label, opts, cancelled);
      } finally {
        clearInterval(progress);
        opts.signal?.removeEventListener('abort', onAbort);
        await writeBack.idle();
      }
      const sha256 = await stream.sha256;
      // etcdctl snapshot save appends the sha256; restore checks and cuts it.
      fs.writeSync(fd, Buffer.from(sha256, 'hex'));
      // The final fsync runs in the thread pool while the main thread reads the file back.
      const synced = new Promise<NodeJS.ErrnoException | null>((resolve) => fs.fsync(fd, resolve));
      let status: SnapshotStatus;
      try {
        // The sha256 was checked against etcd's as the bytes arrived; the bbolt structure, read
        // back from the file as it was written (the page-by-page walk if the scan cannot vouch
        // for it), proves the file is a database etcd can open.
        status = readBack.finish(out.bytesWritten) ?? (await snapshotStatus(part, { verifyHash: false }));
      } catch (err) {
        await synced;
        throw new WardenError(`Backup integrity verification failed. Backup appears corrupted. Aborting! (${(err as Error).message})`);
      }
      throwSyncError(await synced, opts);
      return { sha256, fileSha256: stream.fileSha256 as string, status, dbSize: out.bytesWritten };
    } finally {
      // A stream destroyed by a failure closes the descriptor itself (and sets its fd to null).
      if ((out as unknown as { fd: number | null }).fd !== null) fs.closeSync(fd);
      readBack?.close();
    }
  })();
  done.catch(() => undefined);
  return {
    done,
    cancel: async () => {
      cancelled = true;
      stream.destroy(new WardenError('interrupted'));
      await done.catch(() => undefined);
    },
  };
}

/**
 * The snapshot of one member on its way to `part` through age: the plaintext stream is verified
 * as it goes by (etcd's sha256 by the stream itself, the bbolt structure and etcdctl's numbers by
 * StreamStatus), the sha256 trailer appended, and age writes the ciphertext into the file.
 */
function startEncryptedTransfer(source: MemberClient, label: string, part: string, dbSize: number, opts: BackupOptions, recipients: AgeRecipients): Transfer {
  const stream = source.snapshot();
  let cancelled = false;
  const done = (async () => {
    const fd = fs.openSync(part, 'wx', 0o600);
    const onAbort = () => stream.destroy(new WardenError('interrupted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let age: AgeEncryption | undefined;
    try {
      age = encryptInto(recipients, fd, path.basename(part));
      const verify = new StreamStatus({ trailer: false });
      const tee = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          verify.update(chunk);
          cb(null, chunk);
        },
        // etcdctl snapshot save appends the sha256; restore checks and cuts it.
        flush(cb) {
          stream.sha256.then((hex) => cb(null, Buffer.from(hex, 'hex')), (err: Error) => cb(err));
        },
      });
      const writeBack = new WriteBack(fd);
      const progress = setInterval(() => {
        opts.onProgress?.(verify.bytes, dbSize);
        writeBack.maybeSync(fs.fstatSync(fd).size);
      }, 50);
      try {
        await pipeline(stream, tee, age.input);
        await age.done;
        opts.onProgress?.(verify.bytes, dbSize);
      } catch (err) {
        // The pipe closed either way: age ends at once, by itself (a full disk, say, which its
        // own message names) or cleanly at the end of its input (the stream failed).
        const ageErr = await age.done.then(() => undefined, (e: unknown) => e);
        if (ageErr instanceof WardenError && !(opts.signal?.aborted || cancelled)) {
          throw /no space left/i.test(ageErr.message) ? new WardenError(`no space left on the device of ${opts.dir} after ${humanBytes(verify.bytes)}: free space and retry; nothing was written`) : ageErr;
        }
        throw streamFailure(err, verify.bytes, label, opts, cancelled);
      } finally {
        clearInterval(progress);
        opts.signal?.removeEventListener('abort', onAbort);
        await writeBack.idle();
      }
      const sha256 = await stream.sha256;
      const synced = new Promise<NodeJS.ErrnoException | null>((resolve) => fs.fsync(fd, resolve));
      const status = verify.finish();
      throwSyncError(await synced, opts);
      if (!status) {
        throw new WardenError('Backup integrity verification failed. Backup appears corrupted. Aborting! (the snapshot stream is not a bbolt database warden can verify as it streams: take the backup without --encrypt-to, then encrypt it with age by hand)');
      }
      return { sha256, fileSha256: stream.fileSha256 as string, status, dbSize: verify.bytes, restoredRevision: restoredRevisions(status.revision, verify.compaction ?? {}).current };
    } catch (err) {
      age?.kill();
      await age?.done.catch(() => undefined);
      throw err;
    } finally {
      fs.closeSync(fd);
    }
  })();
  done.catch(() => undefined);
  return {
    done,
    cancel: async () => {
      cancelled = true;
      stream.destroy(new WardenError('interrupted'));
      await done.catch(() => undefined);
    },
  };
}

function checkFreeSpace(dirs: string[], dbSize: number): void {
  for (const d of new Set(dirs)) {
    const st = fs.statfsSync(d);
    const free = Number(st.bavail) * Number(st.bsize);
    if (free < 2 * dbSize) throw new WardenError(`not enough free space in ${d}: ${humanBytes(free)} available, at least 2x the DB size (${humanBytes(2 * dbSize)}) needed: free space or choose another directory`);
  }
}

/**
 * A --member that is a running member of the local cluster: its client URL and DB size are
 * known from its manifest and data dir, so its snapshot can start streaming at once while the
 * cluster-wide checks run (they cancel it, leaving nothing, if the backup must be refused).
 */
function localMember(layout: StateLayout, name: string): { clientURL: string; dbSize: number } | undefined {
  try {
    // A member of the embedded default: its agent's state dir is on this machine.
    const stateDir = readInventory(layout)?.agents.find((a) => a.member === name)?.stateDir;
    if (!stateDir) return undefined;
    const m = readManifests(new StateLayout(stateDir), { skipInvalid: true }).find((e) => e.active && e.manifest.name === name)?.manifest;
    if (!m) return undefined;
    return { clientURL: m.clientURL, dbSize: fs.statSync(path.join(m.dataDir, 'member', 'snap', 'db')).size };
  } catch {
    return undefined;
  }
}

/**
 * One backup set. What killed backups left in the folders it writes to is removed (and said),
 * each folder is locked (the lock is also the write test), then the set is written.
 */
export async function takeBackup(client: EtcdClient, opts: BackupOptions): Promise<BackupResult> {
  if (opts.includeKek) {
    if (!opts.encryptTo) throw new WardenError('--include-kek puts the KMS plugin\'s key-encryption keys into the backup: give --encrypt-to (or --encrypt-to-file) too, so they are never written in the clear');
    kekFileText(opts.includeKek);
  }
  const keysDir = opts.keysDir ?? opts.dir;
  const ts = backupTimestamp(opts.now ?? new Date());
  const dirs: [string, string][] = [[opts.dir, 'backup dir'], ...(keysDir !== opts.dir ? [[keysDir, '--keys-dir'] as [string, string]] : [])];
  const createdDirs: string[] = [];
  const locks: BackupLock[] = [];
  const release = () => {
    for (const l of locks.splice(0)) l.release();
  };
  try {
    for (const [dir, label] of dirs) createdDirs.unshift(...makeDir(dir, label));
    // Before locking: a leftover of this very second (a backup killed just now) goes too.
    for (const line of removeLeftovers(dirs.map(([d]) => d))) opts.log(line);
    for (const [dir, label] of dirs) locks.push(BackupLock.acquire(dir, ts, label));
    return await backupInto(client, opts, keysDir, ts);
  } catch (err) {
    release();
    removeEmptyDirs(createdDirs);
    throw err;
  } finally {
    release();
  }
}

async function backupInto(client: EtcdClient, opts: BackupOptions, keysDir: string, ts: string): Promise<BackupResult> {
  const encrypted = !!opts.encryptTo;
  for (const dirty of [false, true]) {
    for (const enc of [false, true]) {
      for (const p of [path.join(opts.dir, snapshotName(ts, dirty, enc)), path.join(keysDir, archiveName(ts, dirty, enc))]) {
        if (fs.existsSync(p)) throw new WardenError(`${p} already exists: a backup was taken this second; retry in a moment`);
      }
    }
  }
  // Named after the clean snapshot; renamed to the final (possibly dirty) name once verified.
  const part = path.join(opts.dir, `${snapshotName(ts, false, encrypted)}.part`);
  let transfer: Transfer | undefined;
  let archiveWritten: string | undefined;
  try {
    const early = opts.member ? localMember(opts.layout, opts.member) : undefined;
    if (early) {
      checkFreeSpace([opts.dir, keysDir], early.dbSize);
      transfer = startTransfer(client.member(early.clientURL), `${opts.member} (${early.clientURL})`, part, early.dbSize, opts);
      prefetchArchiveLibrary();
    }
    // Independent reads, together (and beside an early transfer).
    // Ctrl-C ends the wait at once, even on a member that does not answer.
    const [members, enc] = await unlessAborted(Promise.all([memberStates(client), encryptionStatus(client, encryptionConfigFile(opts.layout.root))]), opts.signal, interrupted);
    const desired = enc.desired;
    const unhealthy = members.filter((m) => !m.healthy);
    const dirtyReasons: string[] = [];
    if (unhealthy.length) dirtyReasons.push(`the cluster is unhealthy (${unhealthy.map((m) => `${m.name}: ${m.error ?? 'unhealthy'}`).join('; ')})`);
    if (enc.condition.reason === 'EncryptionInProgress' || enc.condition.reason === 'DecryptionInProgress') {
      dirtyReasons.push(`an encryption migration is running (${enc.condition.reason}), so the backup would be only partly encrypted`);
    }
    if (dirtyReasons.length && !opts.force) {
      throw new WardenError(`refusing to back up: ${dirtyReasons.join('; ')}: wait until it is resolved, or use --force (the files are then named ${'__POSSIBLY_DIRTY__'})`);
    }

    let member: MemberState | undefined;
    if (opts.member) {
      member = members.find((m) => m.name === opts.member);
      if (!member) throw new WardenError(`no member named "${opts.member}": members are ${members.map((m) => m.name).sort().join(', ')}`);
      if (!member.healthy) throw new WardenError(`member ${member.name} is unhealthy (${member.error}): pick a healthy one with --member`);
    } else {
      const healthy = members.filter((m) => m.healthy && !m.isLearner);
      // A follower spares the leader; among them the most caught-up.
      member = healthy.filter((m) => !m.isLeader).sort((a, b) => b.applied - a.applied)[0] ?? healthy[0];
      if (!member) throw new WardenError('no healthy member to take the backup from: check `warden endpoint health --cluster`');
    }
    if (transfer && early && early.clientURL !== member.url) {
      // The local manifest and the cluster disagree on where this member listens: use the cluster's.
      await transfer.cancel();
      fs.rmSync(part, { force: true });
      transfer = undefined;
    }
    const dbSize = member.dbSize;
    if (!transfer) {
      checkFreeSpace([opts.dir, keysDir], dbSize);
      transfer = startTransfer(member.client, `${member.name} (${member.url})`, part, dbSize, opts);
      prefetchArchiveLibrary();
    }

    const dirty = dirtyReasons.length > 0;
    const snapshotPath = path.join(opts.dir, snapshotName(ts, dirty, encrypted));
    const archivePath = path.join(keysDir, archiveName(ts, dirty, encrypted));
    if (dirty) for (const r of dirtyReasons) opts.log(`warning: --force: ${r}`);
    opts.log(`taking the backup from member ${member.name} (${member.url}), ${member.isLeader ? 'the leader' : 'a follower'}, DB ${humanBytes(dbSize)}`);
    const { sha256, fileSha256, status, dbSize: streamedDbSize, restoredRevision } = await unlessAborted(transfer.done, opts.signal, interrupted);
    if (opts.signal?.aborted) throw interrupted();
    const info: BackupInfo = {
      timestamp: ts,
      dirty,
      ...(dirty ? { dirtyReasons } : {}),
      member: { name: member.name, id: member.id.toString(16), endpoint: member.url, wasLeader: member.isLeader },
      clusterId: member.clusterId.toString(16),
      etcdVersion: member.version,
      revision: status.revision,
      hash: status.hash,
      totalKey: status.totalKey,
      totalSize: status.totalSize,
      dbSize: streamedDbSize,
      sha256,
      fileSha256,
      snapshotFile: path.basename(snapshotPath),
      encryption: { desired, condition: enc.condition.reason, writeKey: enc.state.migration?.writeKey ?? 'identity' },
      ...(encrypted ? { encrypted: true } : {}),
    };
    await writeArchive(archivePath, [...(await archiveEntries(opts.layout, opts.includeKek)), { name: 'backup.json', content: `${JSON.stringify(info, null, 2)}\n` }], opts.encryptTo);
    archiveWritten = archivePath;
    if (opts.signal?.aborted) throw interrupted();
    fs.renameSync(part, snapshotPath);
    fsyncDir(opts.dir);
    return { snapshotPath, archivePath, info, ...(restoredRevision !== undefined ? { restoredRevision } : {}) };
  } catch (err) {
    await transfer?.cancel();
    fs.rmSync(part, { force: true });
    if (archiveWritten) fs.rmSync(archiveWritten, { force: true });
    throw err;
  }
}

// Restoring a snapshot file into a data dir with the real tools: etcdutl when present (3.5+,
// which can bump the revision and mark it compacted so watchers never see revisions go back),
// else etcdctl 3.4 `snapshot restore`. Written into a scratch dir, then renamed into place.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { etcdVersion, findTool, requireTool } from '../cluster/binaries.ts';
import { appendToSnapshot, bumpRevisionChange } from '../snapshot/bbolt-append.ts';
import { restoredRevisionOf } from '../snapshot/hashkv.ts';

export interface RestoreSpec {
  snapshot: string;
  dataDir: string;
  name: string;
  peerURL: string;
  token: string;
  /** Revisions to add on restore, and mark compacted (etcdutl does it; for etcdctl 3.4 warden writes it). */
  bumpRevision?: number;
}

export interface RestoreTool {
  bin: string;
  kind: 'etcdutl' | 'etcdctl';
  canBump: boolean;
  /** The revision was bumped by warden's own bbolt writer (the tool cannot), and to which revision. */
  bumpedTo?: number;
}

export function restoreTool(): RestoreTool {
  const utl = findTool('etcdutl');
  if (utl) return { bin: utl, kind: 'etcdutl', canBump: true };
  const ctl = requireTool('etcdctl');
  const [maj, min] = etcdVersion(ctl).split('.').map(Number);
  return { bin: ctl, kind: 'etcdctl', canBump: (maj ?? 0) > 3 || ((maj ?? 0) === 3 && (min ?? 0) >= 6) };
}

/** Pure: the restore command line. */
export function restoreArgs(tool: RestoreTool, spec: RestoreSpec, target: string): string[] {
  const args = [
    'snapshot', 'restore', spec.snapshot,
    '--name', spec.name,
    '--data-dir', target,
    '--initial-cluster', `${spec.name}=${spec.peerURL}`,
    '--initial-cluster-token', spec.token,
    '--initial-advertise-peer-urls', spec.peerURL,
  ];
  if (tool.canBump && spec.bumpRevision) args.push('--bump-revision', String(spec.bumpRevision), '--mark-compacted');
  return args;
}

function scratchDir(spec: RestoreSpec): string {
  return `${spec.dataDir.replace(/\/+$/, '')}.restoring`;
}

/** Where a restore into a data dir that is a mount point of its own is copied first (inside it, on its filesystem). */
const INSTALLING = '.warden-restoring';

/** Whether a data dir holds data (what an interrupted install into a mount point left does not count). */
export function holdsData(dataDir: string): boolean {
  try {
    return fs.readdirSync(dataDir).some((e) => e !== INSTALLING);
  } catch {
    return false;
  }
}

function requireEmpty(dataDir: string): void {
  if (holdsData(dataDir)) {
    throw new WardenError(`data dir ${dataDir} is not empty: restore into an empty or new directory (warden never overwrites a data dir)`);
  }
}

/**
 * Restores into a scratch dir next to `spec.dataDir` (an earlier one there is replaced) and
 * touches nothing else, so it can run while the member that owns the data dir still stops.
 * installRestored then moves it into place.
 */
export async function restoreIntoScratch(spec: RestoreSpec): Promise<RestoreTool> {
  let tool = restoreTool();
  const scratch = scratchDir(spec);
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(scratch), { recursive: true, mode: 0o700 });
  // etcdctl 3.4 cannot bump: warden writes the bump into a copy of the snapshot (what etcdutl's
  // --bump-revision --mark-compacted writes), and etcdctl restores that copy.
  const bumped = `${scratch}.bumped.db`;
  fs.rmSync(bumped, { force: true });
  // And what a restore killed while writing it left (appendToSnapshot's temp file beside it).
  const leftover = new RegExp(`^\\.${path.basename(bumped).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]+\\.tmp$`);
  for (const name of fs.readdirSync(path.dirname(bumped))) if (leftover.test(name)) fs.rmSync(path.join(path.dirname(bumped), name), { force: true });
  let from = spec.snapshot;
  try {
    if (!tool.canBump && spec.bumpRevision) {
      const { current } = await restoredRevisionOf(spec.snapshot);
      await appendToSnapshot(spec.snapshot, bumped, bumpRevisionChange(current, spec.bumpRevision), { trailer: true });
      from = bumped;
      tool = { ...tool, bumpedTo: current + spec.bumpRevision };
    }
    const used = tool;
    await new Promise<void>((resolve, reject) => {
      execFile(used.bin, restoreArgs(used, { ...spec, snapshot: from }, scratch), { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 600_000 }, (err, _out, stderr) => {
        if (!err) return resolve();
        const line = stderr.toString().trim().split('\n').reverse().find((l) => l.trim()) ?? err.message;
        let msg = line;
        try {
          const j = JSON.parse(line) as { msg?: string; error?: string };
          msg = [j.msg, j.error].filter(Boolean).join(': ');
        } catch {
          /* plain text */
        }
        reject(new WardenError(`${used.kind} snapshot restore failed: ${msg.replace(/^Error: /, '')}: check the snapshot with \`warden snapshot status\``));
      });
    });
  } catch (err) {
    discardScratch(spec);
    throw err;
  } finally {
    fs.rmSync(bumped, { force: true });
  }
  return tool;
}

/** Removes what restoreIntoScratch made, when it will not be installed. */
export function discardScratch(spec: RestoreSpec): void {
  fs.rmSync(scratchDir(spec), { recursive: true, force: true });
}

/** Moves a finished restoreIntoScratch into `spec.dataDir`, which must not exist or be empty. */
export function installRestored(spec: RestoreSpec): void {
  requireEmpty(spec.dataDir);
  const scratch = scratchDir(spec);
  let mountPoint = false;
  try {
    fs.rmSync(path.join(spec.dataDir, INSTALLING), { recursive: true, force: true });
    fs.rmdirSync(spec.dataDir); // empty (checked above)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EBUSY') mountPoint = true;
    else if (code !== 'ENOENT') throw err;
  }
  if (!mountPoint) {
    fs.renameSync(scratch, spec.dataDir);
  } else {
    // A mount point of its own (kubeadm's /var/lib/etcd often is): it stays, and the restored
    // data comes in. Copied onto its filesystem first, then renamed into place entry by entry
    // (etcd's one `member` dir), so a kill leaves either nothing or the whole of it.
    const inner = path.join(spec.dataDir, INSTALLING);
    fs.cpSync(scratch, inner, { recursive: true, preserveTimestamps: true });
    for (const e of fs.readdirSync(inner)) fs.renameSync(path.join(inner, e), path.join(spec.dataDir, e));
    fs.rmSync(inner, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  fs.chmodSync(spec.dataDir, 0o700);
}

/** Restores into `spec.dataDir`, which must not exist or be empty; nothing half-made is left. */
export async function restoreDataDir(spec: RestoreSpec): Promise<RestoreTool> {
  requireEmpty(spec.dataDir);
  const tool = await restoreIntoScratch(spec);
  try {
    installRestored(spec);
  } catch (err) {
    discardScratch(spec);
    throw err;
  }
  return tool;
}

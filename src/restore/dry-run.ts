// `warden restore --dry-run`: proves a backup set restores, without touching the cluster. The
// snapshot is restored into a scratch dir, a throwaway member serves it on free ports, and its
// revision, compact revision, key count and hashKV are checked against what warden reads from
// the file itself (snapshot/hashkv.ts: what etcd makes of the file, compactions included). The
// revision bump the real restore makes is made here too, so the member is the one it will get.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { requireTool } from '../cluster/binaries.ts';
import { etcdArgs } from '../cluster/manifest.ts';
import { EtcdClient, EtcdPermissionError } from '../etcd/client.ts';
import type { Credentials } from '../etcd/connection.ts';
import { appendToSnapshot, bumpRevisionChange } from '../snapshot/bbolt-append.ts';
import { inspectAndHashKV, restoredRevisionOf } from '../snapshot/hashkv.ts';
import { freePorts } from '../util/ports.ts';
import { EndWait, waitFor } from '../util/wait.ts';
import type { Log } from './members.ts';
import { restoreDataDir, type RestoreTool } from './tools.ts';
import { recordScratchChild, removeScratch, scratchDir } from '../util/scratch.ts';

export interface DryRunReport {
  revision: number;
  /** -1 when the snapshot was never compacted. */
  compactRevision: number;
  keys: number;
  hashKV: number;
  restoredWith: string;
}

/** The last line etcd logged (zap JSON: its message and error), for a member that exited. */
function lastLogLine(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return 'no log';
  }
  const line = text.trim().split('\n').reverse().find((l) => l.trim()) ?? 'no log';
  try {
    const j = JSON.parse(line) as { msg?: string; error?: string };
    return [j.msg, j.error].filter(Boolean).join(': ') || line;
  } catch {
    return line;
  }
}

/**
 * `expectedRevision` is the revision the set records (etcdctl's: the last one in the key bucket).
 * A member restored from the file serves etcd's own current revision, which can be higher (at
 * least 1; the compact revision when a compaction removed the last tombstones).
 */
/** `auth`: a user of the backed-up cluster, for a set taken with authentication on (its auth store is in the set). */
export async function dryRunRestore(snapshot: string, expectedRevision: number, log: Log, { auth, bumpRevision }: { auth?: Credentials; bumpRevision?: number } = {}): Promise<DryRunReport> {
  const scratch = scratchDir('dry-run', log);
  const original = snapshot;
  const [clientPort, peerPort] = await freePorts(2);
  const peerURL = `http://127.0.0.1:${peerPort}`;
  const clientURL = `http://127.0.0.1:${clientPort}`;
  const dataDir = path.join(scratch, 'data');
  const logFile = path.join(scratch, 'etcd.log');
  let child: ReturnType<typeof spawn> | undefined;
  let restoring: Promise<RestoreTool> | undefined;
  const client = new EtcdClient({ endpoints: [clientURL], commandTimeoutMs: 5000, ...(auth ? { auth } : {}) });
  try {
    // The real restore bumps the revision: the dry run rehearses that very file (the bump
    // written as the restore writes it), and checks the member against it.
    const bumpedTo = bumpRevision ? (await restoredRevisionOf(original)).current + bumpRevision : undefined;
    if (bumpRevision && bumpedTo !== undefined) {
      const bumped = path.join(scratch, 'bumped.db');
      await appendToSnapshot(original, bumped, bumpRevisionChange(bumpedTo - bumpRevision, bumpRevision), { trailer: true });
      snapshot = bumped;
      log(`bumped the revision by ${bumpRevision} and marked it compacted, as the restore will`);
    }
    // etcdctl restores in its own process while the file is read here.
    restoring = restoreDataDir({ snapshot, dataDir, name: 'dry-run', peerURL, token: 'warden-dry-run' });
    restoring.catch(() => undefined);
    const { hashKV: fromFile, report } = await inspectAndHashKV(snapshot).catch((err: unknown) => {
      throw err instanceof WardenError ? new WardenError(`the snapshot ${snapshot} cannot be restored: ${err.message}`) : err;
    });
    const tool = await restoring;
    log(`restored into scratch dir ${dataDir} with ${tool.kind}`);
    const args = etcdArgs({
      apiVersion: 'warden/v1', kind: 'EtcdMember', name: 'dry-run', dataDir, clientURL, peerURL,
      initialCluster: `dry-run=${peerURL}`, initialClusterState: 'new', initialClusterToken: 'warden-dry-run',
    });
    const logFd = fs.openSync(logFile, 'a', 0o600);
    try {
      child = spawn(requireTool('etcd'), args, { stdio: ['ignore', 'ignore', logFd] });
      if (child.pid !== undefined) recordScratchChild(scratch, child.pid);
    } finally {
      fs.closeSync(logFd);
    }
    const started = child;
    // A member etcd cannot start from the data exits at once: say so then, with etcd's last word.
    const exited = new Promise<never>((_, reject) => {
      started.once('exit', (code, signal) => reject(new WardenError(`etcd could not start from the restored snapshot (exit ${code ?? signal}: ${lastLogLine(logFile)}): do not restore this set`)));
    });
    exited.catch(() => undefined);
    const serving = waitFor(async () => {
      try {
        return (await client.get('health')) && true;
      } catch (err) {
        // The set's auth store is in force on the throwaway member: waiting cannot help.
        if (err instanceof EtcdPermissionError) throw new EndWait(new WardenError(`the backup was taken with etcd authentication on, and its auth store refused the dry run (${err.message}): pass --user/--password of a root user of the backed-up cluster`));
        throw err;
      }
    }, { timeoutMs: 30_000, what: 'the throwaway member to serve' });
    await Promise.race([exited, serving]);
    log(`throwaway member serving on ${clientURL}`);

    const want = fromFile.currentRevision;
    const st = await client.member(clientURL).status();
    const problems: string[] = [];
    const expected = bumpedTo ?? expectedRevision;
    if (report.status.revision !== expected) problems.push(`the file's last revision is ${report.status.revision}, the set says ${expectedRevision}${bumpRevision ? ` (bumped by ${bumpRevision})` : ''}`);
    // Nothing writes to the throwaway member, but a lease in the snapshot with a TTL shorter than
    // the dry run may expire and delete keys: compare at the snapshot's revision whenever etcd
    // can (a revision at the compact revision can only be hashed as "now").
    const canAskAtRevision = want > fromFile.compactRevision;
    const fail = (): never => {
      throw new WardenError(`the restored member does not match the snapshot: ${problems.join('; ')}: do not restore this set`);
    };
    if (st.header.revision < want || (st.header.revision > want && !canAskAtRevision)) {
      problems.push(`revision ${st.header.revision}, the snapshot restores to ${want}`);
      fail();
    }
    const h = await client.member(clientURL).hashKV(canAskAtRevision ? want : 0);
    if (h.header.revision < want || (!canAskAtRevision && h.header.revision !== want)) {
      problems.push(`revision ${h.header.revision}, the snapshot restores to ${want}`);
      fail();
    }
    const count = (await client.get('', { prefix: true, countOnly: true, revision: want })).count;
    if (h.compactRevision !== fromFile.compactRevision) problems.push(`compacted at ${h.compactRevision}, the snapshot at ${fromFile.compactRevision}`);
    if (count !== report.keys.live) problems.push(`${count} keys, the snapshot holds ${report.keys.live}`);
    if (h.hash !== fromFile.hash) problems.push(`hashKV ${h.hash}, the snapshot hashes to ${fromFile.hash}`);
    if (problems.length) fail();
    return { revision: want, compactRevision: fromFile.compactRevision, keys: count, hashKV: h.hash, restoredWith: tool.kind };
  } finally {
    client.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await restoring?.catch(() => undefined);
    removeScratch(scratch);
  }
}

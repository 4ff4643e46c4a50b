// `warden restore --dry-run`: proves a backup set restores, without touching the cluster. The
// snapshot is restored into a scratch dir, a throwaway member serves it on free ports, and its
// revision, key count and hashKV are checked against what warden reads from the file itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import { requireTool } from '../cluster/binaries.ts';
import { etcdArgs } from '../cluster/manifest.ts';
import { EtcdClient } from '../etcd/client.ts';
import { snapshotHashKV } from '../snapshot/hashkv.ts';
import { inspectSnapshot } from '../snapshot/inspect.ts';
import { freePorts } from '../util/ports.ts';
import { waitFor } from '../util/wait.ts';
import type { Log } from './members.ts';
import { restoreDataDir } from './tools.ts';

export interface DryRunReport {
  revision: number;
  keys: number;
  hashKV: number;
  restoredWith: string;
}

export async function dryRunRestore(snapshot: string, expectedRevision: number, log: Log): Promise<DryRunReport> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-dry-run-'));
  const [clientPort, peerPort] = await freePorts(2);
  const peerURL = `http://127.0.0.1:${peerPort}`;
  const clientURL = `http://127.0.0.1:${clientPort}`;
  const dataDir = path.join(scratch, 'data');
  let child: ReturnType<typeof spawn> | undefined;
  const client = new EtcdClient({ endpoints: [clientURL], commandTimeoutMs: 5000 });
  try {
    const tool = await restoreDataDir({ snapshot, dataDir, name: 'dry-run', peerURL, token: 'warden-dry-run' });
    log(`restored into scratch dir ${dataDir} with ${tool.kind}`);
    const args = etcdArgs({
      apiVersion: 'warden/v1', kind: 'EtcdMember', name: 'dry-run', dataDir, clientURL, peerURL,
      initialCluster: `dry-run=${peerURL}`, initialClusterState: 'new', initialClusterToken: 'warden-dry-run',
    });
    child = spawn(requireTool('etcd'), args, { stdio: 'ignore' });
    await waitFor(async () => (await client.get('health')) && true, { timeoutMs: 30_000, what: 'the throwaway member to serve' });
    log(`throwaway member serving on ${clientURL}`);
    const st = await client.member(clientURL).status();
    const count = (await client.get('', { prefix: true, countOnly: true })).count;
    const h = await client.member(clientURL).hashKV(st.header.revision);
    const [fromFile, report] = await Promise.all([snapshotHashKV(snapshot, st.header.revision), inspectSnapshot(snapshot)]);
    const problems: string[] = [];
    if (st.header.revision !== expectedRevision) problems.push(`revision ${st.header.revision}, the snapshot says ${expectedRevision}`);
    if (count !== report.keys.live) problems.push(`${count} keys, the snapshot holds ${report.keys.live}`);
    if (fromFile.exact && h.hash !== fromFile.hash) problems.push(`hashKV ${h.hash}, the snapshot hashes to ${fromFile.hash}`);
    if (problems.length) throw new WardenError(`the restored member does not match the snapshot: ${problems.join('; ')}: do not restore this set`);
    return { revision: st.header.revision, keys: count, hashKV: h.hash, restoredWith: tool.kind };
  } finally {
    client.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

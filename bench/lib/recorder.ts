// A revision log recorder in a process of its own, as the operator runs it beside the cluster:
// `node --import tsx bench/lib/recorder.ts ENDPOINTS LOGROOT SNAPDIR`. Its full snapshot (when
// the log needs one) is `etcdctl snapshot save`. Prints "durable <revision> <epoch ms>" after
// each flush, "snapshot <file> <revision>" for the snapshot; stops on SIGTERM.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { EtcdClient } from '../../src/etcd/client.ts';
import { RevisionRecorder } from '../../src/revlog/recorder.ts';
import { restoredRevisionOf } from '../../src/snapshot/hashkv.ts';

const [endpoints, root, snapDir] = process.argv.slice(2) as [string, string, string];
const client = new EtcdClient({ endpoints: endpoints.split(',') });
const recorder = new RevisionRecorder({
  client,
  dir: root,
  takeSnapshot: async () => {
    const file = path.join(snapDir, 'snapshot.db');
    execFileSync('etcdctl', ['--endpoints', endpoints.split(',')[0] as string, 'snapshot', 'save', file], { stdio: 'ignore' });
    const { current } = await restoredRevisionOf(file);
    process.stdout.write(`snapshot ${file} ${current}\n`);
    return { backup: 'bench', revision: current };
  },
  log: () => undefined,
  onDurable: (r) => process.stdout.write(`durable ${r} ${Date.now()}\n`),
});
const abort = new AbortController();
process.on('SIGTERM', () => abort.abort());
await recorder.run(abort.signal);
client.close();

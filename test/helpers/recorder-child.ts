// A revision log recorder in a process of its own, so a test can kill it with -9 (and a benchmark
// measure it beside the cluster, as the operator runs it): records the etcd at argv[2] (endpoints,
// comma-separated) into the log dir argv[3]; a full snapshot (when the log needs one) is saved with
// `etcdctl snapshot save` into argv[4]. Options (segmentBytes, flushMs, ...) as JSON in argv[5].
// Prints "snapshot <file> <revision>", "durable <revision> <epoch ms>" after each flush and
// "gap <from> <to>" when the log restarts.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { EtcdClient } from '../../src/etcd/client.ts';
import { RevisionRecorder } from '../../src/revlog/recorder.ts';
import { restoredRevisionOf } from '../../src/snapshot/hashkv.ts';

const [endpoint, dir, snapDir, json] = process.argv.slice(2) as [string, string, string, string?];
const client = new EtcdClient({ endpoints: endpoint.split(',') });
let n = 0;
const recorder = new RevisionRecorder({
  client,
  dir,
  ...(json ? (JSON.parse(json) as object) : {}),
  takeSnapshot: async () => {
    const file = path.join(snapDir, `snap-${++n}.db`);
    execFileSync('etcdctl', ['--endpoints', endpoint.split(',')[0] as string, 'snapshot', 'save', file], { stdio: 'ignore' });
    // The revision a member restored from it is at (`snapshot status` says 0 for an empty store, at 1).
    const { current } = await restoredRevisionOf(file);
    process.stdout.write(`snapshot ${file} ${current}\n`);
    return { backup: path.basename(file), revision: current };
  },
  log: (l) => process.stderr.write(`${l}\n`),
  onDurable: (r) => process.stdout.write(`durable ${r} ${Date.now()}\n`),
  onGap: (g) => {
    process.stdout.write(`gap ${g.from} ${g.to}\n`);
  },
});
const abort = new AbortController();
process.on('SIGTERM', () => abort.abort());
await recorder.run(abort.signal);
client.close();

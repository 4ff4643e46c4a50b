// A bare watch of the whole key space whose events are dropped: the revision log benchmark's
// reference for what any watch-based recorder costs the cluster (etcd's fan-out, gRPC, decoding).
// `node --import tsx bench/lib/watch-only.ts ENDPOINTS`; prints "watching" once created.
import { EtcdClient } from '../../src/etcd/client.ts';

const client = new EtcdClient({ endpoints: (process.argv[2] ?? '').split(',') });
let events = 0;
const w = client.watch('', { prefix: true }, (evs) => {
  events += evs.length;
});
await w.created;
process.stdout.write('watching\n');
process.on('SIGTERM', () => {
  w.cancel();
  client.close();
  process.stdout.write(`events ${events}\n`);
  process.exit(0);
});

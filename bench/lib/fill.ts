// Fills a cluster with MB megabytes of 100 KiB values (16 writes in flight), for benchmarks that
// run on other hosts (network namespaces): `node --import tsx bench/lib/fill.ts ENDPOINTS MB`.
import { EtcdClient } from '../../src/etcd/client.ts';
import { pool } from '../helpers.ts';

const [endpoints, mb] = process.argv.slice(2);
const client = new EtcdClient({ endpoints: (endpoints ?? '').split(','), commandTimeoutMs: 60_000 });
try {
  const value = Buffer.alloc(100 * 1024, 'v');
  await pool(Math.round(Number(mb) * 10), 16, (i) => client.put(`/bench/${String(i).padStart(6, '0')}`, value));
} finally {
  client.close();
}

// A kubelet stand-in for the tests: warden's supervisor running the static Pod manifests of one
// folder (<dir>/manifests/*.yaml), in the foreground until SIGTERM, as the kubelet does on a
// kubeadm host. Run as: node --import tsx test/helpers/kubelet.ts <dir>
import { requireTool } from '../../src/cluster/binaries.ts';
import { StateLayout } from '../../src/cluster/layout.ts';
import { Supervisor } from '../../src/cluster/supervisor.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: kubelet.ts <dir>');
const sup = new Supervisor(new StateLayout(dir), { etcdBin: requireTool('etcd'), log: (l) => console.log(`${new Date().toISOString()} ${l}`) });
await sup.start();
await new Promise<void>((resolve) => {
  process.once('SIGTERM', () => resolve());
  process.once('SIGINT', () => resolve());
});
await sup.stop();

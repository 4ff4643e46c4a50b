// kubeadm's etcd static pod manifest read as a member, and written back with only the member's
// cluster settings changed (pure).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { parsePodManifest, podWithMember } from '../../src/cluster/pod.ts';

/** As kubeadm writes /etc/kubernetes/manifests/etcd.yaml (trimmed of probes and resources). */
const KUBEADM = `apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://10.0.0.11:2379
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://10.0.0.11:2379
    - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    - --client-cert-auth=true
    - --data-dir=/var/lib/etcd
    - --initial-advertise-peer-urls=https://10.0.0.11:2380
    - --initial-cluster=cp-1=https://10.0.0.11:2380
    - --key-file=/etc/kubernetes/pki/etcd/server.key
    - --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.11:2379
    - --listen-metrics-urls=http://127.0.0.1:2381
    - --listen-peer-urls=https://10.0.0.11:2380
    - --name=cp-1
    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    - --peer-client-cert-auth=true
    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    - --snapshot-count=10000
    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    image: registry.k8s.io/etcd:3.5.15-0
    name: etcd
    volumeMounts:
    - mountPath: /var/lib/etcd
      name: etcd-data
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: /var/lib/etcd
      type: DirectoryOrCreate
    name: etcd-data
status: {}
`;

describe('static pod manifests', () => {
  it('reads the member from kubeadm\'s etcd.yaml: name, data dir, URLs, certificates; other flags kept apart', () => {
    const { manifest: m, program } = parsePodManifest(KUBEADM, 'etcd.yaml');
    assert.equal(program, 'etcd');
    assert.equal(m.name, 'cp-1');
    assert.equal(m.dataDir, '/var/lib/etcd');
    assert.equal(m.clientURL, 'https://10.0.0.11:2379');
    assert.equal(m.peerURL, 'https://10.0.0.11:2380');
    assert.equal(m.initialCluster, 'cp-1=https://10.0.0.11:2380');
    assert.equal(m.initialClusterState, 'new', 'kubeadm writes no state for the first member: etcd\'s default');
    assert.equal(m.initialClusterToken, 'etcd-cluster', 'etcd\'s default token');
    assert.deepEqual(m.tls, { certFile: '/etc/kubernetes/pki/etcd/server.crt', keyFile: '/etc/kubernetes/pki/etcd/server.key', trustedCAFile: '/etc/kubernetes/pki/etcd/ca.crt' });
    assert.ok(m.args?.includes('--snapshot-count=10000'));
    assert.ok(m.args?.includes('--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.11:2379'));
    assert.ok(!m.args?.some((a) => a.startsWith('--name=')));
  });

  it('writes the cluster settings into the etcd command and keeps everything else of the Pod', () => {
    const { manifest } = parsePodManifest(KUBEADM, 'etcd.yaml');
    const alone = podWithMember(KUBEADM, 'etcd.yaml', { ...manifest, initialClusterToken: 'warden-abc', initialCluster: 'cp-1=https://10.0.0.11:2380', args: [...(manifest.args ?? []), '--force-new-cluster'] });
    const pod = YAML.parse(alone) as { metadata: { annotations: Record<string, string> }; spec: { containers: { command: string[]; image: string; volumeMounts: unknown[] }[]; volumes: unknown[] } };
    const cmd = pod.spec.containers[0]?.command ?? [];
    assert.equal(cmd[0], 'etcd');
    assert.ok(cmd.includes('--initial-cluster-token=warden-abc'));
    assert.ok(cmd.includes('--initial-cluster-state=new'));
    assert.ok(cmd.includes('--force-new-cluster'));
    assert.ok(cmd.includes('--snapshot-count=10000'));
    assert.ok(cmd.includes('--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt'));
    assert.equal(cmd.filter((a) => a.startsWith('--name=')).length, 1);
    assert.equal(pod.spec.containers[0]?.image, 'registry.k8s.io/etcd:3.5.15-0');
    assert.equal(pod.metadata.annotations['kubeadm.kubernetes.io/etcd.advertise-client-urls'], 'https://10.0.0.11:2379');
    assert.deepEqual(pod.spec.volumes, (YAML.parse(KUBEADM) as typeof pod).spec.volumes);
    // Read back, it is the member written; without --force-new-cluster the flag goes again.
    const back = parsePodManifest(alone, 'etcd.yaml').manifest;
    assert.equal(back.initialClusterToken, 'warden-abc');
    const joined = podWithMember(alone, 'etcd.yaml', { ...back, initialClusterState: 'existing', args: (back.args ?? []).filter((a) => a !== '--force-new-cluster') });
    const cmd2 = (YAML.parse(joined) as typeof pod).spec.containers[0]?.command ?? [];
    assert.ok(cmd2.includes('--initial-cluster-state=existing'));
    assert.ok(!cmd2.includes('--force-new-cluster'));
  });

  it('refuses what is not an etcd Pod with one line', () => {
    assert.throws(() => parsePodManifest('kind: Deployment\n', 'x.yaml'), /^ManifestError: static pod manifest x\.yaml: kind is not Pod: /);
    assert.throws(() => parsePodManifest('kind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: ["/bin/sh", "-c", "exec etcd"]\n', 'x.yaml'), /runs "\/bin\/sh", not etcd with its flags/);
    assert.throws(() => parsePodManifest('kind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: ["etcd", "--data-dir=/d"]\n', 'x.yaml'), /has no --name: /);
    assert.throws(() => parsePodManifest('kind: [', 'x.yaml'), /is not valid YAML/);
  });
});

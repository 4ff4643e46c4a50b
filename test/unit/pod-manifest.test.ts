// The etcd static pod manifests of kubeadm (etcd.yaml) and OpenShift (etcd-pod.yaml) read as a
// member, and written back with only the member's cluster settings changed (pure).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { ORIGINAL_COMMAND_ANNOTATION, parsePodManifest, podWithMember } from '../../src/cluster/pod.ts';

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


const CERTS = '/etc/kubernetes/static-pod-certs';
const ALL = `${CERTS}/secrets/etcd-all-certs`;
/** The environment the cluster-etcd-operator computes for node master-0 (its rendered etcd-pod.yaml). */
const OPENSHIFT_ENV = [
  ['ALL_ETCD_ENDPOINTS', 'https://10.0.0.11:2379,https://10.0.0.12:2379,https://10.0.0.13:2379'],
  ['ETCDCTL_API', '3'], ['ETCDCTL_CACERT', `${CERTS}/configmaps/etcd-serving-ca/ca-bundle.crt`],
  ['ETCDCTL_CERT', `${ALL}/etcd-peer-master-0.crt`], ['ETCDCTL_KEY', `${ALL}/etcd-peer-master-0.key`],
  ['ETCD_DATA_DIR', '/var/lib/etcd'], ['ETCD_ELECTION_TIMEOUT', '1000'], ['ETCD_HEARTBEAT_INTERVAL', '100'],
  ['ETCD_INITIAL_CLUSTER_STATE', 'existing'], ['ETCD_QUOTA_BACKEND_BYTES', '8589934592'],
  ['NODE_master_0_ETCD_NAME', 'master-0'], ['NODE_master_0_ETCD_URL_HOST', '10.0.0.11'], ['NODE_master_0_IP', '10.0.0.11'],
  ['LISTEN_ON_ALL_IPS', '0.0.0.0'], ['LOCALHOST_IP', '127.0.0.1'], ['VERBOSITY', '2'], ['ETCD_STATIC_POD_VERSION', '5'],
].map(([name, value]) => `    - name: ${name}\n      value: "${value}"`).join('\n');

/**
 * As the cluster-etcd-operator writes /etc/kubernetes/manifests/etcd-pod.yaml on node master-0
 * (trimmed of probes, resources and the init containers): the etcd container runs a script that
 * discovers the initial cluster, waits for its ports, and execs etcd under nice and ionice.
 */
const OPENSHIFT = `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: openshift-etcd
  labels:
    app: etcd
    k8s-app: etcd
    revision: "5"
spec:
  containers:
  - name: etcdctl
    image: quay.io/openshift-release-dev/etcd@sha256:0000
    command: ["/bin/bash", "-c", "trap TERM INT; sleep infinity & wait"]
    env:
${OPENSHIFT_ENV}
  - name: etcd
    image: quay.io/openshift-release-dev/etcd@sha256:0000
    command:
      - /bin/sh
      - -c
      - |
        #!/bin/sh
        set -euo pipefail

        etcdctl member list || true

        ETCD_INITIAL_CLUSTER=$(discover-etcd-initial-cluster \\
          --cacert=${CERTS}/configmaps/etcd-serving-ca/ca-bundle.crt \\
          --cert=${ALL}/etcd-peer-master-0.crt \\
          --key=${ALL}/etcd-peer-master-0.key \\
          --endpoints=\${ALL_ETCD_ENDPOINTS} \\
          --data-dir=/var/lib/etcd \\
          --target-peer-url-host=\${NODE_master_0_ETCD_URL_HOST} \\
          --target-name=master-0)
        export ETCD_INITIAL_CLUSTER

        echo -n "Waiting for ports 2379, 2380 and 9978 to be released."
        time while [ -n "$(ss -Htan '( sport = 2379 or sport = 2380 or sport = 9978 )')" ]; do
          echo -n "."
          sleep 1
        done

        export ETCD_NAME=\${NODE_master_0_ETCD_NAME}
        env | grep ETCD | grep -v NODE

        set -x
        exec nice -n -19 ionice -c2 -n0 etcd \\
          --logger=zap \\
          --log-level=\${VERBOSITY} \\
          --experimental-initial-corrupt-check=true \\
          --snapshot-count=10000 \\
          --initial-advertise-peer-urls=https://\${NODE_master_0_IP}:2380 \\
          --cert-file=${ALL}/etcd-serving-master-0.crt \\
          --key-file=${ALL}/etcd-serving-master-0.key \\
          --trusted-ca-file=${CERTS}/configmaps/etcd-serving-ca/ca-bundle.crt \\
          --client-cert-auth=true \\
          --peer-cert-file=${ALL}/etcd-peer-master-0.crt \\
          --peer-key-file=${ALL}/etcd-peer-master-0.key \\
          --peer-trusted-ca-file=${CERTS}/configmaps/etcd-peer-client-ca/ca-bundle.crt \\
          --peer-client-cert-auth=true \\
          --advertise-client-urls=https://\${NODE_master_0_IP}:2379 \\
          --listen-client-urls=https://\${LISTEN_ON_ALL_IPS}:2379,unixs://\${NODE_master_0_IP}:0 \\
          --listen-peer-urls=https://\${LISTEN_ON_ALL_IPS}:2380 \\
          --metrics=extensive \\
          --listen-metrics-urls=https://\${LISTEN_ON_ALL_IPS}:9978 ||  mv /etc/kubernetes/etcd-backup-dir/etcd-member.yaml /etc/kubernetes/manifests
    env:
${OPENSHIFT_ENV}
    volumeMounts:
      - mountPath: /etc/kubernetes/manifests
        name: static-pod-dir
      - mountPath: /etc/kubernetes/static-pod-certs
        name: cert-dir
      - mountPath: /var/lib/etcd/
        name: data-dir
  - name: etcd-metrics
    image: quay.io/openshift-release-dev/etcd@sha256:0000
    command:
      - /bin/sh
      - -c
      - |
        #!/bin/sh
        set -euo pipefail
        export ETCD_NAME=\${NODE_master_0_ETCD_NAME}
        exec nice -n -18 etcd grpc-proxy start \\
          --endpoints https://\${NODE_master_0_ETCD_URL_HOST}:9978 \\
          --metrics-addr https://\${LISTEN_ON_ALL_IPS}:9979
    env:
${OPENSHIFT_ENV}
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
    - hostPath:
        path: /etc/kubernetes/manifests
      name: static-pod-dir
    - hostPath:
        path: /etc/kubernetes/static-pod-resources/etcd-certs
      name: cert-dir
    - hostPath:
        path: /var/lib/etcd
        type: ""
      name: data-dir
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


  it('reads the member from OpenShift\'s etcd-pod.yaml: the script\'s etcd command with the Pod\'s variables, paths on the host', () => {
    const { manifest: m, program, form, processDataDir } = parsePodManifest(OPENSHIFT, 'etcd-pod.yaml');
    assert.equal(program, 'etcd');
    assert.equal(form, 'script');
    assert.equal(m.name, 'master-0', 'from the script\'s export ETCD_NAME=${NODE_..._ETCD_NAME}');
    assert.equal(m.dataDir, '/var/lib/etcd', 'from ETCD_DATA_DIR');
    assert.equal(processDataDir, '/var/lib/etcd');
    assert.equal(m.clientURL, 'https://10.0.0.11:2379');
    assert.equal(m.peerURL, 'https://10.0.0.11:2380');
    assert.equal(m.initialClusterState, 'existing', 'from ETCD_INITIAL_CLUSTER_STATE');
    assert.equal(m.initialCluster, 'master-0=https://10.0.0.11:2380', 'discovered at start: unknown here');
    // The certificates as the host holds them: the cert-dir volume's hostPath.
    const host = '/etc/kubernetes/static-pod-resources/etcd-certs';
    assert.deepEqual(m.tls, {
      certFile: `${host}/secrets/etcd-all-certs/etcd-serving-master-0.crt`,
      keyFile: `${host}/secrets/etcd-all-certs/etcd-serving-master-0.key`,
      trustedCAFile: `${host}/configmaps/etcd-serving-ca/ca-bundle.crt`,
    });
    assert.ok(m.args?.includes('--log-level=2'));
    assert.ok(m.args?.includes('--listen-client-urls=https://0.0.0.0:2379,unixs://10.0.0.11:0'));
    assert.ok(m.args?.includes('--metrics=extensive'));
    assert.ok(!m.args?.some((a) => a === 'nice' || a === '||' || a.startsWith('mv')), 'only etcd\'s own flags');
    // Run on the host (as warden's supervisor plays the kubelet in tests), every path goes through the mounts.
    const onHost = parsePodManifest(OPENSHIFT, 'etcd-pod.yaml').onHost;
    assert.ok(onHost.args?.includes(`--peer-cert-file=${host}/secrets/etcd-all-certs/etcd-peer-master-0.crt`));
    assert.ok(onHost.args?.includes('--metrics=extensive'));
  });

  it('writes a script-run etcd as the command its script execs, with the cluster settings; the original kept, other containers untouched', () => {
    const { manifest } = parsePodManifest(OPENSHIFT, 'etcd-pod.yaml');
    const alone = podWithMember(OPENSHIFT, 'etcd-pod.yaml', { ...manifest, initialClusterState: 'new', initialClusterToken: 'warden-abc', args: [...(manifest.args ?? []), '--force-new-cluster'] });
    type P = { metadata: { annotations: Record<string, string> }; spec: { containers: { name: string; command: string[]; env: { name: string; value: string }[] }[]; volumes: unknown[] } };
    const pod = YAML.parse(alone) as P;
    const etcd = pod.spec.containers.find((c) => c.name === 'etcd')!;
    assert.equal(etcd.command[0], 'etcd');
    for (const f of ['--name=master-0', '--data-dir=/var/lib/etcd', '--initial-cluster=master-0=https://10.0.0.11:2380', '--initial-cluster-state=new', '--initial-cluster-token=warden-abc', '--force-new-cluster', '--metrics=extensive', '--peer-client-cert-auth=true']) {
      assert.ok(etcd.command.includes(f), f);
    }
    // Paths stay the container's; the variables the Pod gives are filled in.
    assert.ok(etcd.command.includes(`--cert-file=${ALL}/etcd-serving-master-0.crt`));
    assert.ok(etcd.command.includes('--advertise-client-urls=https://10.0.0.11:2379'));
    // etcd 3.5 refuses a setting given twice (flag and ETCD_* variable): the placed ones leave the environment.
    const env = etcd.env.map((e) => e.name);
    assert.ok(!env.includes('ETCD_DATA_DIR') && !env.includes('ETCD_INITIAL_CLUSTER_STATE'));
    assert.ok(env.includes('ETCD_QUOTA_BACKEND_BYTES') && env.includes('NODE_master_0_IP'));
    const original = (YAML.parse(OPENSHIFT) as P).spec.containers.find((c) => c.name === 'etcd')!.command;
    assert.deepEqual(YAML.parse(pod.metadata.annotations[ORIGINAL_COMMAND_ANNOTATION]!), original);
    for (const name of ['etcdctl', 'etcd-metrics']) {
      assert.deepEqual(pod.spec.containers.find((c) => c.name === name), (YAML.parse(OPENSHIFT) as P).spec.containers.find((c) => c.name === name));
    }
    assert.deepEqual(pod.spec.volumes, (YAML.parse(OPENSHIFT) as P).spec.volumes);
    // Read back it is the member written; placed again, the original command stays the script.
    const back = parsePodManifest(alone, 'etcd-pod.yaml');
    assert.equal(back.form, 'exec');
    assert.deepEqual(back.manifest.tls, manifest.tls);
    assert.equal(back.manifest.initialClusterToken, 'warden-abc');
    const joined = podWithMember(alone, 'etcd-pod.yaml', { ...back.manifest, initialClusterState: 'existing', args: (back.manifest.args ?? []).filter((a) => a !== '--force-new-cluster') });
    const pod2 = YAML.parse(joined) as P;
    const cmd2 = pod2.spec.containers.find((c) => c.name === 'etcd')!.command;
    assert.ok(cmd2.includes('--initial-cluster-state=existing') && !cmd2.includes('--force-new-cluster'));
    assert.deepEqual(YAML.parse(pod2.metadata.annotations[ORIGINAL_COMMAND_ANNOTATION]!), original);
  });

  it('maps a data dir mounted elsewhere to the host, and back into the command as the container sees it', () => {
    const moved = OPENSHIFT.replace('        path: /var/lib/etcd\n', '        path: /srv/etcd-data\n');
    const { manifest, processDataDir } = parsePodManifest(moved, 'etcd-pod.yaml');
    assert.equal(manifest.dataDir, '/srv/etcd-data');
    assert.equal(processDataDir, '/var/lib/etcd');
    const cmd = (YAML.parse(podWithMember(moved, 'etcd-pod.yaml', manifest)) as { spec: { containers: { name: string; command: string[] }[] } }).spec.containers.find((c) => c.name === 'etcd')!.command;
    assert.ok(cmd.includes('--data-dir=/var/lib/etcd'));
  });

  it('refuses a script-run etcd it cannot read with one line naming what is missing', () => {
    // The node's IP from the downward API: known only on the node, and the member's URLs need it.
    const fromField = OPENSHIFT.replaceAll('- name: NODE_master_0_IP\n      value: "10.0.0.11"', '- name: NODE_master_0_IP\n      valueFrom: {fieldRef: {fieldPath: status.podIP}}');
    assert.throws(() => parsePodManifest(fromField, 'etcd-pod.yaml'), /^ManifestError: static pod manifest etcd-pod\.yaml: etcd's --initial-advertise-peer-urls comes from a variable the Pod does not give a value \(https:\/\/\$\(NODE_master_0_IP\):2380\): /);
    const noExec = 'kind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: ["/bin/sh", "-c", "etcdctl member list\\necho ${\\nsleep infinity"]\n';
    assert.throws(() => parsePodManifest(noExec, 'x.yaml'), /the etcd container's script never runs etcd with its flags/);
  });

  it('refuses what is not an etcd Pod with one line', () => {
    assert.throws(() => parsePodManifest('kind: Deployment\n', 'x.yaml'), /^ManifestError: static pod manifest x\.yaml: kind is not Pod: /);
    assert.throws(() => parsePodManifest('kind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: ["/usr/bin/python3", "run.py"]\n', 'x.yaml'), /runs "\/usr\/bin\/python3", neither etcd with its flags nor a shell script that execs etcd/);
    assert.throws(() => parsePodManifest('kind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: ["etcd", "--data-dir=/d"]\n', 'x.yaml'), /has no --name \(nor ETCD_NAME in its environment\): /);
    assert.throws(() => parsePodManifest('kind: [', 'x.yaml'), /is not valid YAML/);
  });

  it('a Pod\'s flags in args, a script\'s own ETCD_* settings and a variable only the node knows survive a write-back', () => {
    // kubeadm-like, flags in args: the whole command goes to `command`, none left to win after it.
    const withArgs = KUBEADM.replace('  - command:\n    - etcd\n', '  - command:\n    - etcd\n    args:\n');
    assert.deepEqual((YAML.parse(withArgs) as { spec: { containers: { command: string[] }[] } }).spec.containers[0]!.command, ['etcd']);
    const { manifest } = parsePodManifest(withArgs, 'etcd.yaml');
    assert.equal(manifest.name, 'cp-1');
    const placed = YAML.parse(podWithMember(withArgs, 'etcd.yaml', { ...manifest, initialClusterState: 'existing' })) as { spec: { containers: { command: string[]; args?: string[] }[] } };
    const c = placed.spec.containers[0]!;
    assert.equal(c.args, undefined);
    assert.equal(c.command.filter((a) => a.startsWith('--initial-cluster-state=')).join(), '--initial-cluster-state=existing');
    assert.equal(c.command.filter((a) => a.startsWith('--name=')).length, 1);

    // A script that sets etcd's variables itself, and reads the node's IP through the kubelet's $(VAR).
    const script = [
      'export ETCD_QUOTA_BACKEND_BYTES=4294967296',
      'exec env ETCD_DATA_DIR=/data/etcd etcd --name=cp-1 --initial-advertise-peer-urls=https://10.0.0.11:2380 --advertise-client-urls=https://10.0.0.11:2379 --listen-client-urls=https://$(POD_IP):2379 --snapshot-count=10000',
    ].join('\n');
    const pod = `kind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: ["/bin/sh", "-c", ${JSON.stringify(script)}]\n    env:\n    - name: POD_IP\n      valueFrom: {fieldRef: {fieldPath: status.podIP}}\n`;
    const read = parsePodManifest(pod, 'etcd-pod.yaml');
    assert.equal(read.manifest.dataDir, '/data/etcd', 'from `env ETCD_DATA_DIR=...`');
    assert.ok(read.manifest.args?.includes('--listen-client-urls=https://$(POD_IP):2379'), 'the node fills it in');
    assert.ok(read.manifest.args?.includes('--snapshot-count=10000'), 'no flag after it is lost');
    const out = YAML.parse(podWithMember(pod, 'etcd-pod.yaml', read.manifest)) as { spec: { containers: { command: string[]; env: { name: string; value?: string }[] }[] } };
    const etcd = out.spec.containers[0]!;
    assert.ok(etcd.command.includes('--data-dir=/data/etcd') && etcd.command.includes('--listen-client-urls=https://$(POD_IP):2379'));
    assert.deepEqual(etcd.env.find((e) => e.name === 'ETCD_QUOTA_BACKEND_BYTES'), { name: 'ETCD_QUOTA_BACKEND_BYTES', value: '4294967296' });

    // A data dir given from a value nobody knows here is refused, not replaced by etcd's default.
    const unknownDir = pod.replace('exec env ETCD_DATA_DIR=/data/etcd etcd', 'D=$(pick-dir)\\nexec etcd --data-dir=$D');
    assert.throws(() => parsePodManifest(unknownDir, 'etcd-pod.yaml'), /etcd's --data-dir comes from a variable the Pod does not give a value/);
  });
});

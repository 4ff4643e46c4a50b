import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildClusterManifests, etcdArgs, memberNames, parseManifest, serializeManifest } from '../../src/cluster/manifest.ts';

const spec = {
  names: memberNames(3),
  ports: [{ client: 20001, peer: 20002 }, { client: 20003, peer: 20004 }, { client: 20005, peer: 20006 }],
  dataDirOf: (n: string) => `/state/members/${n}`,
  token: 'warden-abc',
};

describe('member manifests', () => {
  it('a new cluster lists every member in initial-cluster with its own URLs', () => {
    const ms = buildClusterManifests(spec);
    assert.deepEqual(ms.map((m) => m.name), ['etcd-1', 'etcd-2', 'etcd-3']);
    assert.equal(ms[1]?.clientURL, 'http://127.0.0.1:20003');
    assert.equal(ms[0]?.initialCluster, 'etcd-1=http://127.0.0.1:20002,etcd-2=http://127.0.0.1:20004,etcd-3=http://127.0.0.1:20006');
    const args = etcdArgs(ms[2]!);
    assert.ok(args.includes('--data-dir=/state/members/etcd-3'));
    assert.ok(args.includes('--listen-peer-urls=http://127.0.0.1:20006'));
    assert.ok(args.includes('--initial-cluster-token=warden-abc'));
    assert.ok(!args.some((a) => a.startsWith('--cert-file')));
  });

  it('TLS manifests use https and require client certificates from clients and peers', () => {
    const [m] = buildClusterManifests({ ...spec, tls: { certFile: '/t/s.crt', keyFile: '/t/s.key', trustedCAFile: '/t/ca.crt' } });
    assert.match(m!.clientURL, /^https:/);
    const args = etcdArgs(m!);
    for (const f of ['--client-cert-auth=true', '--peer-client-cert-auth=true', '--trusted-ca-file=/t/ca.crt', '--peer-cert-file=/t/s.crt']) assert.ok(args.includes(f), f);
  });

  it('round-trips through its file form', () => {
    const [m] = buildClusterManifests({ ...spec, args: ['--quota-backend-bytes=1000'] });
    assert.deepEqual(parseManifest(serializeManifest(m!), 'x.json'), m);
    assert.ok(etcdArgs(m!).includes('--quota-backend-bytes=1000'));
  });

  it('rejects invalid JSON and bad fields with one line naming the file and the fix', () => {
    assert.throws(() => parseManifest('{"kind": "EtcdMember",', '/s/manifests/etcd-1.json'), (err: Error) => {
      assert.match(err.message, /^manifest \/s\/manifests\/etcd-1\.json is not valid JSON .*: fix it or move it out of the manifests folder$/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
    const [m] = buildClusterManifests(spec);
    assert.throws(() => parseManifest(JSON.stringify({ ...m, clientURL: 'nope' }), 'f.json'), /field "clientURL" must look like/);
    assert.throws(() => parseManifest(JSON.stringify({ ...m, name: '../x' }), 'f.json'), /may only hold letters/);
    assert.throws(() => parseManifest('[]', 'f.json'), /expected a JSON object/);
  });
});

describe('member count', () => {
  it('accepts 1, 3, 5; warns on an even count; refuses 0', async () => {
    const { validateMemberCount } = await import('../../src/cluster/control.ts');
    assert.deepEqual(validateMemberCount(3), {});
    assert.match(validateMemberCount(4).warning ?? '', /4 members tolerate no more failures than 3 \(quorum is 3\)/);
    assert.throws(() => validateMemberCount(0), /--members must be a whole number from 1 to 9 \(got 0\)/);
  });
});

// snapshot inspect on a crafted etcd keyspace: only the latest revision of each key counts
// (overwrites, sub-revisions of a txn, deletions), resources and encryption coverage per
// provider and key name, members with uint64 IDs kept exact, compaction and consistent_index.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BboltReader, BufferSource } from '../../src/snapshot/bbolt.ts';
import { writeBbolt, type WriterEntry, revKey } from '../../src/snapshot/bbolt-writer.ts';
import { decodeKeyValue, inspectReader, parseMember } from '../../src/snapshot/inspect.ts';
import { renderInspect } from '../../src/cli/commands/snapshot.ts';


function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** mvccpb.KeyValue as etcd marshals it (fields in number order, zero values left out). */
function keyValue(kv: { key: string; value?: string | Buffer; create?: number; mod?: number; version?: number; lease?: number }): Buffer {
  const parts: number[] = [];
  const bytes = (field: number, b: Buffer): void => {
    parts.push((field << 3) | 2, ...varint(b.length), ...b);
  };
  const num = (field: number, n: number | undefined): void => {
    if (n) parts.push(field << 3, ...varint(n));
  };
  bytes(1, Buffer.from(kv.key));
  num(2, kv.create);
  num(3, kv.mod);
  num(4, kv.version);
  if (kv.value !== undefined && kv.value.length) bytes(5, Buffer.from(kv.value));
  num(6, kv.lease);
  return Buffer.from(parts);
}

const revisions: [Buffer, Buffer][] = [];
const put = (main: number, key: string, value: string, sub = 0): void => {
  revisions.push([revKey(main, sub), keyValue({ key, value, create: main, mod: main, version: 1 })]);
};
const del = (main: number, key: string): void => {
  revisions.push([revKey(main, 0, true), keyValue({ key })]);
};
const enc = (provider: string, key: string): string => `k8s:enc:${provider}:v1:${key}:${'\u0001'.repeat(40)}`;

put(2, '/kubernetes.io/secrets/default/a', enc('aesgcm', '1'));
put(3, '/kubernetes.io/secrets/default/b', 'plain secret');
put(4, '/kubernetes.io/secrets/default/a', enc('aescbc', 'key2'));
put(5, '/kubernetes.io/configmaps/ns/c', enc('secretbox', 'k'));
put(6, '/openshift.io/routes/ns/r', 'route');
put(7, '/kubernetes.io/pods/ns/p', 'pod');
del(8, '/kubernetes.io/pods/ns/p');
put(9, '/kubernetes.io/apps.example.com/widgets/ns/w', '{}');
put(10, '/other', 'x');
put(10, '/kubernetes.io/secrets/default/c', enc('aesgcm', '1'), 1);
put(11, '/kubernetes.io/configmaps/ns/gone', 'y');
del(12, '/kubernetes.io/configmaps/ns/gone');

const u64be = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

const entries: WriterEntry[] = [
  { key: 'key', bucket: revisions.map(([key, value]) => ({ key, value })) },
  {
    key: 'meta',
    bucket: [
      { key: 'consistent_index', value: u64be(99) },
      { key: 'scheduledCompactRev', value: revKey(5) },
      { key: 'finishedCompactRev', value: revKey(4) },
    ],
  },
  {
    key: 'members',
    bucket: [
      { key: '8e9e05c52164694d', value: '{"id":10276657743932975437,"peerURLs":["http://127.0.0.1:2380"],"name":"etcd-1","clientURLs":["http://127.0.0.1:2379"]}' },
      { key: 'fd422379fda50e48', value: '{"id":18249187646912138824,"peerURLs":["http://127.0.0.1:2382"],"isLearner":true}' },
    ],
  },
  { key: 'members_removed', bucket: [{ key: '91bc3c398fb3c146', value: 'removed' }] },
  { key: 'lease', bucket: [{ key: u64be(7), value: 'lease' }] },
  { key: 'cluster', bucket: [{ key: 'clusterVersion', value: '3.4.0' }] },
  { key: 'alarm', bucket: [] },
];

const db = writeBbolt(entries, { maxElements: 3 });
const report = inspectReader(new BboltReader(new BufferSource(db), db.length));

describe('inspect', () => {
  test('KeyValue protobuf: key and value decoded, unknown fields skipped, damage rejected', () => {
    const kv = decodeKeyValue(keyValue({ key: '/k', value: 'v', create: 300, mod: 2 ** 40, version: 3, lease: 7 }));
    assert.equal(kv.key.toString(), '/k');
    assert.equal(kv.value.toString(), 'v');
    assert.deepEqual([kv.createRevision, kv.modRevision, kv.version, kv.lease], [300, 2 ** 40, 3, 7]);
    const withExtra = Buffer.concat([keyValue({ key: '/k', value: 'v' }), Buffer.from([(9 << 3) | 2, 2, 1, 2, (10 << 3) | 5, 1, 2, 3, 4])]);
    assert.equal(decodeKeyValue(withExtra).value.toString(), 'v');
    assert.equal(decodeKeyValue(keyValue({ key: '/only' })).value.length, 0);
    assert.throws(() => decodeKeyValue(Buffer.from([0x0a, 10, 1, 2])), /runs past the end/);
    assert.throws(() => decodeKeyValue(Buffer.from([0x10, 0x80])), /truncated varint/);
  });

  test('only the latest revision of each live key counts', () => {
    assert.deepEqual(report.keys, { live: 7, revisions: 12, tombstones: 2 });
    assert.equal(report.status.revision, 12);
    assert.equal(report.status.totalKey, 12 + 3 + 2 + 1 + 1 + 1);
  });

  test('resources and how their values are stored', () => {
    const byName = Object.fromEntries(report.resources.map((r) => [r.resource, r]));
    assert.deepEqual(report.resources.map((r) => r.resource), ['configmaps', 'routes.route.openshift.io', 'secrets', 'widgets.apps.example.com', '(other)']);
    assert.deepEqual(byName.secrets, {
      resource: 'secrets',
      keys: 3,
      plaintext: 1,
      encrypted: 2,
      storage: [
        { provider: 'aescbc', keyName: 'key2', count: 1 },
        { provider: 'aesgcm', keyName: '1', count: 1 },
        { provider: 'identity', count: 1 },
      ],
      shouldBeEncrypted: true,
    });
    assert.deepEqual(byName.configmaps?.storage, [{ provider: 'secretbox', keyName: 'k', count: 1 }]);
    assert.equal(byName['routes.route.openshift.io']?.plaintext, 1);
    assert.equal(byName['widgets.apps.example.com']?.shouldBeEncrypted, false);
    assert.equal(byName['(other)']?.keys, 1);
    assert.deepEqual(report.encryption, {
      storage: [
        { provider: 'aescbc', keyName: 'key2', count: 1 },
        { provider: 'aesgcm', keyName: '1', count: 1 },
        { provider: 'identity', count: 4 },
        { provider: 'secretbox', keyName: 'k', count: 1 },
      ],
      encrypted: 3,
      // the plaintext secret and the route; not the custom resource nor /other
      plaintextShouldBeEncrypted: 2,
    });
  });

  test('members, removed members, compaction, consistent index, leases', () => {
    assert.deepEqual(report.members, [
      { id: 10276657743932975437n, hexID: '8e9e05c52164694d', name: 'etcd-1', peerURLs: ['http://127.0.0.1:2380'], clientURLs: ['http://127.0.0.1:2379'], isLearner: false },
      { id: 18249187646912138824n, hexID: 'fd422379fda50e48', name: '', peerURLs: ['http://127.0.0.1:2382'], clientURLs: [], isLearner: true },
    ]);
    assert.deepEqual(report.removedMembers, ['91bc3c398fb3c146']);
    assert.deepEqual(report.compaction, { scheduled: 5, finished: 4 });
    assert.equal(report.consistentIndex, 99);
    assert.equal(report.leases, 1);
    assert.equal(report.clusterVersion, '3.4.0');
    assert.throws(() => parseMember(Buffer.from('1'), Buffer.from('{not json')), /is not JSON: the snapshot is corrupted/);
  });

  test('printed as simple lines, tables and JSON with exact member IDs', () => {
    const simple = renderInspect('simple', report);
    assert.match(simple, /^compacted revision: 4 \(scheduled 5, not finished\)$/m);
    assert.match(simple, /^ {2}secrets: 3 keys, aescbc:key2 1, aesgcm:1 1, plaintext 1 \(1 plaintext, should be encrypted\)$/m);
    assert.match(simple, /^ {2}8e9e05c52164694d, etcd-1, http:\/\/127\.0\.0\.1:2380, http:\/\/127\.0\.0\.1:2379$/m);
    assert.match(simple, /^encryption: 3 encrypted values \(aescbc:key2 1, aesgcm:1 1, secretbox:k 1\), 2 plaintext in resources that should be encrypted$/m);
    const json = renderInspect('json', report);
    assert.match(json, /"id":10276657743932975437,/);
    assert.equal((JSON.parse(json) as { keys: { live: number } }).keys.live, 7);
    const table = renderInspect('table', report);
    assert.match(table, /\| +RESOURCE +\| +KEYS +\|/);
    assert.match(table, /\| fd422379fda50e48 \|/);
  });
});

// A keyspace restored twice by etcd 3.4's `snapshot restore` (which leaves the replaced clusters'
// entries in the members bucket) plus a member added and removed: 3 peer URLs, 9 recorded
// entries, one removed member.
describe('inspect: members of clusters a restore replaced, and removed members', () => {
  const member = (id: bigint, name: string, port: number): { key: string; value: string } => ({
    key: id.toString(16),
    value: `{"id":${id},"peerURLs":["http://127.0.0.1:${port}"],"name":"${name}","clientURLs":["http://127.0.0.1:${port - 1}"]}`,
  });
  const ids = [0x00c6cd643db95cean, 0x4c65d7aa801f2c8bn, 0x6585774e96795b4dn, 0x712ea38c81471ac2n, 0x8e22f308876fe739n, 0x94394d6556fce6b6n, 0xa1n, 0xb2n, 0xc3n];
  const names = ['etcd-3', 'etcd-2', 'etcd-1', 'etcd-1', 'etcd-3', 'etcd-2', 'etcd-1', 'etcd-2', 'etcd-3'];
  const ports = { 'etcd-1': 2380, 'etcd-2': 2382, 'etcd-3': 2384 } as Record<string, number>;
  const restored = writeBbolt([
    { key: 'members', bucket: ids.map((id, i) => member(id, names[i] as string, ports[names[i] as string] as number)) },
    { key: 'members_removed', bucket: [{ key: '378f8a6e58ead6dc', value: 'removed' }, { key: 'c3', value: 'removed' }] },
  ]);
  const r = inspectReader(new BboltReader(new BufferSource(restored), restored.length));

  test('removed members are not counted as members, even when the members bucket still has them', () => {
    assert.deepEqual(r.removedMembers, ['378f8a6e58ead6dc', 'c3']);
    assert.equal(r.members.length, 8);
    assert.ok(!r.members.some((m) => m.hexID === 'c3'));
  });

  test('members sharing a peer URL are grouped: at most one of each group is current', () => {
    assert.deepEqual(r.sharedPeerURLs, [
      { peerURLs: ['http://127.0.0.1:2380'], hexIDs: ['a1', '6585774e96795b4d', '712ea38c81471ac2'] },
      { peerURLs: ['http://127.0.0.1:2382'], hexIDs: ['b2', '4c65d7aa801f2c8b', '94394d6556fce6b6'] },
      { peerURLs: ['http://127.0.0.1:2384'], hexIDs: ['c6cd643db95cea', '8e22f308876fe739'] },
    ]);
    assert.equal(r.currentMembersAtMost, 3);
  });

  test('printed apart: at most 3 current of 8 recorded, the removed ones on their own line', () => {
    const simple = renderInspect('simple', r);
    assert.match(simple, /^members: at most 3 current, 8 recorded: a restore left the replaced clusters' entries \(etcd 3\.4's snapshot restore keeps them\); of members sharing a peer URL only one can be current, and the file does not say which$/m);
    assert.match(simple, /^ {2}6585774e96795b4d, etcd-1, http:\/\/127\.0\.0\.1:2380, http:\/\/127\.0\.0\.1:2379 \(shares its peer URL with a1, 712ea38c81471ac2\)$/m);
    assert.match(simple, /^removed members: 2 \(378f8a6e58ead6dc, c3\)$/m);
    assert.doesNotMatch(simple, /^ {2}c3,/m);
    const json = JSON.parse(renderInspect('json', r)) as { members: unknown[]; removedMembers: string[]; sharedPeerURLs: unknown[]; currentMembersAtMost: number };
    assert.equal(json.members.length, 8);
    assert.equal(json.currentMembersAtMost, 3);
    const table = renderInspect('table', r);
    assert.match(table, /\| 6585774e96795b4d \| etcd-1 \| http:\/\/127\.0\.0\.1:2380 \| http:\/\/127\.0\.0\.1:2379 \| +false \| shares its peer URL \|/);
    assert.match(table, /\| 378f8a6e58ead6dc \| +\| +\| +\| +\| +removed \|/);
  });

  test('a cluster never restored: every recorded member is current', () => {
    assert.deepEqual(report.sharedPeerURLs, []);
    assert.equal(report.currentMembersAtMost, 2);
    const simple = renderInspect('simple', report);
    assert.match(simple, /^members: 2$/m);
    assert.match(simple, /^removed members: 1 \(91bc3c398fb3c146\)$/m);
  });
});

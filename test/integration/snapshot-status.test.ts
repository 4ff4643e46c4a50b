// `warden snapshot status|inspect` on snapshots a real etcd 3.4 wrote (etcdctl snapshot save),
// compared with the real `etcdctl snapshot status` byte for byte: many keys (branch pages),
// values bigger than a page (overflow pages), overwrites, deletions, a compaction, a lease.
// Then damage: a flipped byte and a truncated file each give one clear line and a non-zero exit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EtcdClient } from '../../src/etcd/client.ts';
import { PAGE_FLAGS } from '../../src/snapshot/bbolt.ts';
import { SnapshotFile } from '../../src/snapshot/file.ts';
import type { InspectReport } from '../../src/snapshot/inspect.ts';
import { startSingleEtcd, type SingleEtcd } from '../helpers/single-etcd.ts';
import { cli, etcdctl, tempDir, type CliResult } from '../helpers/warden.ts';

const CONFIGMAPS = 1500;
const DELETED = 100;
const AESGCM = 10;
const AESCBC = 3;
const PLAIN_SECRETS = 4;
const BIG = [20_000, 100_000, 9_000];

let etcd: SingleEtcd;
let dir: string;
let snap: string;
let compactedAt: number;
let liveInEtcd: number;

before(async () => {
  dir = tempDir('snapshot-status');
  etcd = await startSingleEtcd();
  const client = new EtcdClient({ endpoints: [etcd.endpoint], commandTimeoutMs: 20_000 });
  try {
    const batch = async (n: number, fn: (i: number) => Promise<unknown>): Promise<void> => {
      for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => fn(i + j)));
    };
    await batch(CONFIGMAPS, (i) => client.put(`/kubernetes.io/configmaps/ns${i % 9}/cm-${i}`, `data-${i}-`.repeat(30)));
    await batch(AESGCM, (i) => client.put(`/kubernetes.io/secrets/default/gcm-${i}`, Buffer.concat([Buffer.from('k8s:enc:aesgcm:v1:1:'), Buffer.alloc(60, i)])));
    await batch(AESCBC, (i) => client.put(`/kubernetes.io/secrets/default/cbc-${i}`, Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:2:'), Buffer.alloc(48, i)])));
    await batch(PLAIN_SECRETS, (i) => client.put(`/kubernetes.io/secrets/kube-system/plain-${i}`, `k8s\u0000plain secret ${i}`));
    for (const [i, size] of BIG.entries()) await client.put(`/kubernetes.io/configmaps/big/cm-${i}`, Buffer.alloc(size, 65 + i));
    // Overwrites give keys several revisions; the compaction drops the older ones.
    await batch(200, (i) => client.put(`/kubernetes.io/configmaps/ns${i % 9}/cm-${i}`, `rewritten-${i}`));
    const mid = await client.put('/warden/test/mark', 'compact here');
    compactedAt = mid.header.revision;
    await batch(DELETED, (i) => client.delete(`/kubernetes.io/configmaps/ns${(i * 7) % 9}/cm-${i * 7}`));
    await client.compact(compactedAt, { physical: true });
    const lease = await client.leaseGrant(600);
    await client.put('/warden/test/leased', 'x', { lease });
    liveInEtcd = Number(JSON.parse(await etcd.etcdctl(['get', '', '--from-key', '--limit=1', '--keys-only', '-w', 'json'])).count);
  } finally {
    client.close();
  }
  snap = path.join(dir, 'snapshot.db');
  await etcd.etcdctl(['snapshot', 'save', snap]);
});

after(async () => {
  await etcd?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ctlStatus = (file: string, format: string): Promise<CliResult> => etcdctl(['snapshot', 'status', file, '-w', format]);
const wardenStatus = (file: string, format: string): Promise<CliResult> => cli(['snapshot', 'status', file, '-w', format]);

function oneLineError(r: CliResult, re: RegExp): void {
  assert.notEqual(r.code, 0, `exit code (stdout: ${r.stdout})`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0] as string, re);
}

describe('snapshot status matches etcdctl', () => {
  test('the snapshot has the pages this test is about: branch pages and overflow pages', () => {
    const size = fs.statSync(snap).size;
    assert.equal(size % 512, 32, 'etcdctl snapshot save appended the sha256');
    const file = SnapshotFile.open(snap);
    try {
      const reader = file.reader();
      let keyRoot = 0;
      reader.forEach(reader.rootBucket(), (name, _v, open) => {
        if (name.toString() === 'key') keyRoot = open!().root;
      });
      const seen = { branch: 0, leaf: 0, overflow: 0 };
      const descend = (id: number): void => {
        const page = reader.readPage(id, 'test');
        if (page.readUInt32LE(12) > 0) seen.overflow++;
        if (page.readUInt16LE(8) & PAGE_FLAGS.leaf) {
          seen.leaf++;
          return;
        }
        seen.branch++;
        for (let i = 0; i < page.readUInt16LE(10); i++) descend(Number(page.readBigUInt64LE(16 + i * 16 + 8)));
      };
      descend(keyRoot);
      assert.ok(seen.branch >= 1 && seen.overflow >= 1 && seen.leaf > 10, JSON.stringify(seen));
    } finally {
      file.close();
    }
  });

  test('-w json: every field equal, and the same bytes', async () => {
    const [w, e] = await Promise.all([wardenStatus(snap, 'json'), ctlStatus(snap, 'json')]);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(w.code, 0, w.stderr);
    const wj = JSON.parse(w.stdout) as Record<string, number>;
    const ej = JSON.parse(e.stdout) as Record<string, number>;
    for (const field of ['hash', 'revision', 'totalKey', 'totalSize']) assert.equal(wj[field], ej[field], field);
    assert.deepEqual(Object.keys(wj), Object.keys(ej));
    assert.equal(w.stdout, e.stdout);
  });

  test('-w simple and -w table print the same bytes as etcdctl', async () => {
    for (const format of ['simple', 'table']) {
      const [w, e] = await Promise.all([wardenStatus(snap, format), ctlStatus(snap, format)]);
      assert.equal(e.code, 0, e.stderr);
      assert.equal(w.stdout, e.stdout, format);
    }
  });

  test('a file without the sha256 trailer (a member\'s db file) reads the same', async () => {
    const plain = path.join(dir, 'no-trailer.db');
    const bytes = fs.readFileSync(snap);
    fs.writeFileSync(plain, bytes.subarray(0, bytes.length - 32));
    const [w, e] = await Promise.all([wardenStatus(plain, 'json'), ctlStatus(plain, 'json')]);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout, e.stdout);
  });
});

describe('snapshot inspect counts what was written', () => {
  let report: InspectReport;
  before(async () => {
    const r = await cli(['snapshot', 'inspect', snap, '-w', 'json']);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as InspectReport;
  });

  test('live keys: as etcd counts them, per resource', () => {
    assert.equal(report.keys.live, liveInEtcd);
    const byName = Object.fromEntries(report.resources.map((r) => [r.resource, r]));
    assert.equal(byName.configmaps?.keys, CONFIGMAPS + BIG.length - DELETED);
    assert.equal(byName.secrets?.keys, AESGCM + AESCBC + PLAIN_SECRETS);
    assert.equal(report.keys.tombstones, DELETED);
  });

  test('encryption coverage per provider and key, plaintext where encryption is due', () => {
    const secrets = report.resources.find((r) => r.resource === 'secrets');
    assert.deepEqual(secrets?.storage, [
      { provider: 'aescbc', keyName: '2', count: AESCBC },
      { provider: 'aesgcm', keyName: '1', count: AESGCM },
      { provider: 'identity', count: PLAIN_SECRETS },
    ]);
    assert.equal(secrets?.plaintext, PLAIN_SECRETS);
    assert.equal(report.encryption.encrypted, AESGCM + AESCBC);
    // Plaintext secrets and every configmap (configmaps are encrypted in OpenShift).
    assert.equal(report.encryption.plaintextShouldBeEncrypted, PLAIN_SECRETS + CONFIGMAPS + BIG.length - DELETED);
  });

  test('member, compaction, consistent index, lease, and the status numbers', async () => {
    assert.equal(report.members.length, 1);
    assert.equal(report.members[0]?.name, 'default');
    assert.deepEqual(report.members[0]?.peerURLs, [etcd.peerUrl]);
    assert.deepEqual(report.members[0]?.clientURLs, [etcd.endpoint]);
    // etcdctl member list: "<hex id>, started, default, <peer>, <client>, false"
    assert.equal((await etcd.etcdctl(['member', 'list'])).split(',')[0], report.members[0]?.hexID);
    assert.deepEqual(report.compaction, { scheduled: compactedAt, finished: compactedAt });
    assert.ok((report.consistentIndex ?? 0) > CONFIGMAPS, `consistent index ${report.consistentIndex}`);
    assert.equal(report.leases, 1);
    const e = JSON.parse((await ctlStatus(snap, 'json')).stdout) as Record<string, number>;
    assert.equal(report.status.hash, e.hash);
    assert.equal(report.status.totalKey, e.totalKey);
    assert.match(String(report.status.sha256), /^[0-9a-f]{64}$/);
  });

  test('the member ID stays exact (uint64 beyond 2^53)', async () => {
    const r = await cli(['snapshot', 'inspect', snap, '-w', 'json']);
    const id = /"members":\[\{"id":(\d+),"hexID":"([0-9a-f]+)"/.exec(r.stdout);
    assert.ok(id, r.stdout.slice(0, 300));
    assert.equal(BigInt(id[1] as string).toString(16), id[2]);
    const table = await cli(['snapshot', 'inspect', snap, '-w', 'table']);
    assert.equal(table.code, 0, table.stderr);
    assert.ok(table.stdout.includes(id[2] as string));
  });
});

describe('damaged files: one line, non-zero exit', () => {
  test('a flipped byte is a sha256 mismatch', async () => {
    const bytes = fs.readFileSync(snap);
    const bad = Buffer.from(bytes);
    const at = bad.indexOf('data-700-');
    assert.ok(at > 0);
    bad.writeUInt8(bad.readUInt8(at + 2) ^ 0x20, at + 2);
    const file = path.join(dir, 'flipped.db');
    fs.writeFileSync(file, bad);
    const expected = bytes.subarray(bytes.length - 32).toString('hex');
    const r = await wardenStatus(file, 'simple');
    oneLineError(r, new RegExp(`^Error: snapshot sha256 mismatch: expected ${expected}, got [0-9a-f]{64}: the file is corrupted$`));
    oneLineError(await cli(['snapshot', 'inspect', file]), /^Error: snapshot sha256 mismatch: /);
    // etcdctl 3.4 does not check the trailer: it prints a status with another hash.
    const e = await ctlStatus(file, 'json');
    assert.equal(e.code, 0);
    assert.notEqual(JSON.parse(e.stdout).hash, JSON.parse((await ctlStatus(snap, 'json')).stdout).hash);
  });

  test('a truncated file names the first missing page', async () => {
    const bytes = fs.readFileSync(snap);
    const file = path.join(dir, 'truncated.db');
    const size = Math.floor(bytes.length / 2 / 4096) * 4096 + 1000;
    fs.writeFileSync(file, bytes.subarray(0, size));
    const r = await wardenStatus(file, 'json');
    oneLineError(r, new RegExp(`^Error: truncated: page ${Math.floor(size / 4096)} lies beyond the end of the file \\(size ${size}\\): .*truncated\\.db is incomplete; copy or save the snapshot again$`));
  });

  test('not a bbolt file, a missing file, a directory', async () => {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'these are not the pages you are looking for\n'.repeat(200));
    oneLineError(await wardenStatus(text, 'simple'), /^Error: not a bbolt database \(bad magic\): .*notes\.txt is not an etcd snapshot or db file$/);
    oneLineError(await wardenStatus(path.join(dir, 'missing.db'), 'simple'), /^Error: snapshot file .*missing\.db does not exist: check the path$/);
    oneLineError(await cli(['snapshot', 'inspect', dir]), /^Error: .* is a directory, not a snapshot file: give the snapshot \.db file itself$/);
  });
});

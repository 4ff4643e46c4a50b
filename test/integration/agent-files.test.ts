// What an agent keeps on its host apart from its member: a snapshot it fetches from a URL
// itself (a presigned S3 URL), its copy of the EncryptionConfiguration, and data dirs moved
// aside (also one that is a mount point of its own, as /var/lib/etcd often is). The agent runs
// in this process with a runtime that holds no member: nothing here involves etcd.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Agent, AgentRequestError } from '../../src/agent/agent.ts';
import type { MemberRuntime } from '../../src/agent/runtime.ts';
import { StateLayout } from '../../src/cluster/layout.ts';
import { tempDir } from '../helpers/warden.ts';
import { spawnSync } from 'node:child_process';
import { moveAside } from '../../src/restore/members.ts';
import { installRestored } from '../../src/restore/tools.ts';

/** A host with no member placed yet. */
const noMember: MemberRuntime = {
  kind: 'supervisor',
  open: async () => undefined,
  close: async () => undefined,
  manifest: () => undefined,
  state: () => ({ state: 'none', manifest: 'moved-out', pid: null }),
  place: () => undefined,
  stop: async () => undefined,
  start: async () => undefined,
  logFile: () => '/dev/null',
  hold: () => undefined,
};

function agentIn(dir: string): Agent {
  return new Agent({ layout: new StateLayout(dir), host: '127.0.0.1', port: 1, token: 'a-token-of-sixteen-chars', runtime: noMember, log: () => undefined });
}

async function serve(t: { after: (fn: () => void) => void }, files: Record<string, Buffer>): Promise<string> {
  const server = http.createServer((req, res) => {
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (body) res.end(body);
    else res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('agent files', () => {
  it('a snapshot fetched from a URL is kept only when its sha256 matches; a refused URL is one line without its signature', async (t) => {
    const dir = tempDir('agent-fetch');
    const agent = agentIn(dir);
    const data = crypto.randomBytes(300_000);
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    const url = await serve(t, { '/snap.db': data });

    await assert.rejects(agent.fetchSnapshot('0'.repeat(64), { url: `${url}/snap.db` }), (err: unknown) => err instanceof AgentRequestError && err.status === 422 && /has sha256 [0-9a-f]{64}, not 0{64}/.test(err.message));
    assert.equal(agent.hasSnapshot('0'.repeat(64)), false);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'snapshots')), [], 'nothing half-written is left');

    assert.deepEqual(await agent.fetchSnapshot(sha, { url: `${url}/snap.db?X-Amz-Signature=secret` }), { bytes: data.length, already: false });
    assert.ok(agent.hasSnapshot(sha));
    assert.equal((await agent.fetchSnapshot(sha, { url: `${url}/snap.db` })).already, true);
    // One received for a restore that did not go on is removed again.
    assert.equal(agent.dropSnapshot(sha), true);
    assert.equal(agent.hasSnapshot(sha), false);
    assert.equal(agent.dropSnapshot(sha), false);

    await assert.rejects(agent.fetchSnapshot('1'.repeat(64), { url: `${url}/gone.db?X-Amz-Signature=secret` }), (err: unknown) => {
      assert.ok(err instanceof AgentRequestError);
      assert.match(err.message, /^fetching http:\/\/127\.0\.0\.1:\d+\/gone\.db from this host failed: HTTP 403 Forbidden$/);
      return true;
    });
    await assert.rejects(agent.fetchSnapshot(sha, { url: 'file:///etc/passwd' }), /must be http\(s\)/);
  });

  it('the EncryptionConfiguration copy: written 0600 when it differs, a broken one refused, its sha256 reported', () => {
    const dir = tempDir('agent-enc');
    const agent = agentIn(dir);
    assert.equal(agent.encryptionConfig(), undefined);
    const config = [
      'apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:', '  - resources:', '      - secrets', '    providers:',
      '      - aesgcm:', '          keys:', '            - name: "1"', `              secret: ${crypto.randomBytes(32).toString('base64')}`, '      - identity: {}', '',
    ].join('\n');
    const sha = crypto.createHash('sha256').update(config).digest('hex');
    assert.deepEqual(agent.putEncryptionConfig({ config }), { sha256: sha, changed: true });
    const file = path.join(dir, 'encryption', 'encryption-config.yaml');
    assert.equal(fs.readFileSync(file, 'utf8'), config);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(agent.putEncryptionConfig({ config }), { sha256: sha, changed: false });
    assert.throws(() => agent.putEncryptionConfig({ config: 'kind: Nonsense\n' }), (err: unknown) => err instanceof AgentRequestError && err.status === 400);
    assert.equal(fs.readFileSync(file, 'utf8'), config, 'a refused configuration changes nothing');
    assert.equal(agent.status().encryptionConfig?.sha256, sha);
  });

  it('a data dir that is a mount point of its own (another filesystem) is moved aside by its contents, stays, and takes the restored data', (t) => {
    const dir = tempDir('mount');
    const dataDir = path.join(dir, 'var-lib-etcd');
    fs.mkdirSync(dataDir);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dataDir], { encoding: 'utf8' });
    assert.equal(mounted.status, 0, mounted.stderr);
    t.after(() => spawnSync('umount', ['-l', dataDir]));
    fs.mkdirSync(path.join(dataDir, 'member', 'snap'), { recursive: true });
    const db = crypto.randomBytes(100_000);
    fs.writeFileSync(path.join(dataDir, 'member', 'snap', 'db'), db);
    assert.throws(() => fs.renameSync(dataDir, path.join(dir, 'elsewhere')), /EBUSY|EXDEV/, 'the mount point itself cannot be renamed');

    const layout = new StateLayout(path.join(dir, 'agent'));
    const to = moveAside(layout, dataDir, 'cp-1', 'stamp-1');
    assert.equal(to, path.join(dir, 'agent', 'moved-aside', 'stamp-1', 'cp-1'));
    assert.deepEqual(fs.readFileSync(path.join(to, 'member', 'snap', 'db')), db);
    assert.deepEqual(fs.readdirSync(dataDir), [], 'the data dir stays, empty, for the restored data');
    assert.ok(fs.readFileSync('/proc/mounts', 'utf8').includes(` ${dataDir} tmpfs `), 'still the mount point');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'agent', 'moved-aside', 'stamp-1')), ['cp-1'], 'no partial copy left');

    // The restored data comes into the mount point (etcdctl restored it next to it, on the parent filesystem).
    const restored = crypto.randomBytes(50_000);
    fs.mkdirSync(`${dataDir}.restoring/member/snap`, { recursive: true });
    fs.writeFileSync(`${dataDir}.restoring/member/snap/db`, restored);
    fs.mkdirSync(path.join(dataDir, '.warden-restoring', 'member'), { recursive: true }); // what a killed install left
    installRestored({ snapshot: '-', dataDir, name: 'cp-1', peerURL: 'http://127.0.0.1:2380', token: 't' });
    assert.deepEqual(fs.readdirSync(dataDir), ['member']);
    assert.deepEqual(fs.readFileSync(path.join(dataDir, 'member', 'snap', 'db')), restored);
    assert.equal(fs.existsSync(`${dataDir}.restoring`), false, 'the scratch dir is gone');
    assert.ok(fs.readFileSync('/proc/mounts', 'utf8').includes(` ${dataDir} tmpfs `), 'still the mount point');
  });
});

// warden's KMS v2 plugin over real gRPC on unix sockets: kmsClient -> serveKms -> localKekService
// round trips; the KEK file's mode, creation, malformation and rotation while serving (old
// ciphertexts still decrypt under their key IDs); the one-line errors (unknown key ID, plugin
// unreachable, no answer in time); a stale socket replaced, a live one refused; the wire bytes
// as api.proto numbers them; and `warden kms-plugin` itself, whose output never shows a key.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { kmsClient, serveKms } from '../../src/encryption/kms/grpc.ts';
import { ensureKekFile, localKekService, mergeKeks, rotateKek } from '../../src/encryption/kms/local-kek.ts';
import type { KmsService } from '../../src/encryption/kms/service.ts';
import { WardenError } from '../../src/errors.ts';
import { Background, cli, tempDir } from '../helpers/warden.ts';

const root = tempDir('kms');
after(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh folder per test: its socket and KEK file. */
function place(): { dir: string; sock: string; kek: string } {
  const dir = path.join(root, `t${++n}`);
  return { dir, sock: path.join(dir, 'run', 'kms.sock'), kek: path.join(dir, 'keks.json') };
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

/** The base64 keys in a KEK file: what no output may show. */
function keysOf(kek: string): string[] {
  return (JSON.parse(fs.readFileSync(kek, 'utf8')) as { keks: { key: string }[] }).keks.map((k) => k.key);
}

/** The error `fn` rejects with, checked to be a one-line WardenError. */
async function oneLine(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof WardenError, `a WardenError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/);
    return err.message;
  }
  assert.fail('expected a failure');
}

/** Serves warden's local-KEK plugin on a fresh socket; `stop` closes both ends. */
async function plugin() {
  const p = place();
  const service = localKekService(p.kek);
  const server = await serveKms(p.sock, service);
  const client = kmsClient(server.address);
  const stop = async () => {
    client.close();
    await server.close();
  };
  return { ...p, service, server, client, stop };
}

describe('KMS v2 plugin over gRPC', () => {
  it('round-trips Status, Encrypt and Decrypt; creates the KEK file 0600 and the socket 0600 in a 0700 folder', async () => {
    const p = await plugin();
    try {
      assert.equal(p.server.address, `unix://${p.sock}`);
      assert.equal(mode(p.kek), 0o600);
      assert.equal(mode(p.sock), 0o600);
      assert.equal(mode(path.dirname(p.sock)), 0o700);
      const [key] = keysOf(p.kek);
      assert.equal(Buffer.from(key!, 'base64').length, 32);

      const status = await p.client.status();
      assert.equal(status.version, 'v2');
      assert.equal(status.healthz, 'ok');
      assert.match(status.keyId, /^local-kek-[0-9a-f]{16}$/);

      const dek = Buffer.from('a 32-byte data encryption key!!!');
      const enc = await p.client.encrypt(dek, 'uid-1');
      assert.equal(enc.keyId, status.keyId);
      assert.deepEqual(enc.annotations, {});
      assert.equal(enc.ciphertext.length, 12 + dek.length + 16, 'nonce, ciphertext, tag');
      assert.ok(!enc.ciphertext.includes(dek), 'encrypted');
      const again = await p.client.encrypt(dek, 'uid-2');
      assert.ok(!again.ciphertext.equals(enc.ciphertext), 'a fresh nonce each time');

      const plain = await p.client.decrypt({ ciphertext: enc.ciphertext, uid: 'uid-3', keyId: enc.keyId, annotations: {} });
      assert.ok(Buffer.isBuffer(plain));
      assert.ok(plain.equals(dek));

      // The key ID is authenticated data: the same ciphertext does not pass under another ID.
      const tampered = Buffer.from(enc.ciphertext);
      tampered[20]! ^= 1;
      const msg = await oneLine(() => p.client.decrypt({ ciphertext: tampered, uid: '', keyId: enc.keyId, annotations: {} }));
      assert.match(msg, /^KMS plugin at unix:\/\/\S+ failed Decrypt: ciphertext under key ID local-kek-\w+ failed authentication .*: restore /);
    } finally {
      await p.stop();
    }
    assert.ok(!fs.existsSync(p.sock), 'close() removes the socket');
  });

  it('answers in the bytes api.proto numbers (what kube-apiserver sends and reads)', async () => {
    const p = await plugin();
    const raw = new grpc.Client(p.server.address, grpc.credentials.createInsecure());
    const id = (b: Buffer) => b;
    const call = (method: string, body: Buffer) => new Promise<Buffer>((resolve, reject) => {
      raw.makeUnaryRequest(`/v2.KeyManagementService/${method}`, id, id, body, new grpc.Metadata(), { deadline: Date.now() + 3000 }, (err, res) => (err ? reject(err) : resolve(res!)));
    });
    // Length-delimited fields: tag (field << 3 | 2), length, bytes.
    const field = (no: number, v: string | Buffer) => {
      const b = Buffer.from(v);
      return Buffer.concat([Buffer.from([(no << 3) | 2, b.length]), b]);
    };
    const fields = (msg: Buffer) => {
      const out = new Map<number, Buffer>();
      for (let i = 0; i < msg.length;) {
        const no = msg[i]! >> 3;
        const len = msg[i + 1]!;
        out.set(no, msg.subarray(i + 2, i + 2 + len));
        i += 2 + len;
      }
      return out;
    };
    try {
      const status = fields(await call('Status', Buffer.alloc(0)));
      assert.equal(status.get(1)?.toString(), 'v2');
      assert.equal(status.get(2)?.toString(), 'ok');
      const keyId = status.get(3)!.toString();
      assert.match(keyId, /^local-kek-/);

      const enc = fields(await call('Encrypt', Buffer.concat([field(1, 'the-dek'), field(2, 'uid')])));
      assert.equal(enc.get(2)?.toString(), keyId, 'EncryptResponse.key_id is field 2');
      assert.equal(enc.has(3), false, 'no annotations');
      const dec = fields(await call('Decrypt', Buffer.concat([field(1, enc.get(1)!), field(2, 'uid'), field(3, keyId)])));
      assert.equal(dec.get(1)?.toString(), 'the-dek');

      await assert.rejects(call('Decrypt', field(2, 'uid')), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
        assert.match(err.details, /^Decrypt request has no key ID: /);
        return true;
      });
    } finally {
      raw.close();
      await p.stop();
    }
  });

  it('refuses a KEK file others may read, and a malformed one, in one line naming the file', async () => {
    const p = place();
    localKekService(p.kek);
    fs.chmodSync(p.kek, 0o644);
    const msg = await oneLine(async () => localKekService(p.kek));
    assert.equal(msg, `KEK file ${p.kek} is readable by others (mode 0644): chmod 600 ${p.kek}`);
    await oneLine(async () => rotateKek(p.kek));

    fs.chmodSync(p.kek, 0o600);
    const [key] = keysOf(p.kek);
    const text = fs.readFileSync(p.kek, 'utf8');
    fs.writeFileSync(p.kek, text.slice(0, -10));
    const bad = await oneLine(async () => localKekService(p.kek));
    assert.equal(bad, `KEK file ${p.kek} is malformed (not valid JSON): restore it from a backup`);
    assert.ok(!bad.includes(key!.slice(0, 8)), 'the file text (and key) is not quoted');

    const doc = JSON.parse(text) as { keks: { key: string }[] };
    doc.keks[0]!.key = Buffer.alloc(16).toString('base64');
    fs.writeFileSync(p.kek, JSON.stringify(doc));
    assert.match(await oneLine(async () => localKekService(p.kek)), /is malformed \(KEK 1's key is not 32 bytes in base64\)/);
  });

  it('rotation while serving changes the key ID Status reports; old ciphertexts decrypt under their old ID', async () => {
    const p = await plugin();
    try {
      const first = await p.client.status();
      const old = await p.client.encrypt(Buffer.from('dek one'), 'u');
      const r = rotateKek(p.kek);
      assert.deepEqual(r.previous, [first.keyId]);
      assert.equal(mode(p.kek), 0o600);
      assert.equal(keysOf(p.kek).length, 2);

      const second = await p.client.status();
      assert.equal(second.keyId, r.id);
      assert.notEqual(second.keyId, first.keyId);
      const fresh = await p.client.encrypt(Buffer.from('dek two'), 'u');
      assert.equal(fresh.keyId, r.id);
      assert.equal(old.keyId, first.keyId);
      assert.equal((await p.client.decrypt({ ...old, uid: 'u' })).toString(), 'dek one');
      assert.equal((await p.client.decrypt({ ...fresh, uid: 'u' })).toString(), 'dek two');

      // A file made unusable while serving: Status says why instead of failing.
      fs.chmodSync(p.kek, 0o640);
      const sick = await p.client.status();
      assert.match(sick.healthz, /^KEK file .* is readable by others \(mode 0640\): chmod 600 /);
      assert.match(await oneLine(() => p.client.encrypt(Buffer.from('x'), 'u')), /failed Encrypt: KEK file .* is readable by others/);
      fs.chmodSync(p.kek, 0o600);
      assert.equal((await p.client.status()).healthz, 'ok');
    } finally {
      await p.stop();
    }
  });

  it('an unknown key ID fails in one line naming the ID and the KEK file', async () => {
    const p = await plugin();
    try {
      const enc = await p.client.encrypt(Buffer.from('dek'), 'u');
      const msg = await oneLine(() => p.client.decrypt({ ...enc, uid: 'u', keyId: 'local-kek-0000000000000000' }));
      assert.equal(msg, `KMS plugin at unix://${p.sock} failed Decrypt: no KEK with key ID local-kek-0000000000000000 in ${p.kek}: restore the KEK file that held it`);
    } finally {
      await p.stop();
    }
  });

  it('a missing plugin is unreachable in one line; a slow one did not answer within the deadline', async () => {
    const p = place();
    const missing = kmsClient(`unix://${p.sock}`);
    try {
      assert.equal(
        await oneLine(() => missing.status()),
        `KMS plugin at unix://${p.sock} is unreachable (connect ENOENT): start the plugin (warden's own: warden kms-plugin --socket PATH --kek-file FILE)`,
      );
    } finally {
      missing.close();
    }
    assert.throws(() => kmsClient(p.sock), /is not a unix socket: give it as unix:\/\/\/absolute\/path/);

    let release = () => {};
    const hung = new Promise<void>((resolve) => (release = resolve));
    const slow: Pick<KmsService, 'status' | 'encrypt' | 'decrypt'> = {
      status: async () => {
        await hung;
        return { version: 'v2', healthz: 'ok', keyId: 'k' };
      },
      encrypt: () => Promise.reject(new Error('unused')),
      decrypt: () => Promise.reject(new Error('unused')),
    };
    const server = await serveKms(p.sock, slow);
    const client = kmsClient(server.address, { timeoutMs: 300 });
    try {
      assert.match(await oneLine(() => client.status()), /^KMS plugin at unix:\/\/\S+ did not answer Status within 300ms: /);
    } finally {
      release();
      client.close();
      await server.close();
    }
  });

  it('replaces a stale socket a killed plugin left; refuses a socket another plugin serves', async () => {
    const p = place();
    fs.mkdirSync(path.dirname(p.sock), { recursive: true });
    // A process that listens on the socket and is killed: the file stays, nothing answers.
    await new Promise<void>((resolve) => {
      execFile(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(p.sock)}, () => process.kill(process.pid, 'SIGKILL'))`], () => resolve());
    });
    assert.ok(fs.lstatSync(p.sock).isSocket(), 'a stale socket was left');

    const server = await serveKms(p.sock, localKekService(p.kek));
    const client = kmsClient(server.address);
    try {
      assert.equal((await client.status()).healthz, 'ok');
      assert.equal(
        await oneLine(() => serveKms(p.sock, localKekService(p.kek))),
        `a KMS plugin is already serving on unix://${p.sock}: stop it first, or choose another --socket`,
      );
      assert.equal((await client.status()).healthz, 'ok', 'the serving plugin is left alone');
    } finally {
      client.close();
      await server.close();
    }
    fs.writeFileSync(p.sock, 'not a socket');
    assert.match(await oneLine(() => serveKms(p.sock, localKekService(p.kek))), /exists and is not a socket: /);
  });
});

describe('KEK files carried by a backup', () => {
  it('merge back for decryption: the current KEK stays the one that encrypts; a missing file is created 0600; merging twice adds nothing', async () => {
    const dir = tempDir('kek-merge');
    const old = path.join(dir, 'old.json');
    ensureKekFile(old);
    const carried = fs.readFileSync(old, 'utf8');
    const oldId = (JSON.parse(carried) as { keks: { id: string }[] }).keks[0]?.id as string;
    const sealed = await localKekService(old).encrypt(Buffer.from('seed'), 'u1');

    // A plugin that lost it: a new file with another KEK.
    const live = path.join(dir, 'live.json');
    ensureKekFile(live);
    const liveService = localKekService(live);
    const current = (await liveService.status()).keyId;
    await assert.rejects(liveService.decrypt({ ciphertext: sealed.ciphertext, uid: 'u2', keyId: oldId, annotations: {} }), /no KEK with key ID/);
    assert.deepEqual(mergeKeks(live, carried, 'the backup'), [oldId]);
    assert.deepEqual(mergeKeks(live, carried, 'the backup'), []);
    assert.equal((await liveService.status()).keyId, current, 'the current KEK still encrypts');
    assert.deepEqual(await liveService.decrypt({ ciphertext: sealed.ciphertext, uid: 'u3', keyId: oldId, annotations: {} }), Buffer.from('seed'));

    const fresh = path.join(dir, 'sub', 'fresh.json');
    assert.deepEqual(mergeKeks(fresh, carried, 'the backup'), [oldId]);
    assert.equal(fs.statSync(fresh).mode & 0o777, 0o600);
    assert.throws(() => mergeKeks(live, '{"kind":"WardenKEKs","keks":[{"id":"x","key":"c2VjcmV0","createdAt":"t"}]}', 'the backup'), (e: unknown) => e instanceof WardenError && /^the backup is malformed/.test(e.message) && !e.message.includes('c2VjcmV0'));
    // A change killed with -9 left its lock: the next one takes it over; a live holder is waited for.
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    fs.writeFileSync(`${live}.lock`, `${dead}\n`);
    assert.deepEqual(mergeKeks(live, carried, 'the backup'), []);
    assert.ok(!fs.existsSync(`${live}.lock`));
    fs.writeFileSync(`${live}.lock`, `${process.pid}\n`);
    assert.throws(() => rotateKek(live), /another change of \S+ is in progress \(\S+\.lock, held by pid \d+\): wait for it/);
    fs.rmSync(`${live}.lock`);
  });
});

describe('warden kms-plugin', () => {
  const running: Background[] = [];
  after(async () => {
    for (const b of running) {
      b.kill('SIGKILL');
      await b.exited();
    }
  });

  it('serves, `status` reports it, `rotate` changes its key ID, SIGTERM stops it and removes the socket; no key is ever printed', async () => {
    const p = place();
    const outputs: string[] = [];
    const plugin = new Background(['kms-plugin', '--socket', p.sock, '--kek-file', p.kek]);
    running.push(plugin);
    const [, address, firstId] = await plugin.waitFor(/kms plugin serving on (unix:\/\/\S+) \(key ID (local-kek-[0-9a-f]{16})\)/);
    assert.equal(address, `unix://${p.sock}`);
    assert.equal(mode(p.kek), 0o600);

    const status = await cli(['kms-plugin', 'status', '--socket', p.sock, '-w', 'json']);
    outputs.push(status.stdout, status.stderr);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(JSON.parse(status.stdout), { endpoint: address, version: 'v2', healthz: 'ok', keyId: firstId });

    const rotated = await cli(['kms-plugin', 'rotate', '--kek-file', p.kek]);
    outputs.push(rotated.stdout, rotated.stderr);
    assert.equal(rotated.code, 0, rotated.stderr);
    const newId = /^KEK rotated: new key ID (local-kek-[0-9a-f]{16}) \(kept for decryption: (\S+)\)$/.exec(rotated.stdout.trim());
    assert.ok(newId, rotated.stdout);
    assert.equal(newId[2], firstId);

    const table = await cli(['kms-plugin', 'status', '--socket', p.sock]);
    outputs.push(table.stdout, table.stderr);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`\\| +${newId[1]} \\|`));

    const usage = await cli(['kms-plugin', 'status']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^Error: `warden kms-plugin status` needs --socket PATH: /);

    plugin.kill('SIGTERM');
    assert.equal(await plugin.exited(), 0, plugin.out);
    assert.match(plugin.out, /kms plugin stopped \(SIGTERM\)/);
    assert.ok(!fs.existsSync(p.sock), 'the socket is removed');

    const gone = await cli(['kms-plugin', 'status', '--socket', p.sock]);
    outputs.push(gone.stdout, gone.stderr);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^Error: KMS plugin at unix:\/\/\S+ is unreachable \(connect ENOENT\): start the plugin /);

    outputs.push(plugin.out);
    for (const key of keysOf(p.kek)) {
      for (const o of outputs) assert.ok(!o.includes(key), 'a KEK appears in the output');
    }
  });
});

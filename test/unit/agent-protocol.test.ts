// The agent bootstrap's proofs and the admin's inputs (pure): a proof made for one certificate,
// nonce or kind never passes for another, and the token file and addresses are checked first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { splitAddress } from '../../src/agent/client.ts';
import { readTokenFile } from '../../src/agent/init.ts';
import { bootstrapProof, certificateDigest, proofMatches } from '../../src/agent/protocol.ts';

const TOKEN = 'a-token-of-sufficient-length';
const FP = 'ab'.repeat(32);

describe('agent bootstrap proofs', () => {
  it('a proof passes only for the same token, kind, certificate and nonce', () => {
    const p = bootstrapProof(TOKEN, 'agent', FP, 'nonce-1');
    assert.ok(proofMatches(bootstrapProof(TOKEN, 'agent', FP, 'nonce-1'), p));
    assert.equal(proofMatches(bootstrapProof('another-token-of-length', 'agent', FP, 'nonce-1'), p), false, 'another token');
    assert.equal(proofMatches(bootstrapProof(TOKEN, 'admin', FP, 'nonce-1'), p), false, 'another kind: an admin proof is no agent proof');
    assert.equal(proofMatches(bootstrapProof(TOKEN, 'agent', 'cd'.repeat(32), 'nonce-1'), p), false, 'a man in the middle shows another certificate');
    assert.equal(proofMatches(bootstrapProof(TOKEN, 'agent', FP, 'nonce-2'), p), false, 'a replayed answer to another nonce');
  });

  it('the certificate proof covers the CA and the certificate', () => {
    const p = bootstrapProof(TOKEN, 'certificate', FP, certificateDigest('CA', 'CERT'));
    assert.ok(proofMatches(bootstrapProof(TOKEN, 'certificate', FP, certificateDigest('CA', 'CERT')), p));
    assert.equal(proofMatches(bootstrapProof(TOKEN, 'certificate', FP, certificateDigest('OTHER CA', 'CERT')), p), false);
    assert.equal(proofMatches(bootstrapProof(TOKEN, 'certificate', FP, certificateDigest('CA', 'OTHER')), p), false);
  });

  it('anything but a proof of the right length is refused', () => {
    const p = bootstrapProof(TOKEN, 'admin', FP);
    for (const bad of [undefined, 42, '', p.slice(1), `${p}0`, { p }]) assert.equal(proofMatches(p, bad), false, String(bad));
  });
});

describe('agent addresses and the token file', () => {
  it('addresses are HOST:PORT', () => {
    assert.deepEqual(splitAddress('10.0.0.11:7700'), { host: '10.0.0.11', port: 7700 });
    assert.deepEqual(splitAddress('[fd00::1]:7700'), { host: 'fd00::1', port: 7700 });
    assert.deepEqual(splitAddress('cp-1.example:7700'), { host: 'cp-1.example', port: 7700 });
    for (const bad of ['10.0.0.11', '10.0.0.11:0', '10.0.0.11:70000', 'fd00::1:7700', ':7700']) {
      assert.throws(() => splitAddress(bad), /^WardenError: invalid agent address ".*": give HOST:PORT, e\.g\. 10\.0\.0\.11:7700$/, bad);
    }
  });

  it('the token file must be private, present and long enough', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-'));
    try {
      const file = path.join(dir, 'token');
      assert.throws(() => readTokenFile(file), /^WardenError: cannot read the token file .* \(ENOENT\): create it with/);
      fs.writeFileSync(file, `${TOKEN}\n`, { mode: 0o644 });
      fs.chmodSync(file, 0o644);
      assert.throws(() => readTokenFile(file), /can be read by other users \(mode 644\): run `chmod 600 /);
      fs.chmodSync(file, 0o600);
      assert.equal(readTokenFile(file), TOKEN);
      fs.writeFileSync(file, 'short\n');
      assert.throws(() => readTokenFile(file), /is 5 characters, fewer than 16: write a longer one/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

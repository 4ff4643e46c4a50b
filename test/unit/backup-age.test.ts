// The age edge (src/backup/age.ts) and the in-memory archive, with the real `age` binary: age's
// messages as one line without secrets, recipients checked before anything is written, and a
// static_kuberesources archive that tar reads, that round-trips through age, and that is never
// staged on disk.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ageMessage, checkRecipients, decryptError, requireIdentity } from '../../src/backup/age.ts';
import { readArchive, writeArchive } from '../../src/backup/archive.ts';
import { WardenError } from '../../src/errors.ts';
import { tempDir } from '../helpers/warden.ts';

const FLAGS = { recipient: '--encrypt-to', file: '--encrypt-to-file' };

function keygen(dir: string, name: string): { file: string; recipient: string; secret: string } {
  const file = path.join(dir, name);
  execFileSync('age-keygen', ['-o', file], { stdio: 'ignore' });
  const text = fs.readFileSync(file, 'utf8');
  return { file, recipient: /public key: (age1\S+)/.exec(text)![1]!, secret: /AGE-SECRET-KEY-1\S+/.exec(text)![0] };
}

describe('age edge', () => {
  it("age's messages become one printable line without any secret key", () => {
    assert.equal(ageMessage('age: error: no identity matched any of the recipients\nage: report unexpected or unhelpful errors at https://filippo.io/age/report\n'), 'no identity matched any of the recipients');
    assert.equal(ageMessage('age: error: unknown recipient type: "AGE-SECRET-KEY-1QQQQQ9ZZ"\n'), 'unknown recipient type: "AGE-SECRET-KEY-1..."');
    assert.doesNotMatch(ageMessage('age: error: failed to read header: unexpected intro: "\u00ad\u00be\u0001\n'), /[^\x20-\x7e]/);
    const wrong = decryptError('age: error: no identity matched any of the recipients\n', 'b.db.age', '/k/other.txt');
    assert.ok(wrong instanceof WardenError);
    assert.match(wrong.message, /^b\.db\.age is encrypted to other age recipients: the identity \/k\/other\.txt is not one of them: give --identity/);
    assert.match(decryptError('age: error: reading "/k/x": failed to read "/k/x": error at line 1: unknown identity type\n', 'b', '/k/x').message, /^cannot use the identity file \/k\/x \(age: .*\): give the file age-keygen wrote/);
    assert.match(decryptError('age: error: failed to decrypt and authenticate payload chunk\n', 'b.db.age', '/k/x').message, /^b\.db\.age could not be decrypted .*damaged/);
  });

  it('checks recipients before anything is written: age1 keys and files of them pass, anything else is one line, a secret key is never repeated', () => {
    const dir = tempDir('age-unit');
    const k = keygen(dir, 'key.txt');
    checkRecipients({ recipients: [k.recipient], files: [] }, FLAGS);
    const list = path.join(dir, 'recipients.txt');
    fs.writeFileSync(list, `# comment\n\n${k.recipient}\n`);
    checkRecipients({ recipients: [], files: [list] }, FLAGS);
    assert.throws(() => checkRecipients({ recipients: ['age1xyz'], files: [] }, FLAGS), /^UsageError: invalid --encrypt-to recipient \(age: malformed recipient "age1xyz"/);
    assert.throws(() => checkRecipients({ recipients: [k.secret], files: [] }, FLAGS), (e: unknown) => e instanceof WardenError && !e.message.includes(k.secret) && /given an age identity/.test(e.message));
    assert.throws(() => checkRecipients({ recipients: [], files: [k.file] }, FLAGS), (e: unknown) => e instanceof WardenError && !e.message.includes(k.secret) && /^invalid --encrypt-to-file/.test(e.message));
  });

  it('an encrypted file without an identity names what is needed; a plain file named .age is said to be one', () => {
    const dir = tempDir('age-unit');
    const k = keygen(dir, 'key.txt');
    const enc = path.join(dir, 'x.db.age');
    execFileSync('age', ['-r', k.recipient, '-r', k.recipient, '-o', enc], { input: 'hello' });
    assert.throws(() => requireIdentity(enc, undefined), /x\.db\.age is encrypted to age recipients: give --identity FILE \(an age-keygen identity\) of one of them \(2 X25519 recipients; an age file does not name them\)$/);
    assert.equal(requireIdentity(enc, k.file), k.file);
    assert.throws(() => requireIdentity(enc, path.join(dir, 'none.txt')), /^WardenError: cannot read the identity file .*none\.txt \(ENOENT\)/);
    const plain = path.join(dir, 'p.db.age');
    fs.writeFileSync(plain, 'plain');
    assert.throws(() => requireIdentity(plain, k.file), /p\.db\.age is not an age file/);
  });
});

describe('static_kuberesources archive in memory', () => {
  const entries = (dir: string) => {
    const keyFile = path.join(dir, 'encryption-config.yaml');
    fs.writeFileSync(keyFile, 'secret: c2VjcmV0\n');
    return [{ name: 'encryption/encryption-config.yaml', from: keyFile }, { name: 'manifests/etcd-1.json', content: '{"name":"etcd-1"}' }, { name: 'backup.json', content: '{"revision":7}\n' }];
  };

  it('tar reads what buildArchive makes, and readArchive reads it back', async () => {
    const dir = tempDir('archive-unit');
    const file = path.join(dir, 'static_kuberesources_2026-01-01_000000.tar.gz');
    await writeArchive(file, entries(dir));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).trim().split('\n'), ['encryption/encryption-config.yaml', 'manifests/etcd-1.json', 'backup.json']);
    assert.equal(execFileSync('tar', ['xzOf', file, 'encryption/encryption-config.yaml'], { encoding: 'utf8' }), 'secret: c2VjcmV0\n');
    const files = await readArchive(file);
    assert.equal(files.get('backup.json')?.toString(), '{"revision":7}\n');
    assert.deepEqual([...files.keys()], ['encryption/encryption-config.yaml', 'manifests/etcd-1.json', 'backup.json']);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['encryption-config.yaml', 'static_kuberesources_2026-01-01_000000.tar.gz'], 'no staging folder, no .part');
    const junk = path.join(dir, 'junk.tar.gz');
    fs.writeFileSync(junk, 'not an archive');
    await assert.rejects(readArchive(junk), /junk\.tar\.gz is not a readable tar\.gz archive .*: the backup set is damaged/);
  });

  it('encrypted to a recipient: only ciphertext on disk; age -d gives the tar.gz; readArchive needs the identity', async () => {
    const dir = tempDir('archive-unit');
    const k = keygen(dir, 'key.txt');
    const other = keygen(dir, 'other.txt');
    const file = path.join(dir, 'static_kuberesources_2026-01-01_000000.tar.gz.age');
    await writeArchive(file, entries(dir), { recipients: [k.recipient], files: [] });
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.subarray(0, 22).equals(Buffer.from('age-encryption.org/v1\n')));
    assert.ok(!bytes.includes(Buffer.from('c2VjcmV0')), 'no key material in the clear');
    const plain = execFileSync('age', ['-d', '-i', k.file, file]);
    assert.equal(execFileSync('tar', ['xzO', 'encryption/encryption-config.yaml'], { input: plain, encoding: 'utf8' }), 'secret: c2VjcmV0\n');
    assert.equal((await readArchive(file, k.file)).get('encryption/encryption-config.yaml')?.toString(), 'secret: c2VjcmV0\n');
    await assert.rejects(readArchive(file), /is encrypted to age recipients: give --identity FILE/);
    await assert.rejects(readArchive(file, other.file), /is encrypted to other age recipients: the identity .*other\.txt is not one of them/);
  });
});

// The age format (age-encryption.org/v1) through the reference `age` binary (Debian package
// `age`), the tool users decrypt with by hand: warden pipes plaintext into `age -r ... -R ...`
// (its output goes straight to a file descriptor warden owns) and reads `age -d -i IDENTITY`
// back through a pipe. age runs in its own process, on the other core, while warden streams.
// No cipher code of our own; warden only checks the file's magic line and reads the header's
// stanza types (X25519 stanzas do not name their recipient, so no key can be named).
//
// Messages: age's own error line (never a secret: an identity given where a recipient belongs
// is refused before age sees it, and any `AGE-SECRET-KEY-1...` in age's output is cut).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { Writable, type Readable } from 'node:stream';
import { UsageError, WardenError } from '../errors.ts';
import { requireTool } from '../cluster/binaries.ts';

/** The first line of every age file. */
export const AGE_MAGIC = 'age-encryption.org/v1\n';

/** Who a backup is encrypted to: `-r` recipients (age1..., ssh-ed25519 ...) and `-R` files of them. */
export interface AgeRecipients {
  recipients: string[];
  files: string[];
}

export function hasRecipients(r: AgeRecipients | undefined): r is AgeRecipients {
  return !!r && r.recipients.length + r.files.length > 0;
}

/** The flags a command takes recipients from, for messages (`--encrypt-to`, `--backup-encrypt-to`). */
export interface RecipientFlags {
  recipient: string;
  file: string;
}

const SECRET = /AGE-SECRET-KEY-1[0-9A-Za-z]*/g;

/** Pure: age's error output as one printable line without secrets. */
export function ageMessage(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('age: error:') || (l.length > 0 && !l.startsWith('age: report'))) ?? '';
  const text = line.replace(/^age: error:\s*/, '').replace(SECRET, 'AGE-SECRET-KEY-1...');
  // Binary it quotes (a plain file read as age) and anything long is cut.
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 200 ? `${printable.slice(0, 200)}...` : printable || 'no message';
}

/** Pure: what went wrong decrypting `label` with `identity`, as one line saying what to do. */
export function decryptError(stderr: string, label: string, identity: string): WardenError {
  const msg = ageMessage(stderr);
  if (/no identity matched any of the recipients/.test(msg)) {
    return new WardenError(`${label} is encrypted to other age recipients: the identity ${identity} is not one of them: give --identity with a key the backup was encrypted to`);
  }
  if (msg.includes(`"${identity}"`) || /^reading /.test(msg)) {
    return new WardenError(`cannot use the identity file ${identity} (age: ${msg}): give the file age-keygen wrote (AGE-SECRET-KEY-1...)`);
  }
  if (/passphrase/i.test(msg)) {
    return new WardenError(`the identity file ${identity} is protected by a passphrase and no terminal can ask for it (age: ${msg}): run the command in a terminal, or give an unprotected identity`);
  }
  if (/header|intro/.test(msg)) return new WardenError(`${label} is not a readable age file (age: ${msg}): the backup is damaged; use another backup set`);
  return new WardenError(`${label} could not be decrypted (age: ${msg}): the file is damaged or incomplete; use another backup set`);
}

function ageBinary(): string {
  return requireTool('age');
}

function recipientArgs(r: AgeRecipients): string[] {
  return [...r.recipients.flatMap((x) => ['-r', x]), ...r.files.flatMap((f) => ['-R', f])];
}

/** Collects a child's stderr (bounded: age prints a line or two). */
function stderrOf(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (text.length < 16_384) text += d.toString('utf8');
  });
  return () => text;
}

/** Resolves with the exit code (or signal) once the child has exited and its stderr is read. */
function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

/**
 * Checks the recipients before anything is written (synchronously: it runs once, when a command
 * or the operator starts): an identity (secret key) given as a recipient is refused without
 * being printed; the rest is what age itself accepts (it encrypts nothing to them and exits), so
 * its rules and messages hold (age1..., ssh keys, comment lines in a file).
 */
export function checkRecipients(r: AgeRecipients, flags: RecipientFlags): void {
  for (const x of r.recipients) {
    if (/^AGE-SECRET-KEY-/i.test(x.trim())) {
      throw new UsageError(`${flags.recipient} was given an age identity (a secret key), not a recipient: give its public key (\`age-keygen -y FILE\` prints it); the key was not printed, but treat it as exposed if it was typed where others can see`);
    }
  }
  const res = spawnSync(ageBinary(), recipientArgs(r), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 30_000 });
  if (res.status === 0) return;
  const msg = res.error ? res.error.message : ageMessage(res.stderr ?? '');
  const fromFile = /recipient file|recipients file/.test(msg);
  throw new UsageError(fromFile
    ? `invalid ${flags.file} (age: ${msg}): give a file of age public keys (age1..., as age-keygen prints them), one a line; # starts a comment`
    : `invalid ${flags.recipient} recipient (age: ${msg}): give age public keys (age1..., as age-keygen prints them) or SSH public keys`);
}

/** An age process encrypting what is written to `input` into the file descriptor it was given. */
export interface AgeEncryption {
  input: Writable;
  /** Resolves when age exited cleanly; rejects with age's message. */
  done: Promise<void>;
  /** Stops age (the output is then incomplete). */
  kill(): void;
}

/** Starts `age -r ... -R ...` writing the ciphertext into `fd` (which stays the caller's). */
export function encryptInto(r: AgeRecipients, fd: number, label: string): AgeEncryption {
  const child = spawn(ageBinary(), recipientArgs(r), { stdio: ['pipe', fd, 'pipe'] });
  const err = stderrOf(child);
  const done = exited(child).then(({ code, signal }) => {
    if (code === 0) return;
    throw new WardenError(`age could not encrypt ${label} (${signal ? `killed by ${signal}` : `age: ${ageMessage(err())}`}); nothing was written: check the disk and retry`);
  });
  done.catch(() => undefined);
  const pipe = child.stdin as Writable;
  // A dead age closes the pipe: its exit status, not EPIPE, says why.
  pipe.on('error', () => undefined);
  return { input: batchedWrites(pipe), done, kill: () => child.kill('SIGKILL') };
}

/** Bytes handed to age's pipe in one writev. */
const WRITE_BATCH = 1 << 20;

/**
 * A Writable over `pipe` that passes the chunks on, uncopied, WRITE_BATCH bytes at a time in one
 * writev: a snapshot streams in 32 KiB chunks, and a write into the pipe each costs the main
 * thread 3x the CPU of 1 MiB writes (measured: ~200 vs ~65 ms per 100 MB).
 */
function batchedWrites(pipe: Writable): Writable {
  let pending: Buffer[] = [];
  let bytes = 0;
  /** Calls `cb` once the pipe took `event` (drain, finish) or closed first (age died: its exit says why). */
  const after = (event: string, cb: (err?: Error | null) => void) => {
    const onEvent = () => {
      pipe.off('close', onClose);
      cb();
    };
    const onClose = () => {
      pipe.off(event, onEvent);
      cb(new Error('age closed its input'));
    };
    pipe.once(event, onEvent);
    pipe.once('close', onClose);
  };
  const flush = (cb: (err?: Error | null) => void) => {
    if (pipe.destroyed) return cb(new Error('age closed its input'));
    pipe.cork();
    for (const b of pending) pipe.write(b);
    pending = [];
    bytes = 0;
    pipe.uncork();
    if (pipe.writableNeedDrain) after('drain', cb);
    else cb();
  };
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending.push(chunk);
      bytes += chunk.length;
      if (bytes >= WRITE_BATCH) flush(cb);
      else cb();
    },
    final(cb) {
      flush((err) => {
        if (err) return cb(err);
        pipe.end();
        after('finish', cb);
      });
    },
    destroy(err, cb) {
      pipe.destroy();
      cb(err);
    },
  });
}

/** An age process decrypting a file (or what is written to `input`) to `output`. */
export interface AgeDecryption {
  output: Readable;
  /** Only when decrypting a stream. */
  input?: Writable;
  done: Promise<void>;
  kill(): void;
}

/**
 * Starts `age -d -i identity` on `source` (a file, or a stream written to `input`); `label`
 * names the encrypted file in messages. Failures are one line: another recipient's key, a
 * bad identity file, a damaged file.
 */
export function decrypt(identity: string, source: { file: string } | { stream: true }, label: string): AgeDecryption {
  const args = ['-d', '-i', identity, ...('file' in source ? [source.file] : [])];
  const child = spawn(ageBinary(), args, { stdio: ['file' in source ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const err = stderrOf(child);
  const done = exited(child).then(({ code, signal }) => {
    if (code === 0) return;
    if (signal) throw new WardenError(`age was stopped (${signal}) while decrypting ${label}: run the command again`);
    throw decryptError(err(), label, identity);
  });
  done.catch(() => undefined);
  const input = child.stdin ?? undefined;
  input?.on('error', () => undefined);
  return { output: child.stdout as Readable, ...(input ? { input } : {}), done, kill: () => child.kill('SIGKILL') };
}

/** Checks the identity file before age runs: a missing or unreadable file is one line. */
export function checkIdentityFile(identity: string): void {
  try {
    const st = fs.statSync(identity);
    if (!st.isFile()) throw Object.assign(new Error(), { code: 'EISDIR' });
    fs.accessSync(identity, fs.constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new WardenError(`cannot read the identity file ${identity} (${code}): give --identity the file age-keygen wrote`);
  }
}

/** The recipient stanza types in an age file's header (e.g. ["X25519", "X25519"]); undefined when it is not an age file. */
export function ageStanzas(file: string): string[] | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new WardenError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path`);
  }
  try {
    const buf = Buffer.alloc(16 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('latin1');
    if (!head.startsWith(AGE_MAGIC)) return undefined;
    const stanzas: string[] = [];
    for (const line of head.slice(AGE_MAGIC.length).split('\n')) {
      if (line.startsWith('---')) break;
      const m = /^-> (\S+)/.exec(line);
      if (m) stanzas.push(m[1] as string);
    }
    return stanzas;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The one line for an encrypted file read without an identity, or a file named .age that is
 * not one (checked first, so age never reads plaintext as its header).
 */
export function requireIdentity(file: string, identity: string | undefined): string {
  const stanzas = ageStanzas(file);
  if (!stanzas) throw new WardenError(`${file} is not an age file (it does not start with "age-encryption.org/v1"): the backup is damaged, or was renamed; use another backup set`);
  if (identity === undefined) {
    const kinds = [...new Set(stanzas)].join(', ');
    const n = stanzas.length;
    throw new WardenError(`${file} is encrypted to age recipients: give --identity FILE (an age-keygen identity) of one of them (${n} ${kinds || 'unknown'} recipient${n === 1 ? '' : 's'}; an age file does not name them)`);
  }
  checkIdentityFile(identity);
  return identity;
}

/** Whether `file` starts with the age magic line (false when it cannot be read: the caller's own open names why). */
export function isAgeFile(file: string): boolean {
  try {
    return ageStanzas(file) !== undefined;
  } catch {
    return false;
  }
}

/** Decrypts a small age file held in memory (an archive fetched from S3); at most `maxBytes` of plaintext. */
export async function decryptBuffer(bytes: Buffer, identity: string | undefined, label: string, maxBytes: number): Promise<Buffer> {
  if (!bytes.subarray(0, AGE_MAGIC.length).equals(Buffer.from(AGE_MAGIC))) {
    throw new WardenError(`${label} is not an age file (it does not start with "age-encryption.org/v1"): the backup is damaged, or was renamed; use another backup set`);
  }
  if (identity === undefined) throw new WardenError(`${label} is encrypted to age recipients: give --identity FILE (an age-keygen identity)`);
  checkIdentityFile(identity);
  const age = decrypt(identity, { stream: true }, label);
  const chunks: Buffer[] = [];
  let size = 0;
  age.output.on('data', (c: Buffer) => {
    size += c.length;
    if (size > maxBytes) age.kill();
    else chunks.push(c);
  });
  const ended = new Promise<void>((resolve, reject) => {
    age.output.once('end', resolve);
    age.output.once('error', reject);
  });
  age.input?.end(bytes);
  await age.done;
  await ended;
  return Buffer.concat(chunks);
}

/**
 * Decrypts a small age file held in memory synchronously (a sealed revision-log segment, read by
 * a restore that reads nothing else meanwhile).
 */
export function decryptBufferSync(bytes: Buffer, identity: string, label: string): Buffer {
  if (!bytes.subarray(0, AGE_MAGIC.length).equals(Buffer.from(AGE_MAGIC))) {
    throw new WardenError(`${label} is not an age file (it does not start with "age-encryption.org/v1"): it is damaged, or was renamed`);
  }
  checkIdentityFile(identity);
  const res = spawnSync(ageBinary(), ['-d', '-i', identity], { input: bytes, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  if (res.error) throw new WardenError(`age could not decrypt ${label} (${res.error.message}): run the command again`);
  if (res.status !== 0) throw decryptError(res.stderr.toString('utf8'), label, identity);
  return res.stdout;
}

/** The recipients given by a command's repeatable flags, or undefined when none were. */
export function recipientsOf(recipients: string[] | undefined, files: string[] | undefined): AgeRecipients | undefined {
  const r = { recipients: recipients ?? [], files: files ?? [] };
  return hasRecipients(r) ? r : undefined;
}

/** commander's collector for a repeatable flag. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

// warden's own KMS v2 plugin: key-encryption keys (KEKs) in a local file, AES-256-GCM. The file
// ({"kind": "WardenKEKs", "keks": [{id, key, createdAt}, ...]}, mode 0600) keeps every KEK ever
// used, oldest first; the last one encrypts, any of them decrypts what it encrypted. Rotation
// appends a KEK; a running plugin picks the file up again when it changes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WardenError, errorMessage } from '../../errors.ts';
import { fsyncDir, pidAlive, writeFileAtomic } from '../../util/fsutil.ts';
import { KmsRequestError } from './grpc.ts';
import type { KmsService } from './service.ts';

const KIND = 'WardenKEKs';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

interface Kek {
  id: string;
  key: Buffer;
  createdAt: string;
}

interface KekFile {
  kind: typeof KIND;
  keks: { id: string; key: string; createdAt: string }[];
}

/**
 * A KEK's ID: reveals nothing of the key (an HMAC under it) yet differs for every key, so a
 * re-created file never reuses the ID of a key it lost.
 */
export function kekId(key: Buffer): string {
  return `local-kek-${crypto.createHmac('sha256', key).update('warden kms key id').digest('hex').slice(0, 16)}`;
}

function newKek(): Kek {
  const key = crypto.randomBytes(KEY_BYTES);
  return { id: kekId(key), key, createdAt: new Date().toISOString() };
}

function serialize(keks: Kek[]): string {
  const doc: KekFile = { kind: KIND, keks: keks.map((k) => ({ id: k.id, key: k.key.toString('base64'), createdAt: k.createdAt })) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Where a backup's keys archive carries a KEK file (`backup --include-kek`). */
export const KEK_ENTRY = 'kms/kek.json';

/** A KEK file's text, checked as the plugin checks it (for a backup to carry). */
export function kekFileText(file: string): string {
  readKeks(file);
  return fs.readFileSync(file, 'utf8');
}

/** The KEKs in `file`, checked: mode 0600 (or stricter), well formed, each ID that of its key. Never echoes the file's text. */
function readKeks(file: string): Kek[] {
  let text: string;
  try {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new WardenError(`KEK file ${file} is ${mode & 0o044 ? 'readable' : 'writable'} by others (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 ${file}`);
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof WardenError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WardenError(`KEK file ${file} does not exist: check --kek-file (the plugin creates it on its first start)`);
    throw new WardenError(`cannot read KEK file ${file} (${code ?? errorMessage(err)}): check its owner and permissions`);
  }
  return parseKeks(text, `KEK file ${file}`);
}

/** KEKs from a KEK file's text (`what` names it in errors); never echoes the text. */
function parseKeks(text: string, what: string): Kek[] {
  const bad = (problem: string) => new WardenError(`${what} is malformed (${problem}): restore it from a backup`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which holds keys: not repeated.
    throw bad('not valid JSON');
  }
  const d = doc as Partial<KekFile> | null;
  if (typeof d !== 'object' || d === null || d.kind !== KIND) throw bad(`kind is not "${KIND}"`);
  if (!Array.isArray(d.keks) || d.keks.length === 0) throw bad('no KEKs in "keks"');
  const seen = new Set<string>();
  return d.keks.map((e: unknown, i) => {
    const k = e as Partial<KekFile['keks'][number]> | null;
    const at = `KEK ${i + 1}`;
    if (typeof k !== 'object' || k === null || typeof k.id !== 'string' || typeof k.key !== 'string' || typeof k.createdAt !== 'string') {
      throw bad(`${at} needs the strings id, key and createdAt`);
    }
    const key = Buffer.from(k.key, 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== k.key) throw bad(`${at}'s key is not ${KEY_BYTES} bytes in base64`);
    if (kekId(key) !== k.id) throw bad(`${at}'s id ${k.id} is not its key's`);
    if (seen.has(k.id)) throw bad(`${at} repeats the id ${k.id}`);
    seen.add(k.id);
    return { id: k.id, key, createdAt: k.createdAt };
  });
}

/**
 * Creates `file` with one new KEK unless it exists; true when it did. The file appears whole
 * and only once: written aside, then hard-linked into place, which fails if another process
 * created it meanwhile (its KEK is kept, never overwritten).
 */
export function ensureKekFile(file: string): boolean {
  if (fs.existsSync(file)) return false;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new WardenError(`cannot create KEK file ${file} (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}): choose a --kek-file in a folder you may write`);
  }
  return createExclusive(file, serialize([newKek()]));
}

/** Writes `text` to `file` (0600) only if it does not exist: aside, then hard-linked into place. */
function createExclusive(file: string, text: string): boolean {
  if (fs.existsSync(file)) return false;
  const part = `${file}.${process.pid}.new`;
  try {
    writeFileAtomic(part, text, 0o600);
    fs.linkSync(part, file);
    fsyncDir(path.dirname(file));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new WardenError(`cannot create KEK file ${file} (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}): choose a --kek-file in a folder you may write`);
  } finally {
    fs.rmSync(part, { force: true });
  }
}

/**
 * Appends a new KEK to `file`: it encrypts from then on; the earlier ones (`previous`, oldest
 * first) stay for decryption. One rotation at a time (`<file>.lock`), so none is lost.
 */
export function rotateKek(file: string): { id: string; previous: string[] } {
  return withKekLock(file, () => {
    const keks = readKeks(file);
    const next = newKek();
    writeFileAtomic(file, serialize([...keks, next]), 0o600);
    return { id: next.id, previous: keks.map((k) => k.id) };
  });
}

/**
 * Puts the KEKs of `text` (a KEK file a backup carried) into `file` for decryption: the ones it
 * lacks go in before its current KEK, which stays the one that encrypts; a missing file is
 * created with them (0600). Idempotent. Returns the IDs added.
 */
export function mergeKeks(file: string, text: string, source: string): string[] {
  const incoming = parseKeks(text, source);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  return withKekLock(file, () => {
    // Absent: created whole, and only if no plugin created it meanwhile (then merged into that).
    if (createExclusive(file, serialize(incoming))) return incoming.map((k) => k.id);
    const keks = readKeks(file);
    const have = new Set(keks.map((k) => k.id));
    const added = incoming.filter((k) => !have.has(k.id));
    if (added.length) writeFileAtomic(file, serialize([...keks.slice(0, -1), ...added, ...keks.slice(-1)]), 0o600);
    return added.map((k) => k.id);
  });
}

/**
 * Runs `fn` holding `<file>.lock`, which holds its holder's pid. A lock whose holder died (a
 * change killed with -9) is taken over, so running the command again finishes it. The lock
 * appears whole (written aside, then hard-linked into place); a stale one is taken by renaming
 * it away (only one taker can), and a lock is removed only by the process whose file it is.
 */
function withKekLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const mine = `${lock}.${process.pid}`;
  let ino: number | undefined;
  try {
    fs.writeFileSync(mine, `${process.pid}\n`, { mode: 0o600 });
    for (let attempt = 0; ino === undefined; attempt++) {
      try {
        fs.linkSync(mine, lock);
        ino = fs.statSync(mine).ino;
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new WardenError(`cannot lock KEK file ${file} (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}): check --kek-file and its folder's permissions`);
      }
      const holder = readPid(lock);
      if (holder === 'gone' && attempt < 5) continue;
      if (attempt < 5 && typeof holder === 'number' && !pidAlive(holder)) {
        // Renamed away by one taker only; if what it took was not the dead holder's, it goes back.
        const taken = `${lock}.stale.${process.pid}`;
        try {
          fs.renameSync(lock, taken);
        } catch {
          continue;
        }
        const took = readPid(taken);
        if (took !== holder) {
          try {
            fs.linkSync(taken, lock);
          } catch {
            /* another lock is in place: ours to wait for */
          }
        }
        fs.rmSync(taken, { force: true });
        continue;
      }
      throw new WardenError(`another change of ${file} is in progress (${lock}, held by pid ${typeof holder === 'number' ? holder : '?'}): wait for it, or remove ${lock} if none runs`);
    }
    return fn();
  } finally {
    fs.rmSync(mine, { force: true });
    try {
      if (ino !== undefined && fs.statSync(lock).ino === ino) fs.rmSync(lock, { force: true });
    } catch {
      /* already gone */
    }
  }
}

/** The pid in a lock file; 'gone' when the file is not there (released meanwhile). */
function readPid(lock: string): number | 'gone' | undefined {
  try {
    const n = Number(fs.readFileSync(lock, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
}

/** The printable form of a key ID from a request (one line, bounded). */
function shown(id: string): string {
  const clean = id.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 80)}...` : clean;
}

/**
 * The local-KEK plugin over `file` (created with one KEK when absent). The file is read again
 * whenever it changed (inode, size or mtime), so a rotation takes effect while it serves; once
 * it is unreadable or invalid, Status reports why as healthz and Encrypt/Decrypt fail.
 */
export function localKekService(file: string): KmsService {
  const abs = path.resolve(file);
  ensureKekFile(abs);
  let cached: { stamp: string; keks: Kek[] } | undefined;
  const keks = (): Kek[] => {
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      return readKeks(abs); // says why
    }
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.mode}`;
    if (cached?.stamp !== stamp) cached = { stamp, keks: readKeks(abs) };
    return cached.keks;
  };
  keks(); // a bad file fails the start

  return {
    async status() {
      try {
        return { version: 'v2', healthz: 'ok', keyId: keks().at(-1)!.id };
      } catch (err) {
        return { version: 'v2', healthz: errorMessage(err), keyId: cached?.keks.at(-1)?.id ?? '' };
      }
    },
    async encrypt(plaintext) {
      const kek = keks().at(-1)!;
      const nonce = crypto.randomBytes(NONCE_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', kek.key, nonce);
      // The key ID is authenticated with the data: a ciphertext presented under another ID fails.
      cipher.setAAD(Buffer.from(kek.id));
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { ciphertext: Buffer.concat([nonce, ct, cipher.getAuthTag()]), keyId: kek.id, annotations: {} };
    },
    async decrypt(req) {
      const kek = keks().find((k) => k.id === req.keyId);
      if (!kek) throw new KmsRequestError(`no KEK with key ID ${shown(req.keyId)} in ${abs}: restore the KEK file that held it`);
      const c = req.ciphertext;
      if (c.length < NONCE_BYTES + TAG_BYTES) {
        throw new KmsRequestError(`ciphertext of ${c.length} bytes under key ID ${kek.id} is too short (at least ${NONCE_BYTES + TAG_BYTES}): it was not written by this plugin`);
      }
      const decipher = crypto.createDecipheriv('aes-256-gcm', kek.key, c.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(kek.id));
      decipher.setAuthTag(c.subarray(c.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(c.subarray(NONCE_BYTES, c.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new KmsRequestError(`ciphertext under key ID ${kek.id} failed authentication (corrupted, or not written with that KEK): restore the data from a backup`);
      }
    },
    close() {},
  };
}

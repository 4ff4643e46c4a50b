// The revision log on disk (DIR/revlog/): listing, reading and checking segments, sealing the
// open one, and finishing what a killed recorder left (a torn last line, a seal half done).
// Reading checks what writing promised: a sealed segment's sha256, one line per revision,
// revisions in a row within a segment and from one segment to the next unless a header says
// where the log starts again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { WardenError } from '../errors.ts';
import { decryptBufferSync, encryptInto, type AgeRecipients } from '../backup/age.ts';
import { fsyncDir, writeFileAtomic } from '../util/fsutil.ts';
import {
  decodeHeader, decodeRecord, openSegmentName, parseNameTime, parseOpenName, parseSealedName, sealedSegmentName,
  type LogRecord, type SegmentHeader,
} from './format.ts';

export const REVLOG_DIR = 'revlog';

export function revlogDir(backupDir: string): string {
  return path.join(backupDir, REVLOG_DIR);
}

/**
 * Where the open segments of an encrypted log lie: in the state dir (`<state>/revlog/<cluster>`),
 * never in the clear in the backup dir (which may be shared, and is shipped). Sealed segments,
 * encrypted, go to the backup dir's revlog/ as plain ones do.
 */
export function openLogDir(stateRoot: string): string {
  return path.join(stateRoot, REVLOG_DIR);
}

/** One cluster's log: its sealed segments in `dir`, its open one there or, for an encrypted log, in `openDir`. */
export interface LogPlace {
  dir: string;
  openDir?: string;
}

const placeOf = (p: string | LogPlace): LogPlace => (typeof p === 'string' ? { dir: p } : p);

/** Whether a sealed segment is encrypted (age, to the operator's --backup-encrypt-to recipients). */
export const isEncryptedSegment = (name: string): boolean => name.endsWith('.age');

export interface SegmentInfo {
  name: string;
  path: string;
  sealed: boolean;
  /** First and last revision it holds (an open segment without revisions yet: last = first - 1). */
  first: number;
  last: number;
  firstTime?: number;
  lastTime?: number;
}

export interface ReadSegment {
  header: SegmentHeader;
  records: LogRecord[];
  /** Bytes of whole lines (an open segment's torn last line is not counted). */
  validBytes: number;
  torn: boolean;
}

const sha256Of = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

/** Parses a segment's text: a header, then records; in an open segment a torn last line is dropped. */
export function parseSegment(text: Buffer, name: string, open: boolean): ReadSegment {
  const lines: string[] = [];
  let pos = 0;
  let torn = false;
  while (pos < text.length) {
    const nl = text.indexOf(0x0a, pos);
    if (nl < 0) {
      torn = true;
      break;
    }
    lines.push(text.toString('utf8', pos, nl));
    pos = nl + 1;
  }
  const bad = (i: number, err: unknown): WardenError =>
    new WardenError(`revision log segment ${name} is damaged at line ${i + 1} (${(err as Error).message}): restore to a revision before it, or from a full snapshot`);
  if (lines.length === 0) {
    if (open) return { header: { v: 1, first: parseOpenName(name) ?? 0 }, records: [], validBytes: 0, torn };
    throw bad(0, new Error('empty'));
  }
  let header: SegmentHeader;
  try {
    header = decodeHeader(lines[0] as string);
  } catch (err) {
    throw bad(0, err);
  }
  const records: LogRecord[] = [];
  let expect = header.first;
  let validBytes = Buffer.byteLength(lines[0] as string) + 1;
  for (let i = 1; i < lines.length; i++) {
    let r: LogRecord;
    try {
      r = decodeRecord(lines[i] as string);
    } catch (err) {
      // A killed recorder can leave a torn line only at the very end of the open segment.
      if (open && i === lines.length - 1) {
        torn = true;
        break;
      }
      throw bad(i, err);
    }
    if (r.kind === 'revision') {
      if (r.record.revision !== expect) throw bad(i, new Error(`revision ${r.record.revision} where ${expect} comes next`));
      expect++;
    }
    records.push(r);
    validBytes += Buffer.byteLength(lines[i] as string) + 1;
  }
  return { header, records, validBytes, torn };
}

/**
 * Reads a segment, checking a sealed one against its sha256 file first (the file as stored: for
 * an encrypted one, its ciphertext), then decrypting an encrypted one with `identity`.
 */
export function readSegment(info: Pick<SegmentInfo, 'name' | 'path' | 'sealed'>, identity?: string): ReadSegment {
  if (!info.sealed) {
    let text: Buffer;
    try {
      text = fs.readFileSync(info.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw err; // sealed meanwhile: the caller lists again
      throw new WardenError(`revision log segment ${info.name} cannot be read (${code ?? (err as Error).message}): check ${path.dirname(info.path)} and its permissions`);
    }
    return parseSegment(text, info.name, true);
  }
  let gz: Buffer;
  let sum: string;
  try {
    gz = fs.readFileSync(info.path);
    sum = fs.readFileSync(`${info.path}.sha256`, 'utf8').split(/\s+/)[0] ?? '';
  } catch (err) {
    throw new WardenError(`revision log segment ${info.name} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): restore to a revision before it, or from a full snapshot`);
  }
  if (sha256Of(gz) !== sum) {
    throw new WardenError(`revision log segment ${info.name} does not match its sha256 (${info.name}.sha256): it was changed or damaged; restore to a revision before it, or from a full snapshot`);
  }
  if (isEncryptedSegment(info.name)) {
    if (identity === undefined) throw new WardenError(`revision log segment ${info.name} is encrypted to age recipients: give --identity FILE (an age-keygen identity of one of them)`);
    gz = decryptBufferSync(gz, identity, `revision log segment ${info.name}`);
  }
  let text: Buffer;
  try {
    text = zlib.gunzipSync(gz);
  } catch (err) {
    throw new WardenError(`revision log segment ${info.name} does not decompress (${(err as Error).message}): restore to a revision before it, or from a full snapshot`);
  }
  const seg = parseSegment(text, info.name, false);
  const named = parseSealedName(info.name);
  const revs = seg.records.filter((r) => r.kind === 'revision');
  const last = seg.header.first + revs.length - 1;
  if (named && (named.first !== seg.header.first || named.last !== last)) {
    throw new WardenError(`revision log segment ${info.name} holds revisions ${seg.header.first} to ${last}, not what its name says: restore to a revision before it, or from a full snapshot`);
  }
  return seg;
}

/** The names in `dir`; none when it does not exist (yet). */
export function namesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** The clusters' folders under the log's root (DIR/revlog/<cluster ID>). */
export function clusterDirs(root: string): { cluster: string; dir: string }[] {
  return namesIn(root)
    .filter((n) => /^[0-9a-f]+$/.test(n) && fs.statSync(path.join(root, n)).isDirectory())
    .map((n) => ({ cluster: n, dir: path.join(root, n) }));
}

/**
 * The segments of a cluster's log (its folder, or its place), in first-revision order (sealed
 * before open). Leftover temp files are ignored.
 */
export function listSegments(place: string | LogPlace): SegmentInfo[] {
  const { dir, openDir } = placeOf(place);
  const names = namesIn(dir);
  const out: SegmentInfo[] = [];
  // Sealed segments lie in `dir` only; an open one in either.
  const entries = [...names.map((name) => ({ name, dir, sealedHere: true })), ...(openDir && openDir !== dir ? namesIn(openDir).map((name) => ({ name, dir: openDir, sealedHere: false })) : [])];
  for (const { name, dir, sealedHere } of entries) {
    const s = sealedHere ? parseSealedName(name) : undefined;
    if (s && names.includes(`${name}.sha256`)) {
      out.push({ name, path: path.join(dir, name), sealed: true, first: s.first, last: s.last, firstTime: parseNameTime(s.firstTime), lastTime: parseNameTime(s.lastTime) });
      continue;
    }
    const first = parseOpenName(name);
    if (first !== undefined) {
      let seg: ReadSegment;
      try {
        seg = readSegment({ name, path: path.join(dir, name), sealed: false });
      } catch (err) {
        // Sealed and removed as we looked: the sealed one is listed (or will be, next time).
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      const revs = seg.records.filter((r) => r.kind === 'revision');
      const info: SegmentInfo = { name, path: path.join(dir, name), sealed: false, first, last: first + revs.length - 1 };
      if (revs[0]?.kind === 'revision') info.firstTime = revs[0].record.time;
      const lastRev = revs[revs.length - 1];
      if (lastRev?.kind === 'revision') info.lastTime = lastRev.record.time;
      out.push(info);
    }
  }
  return out.sort((a, b) => a.first - b.first || Number(a.sealed) - Number(b.sealed));
}

/**
 * Seals the open segment at `file` into `opts.into` (default: its own folder): its whole lines,
 * gzip-compressed (then encrypted by age to `opts.encryptTo`, when given), written and fsynced
 * under the name of its revisions, then its sha256 file; the open file is removed last. A kill
 * at any point leaves either the open segment (sealed again on the next start) or the sealed one.
 */
export async function sealSegment(file: string, opts: { into?: string; encryptTo?: AgeRecipients } = {}): Promise<SegmentInfo | undefined> {
  const dir = opts.into ?? path.dirname(file);
  const name = path.basename(file);
  const seg = parseSegment(fs.readFileSync(file), name, true);
  const revs = seg.records.flatMap((r) => (r.kind === 'revision' ? [r.record] : []));
  const firstRev = revs[0];
  const lastRev = revs[revs.length - 1];
  if (!firstRev || !lastRev) return undefined;
  const sealed = sealedSegmentName({ first: firstRev.revision, last: lastRev.revision, firstTime: firstRev.time, lastTime: lastRev.time }, !!opts.encryptTo);
  const gz = zlib.gzipSync(fs.readFileSync(file).subarray(0, seg.validBytes));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stored = opts.encryptTo ? await encryptFileAtomic(path.join(dir, sealed), gz, opts.encryptTo) : (writeFileAtomic(path.join(dir, sealed), gz), gz);
  writeFileAtomic(path.join(dir, `${sealed}.sha256`), `${sha256Of(stored)}  ${sealed}\n`);
  fs.rmSync(file);
  fsyncDir(path.dirname(file));
  return { name: sealed, path: path.join(dir, sealed), sealed: true, first: firstRev.revision, last: lastRev.revision, firstTime: firstRev.time, lastTime: lastRev.time };
}

/** `data` encrypted by age into `file` (0600), written as writeFileAtomic writes; returns the ciphertext. */
async function encryptFileAtomic(file: string, data: Buffer, recipients: AgeRecipients): Promise<Buffer> {
  const part = `${file}.part`;
  const fd = fs.openSync(part, 'w', 0o600);
  try {
    const age = encryptInto(recipients, fd, path.basename(file));
    age.input.end(data);
    await age.done;
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(part, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  const ciphertext = fs.readFileSync(part);
  fs.renameSync(part, file);
  fsyncDir(path.dirname(file));
  return ciphertext;
}

/**
 * Finishes what a killed recorder left in a cluster's log: a sealed segment without its sha256
 * file is removed (its open segment is still there); an open segment whose sealed copy is
 * complete is removed; a torn last line is cut off. Returns the open segment left, if any (the
 * newest: `older` are open segments left before it, which the caller seals: encryption turned
 * on or off between two runs moves where the open one lies).
 */
export function recoverLog(place: string | LogPlace): { open?: OpenSegment; older: OpenSegment[]; lines: string[] } {
  const { dir, openDir } = placeOf(place);
  const lines: string[] = [];
  const names = namesIn(dir);
  for (const name of names) {
    if (name.endsWith('.part')) fs.rmSync(path.join(dir, name), { force: true });
    else if (parseSealedName(name) && !names.includes(`${name}.sha256`)) {
      fs.rmSync(path.join(dir, name), { force: true });
      lines.push(`removed ${name}: its seal was interrupted (the open segment is sealed again)`);
    }
  }
  const sealedFirsts = new Set(listSegments(dir).filter((s) => s.sealed).map((s) => s.first));
  const opens: OpenSegment[] = [];
  for (const where of openDir && openDir !== dir ? [dir, openDir] : [dir]) {
    for (const name of namesIn(where)) {
      const first = parseOpenName(name);
      if (first === undefined) continue;
      const file = path.join(where, name);
      if (sealedFirsts.has(first)) {
        fs.rmSync(file);
        continue;
      }
      const seg = parseSegment(fs.readFileSync(file), name, true);
      if (seg.torn) {
        fs.truncateSync(file, seg.validBytes);
        lines.push(`cut a torn last line off ${name} (a recorder was killed while writing it)`);
      }
      if (seg.validBytes === 0) {
        fs.rmSync(file);
        continue;
      }
      const revs = seg.records.filter((r) => r.kind === 'revision').length;
      opens.push({ path: file, first, last: first + revs - 1 });
    }
  }
  opens.sort((a, b) => a.first - b.first);
  const open = opens.pop();
  return { ...(open ? { open } : {}), older: opens, lines };
}

export interface OpenSegment {
  path: string;
  first: number;
  last: number;
}

export function newOpenSegment(dir: string, header: SegmentHeader): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, openSegmentName(header.first));
  fs.writeFileSync(file, `${JSON.stringify(header)}\n`, { mode: 0o600 });
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(dir);
  return file;
}

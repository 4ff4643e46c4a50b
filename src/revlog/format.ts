// The revision log's format (pure): what `--revision-log` records between full snapshots so a
// restore can reach any revision, not only a snapshot's.
//
// A segment is a text file of JSON lines, one record a line:
// - a header first: {"v":1,"first":F} plus, when it does not continue the segment before it,
//   "after": the full snapshot the log starts from (a gap before it is then recorded there too);
// - one line per original revision: {"r":R,"t":ms,"e":[event,...]} with every event of R in
//   etcd's order (sub-revision order): ["p",key,value,create,version,lease] for a put,
//   ["d",key] for a delete (key and value base64, lease a decimal string, "0" for none);
//   a revision is one line, so a torn write loses a whole revision and never half of one;
// - time marks {"m":R,"t":ms}: at wall time t the cluster was at revision R (written each second
//   while the cluster is quiet, so a time maps to a revision);
// - the source's HashKV {"h":hash,"r":R,"c":compactRevision}, to check a restore against;
// - lease TTLs {"l":"id","ttl":seconds} (-1: gone before it could be asked), before the first
//   revision that attaches a key to that lease.
// The open segment is `open-<first>.revlog`; a sealed one is gzip-compressed and named by its
// first and last revision and their times, with its sha256 beside it (`sha256sum -c` reads it);
// with the operator's --backup-encrypt-to, it is then encrypted by age (named `.revlog.gz.age`;
// its sha256 is the ciphertext's), and the open one lies in the state dir, not the backup dir.
import { WardenError } from '../errors.ts';

export const FORMAT_VERSION = 1;
const PAD = 12;

export type RevEvent =
  | { type: 'put'; key: Buffer; value: Buffer; createRevision: number; version: number; lease: bigint }
  | { type: 'delete'; key: Buffer };

export interface RevisionRecord {
  revision: number;
  /** Wall time (ms) the recorder saw it: the change was made at or before. */
  time: number;
  events: RevEvent[];
}

export interface SnapshotAnchor {
  /** The backup set's timestamp. */
  backup: string;
  revision: number;
  /** Revisions lost before this anchor ([from, to]): the log fell behind a compaction. */
  gap?: { from: number; to: number };
}

export interface SegmentHeader {
  v: number;
  first: number;
  /** The etcd cluster ID (hex) the revisions come from: a restore makes a new one. */
  cluster?: string;
  after?: SnapshotAnchor;
}

export type LogRecord =
  | { kind: 'revision'; record: RevisionRecord }
  | { kind: 'mark'; revision: number; time: number }
  | { kind: 'hash'; revision: number; hash: number; compactRevision: number }
  | { kind: 'lease'; id: bigint; ttl: number };

const b64 = (b: Buffer): string => b.toString('base64');

export function encodeHeader(h: SegmentHeader): string {
  return `${JSON.stringify(h)}\n`;
}

export function encodeRecord(r: LogRecord): string {
  switch (r.kind) {
    case 'revision':
      return `${JSON.stringify({
        r: r.record.revision,
        t: r.record.time,
        e: r.record.events.map((e) => (e.type === 'put' ? ['p', b64(e.key), b64(e.value), e.createRevision, e.version, e.lease.toString()] : ['d', b64(e.key)])),
      })}\n`;
    case 'mark':
      return `${JSON.stringify({ m: r.revision, t: r.time })}\n`;
    case 'hash':
      return `${JSON.stringify({ h: r.hash, r: r.revision, c: r.compactRevision })}\n`;
    case 'lease':
      return `${JSON.stringify({ l: r.id.toString(), ttl: r.ttl })}\n`;
  }
}

const int = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${what} is not a whole number`);
  return v;
};
const bytes = (v: unknown, what: string): Buffer => {
  if (typeof v !== 'string') throw new Error(`${what} is not base64`);
  return Buffer.from(v, 'base64');
};

export function decodeHeader(line: string): SegmentHeader {
  const h = JSON.parse(line) as Record<string, unknown>;
  if (h.v !== FORMAT_VERSION) throw new Error(`format version ${String(h.v)}, not ${FORMAT_VERSION}`);
  const out: SegmentHeader = { v: FORMAT_VERSION, first: int(h.first, 'first') };
  if (typeof h.cluster === 'string') out.cluster = h.cluster;
  const a = h.after as Record<string, unknown> | undefined;
  if (a) {
    out.after = { backup: String(a.backup), revision: int(a.revision, 'after.revision') };
    const g = a.gap as Record<string, unknown> | undefined;
    if (g) out.after.gap = { from: int(g.from, 'gap.from'), to: int(g.to, 'gap.to') };
  }
  return out;
}

/** One record line; throws (plain Error) on anything malformed. */
export function decodeRecord(line: string): LogRecord {
  const o = JSON.parse(line) as Record<string, unknown>;
  if ('r' in o && 'e' in o) {
    if (!Array.isArray(o.e) || o.e.length === 0) throw new Error('a revision without events');
    const events = o.e.map((e: unknown, i): RevEvent => {
      if (!Array.isArray(e)) throw new Error(`event ${i} is not a list`);
      if (e[0] === 'p') {
        return { type: 'put', key: bytes(e[1], 'key'), value: bytes(e[2], 'value'), createRevision: int(e[3], 'create revision'), version: int(e[4], 'version'), lease: BigInt(String(e[5])) };
      }
      if (e[0] === 'd') return { type: 'delete', key: bytes(e[1], 'key') };
      throw new Error(`event ${i} has type ${String(e[0])}`);
    });
    return { kind: 'revision', record: { revision: int(o.r, 'revision'), time: int(o.t, 'time'), events } };
  }
  if ('m' in o) return { kind: 'mark', revision: int(o.m, 'mark revision'), time: int(o.t, 'mark time') };
  if ('h' in o) return { kind: 'hash', revision: int(o.r, 'hash revision'), hash: int(o.h, 'hash'), compactRevision: int(o.c, 'compact revision') };
  if ('l' in o) return { kind: 'lease', id: BigInt(String(o.l)), ttl: int(o.ttl, 'ttl') };
  throw new Error('an unknown record');
}

/** Compact UTC time for names: 20261201T170502Z. */
export function nameTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

const pad = (n: number): string => String(n).padStart(PAD, '0');

export function openSegmentName(first: number): string {
  return `open-${pad(first)}.revlog`;
}

export interface SealedName {
  first: number;
  last: number;
  firstTime: string;
  lastTime: string;
}

/** A sealed segment's name; `encrypted`: age-encrypted, with `.age` added (as encrypted backup sets are named). */
export function sealedSegmentName(s: { first: number; last: number; firstTime: number; lastTime: number }, encrypted = false): string {
  return `${pad(s.first)}-${pad(s.last)}_${nameTime(s.firstTime)}-${nameTime(s.lastTime)}.revlog.gz${encrypted ? '.age' : ''}`;
}

const SEALED = /^(\d+)-(\d+)_(\d{8}T\d{6}Z)-(\d{8}T\d{6}Z)\.revlog\.gz(?:\.age)?$/;
const OPEN = /^open-(\d+)\.revlog$/;

export function parseSealedName(name: string): SealedName | undefined {
  const m = SEALED.exec(name);
  if (!m) return undefined;
  return { first: Number(m[1]), last: Number(m[2]), firstTime: m[3] as string, lastTime: m[4] as string };
}

export function parseOpenName(name: string): number | undefined {
  const m = OPEN.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The name's time back as ms. */
export function parseNameTime(t: string): number {
  return Date.parse(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}Z`);
}

/**
 * Pure: a watch response's events grouped by revision, in order. etcd sends each revision whole
 * (without fragmenting, which warden never asks for); a put's and a delete's kv carry the
 * revision as their mod revision.
 */
export function groupByRevision(events: { type: 'put' | 'delete'; kv: { key: Buffer; value: Buffer; createRevision: number; modRevision: number; version: number; lease: bigint } }[], time: number): RevisionRecord[] {
  const out: RevisionRecord[] = [];
  for (const e of events) {
    const rev = e.kv.modRevision;
    let cur = out[out.length - 1];
    if (!cur || cur.revision !== rev) {
      if (cur && rev < cur.revision) throw new WardenError(`the watch gave revision ${rev} after ${cur.revision}: events out of order; the revision log stops here and continues from its last durable revision when the operator retries`);
      cur = { revision: rev, time, events: [] };
      out.push(cur);
    }
    cur.events.push(e.type === 'put'
      ? { type: 'put', key: e.kv.key, value: e.kv.value, createRevision: e.kv.createRevision, version: e.kv.version, lease: e.kv.lease }
      : { type: 'delete', key: e.kv.key });
  }
  return out;
}

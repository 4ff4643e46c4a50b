// The audit trail: every change made through warden (a CLI command, an operator controller's
// action, a write through the operator's API) says who made it, what, when and how it ended.
// Entries go to etcd under /warden/audit/ (every host and operator replica sees one trail;
// bounded, the oldest dropped) and as JSON lines to <state dir>/audit/audit.jsonl (0600), which
// also keeps what happened while etcd could not take a write (no quorum, NOSPACE).
// Nothing secret is recorded: flag values that carry credentials are replaced before anything
// is built, and an entry holds names, paths and outcomes, never values of resources or keys.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EtcdClient } from '../etcd/client.ts';

export const AUDIT_PREFIX = '/warden/audit/';
/** How many entries etcd keeps; the local file is not trimmed (logrotate's job). */
export const MAX_AUDIT_ENTRIES = 5000;

export interface Actor {
  /** user: an OS user running the CLI; token/certificate/console: an API caller; operator: a controller. */
  kind: 'user' | 'token' | 'certificate' | 'console' | 'operator';
  name: string;
  /** The etcd user the change was made as, when etcd authentication is on. */
  etcdUser?: string;
}

export interface AuditEntry {
  time: string;
  actor: Actor;
  /** Where the change came from. */
  via: 'cli' | 'operator' | 'api';
  /** What: a command path (`encryption enable`), an API verb and path, or a controller action. */
  action: string;
  /** Arguments with credential values replaced, or the object/member acted on. */
  target?: string;
  outcome: 'succeeded' | 'failed';
  /** The one-line error of a failure. */
  error?: string;
  /** Set in the local file when etcd could not take the entry. */
  notInEtcd?: string;
}

/** Flags whose value is a credential, and never recorded. */
const SECRET_FLAGS = new Set(['--password', '--user', '--token', '--secret-access-key', '--aws-secret-access-key']);

/**
 * The command line as it may be recorded: values of credential flags (`--password X`,
 * `--password=X`, `--user name:password` keeps the name) replaced by `***`.
 */
export function redactArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!SECRET_FLAGS.has(flag)) {
      out.push(a);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
    if (eq <= 0) i++;
    const shown = flag === '--user' && value?.includes(':') ? `${value.slice(0, value.indexOf(':'))}:***` : '***';
    if (eq > 0) out.push(`${flag}=${shown}`);
    else out.push(flag, ...(value === undefined ? [] : [shown]));
  }
  return out;
}

/** The OS user running this process. */
export function osActor(etcdUser?: string): Actor {
  let name: string;
  try {
    name = os.userInfo().username;
  } catch {
    name = `uid ${process.getuid?.() ?? '?'}`;
  }
  return { kind: 'user', name, ...(etcdUser ? { etcdUser } : {}) };
}

/** Keys sort by time, then by writer and sequence: a range read returns the trail in order. */
export function auditKey(e: AuditEntry, seq: number): string {
  return `${AUDIT_PREFIX}${e.time}-${os.hostname()}-${process.pid}-${String(seq).padStart(6, '0')}`;
}

export function auditFile(stateDir: string): string {
  return path.join(stateDir, 'audit', 'audit.jsonl');
}

let seq = 0;

export class AuditLog {
  constructor(
    /** Undefined when etcd cannot be reached (the entry then goes to the file only). */
    private readonly client: EtcdClient | undefined,
    /** The state dir; the local file is written only when it exists (no state dir is created for it). */
    private readonly stateDir: string | undefined,
  ) {}

  /** Records one entry; never throws (an audit that cannot be written must not fail the change it describes). */
  async record(entry: Omit<AuditEntry, 'time'> & { time?: string }): Promise<void> {
    const e: AuditEntry = { time: entry.time ?? new Date().toISOString(), ...entry } as AuditEntry;
    let notInEtcd: string | undefined;
    if (this.client) {
      try {
        await this.client.put(auditKey(e, seq++), JSON.stringify(e));
        if (seq % 50 === 1) await this.prune();
      } catch (err) {
        notInEtcd = (err as Error).message;
      }
    } else {
      notInEtcd = 'etcd was not reachable';
    }
    this.appendLocal(notInEtcd ? { ...e, notInEtcd } : e);
  }

  private appendLocal(e: AuditEntry): void {
    if (!this.stateDir || !fs.existsSync(this.stateDir) || !fs.statSync(this.stateDir).isDirectory()) return;
    try {
      const file = auditFile(this.stateDir);
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.appendFileSync(file, `${JSON.stringify(e)}\n`, { mode: 0o600 });
    } catch {
      /* a read-only state dir: etcd keeps the entry */
    }
  }

  /** Keeps the newest MAX_AUDIT_ENTRIES in etcd. */
  async prune(): Promise<void> {
    if (!this.client) return;
    const { count } = await this.client.get(AUDIT_PREFIX, { prefix: true, countOnly: true });
    const excess = count - MAX_AUDIT_ENTRIES;
    if (excess <= 0) return;
    const oldest = await this.client.get(AUDIT_PREFIX, { prefix: true, keysOnly: true, limit: excess });
    const last = oldest.kvs[oldest.kvs.length - 1];
    if (last) await this.client.delete(AUDIT_PREFIX, { rangeEnd: Buffer.concat([last.key, Buffer.from([0])]) });
  }
}

/** The trail from etcd since `sinceMs` ago (all when undefined), oldest first. */
export async function readAudit(client: EtcdClient, sinceMs?: number, now = Date.now()): Promise<AuditEntry[]> {
  const from = sinceMs === undefined ? AUDIT_PREFIX : `${AUDIT_PREFIX}${new Date(now - sinceMs).toISOString()}`;
  const end = Buffer.from(`${AUDIT_PREFIX.slice(0, -1)}0`);
  const out: AuditEntry[] = [];
  let start = Buffer.from(from);
  for (;;) {
    const page = await client.get(start, { rangeEnd: end, limit: 1000 });
    for (const kv of page.kvs) out.push(JSON.parse(kv.value.toString('utf8')) as AuditEntry);
    if (!page.more || page.kvs.length === 0) break;
    start = Buffer.concat([page.kvs[page.kvs.length - 1]!.key, Buffer.from([0])]);
  }
  return out;
}

/** The trail from the local file (when etcd cannot be read), oldest first. */
export function readLocalAudit(stateDir: string, sinceMs?: number, now = Date.now()): AuditEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(auditFile(stateDir), 'utf8');
  } catch {
    return [];
  }
  const cutoff = sinceMs === undefined ? '' : new Date(now - sinceMs).toISOString();
  return text.split('\n').filter(Boolean).flatMap((l) => {
    try {
      const e = JSON.parse(l) as AuditEntry;
      return e.time >= cutoff ? [e] : [];
    } catch {
      return [];
    }
  });
}

/** Event sources of the operator's controllers that change something (health and alerts only observe). */
const ACTING_SOURCES = new Set(['encryption', 'backup-schedule', 'space-recover', 'defrag']);

/** The audit entry for an operator event, when it reports a change a controller made (or failed to make). */
export function operatorAuditEntry(e: { time: string; type: 'Normal' | 'Warning'; reason: string; message: string; source: string }, identity: string): AuditEntry | undefined {
  if (!ACTING_SOURCES.has(e.source)) return undefined;
  return {
    time: e.time,
    actor: { kind: 'operator', name: identity },
    via: 'operator',
    action: `${e.source} ${e.reason}`,
    target: e.message,
    outcome: e.type === 'Warning' ? 'failed' : 'succeeded',
  };
}

/**
 * The audit entry for a state-changing API request an authenticated caller made: the verb and
 * path (names only, never a body), and how it ended (a 4xx/5xx is a failure, with the Status message).
 */
export function apiAuditEntry(caller: { kind: 'token' | 'cert' | 'session' | 'anonymous'; name: string; role?: string }, method: string, path: string, status: number, message?: string): AuditEntry {
  return {
    time: new Date().toISOString(),
    actor: { kind: caller.kind === 'token' ? 'token' : caller.kind === 'session' ? 'console' : 'certificate', name: caller.name },
    via: 'api',
    action: `${method} ${path}`,
    outcome: status < 400 ? 'succeeded' : 'failed',
    ...(status >= 400 ? { error: `${status}${message ? `: ${message}` : ''}` } : {}),
  };
}

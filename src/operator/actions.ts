// Actions through the API (role operator): POST /apis/warden.io/v1/actions/{backup|defrag|
// rotate|space-recover|scan} run what `warden backup`, `warden defrag --cluster`, `warden
// encryption rotate`, `warden space recover` and `warden encryption scan` run, with the same defaults and the same locks
// (the backup folder's lock, the cluster's defragmentation lock), and answer when done. The body
// is a JSON object of the CLI flags that make sense remotely (`{}` for the defaults); durations
// are Go-style strings. A backup goes to the operator's --backup-dir only: a caller cannot make
// the operator write where it chooses.
import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { takeBackup } from '../backup/backup.ts';
import type { BackupInfo } from '../backup/archive.ts';
import type { AgeRecipients } from '../backup/age.ts';
import { targetMembers } from '../cli/commands/endpoint.ts';
import { DEFAULT_LOCK_TIMEOUT_MS, DefragLockHeldError, withDefragLock } from '../defrag/lock.ts';
import { hexId } from '../defrag/policy.ts';
import { defragResultJson, spaceReportJson } from '../defrag/json.ts';
import { ClusterUnhealthyError, rollingDefrag, type DefragResult, type DefragTarget } from '../defrag/rolling.ts';
import { recoverSpace } from '../defrag/space.ts';
import type { MetricsTls } from '../defrag/quota.ts';
import { readDesiredType, requestRotation } from '../encryption/store.ts';
import { plaintextFindings, recordScan, scanCoverage } from '../encryption/scan.ts';
import { keyRoots } from '../resources/key-roots.ts';
import type { EtcdClient } from '../etcd/client.ts';
import { UsageError, WardenError } from '../errors.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { parseDuration } from '../util/duration.ts';
import { ACTIONS_PREFIX } from '../auth/roles.ts';
import type { Operations } from '../console/running.ts';
import type { ApiContext, ApiEnv } from './guard.ts';

/** What the actions need from the operator running them. */
export interface ActionHost {
  readonly identity: string;
  readonly client: EtcdClient;
  readonly actions: ActionOptions;
  /** What runs now, for the console (each action registers itself with its progress). */
  readonly operations: Operations;
}

export interface ActionOptions {
  layout: StateLayout;
  /** Where on-demand backups go (the operator's --backup-dir), and the upload of a set when configured. */
  backup?: { dir: string; keysDir?: string; encryptTo?: AgeRecipients; ship?: (snapshotPath: string, archivePath: string, info: BackupInfo) => Promise<string> };
  /** TLS for reading the members' /metrics (their quota), as the space controllers have it. */
  metricsTls?: () => MetricsTls | undefined;
  log: (line: string) => void;
}

/** `warden defrag`'s Defragment deadline (the seeds' --command-timeout=30s). */
const DEFRAG_TIMEOUT_MS = 30_000;

class BadRequest extends UsageError {}

type Body = Record<string, unknown>;

async function readBody(c: ApiContext, allowed: string[]): Promise<Body> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest('the request body is not valid JSON: send an object, e.g. {}');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('the request body must be a JSON object, e.g. {}');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new BadRequest(`unknown field(s) ${unknown.join(', ')}: this action takes ${allowed.length ? allowed.join(', ') : 'none'}`);
  return body as Body;
}

function duration(b: Body, field: string, fallbackMs: number, o: { allowZero?: boolean } = {}): number {
  const v = b[field];
  if (v === undefined) return fallbackMs;
  if (typeof v !== 'string') throw new BadRequest(`${field} must be a duration string such as "5s"`);
  return parseDuration(v, field, o.allowZero ? { allowZero: true } : {});
}

function bool(b: Body, field: string, fallback: boolean): boolean {
  const v = b[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new BadRequest(`${field} must be true or false`);
  return v;
}

function str(b: Body, field: string): string | undefined {
  const v = b[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !v) throw new BadRequest(`${field} must be a non-empty string`);
  return v;
}


/** Every member, or the named ones (names or hex IDs), as `warden defrag --cluster|--member` picks them. */
async function targets(client: EtcdClient, member: string | undefined): Promise<DefragTarget[]> {
  const all = await targetMembers(client, [], true);
  if (member === undefined) return all;
  const { members } = await client.memberList();
  return member.split(',').map((w) => w.trim()).filter(Boolean).map((w) => {
    const m = members.find((x) => x.name === w || hexId(x.ID) === w.toLowerCase());
    const url = m?.clientURLs[0];
    if (!m || !url) throw new BadRequest(`no started member named "${w}": members are ${members.map((x) => x.name || hexId(x.ID)).join(', ')}`);
    return { label: url, member: client.member(url) };
  });
}

function actionFailure(c: ApiContext, err: unknown): Response {
  const [code, reason] = err instanceof BadRequest || err instanceof UsageError ? [400, 'BadRequest']
    : err instanceof DefragLockHeldError ? [409, 'Conflict']
    : err instanceof ClusterUnhealthyError ? [503, 'ServiceUnavailable']
    : err instanceof WardenError ? [409, 'Conflict']
    : [500, 'InternalError'];
  return c.json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: (err as Error).message, reason, code }, code as ContentfulStatusCode);
}

export function registerActionRoutes(app: Hono<ApiEnv>, op: ActionHost): void {
  const who = (c: ApiContext) => {
    const caller = c.get('caller');
    return `${caller.kind} ${caller.name}`;
  };
  const action = (name: string, run: (c: ApiContext) => Promise<Response>) => {
    app.post(`${ACTIONS_PREFIX}${name}`, async (c) => {
      try {
        return await run(c);
      } catch (err) {
        op.actions.log(`action ${name} by ${who(c)} failed: ${(err as Error).message}`);
        return actionFailure(c, err);
      }
    });
  };

  action('defrag', async (c) => {
    const b = await readBody(c, ['member', 'wait', 'moveLeader', 'healthTimeout', 'lockTimeout', 'timeout']);
    const waitMs = duration(b, 'wait', 60_000, { allowZero: true });
    const healthTimeoutMs = duration(b, 'healthTimeout', 2 * 60_000);
    const lockTimeoutMs = duration(b, 'lockTimeout', DEFAULT_LOCK_TIMEOUT_MS, { allowZero: true });
    const defragTimeoutMs = duration(b, 'timeout', DEFRAG_TIMEOUT_MS);
    const moveLeader = bool(b, 'moveLeader', true);
    const member = str(b, 'member');
    const client = op.client;
    const list = await targets(client, member);
    op.actions.log(`action defrag by ${who(c)}: ${list.length} member(s)`);
    const results: DefragResult[] = [];
    const running = op.operations.start('defrag', `rolling defrag of ${list.length} member(s)`, who(c));
    running.progress(0, list.length, 'members');
    try {
      await withDefragLock(client, { holder: `operator ${op.identity}, defrag through the API by ${who(c)}`, timeoutMs: lockTimeoutMs, goOnUnrecorded: true },
        (signal) => rollingDefrag({ client, targets: list, moveLeader, defragTimeoutMs, waitMs, healthTimeoutMs, signal, on: (e) => {
          if (e.kind === 'defragmented') {
            results.push(e.result);
            running.progress(results.length, list.length, 'members');
          } else if (e.kind === 'defragmenting') running.step(`defragmenting ${e.member.name}`);
          else if (e.kind === 'leader-moved') running.step(`leadership moved from ${e.from.name} to ${e.to.name}`);
          else if (e.kind === 'waiting') running.step(`waiting ${Math.round(e.ms / 1000)} s before ${e.next.name}`);
        } }));
    } finally {
      running.end();
    }
    return c.json({ kind: 'DefragResult', apiVersion: 'warden.io/v1', results: results.map(defragResultJson) });
  });

  action('space-recover', async (c) => {
    const b = await readBody(c, ['wait', 'moveLeader', 'healthTimeout', 'lockTimeout', 'timeout']);
    const lines: string[] = [];
    // The body's durations and the members are read before the work is listed as running.
    const options = {
      waitMs: duration(b, 'wait', 5000, { allowZero: true }),
      healthTimeoutMs: duration(b, 'healthTimeout', 2 * 60_000),
      defragTimeoutMs: duration(b, 'timeout', DEFRAG_TIMEOUT_MS),
      moveLeader: bool(b, 'moveLeader', true),
      targets: await targets(op.client, undefined),
      ...(op.actions.metricsTls?.() ? { tls: op.actions.metricsTls() as MetricsTls } : {}),
      lock: { holder: `operator ${op.identity}, space recover through the API by ${who(c)}`, timeoutMs: duration(b, 'lockTimeout', DEFAULT_LOCK_TIMEOUT_MS, { allowZero: true }) },
    };
    const running = op.operations.start('space-recover', 'space recovery: compact, defragment every member, disarm NOSPACE', who(c));
    let report: Awaited<ReturnType<typeof recoverSpace>>;
    try {
      report = await recoverSpace(op.client, {
        ...options,
        print: (l) => {
          lines.push(l);
          running.step(l);
        },
        warn: (l) => lines.push(l),
      });
    } finally {
      running.end();
    }
    op.actions.log(`action space-recover by ${who(c)}: compacted up to revision ${report.compactedRevision}`);
    return c.json({
      kind: 'SpaceRecoveryResult', apiVersion: 'warden.io/v1',
      ...spaceReportJson(report),
      lines,
    });
  });

  action('rotate', async (c) => {
    await readBody(c, []);
    if ((await readDesiredType(op.client)) === 'identity') throw new WardenError('encryption is not enabled: nothing to rotate; enable it with `warden encryption enable --type aesgcm`');
    const req = await requestRotation(op.client);
    op.actions.log(`action rotate by ${who(c)}: key rotation requested`);
    return c.json({ kind: 'RotationRequest', apiVersion: 'warden.io/v1', message: 'key rotation requested: the leading operator creates a new key and migrates every value to it (see /conditions, type Encrypted)', request: req }, 202);
  });

  action('scan', async (c) => {
    await readBody(c, []);
    const roots = await keyRoots(op.client, undefined);
    const running = op.operations.start('scan', 'encryption scan of every value', who(c));
    let coverage: Awaited<ReturnType<typeof scanCoverage>>;
    try {
      coverage = await scanCoverage(op.client, roots);
    } finally {
      running.end();
    }
    const record = { time: new Date().toISOString(), by: who(c), coverage };
    await recordScan(op.client, record);
    const findings = plaintextFindings(coverage);
    op.actions.log(`action scan by ${who(c)}: ${findings.length ? `plaintext in ${findings.map((f) => `${f.resource} (${f.plaintext})`).join(', ')}` : 'no plaintext where OpenShift encrypts'}`);
    return c.json({ kind: 'ScanResult', apiVersion: 'warden.io/v1', ...record, findings });
  });

  action('backup', async (c) => {
    const b = await readBody(c, ['member', 'force']);
    const target = op.actions.backup;
    if (!target) throw new WardenError('this operator has no --backup-dir: start it with --backup-dir DIR to take backups through the API');
    const member = str(b, 'member');
    const running = op.operations.start('backup', `backup into ${target.dir}`, who(c));
    let res: Awaited<ReturnType<typeof takeBackup>>;
    let uploaded: string | undefined;
    try {
      res = await takeBackup(op.client, {
        dir: target.dir, ...(target.keysDir ? { keysDir: target.keysDir } : {}), ...(target.encryptTo ? { encryptTo: target.encryptTo } : {}), ...(member ? { member } : {}), force: bool(b, 'force', false),
        layout: op.actions.layout, log: op.actions.log, onProgress: (received, total) => running.progress(received, total, 'bytes'),
      });
      if (target.ship) {
        running.step('uploading');
        uploaded = await target.ship(res.snapshotPath, res.archivePath, res.info);
      }
    } finally {
      running.end();
    }
    op.actions.log(`action backup by ${who(c)}: ${res.snapshotPath}`);
    return c.json({ kind: 'BackupResult', apiVersion: 'warden.io/v1', snapshot: res.snapshotPath, archive: res.archivePath, ...(uploaded ? { uploaded } : {}), info: res.info });
  });
}

// NOSPACE recovery, the seeds' steps in order: compact the history up to the current revision
// (physically, so the pages are really free), defragment every member (rolling, leader last),
// disarm every alarm, then prove a write works with a probe key under /warden/. Compaction
// drops old revisions only: every live key stays. The whole recovery holds the cluster's
// defragmentation lock (lock.ts); under the NOSPACE alarm etcd takes no write, so the lock can
// then only be checked (nobody holds it), not recorded. A recovery that leaves a member above
// 80 % of its quota says so: NOSPACE would soon be back.
import { WardenError } from '../errors.ts';
import { EtcdNoSpaceError, type AlarmMember, type EtcdClient } from '../etcd/client.ts';
import { humanBytes } from '../cli/printer.ts';
import { WARDEN_PREFIX } from '../operator/conditions.ts';
import { fetchQuotaBytes, type MetricsTls } from './quota.ts';
import { withDefragLock } from './lock.ts';
import { rollingDefrag, type DefragResult, type DefragTarget, type RollingEvent } from './rolling.ts';

export const PROBE_PREFIX = `${WARDEN_PREFIX}space-probe/`;

export interface SpaceRecoveryOptions {
  /** Least time between two members' defragmentations (short: the cluster refuses writes meanwhile). */
  waitMs: number;
  healthTimeoutMs: number;
  defragTimeoutMs: number;
  timeoutFlag?: string;
  moveLeader?: boolean;
  /** The members to defragment (default: every member in the member list). */
  targets?: DefragTarget[];
  tls?: MetricsTls;
  signal?: AbortSignal;
  /** Who runs the recovery, as the defragmentation lock names it; how long to wait for it. */
  lock: { holder: string; timeoutMs: number };
  /** One line per step. */
  print: (line: string) => void;
  /** A warning line (the DB still close to its quota after recovery). */
  warn?: (line: string) => void;
  /** Every rolling-defrag event (the per-member lines are printed from these). */
  onDefrag?: (e: RollingEvent) => void;
}

export interface SpaceRecoveryReport {
  alarms: AlarmMember[];
  compactedRevision: number;
  defragmented: DefragResult[];
  disarmed: AlarmMember[];
  probeKey: string;
  /** Members above NEAR_QUOTA_PERCENT of their quota after recovery. */
  nearQuota: MemberSpace[];
  /** The warning printed about them, if any. */
  warning?: string;
}

/** Above this share of its quota after a recovery, a member is warned about. */
export const NEAR_QUOTA_PERCENT = 80;

export interface MemberSpace {
  name: string;
  /** DB size in bytes: what etcd compares with the quota. */
  dbSize: number;
  quota: number;
}

/** A member whose DB size or quota could not be read after recovery, and why. */
export interface UncheckedMember {
  name: string;
  why: string;
}

/** The warning for members whose fill could not be checked, or undefined. */
export function uncheckedWarning(members: UncheckedMember[]): string | undefined {
  if (members.length === 0) return undefined;
  return `warning: after recovery, could not check how close to its quota each member is: ${members.map((m) => `${m.name} (${m.why})`).join(', ')}: see \`warden space status\``;
}

/** The warning for members above `percent` of their quota after recovery, or undefined. */
export function nearQuotaWarning(members: MemberSpace[], percent = NEAR_QUOTA_PERCENT): string | undefined {
  const near = members.filter((m) => m.quota > 0 && m.dbSize * 100 > percent * m.quota);
  if (near.length === 0) return undefined;
  const each = near.map((m) => `${m.name}'s DB is ${humanBytes(m.dbSize)}, ${Math.round((m.dbSize / m.quota) * 100)}% of its ${humanBytes(m.quota)} quota`).join(', ');
  return `warning: after recovery ${each} (above ${percent}%): NOSPACE will soon be back; delete keys you do not need, or restart the members with a larger --quota-backend-bytes`;
}

export function alarmLine(a: AlarmMember): string {
  return `memberID:${a.memberID} alarm:${a.alarm}`;
}

/** True when etcd refused the compaction because that revision is already compacted. */
function alreadyCompacted(err: unknown): boolean {
  return /required revision has been compacted/.test((err as Error)?.message ?? '');
}

export async function recoverSpace(client: EtcdClient, o: SpaceRecoveryOptions): Promise<SpaceRecoveryReport> {
  const alarms = await client.alarmList();
  o.print(alarms.length ? `Alarms: ${alarms.map(alarmLine).join(', ')}` : 'No alarm raised');
  return withDefragLock(client, {
    holder: o.lock.holder,
    timeoutMs: o.lock.timeoutMs,
    goOnUnrecorded: true,
    ...(o.signal ? { signal: o.signal } : {}),
    print: o.print,
  }, (signal) => recoverLocked(client, o, alarms, signal));
}

async function recoverLocked(client: EtcdClient, o: SpaceRecoveryOptions, alarms: AlarmMember[], signal: AbortSignal): Promise<SpaceRecoveryReport> {
  // Reads still work under NOSPACE: the current revision comes with any read.
  const revision = (await client.get(PROBE_PREFIX, { prefix: true, countOnly: true })).header.revision;
  try {
    await client.compact(revision, { physical: true });
    o.print(`Compacted history up to revision ${revision}`);
  } catch (err) {
    if (!alreadyCompacted(err)) throw new WardenError(`compacting to revision ${revision} failed: ${(err as Error).message}`);
    o.print(`History already compacted at revision ${revision}`);
  }

  const defragmented: DefragResult[] = [];
  await rollingDefrag({
    client,
    ...(o.targets ? { targets: o.targets } : {}),
    moveLeader: o.moveLeader ?? true,
    defragTimeoutMs: o.defragTimeoutMs,
    ...(o.timeoutFlag ? { timeoutFlag: o.timeoutFlag } : {}),
    waitMs: o.waitMs,
    healthTimeoutMs: o.healthTimeoutMs,
    signal,
    on: (e) => {
      if (e.kind === 'defragmented') defragmented.push(e.result);
      o.onDefrag?.(e);
    },
  });

  // Disarming before every member is small again would only raise NOSPACE on the next write.
  if (signal.aborted) throw new WardenError('NOSPACE recovery stopped before every member was defragmented; the alarms stay raised: run `warden space recover` again');
  const disarmed = await client.alarmDisarm();
  o.print(disarmed.length ? disarmed.map((a) => `Disarmed ${alarmLine(a)}`).join('\n') : 'No alarm to disarm');

  const probeKey = `${PROBE_PREFIX}${new Date().toISOString()}-${process.pid}`;
  try {
    await client.put(probeKey, 'ok');
    await client.delete(probeKey);
  } catch (err) {
    if (!(err instanceof EtcdNoSpaceError)) throw new WardenError(`the write check (put ${probeKey}) failed after recovery: ${(err as Error).message}`);
    throw new WardenError(`writes still fail after compaction, defragmentation and disarm (NOSPACE raised again): ${await spaceSummary(client, o.tls)}: delete keys you do not need or restart the members with a larger --quota-backend-bytes, then run \`warden space recover\` again`);
  }
  o.print(`Write check passed: put and deleted ${probeKey}`);
  const { measured, unchecked } = await memberSpace(client, o.tls);
  const nearQuota = measured.filter((m) => m.quota > 0 && m.dbSize * 100 > NEAR_QUOTA_PERCENT * m.quota);
  const warning = [nearQuotaWarning(measured), uncheckedWarning(unchecked)].filter((w) => w !== undefined).join('\n') || undefined;
  if (warning) o.warn?.(warning);
  return { alarms, compactedRevision: revision, defragmented, disarmed, probeKey, nearQuota, ...(warning ? { warning } : {}) };
}

/**
 * Each started member's DB size and quota (from its /metrics); a member whose status or quota
 * cannot be read is listed apart with the reason, never guessed (etcd's 2 GiB default would hide
 * a small quota).
 */
async function memberSpace(client: EtcdClient, tls?: MetricsTls): Promise<{ measured: (MemberSpace & { dbSizeInUse: number })[]; unchecked: UncheckedMember[] }> {
  const measured: (MemberSpace & { dbSizeInUse: number })[] = [];
  const unchecked: UncheckedMember[] = [];
  let members;
  try {
    ({ members } = await client.memberList());
  } catch (err) {
    return { measured, unchecked: [{ name: 'the members', why: `member list: ${(err as Error).message}` }] };
  }
  await Promise.all(members.map(async (m) => {
    const url = m.clientURLs[0];
    const name = m.name || m.ID.toString(16);
    if (!url) return;
    const [st, quota] = await Promise.all([
      client.member(url).status().catch((err: unknown) => err as Error),
      fetchQuotaBytes(url, { ...(tls ? { tls } : {}), timeoutMs: 10_000 }),
    ]);
    if (st instanceof Error) unchecked.push({ name, why: st.message });
    else if (quota === undefined) unchecked.push({ name, why: `its quota: ${url}/metrics did not answer` });
    else measured.push({ name, dbSize: st.dbSize, dbSizeInUse: st.dbSizeInUse, quota });
  }));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return { measured: measured.sort(byName), unchecked: unchecked.sort(byName) };
}

/** "in use X of quota Y" for the member with the largest DB, for messages. */
async function spaceSummary(client: EtcdClient, tls?: MetricsTls): Promise<string> {
  const { measured } = await memberSpace(client, tls);
  let worst: (MemberSpace & { dbSizeInUse: number }) | undefined;
  for (const m of measured) if (!worst || m.dbSizeInUse > worst.dbSizeInUse) worst = m;
  return worst ? `${worst.name} still uses ${humanBytes(worst.dbSizeInUse)} (DB ${humanBytes(worst.dbSize)}) of its ${humanBytes(worst.quota)} quota` : 'the live data does not fit the quota';
}

// NOSPACE recovery, the seeds' steps in order: compact the history up to the current revision
// (physically, so the pages are really free), defragment every member (rolling, leader last),
// disarm every alarm, then prove a write works with a probe key under /warden/. Compaction
// drops old revisions only: every live key stays.
import { WardenError } from '../errors.ts';
import { EtcdNoSpaceError, type AlarmMember, type EtcdClient } from '../etcd/client.ts';
import { humanBytes } from '../cli/printer.ts';
import { WARDEN_PREFIX } from '../operator/conditions.ts';
import { fetchQuotaBytes, DEFAULT_QUOTA_BYTES, type MetricsTls } from './quota.ts';
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
  /** One line per step. */
  print: (line: string) => void;
  /** Every rolling-defrag event (the per-member lines are printed from these). */
  onDefrag?: (e: RollingEvent) => void;
}

export interface SpaceRecoveryReport {
  alarms: AlarmMember[];
  compactedRevision: number;
  defragmented: DefragResult[];
  disarmed: AlarmMember[];
  probeKey: string;
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
    ...(o.signal ? { signal: o.signal } : {}),
    on: (e) => {
      if (e.kind === 'defragmented') defragmented.push(e.result);
      o.onDefrag?.(e);
    },
  });

  // Disarming before every member is small again would only raise NOSPACE on the next write.
  if (o.signal?.aborted) throw new WardenError('NOSPACE recovery stopped before every member was defragmented; the alarms stay raised: run `warden space recover` again');
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
  return { alarms, compactedRevision: revision, defragmented, disarmed, probeKey };
}

/** "in use X of quota Y" for the member with the largest DB, for messages. */
async function spaceSummary(client: EtcdClient, tls?: MetricsTls): Promise<string> {
  try {
    const { members } = await client.memberList();
    let worst: { inUse: number; size: number; quota: number; name: string } | undefined;
    for (const m of members) {
      const url = m.clientURLs[0];
      if (!url) continue;
      const st = await client.member(url).status();
      const quota = (await fetchQuotaBytes(url, tls ? { tls } : {})) ?? DEFAULT_QUOTA_BYTES;
      if (!worst || st.dbSizeInUse > worst.inUse) worst = { inUse: st.dbSizeInUse, size: st.dbSize, quota, name: m.name };
    }
    return worst ? `${worst.name} still uses ${humanBytes(worst.inUse)} (DB ${humanBytes(worst.size)}) of its ${humanBytes(worst.quota)} quota` : 'no member answered';
  } catch {
    return 'the live data does not fit the quota';
  }
}

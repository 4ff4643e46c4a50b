// The JSON shapes of a defragmentation and a space recovery, as `-w json` prints them and the
// operator's API returns them: one definition for both edges.
import { hexId } from './policy.ts';
import type { DefragResult } from './rolling.ts';
import type { SpaceRecoveryReport } from './space.ts';

export function defragResultJson(r: DefragResult): Record<string, unknown> {
  return {
    endpoint: r.endpoint,
    name: r.name,
    id: hexId(r.id),
    before: r.before,
    after: r.after,
    durationMs: Math.round(r.durationMs),
    wasLeader: r.wasLeader,
    ...(r.leaderMovedTo ? { leaderMovedTo: { name: r.leaderMovedTo.name, id: hexId(r.leaderMovedTo.id) } } : {}),
  };
}

export function spaceReportJson(report: SpaceRecoveryReport): Record<string, unknown> {
  return {
    alarms: report.alarms.map((a) => ({ memberID: a.memberID, alarm: a.alarm })),
    compactedRevision: report.compactedRevision,
    defragmented: report.defragmented.map(defragResultJson),
    disarmed: report.disarmed.map((a) => ({ memberID: a.memberID, alarm: a.alarm })),
    writeCheck: report.probeKey,
    nearQuota: report.nearQuota.map((m) => ({ name: m.name, dbSize: m.dbSize, quota: m.quota })),
  };
}

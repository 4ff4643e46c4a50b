// Endpoint health the way etcdctl judges it: a linearizable read of the key "health" must be
// served (it needs the leader and a quorum); "permission denied" still proves the member serves.
import { formatDuration } from '../util/duration.ts';
import type { MemberClient } from './client.ts';
import { EtcdPermissionError } from './errors.ts';

export interface EndpointHealth {
  endpoint: string;
  health: boolean;
  took: string;
  error?: string;
}

export async function checkEndpointHealth(member: MemberClient): Promise<EndpointHealth> {
  const start = performance.now();
  try {
    await member.get('health');
  } catch (err) {
    if (!(err instanceof EtcdPermissionError)) {
      return { endpoint: member.endpoint, health: false, took: formatDuration(performance.now() - start), error: (err as Error).message };
    }
  }
  return { endpoint: member.endpoint, health: true, took: formatDuration(performance.now() - start) };
}

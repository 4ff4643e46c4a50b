// What is left of the local machine's side of `warden cluster ...` once every cluster runs on
// agents (the embedded default's too, see src/agent/embedded.ts): the member rows commands
// print, the member count check, finding and stopping a supervisor (an agent's, which holds
// its lock), `--auth`, and the client files etcdctl needs.
import fs from 'node:fs';
import { UsageError } from '../errors.ts';
import { pidAlive, processCmdline, processesWhere } from '../util/fsutil.ts';
import { waitFor } from '../util/wait.ts';
import { embeddedConnection, readClusterConfig, readManifests } from './cluster-config.ts';
import type { StateLayout } from './layout.ts';
import { isMemberProcess, readRunStatus, terminate, type MemberState } from './supervisor.ts';
import { etcdClientFiles } from './tls.ts';

export interface MemberRow {
  name: string;
  /** The agent that runs the member (clusters made by `cluster init`). */
  host?: string;
  clientURL: string;
  peerURL: string;
  pid: number | null;
  dataDir: string;
  running: boolean;
  state: MemberState | 'pending' | 'unreachable';
  manifest: 'active' | 'moved-out';
  logFile: string;
  error?: string;
}

export function validateMemberCount(n: number): { warning?: string } {
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new UsageError(`--members must be a whole number from 1 to 9 (got ${n}): 1, 3 or 5 are usual`);
  if (n % 2 === 0) {
    return { warning: `warning: ${n} members tolerate no more failures than ${n - 1} (quorum is ${n / 2 + 1}): prefer an odd count` };
  }
  return {};
}

export function supervisorPid(layout: StateLayout): number | undefined {
  try {
    const pid = Number(fs.readFileSync(layout.supervisorPidFile, 'utf8').trim());
    return pid && pidAlive(pid) && (processCmdline(pid) ?? []).some((a) => /warden/.test(a)) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** `--auth` of `cluster up` and `run`: once every member is healthy (see auth.ts). */
export async function turnAuthOn(layout: StateLayout, log: (line: string) => void): Promise<void> {
  const conn = embeddedConnection(layout);
  // Loaded here: only --auth needs it.
  const { enableAuth } = await import('./auth.ts');
  await enableAuth(layout, { endpoints: conn.endpoints, ...(conn.tls ? { tls: conn.tls } : {}), log });
}

/**
 * Stops the supervisor of a state dir (an agent's: the agent holds its supervisor's lock) and
 * with it its members; members a killed supervisor left running are stopped too. Returns
 * whether anything ran.
 */
export async function stopSupervised(layout: StateLayout): Promise<boolean> {
  const pid = supervisorPid(layout);
  // Also any agent of this state dir that lost its pid file (two started at once: the one that
  // could not listen removed the file the other had written).
  const pids = [...new Set([...(pid ? [pid] : []), ...agentProcesses(layout.root)])];
  for (const p of pids) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* gone already */
    }
  }
  await Promise.all(pids.map((p) => waitFor(() => !pidAlive(p), { timeoutMs: 40_000, what: `the agent in ${layout.root} (pid ${p}) to stop` })));
  let stopped = 0;
  for (const { manifest: m } of readManifests(layout, { skipInvalid: true })) {
    const st = readRunStatus(layout, m.name);
    if (isMemberProcess(st?.pid, m.dataDir)) {
      const p = st?.pid as number;
      await terminate(p, waitFor(() => !pidAlive(p), { timeoutMs: 20_000, intervalMs: 50, what: `member ${m.name} to stop` }).then(() => undefined), 10_000);
      stopped++;
    }
  }
  return pids.length > 0 || stopped > 0;
}

export function tlsClientFiles(layout: StateLayout): { cacert: string; cert: string; key: string } | undefined {
  const cfg = readClusterConfig(layout);
  if (!cfg?.tls) return undefined;
  const f = etcdClientFiles(layout.tlsDir);
  return { cacert: f.ca, cert: f.cert, key: f.key };
}


/** Pids of `warden agent` processes whose --state-dir is `root`. */
function agentProcesses(root: string): number[] {
  return processesWhere((argv) => {
    const i = argv.indexOf('--state-dir');
    return i >= 0 && argv[i + 1] === root && argv[i + 2] === 'agent' && argv.some((a) => /warden/.test(a));
  });
}

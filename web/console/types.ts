// What the operator's console API answers (src/console/overview.ts), as the page reads it.

export type Role = 'viewer' | 'operator' | 'admin';

export interface MemberRow {
  id: string;
  name: string;
  endpoint: string;
  healthy: boolean;
  error?: string;
  leader: boolean;
  learner: boolean;
  version?: string;
  dbSize: number;
  dbSizeInUse: number;
  quota?: number;
  fragmentation: number;
  raftAppliedIndex: number;
  lag?: number;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface Overview {
  time: string;
  you: { name: string; role: Role };
  operator: { identity: string; leading: boolean; leader?: string };
  cluster: { members: number; healthy: number; quorum: number; quorumKept: boolean; reason: string; leader?: string };
  members: MemberRow[];
  conditions: Condition[];
  alarms: { member: string; alarm: string }[];
  running: RunningOp[];
}

export interface RunningOp {
  id: string;
  kind: string;
  what: string;
  by?: string;
  since: string;
  progress?: { done: number; total: number; unit: 'bytes' | 'members' | 'objects' };
  step?: string;
}

/** An action the page started: what, and how it went. */
export interface ActionState {
  name: string;
  state: 'running' | 'succeeded' | 'failed';
  message?: string;
}

export interface WardenEvent {
  time: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: string;
}

export interface SetRow {
  timestamp: string;
  complete: boolean;
  dirty: boolean;
  encrypted: boolean;
  member: string;
  revision: number | null;
  size: number;
  encryption: string;
  snapshot: string | null;
  archive: string | null;
  where: 'local' | 's3';
  restore: string;
}

export interface BackupsPage {
  configured: boolean;
  dir?: string;
  s3?: string;
  schedule?: string;
  retention?: { count?: number; totalBytes?: number; maxAgeMs?: number };
  revisionLog: boolean;
  encrypted: boolean;
  sets: SetRow[];
  s3Error?: string;
  window: { root?: string; windows: { cluster: string; from: number; to: number; backup: string; toTime?: number }[]; gaps: { cluster: string; from: number; to: number }[] };
  pointInTime?: string;
  warnings: string[];
}

export interface ResourceCoverage {
  resource: string;
  total: number;
  plaintext: number;
  encrypted: Record<string, number>;
  shouldBeEncrypted: boolean;
}

export interface EncryptionPage {
  desired: string;
  condition: { status: string; reason: string; message: string };
  writeKey: string;
  keys: { name: string; type: string; role: 'write' | 'read'; created?: string; promoted?: string }[];
  pending?: { name: string; type: string; addedAt: string };
  migration?: { writeKey: string; startedAt: string; finishedAt?: string; progress: Record<string, { done: number; total: number }>; unreadable?: { key: string; error: string }[] };
  nextRotation?: string;
  rotationMs: number;
  lastScan?: { time: string; by: string; findings: { resource: string; plaintext: number }[]; coverage: ResourceCoverage[] };
}

export interface History {
  times: number[];
  members: { name: string; dbSize: (number | null)[]; inUse: (number | null)[]; fragmentation: (number | null)[] }[];
  writeRate: (number | null)[];
  leaderChanges: { time: number; leader?: string }[];
  defrags: { time: number; member: string; from: number; to: number }[];
  intervalMs: number;
}

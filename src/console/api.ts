// The shapes the operator's API answers and the console page reads: one definition for both
// sides (the page imports these types from here). Types only, importing nothing, so the page's
// own type check (web/tsconfig.json, DOM types, no Node) can read this file.

export type Role = 'viewer' | 'operator' | 'admin';

export type EncryptionType = 'identity' | 'aescbc' | 'aesgcm' | 'secretbox' | 'kms';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface WardenEvent {
  time: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: string;
}

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
  /** The member's quota (--quota-backend-bytes), when its /metrics said. */
  quota?: number;
  /** Percent of the DB file not in use (what a defrag gives back). */
  fragmentation: number;
  raftAppliedIndex: number;
  /** Entries behind the leader's applied index (0 for the leader; undefined without a leader). */
  lag?: number;
}

export interface RunningOp {
  id: string;
  kind: 'backup' | 'defrag' | 'space-recover' | 'scan' | 'migration' | 'restore';
  /** What runs, in a few words. */
  what: string;
  /** Who started it, when known. */
  by?: string;
  since: string;
  /** How far it is (bytes of a backup, members of a defrag, objects of a migration). */
  progress?: { done: number; total: number; unit: 'bytes' | 'members' | 'objects' };
  /** The step it is at. */
  step?: string;
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

/** A backup set as `backup list` shows it. */
export interface ListRow {
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
}

export interface SetRow extends ListRow {
  where: 'local' | 's3';
  /** The command that restores this set. */
  restore: string;
}

export interface RetentionPolicy {
  count?: number;
  totalBytes?: number;
  maxAgeMs?: number;
}

export interface Window {
  cluster: string;
  from: number;
  to: number;
  /** The set the window starts from. */
  backup: string;
  /** Wall time of the window's last revision (ms), when known. */
  toTime?: number;
}

export interface Gap {
  cluster: string;
  from: number;
  to: number;
}

export interface BackupsPage {
  configured: boolean;
  dir?: string;
  s3?: string;
  schedule?: string;
  retention?: RetentionPolicy;
  revisionLog: boolean;
  encrypted: boolean;
  sets: SetRow[];
  s3Error?: string;
  window: { root?: string; windows: Window[]; gaps: Gap[] };
  /** The command a point in time is restored with, the time (RFC 3339) to add at its end. */
  pointInTime?: string;
  warnings: string[];
}

export interface MigrationProgress {
  done: number;
  total: number;
}

export interface MigrationRecord {
  /** "identity" or "<type>:<keyName>": what everything is being rewritten to. */
  writeKey: string;
  startedAt: string;
  finishedAt?: string;
  progress: Record<string, MigrationProgress>;
  /** Values that could not be read (never overwritten); reported, not lost. */
  unreadable?: { key: string; error: string }[];
}

export interface ResourceCoverage {
  resource: string;
  total: number;
  plaintext: number;
  /** "aesgcm:3" -> count */
  encrypted: Record<string, number>;
  /** Whether OpenShift encrypts this resource (plaintext here is a finding). */
  shouldBeEncrypted: boolean;
}

export interface KeyRow {
  /** A key's name; for kms, the provider's. */
  name: string;
  type: string;
  role: 'write' | 'read';
  /** kms: the key ID its plugin last reported (the KEK is the plugin's; nothing of it is here). */
  keyId?: string;
  created?: string;
  promoted?: string;
}

export interface EncryptionPage {
  desired: EncryptionType;
  condition: { status: string; reason: string; message: string };
  writeKey: string;
  keys: KeyRow[];
  pending?: { name: string; type: string; addedAt: string };
  migration?: MigrationRecord;
  /** ISO time the next automatic rotation is due (the write key's migration finished + the interval). */
  nextRotation?: string;
  rotationMs: number;
  lastScan?: { time: string; by: string; findings: { resource: string; plaintext: number }[]; coverage: ResourceCoverage[] };
}

export interface History {
  /** Sample times (ms). */
  times: number[];
  members: { name: string; dbSize: (number | null)[]; inUse: (number | null)[]; fragmentation: (number | null)[] }[];
  /** Revisions per second between a sample and the one before (null for the first, and across a restore). */
  writeRate: (number | null)[];
  leaderChanges: { time: number; leader?: string }[];
  defrags: { time: number; member: string; from: number; to: number }[];
  intervalMs: number;
}

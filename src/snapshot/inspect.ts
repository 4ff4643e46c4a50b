// `snapshot inspect`: what a snapshot holds beyond etcdctl's four numbers, from the same single
// pass over its pages: live keys per resource type, how their values are stored (encryption
// provider and key name, or plaintext where the resource should be encrypted), the members
// recorded in the `members` bucket apart from the removed ones, the compacted revision and
// consistent_index.
//
// Members: etcd moves a removed member from `members` to `members_removed`, but etcd 3.4's
// `snapshot restore` leaves both buckets as the old cluster had them (its saveDB deletes the
// member keys from the key space instead of the buckets; 3.5's etcdutl trims them), and the
// restored cluster's members are added beside them. A file of a restored cluster therefore
// records members of every cluster before it, and nothing in it says which are current. What it
// does say: etcd never lets two members of one cluster share a peer URL, so of the recorded
// members sharing one at most one is current.
//
// The `key` bucket holds every revision that survived compaction, ordered by revision; each
// value is an mvccpb.KeyValue. Replaying them in order (a tombstone, whose revision key ends
// with 't', deletes the key) leaves the latest revision of each live key. Only a small record
// per live key is kept, never the values.
import { describeValue, type ValueInfo } from '../encryption/transformers.ts';
import { ENCRYPTED_RESOURCES, resourceOfKey } from '../resources/registry.ts';
import { WardenError } from '../errors.ts';
import { Column } from '../util/column.ts';
import { printable, type BboltReader } from './bbolt.ts';
import { readSnapshot, statusOf, type ReadOptions, type SnapshotStatus } from './status.ts';

/** The fields of mvccpb.KeyValue that inspect needs. */
export interface KeyValue {
  key: Buffer;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: number;
}

/** Decodes an mvccpb.KeyValue (1 key, 2 create_revision, 3 mod_revision, 4 version, 5 value, 6 lease). */
export function decodeKeyValue(buf: Buffer): KeyValue {
  const at: KeyValueAt = { keyStart: 0, keyEnd: 0, valueStart: 0, valueEnd: 0, createRevision: 0, modRevision: 0, version: 0, lease: 0 };
  locateKeyValue(buf, at);
  return {
    key: buf.subarray(at.keyStart, at.keyEnd),
    value: buf.subarray(at.valueStart, at.valueEnd),
    createRevision: at.createRevision,
    modRevision: at.modRevision,
    version: at.version,
    lease: at.lease,
  };
}

/** Where the key and the value of an mvccpb.KeyValue lie in its bytes, and its numbers (filled by locateKeyValue). */
export interface KeyValueAt {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: number;
}

/**
 * Reads an mvccpb.KeyValue into `at`, its key and value as offsets into `buf` (no allocation:
 * a walk over every revision of a snapshot reuses one `at`). Throws on malformed input.
 */
export function locateKeyValue(buf: Buffer, at: KeyValueAt): void {
  at.keyStart = at.keyEnd = at.valueStart = at.valueEnd = 0;
  at.createRevision = at.modRevision = at.version = at.lease = 0;
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      if (i >= buf.length) throw new ProtoError('truncated varint');
      const b = buf[i++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new ProtoError('varint longer than 10 bytes');
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const v = varint();
      if (field === 2) at.createRevision = v;
      else if (field === 3) at.modRevision = v;
      else if (field === 4) at.version = v;
      else if (field === 6) at.lease = v;
    } else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new ProtoError(`field ${field} runs past the end`);
      if (field === 1) {
        at.keyStart = i;
        at.keyEnd = i + len;
      } else if (field === 5) {
        at.valueStart = i;
        at.valueEnd = i + len;
      }
      i += len;
    } else if (wire === 1) {
      i += 8;
    } else if (wire === 5) {
      i += 4;
    } else {
      throw new ProtoError(`unsupported wire type ${wire}`);
    }
  }
  if (i > buf.length) throw new ProtoError('fixed-size field runs past the end');
}

class ProtoError extends Error {}

export interface SnapshotMember {
  /** Member ID as etcd stores it (uint64). */
  id: bigint;
  /** The same ID in hex, as etcdctl prints member IDs. */
  hexID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface StorageCount {
  /** 'identity' for plaintext, else the provider of `k8s:enc:<provider>:v1:<keyName>:`. */
  provider: string;
  keyName?: string;
  /** kms: the KEK key ID the values' DEK is under. */
  keyId?: string;
  count: number;
}

export interface ResourceReport {
  /** `resource` or `resource.group`; "(other)" for keys outside the Kubernetes/OpenShift roots. */
  resource: string;
  keys: number;
  plaintext: number;
  encrypted: number;
  /** Values per provider and key name (plaintext as provider "identity"). */
  storage: StorageCount[];
  /** Listed in ENCRYPTED_RESOURCES: its plaintext values should not be there. */
  shouldBeEncrypted: boolean;
}

export interface InspectReport {
  status: SnapshotStatus & { sha256?: string };
  consistentIndex?: number;
  /** Raft term (etcd 3.5+ records it in the meta bucket). */
  term?: number;
  compaction: { scheduled?: number; finished?: number };
  clusterVersion?: string;
  keys: { live: number; revisions: number; tombstones: number };
  leases: number;
  buckets: { name: string; keys: number }[];
  resources: ResourceReport[];
  encryption: {
    /** Live values per provider and key, over every resource. */
    storage: StorageCount[];
    encrypted: number;
    /** Plaintext values in resources that should be encrypted. */
    plaintextShouldBeEncrypted: number;
  };
  /** Recorded in the `members` bucket and not removed, by ID. */
  members: SnapshotMember[];
  /** Hex IDs in the `members_removed` bucket. */
  removedMembers: string[];
  /** Recorded members claiming the same peer URL (at most one of each group is current), by peer URL. */
  sharedPeerURLs: { peerURLs: string[]; hexIDs: string[] }[];
  /** How many members the snapshot's cluster can have had: one per group of members sharing peer URLs. */
  currentMembersAtMost: number;
}

export const OTHER_RESOURCE = '(other)';

/** What a live key contributes: its resource and how its value is stored. */
interface Category {
  resource: string;
  provider: string;
  keyName?: string;
  keyId?: string;
}

/** Collects the report during statusOf's walk. */
export class InspectCollector {
  private readonly categories: Category[] = [];
  /** Resource → provider (and key name) → index in `categories`. */
  private readonly categoryIds = new Map<string, Map<string, number>>();
  private readonly at: KeyValueAt = { keyStart: 0, keyEnd: 0, valueStart: 0, valueEnd: 0, createRevision: 0, modRevision: 0, version: 0, lease: 0 };
  /** Live key (latin1) → index of its latest put among the key bucket's entries. */
  private readonly live = new Map<string, number>();
  /** The category of each entry of the key bucket, by index (0 for a tombstone). */
  private readonly categoryOf = new Column(new Uint32Array(1024));
  revisions = 0;
  tombstones = 0;
  leases = 0;
  consistentIndex?: number;
  term?: number;
  scheduled?: number;
  finished?: number;
  clusterVersion?: string;
  readonly bucketKeys = new Map<string, number>();
  readonly members: SnapshotMember[] = [];
  readonly removed: string[] = [];

  /** Each live key and the index of its latest put among the key bucket's entries, as the walk goes. */
  get liveKeys(): ReadonlyMap<string, number> {
    return this.live;
  }

  /**
   * One entry of the walk. `name`: for a revision of the `key` bucket, the etcd key it holds
   * (latin1), when the caller has read it already.
   */
  visit = (bucket: string, key: Buffer, value: Buffer | undefined, name?: string): void => {
    this.bucketKeys.set(bucket, (this.bucketKeys.get(bucket) ?? 0) + 1);
    if (!value) return;
    switch (bucket) {
      case 'key':
        this.revision(key, value, name);
        break;
      case 'meta':
        this.meta(key.toString('latin1'), value);
        break;
      case 'members':
        this.members.push(parseMember(key, value));
        break;
      case 'members_removed':
        this.removed.push(key.toString('latin1'));
        break;
      case 'lease':
        this.leases++;
        break;
      case 'cluster':
        if (key.toString('latin1') === 'clusterVersion') this.clusterVersion = value.toString('utf8');
        break;
    }
  };

  private revision(revKey: Buffer, value: Buffer, name?: string): void {
    const index = this.revisions++;
    // The key and value are located in place (no KeyValue object per revision: a GB holds
    // hundreds of thousands of them).
    const at = this.at;
    try {
      locateKeyValue(value, at);
    } catch (err) {
      throw new WardenError(`revision ${printable(revKey)} in the key bucket is not an mvccpb.KeyValue (${(err as Error).message}): the snapshot is corrupted`);
    }
    const key = name ?? value.toString('latin1', at.keyStart, at.keyEnd);
    // 17 bytes: main '_' sub; 18 with a trailing 't' for a deletion.
    if (revKey.length === 18 && revKey[17] === 0x74) {
      this.tombstones++;
      this.categoryOf.push(0);
      this.live.delete(key);
      return;
    }
    const resource = resourceOfKey(key) ?? OTHER_RESOURCE;
    this.categoryOf.push(this.category(resource, describeValue(value.subarray(at.valueStart, at.valueEnd))));
    this.live.set(key, index);
  }

  private category(resource: string, info: ValueInfo): number {
    let ids = this.categoryIds.get(resource);
    if (!ids) {
      ids = new Map();
      this.categoryIds.set(resource, ids);
    }
    // No key name and an empty one are one category, as they always were.
    const id = info.keyName ? `${info.provider}\0${info.keyName}\0${info.keyId ?? ''}` : info.provider;
    let n = ids.get(id);
    if (n === undefined) {
      n = this.categories.length;
      this.categories.push({ resource, provider: info.provider, ...(info.keyName !== undefined ? { keyName: info.keyName } : {}), ...(info.keyId !== undefined ? { keyId: info.keyId } : {}) });
      ids.set(id, n);
    }
    return n;
  }

  private meta(name: string, value: Buffer): void {
    const be64 = (): number | undefined => (value.length >= 8 ? Number(value.readBigUInt64BE(0)) : undefined);
    if (name === 'consistent_index') this.consistentIndex = be64();
    else if (name === 'term') this.term = be64();
    // Compaction revisions are stored as revision keys: 8-byte big-endian main revision first.
    else if (name === 'scheduledCompactRev') this.scheduled = be64();
    else if (name === 'finishedCompactRev') this.finished = be64();
  }

  report(status: SnapshotStatus & { sha256?: string }): InspectReport {
    const counts = new Array<number>(this.categories.length).fill(0);
    // The empty key is no client's (etcd refuses to write one): a restore's revision bump marks
    // its new revision with it. HashKV counts it; the report does not.
    const bumpMark = this.live.has('') ? 1 : 0;
    for (const [key, i] of this.live) {
      if (key === '') continue;
      const c = this.categoryOf.at(i);
      counts[c] = (counts[c] as number) + 1;
    }
    const byResource = new Map<string, ResourceReport>();
    const total = new Map<string, StorageCount>();
    let plaintextShouldBeEncrypted = 0;
    let encrypted = 0;
    this.categories.forEach((c, i) => {
      const n = counts[i] as number;
      if (n === 0) return;
      let r = byResource.get(c.resource);
      if (!r) {
        r = { resource: c.resource, keys: 0, plaintext: 0, encrypted: 0, storage: [], shouldBeEncrypted: ENCRYPTED_RESOURCES.includes(c.resource) };
        byResource.set(c.resource, r);
      }
      r.keys += n;
      if (c.provider === 'identity') r.plaintext += n;
      else r.encrypted += n;
      const which = { provider: c.provider, ...(c.keyName !== undefined ? { keyName: c.keyName } : {}), ...(c.keyId !== undefined ? { keyId: c.keyId } : {}) };
      r.storage.push({ ...which, count: n });
      const tk = `${c.provider}\0${c.keyName ?? ''}\0${c.keyId ?? ''}`;
      const t = total.get(tk) ?? { ...which, count: 0 };
      t.count += n;
      total.set(tk, t);
      if (c.provider === 'identity' && r.shouldBeEncrypted) plaintextShouldBeEncrypted += n;
      if (c.provider !== 'identity') encrypted += n;
    });
    const resources = [...byResource.values()].sort((a, b) => (a.resource === OTHER_RESOURCE ? 1 : b.resource === OTHER_RESOURCE ? -1 : a.resource.localeCompare(b.resource)));
    for (const r of resources) r.storage.sort(byStorage);
    return {
      status,
      ...(this.consistentIndex !== undefined ? { consistentIndex: this.consistentIndex } : {}),
      ...(this.term !== undefined ? { term: this.term } : {}),
      compaction: { ...(this.scheduled !== undefined ? { scheduled: this.scheduled } : {}), ...(this.finished !== undefined ? { finished: this.finished } : {}) },
      ...(this.clusterVersion !== undefined ? { clusterVersion: this.clusterVersion } : {}),
      keys: { live: this.live.size - bumpMark, revisions: this.revisions, tombstones: this.tombstones },
      leases: this.leases,
      buckets: [...this.bucketKeys].map(([name, keys]) => ({ name, keys })),
      resources,
      encryption: { storage: [...total.values()].sort(byStorage), encrypted, plaintextShouldBeEncrypted },
      ...membership(this.members, this.removed),
    };
  }
}

function byStorage(a: StorageCount, b: StorageCount): number {
  return a.provider.localeCompare(b.provider) || (a.keyName ?? '').localeCompare(b.keyName ?? '', undefined, { numeric: true }) || (a.keyId ?? '').localeCompare(b.keyId ?? '');
}

/** The recorded members less the removed ones, grouped by the peer URLs they share (union-find over URLs). */
export function membership(recorded: SnapshotMember[], removed: string[]): Pick<InspectReport, 'members' | 'removedMembers' | 'sharedPeerURLs' | 'currentMembersAtMost'> {
  const gone = new Set(removed.map((h) => h.toLowerCase()));
  const members = recorded.filter((m) => !gone.has(m.hexID)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const parent = members.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  const byURL = new Map<string, number>();
  members.forEach((m, i) => {
    for (const u of m.peerURLs) {
      const j = byURL.get(u);
      if (j === undefined) byURL.set(u, i);
      else parent[root(i)] = root(j);
    }
  });
  const groups = new Map<number, SnapshotMember[]>();
  members.forEach((m, i) => {
    const g = groups.get(root(i)) ?? [];
    g.push(m);
    groups.set(root(i), g);
  });
  const sharedPeerURLs = [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => ({ peerURLs: [...new Set(g.flatMap((m) => m.peerURLs))].sort(), hexIDs: g.map((m) => m.hexID) }))
    .sort((a, b) => (a.peerURLs[0] as string).localeCompare(b.peerURLs[0] as string));
  return { members, removedMembers: [...removed].sort(), sharedPeerURLs, currentMembersAtMost: groups.size };
}

/** A member as etcd's membership store saves it: key hex ID, value JSON {id, peerURLs, name, clientURLs, isLearner}. */
export function parseMember(key: Buffer, value: Buffer): SnapshotMember {
  const text = value.toString('utf8');
  let json: { peerURLs?: unknown; name?: unknown; clientURLs?: unknown; isLearner?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new WardenError(`member ${printable(key)} in the members bucket is not JSON: the snapshot is corrupted`);
  }
  // The id is a uint64 that JSON.parse would round: read its digits, else the hex key.
  const digits = /"id"\s*:\s*(\d+)/.exec(text)?.[1];
  let id: bigint;
  try {
    id = digits ? BigInt(digits) : BigInt(`0x${key.toString('latin1')}`);
  } catch {
    throw new WardenError(`member ${printable(key)} in the members bucket has no readable id: the snapshot is corrupted`);
  }
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    id,
    hexID: id.toString(16),
    name: typeof json.name === 'string' ? json.name : '',
    peerURLs: strings(json.peerURLs),
    clientURLs: strings(json.clientURLs),
    isLearner: json.isLearner === true,
  };
}

/** Inspects an open database (pure over the reader), with bbolt's integrity check. */
export function inspectReader(reader: BboltReader): InspectReport {
  const c = new InspectCollector();
  const status = statusOf(reader, reader.newTracker(), c.visit);
  return c.report(status);
}

/** Inspects the snapshot file at `path` (checking its sha256 trailer when it has one). */
export async function inspectSnapshot(path: string, opts: ReadOptions = {}): Promise<InspectReport> {
  const { result, sha256 } = await readSnapshot(path, opts, inspectReader);
  return sha256 ? { ...result, status: { ...result.status, sha256 } } : result;
}

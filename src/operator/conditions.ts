// Conditions and events, kept in etcd under /warden/ so every operator replica and every CLI
// call sees the same ones. A condition's lastTransitionTime changes only when its status does.
import type { EtcdClient } from '../etcd/client.ts';
import type { Condition, WardenEvent } from '../console/api.ts';

export type { Condition, WardenEvent } from '../console/api.ts';

export const WARDEN_PREFIX = '/warden/';
const CONDITIONS = `${WARDEN_PREFIX}conditions/`;
export const EVENTS = `${WARDEN_PREFIX}events/`;
export const MAX_EVENTS = 500;

export type ConditionStatus = Condition['status'];

/** Pure: the condition to store given the previous one; keeps lastTransitionTime unless status changed. */
export function nextCondition(prev: Condition | undefined, next: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition {
  const lastTransitionTime = prev && prev.status === next.status ? prev.lastTransitionTime : now.toISOString();
  return { ...next, lastTransitionTime };
}

export class ConditionStore {
  constructor(private readonly client: EtcdClient) {}

  async get(type: string): Promise<Condition | undefined> {
    const res = await this.client.get(`${CONDITIONS}${type}`);
    const kv = res.kvs[0];
    return kv ? (JSON.parse(kv.value.toString('utf8')) as Condition) : undefined;
  }

  /** `serializable`: the member's own copy (a page that must answer while etcd elects a leader). */
  async list(opts: { serializable?: boolean } = {}): Promise<Condition[]> {
    const res = await this.client.get(CONDITIONS, { prefix: true, ...(opts.serializable ? { serializable: true } : {}) });
    return res.kvs.map((kv) => JSON.parse(kv.value.toString('utf8')) as Condition);
  }

  /** Sets a condition; returns true when it changed (status, reason or message). */
  async set(c: Omit<Condition, 'lastTransitionTime'>, now = new Date()): Promise<boolean> {
    const prev = await this.get(c.type);
    if (prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message) return false;
    await this.client.put(`${CONDITIONS}${c.type}`, JSON.stringify(nextCondition(prev, c, now)));
    return true;
  }
}

export class EventLog {
  private seq = 0;
  constructor(
    private readonly client: EtcdClient,
    private readonly print: (line: string) => void,
    /** Told of every event (the operator audits those of its controllers' actions). */
    private readonly onEvent?: (e: WardenEvent) => Promise<void>,
  ) {}

  async record(e: Omit<WardenEvent, 'time'>): Promise<void> {
    const ev: WardenEvent = { time: new Date().toISOString(), ...e };
    // The operator's log adds the time.
    this.print(`${ev.type} ${ev.source} ${ev.reason}: ${ev.message}`);
    const key = `${EVENTS}${ev.time}-${process.pid}-${String(this.seq++).padStart(6, '0')}`;
    await Promise.all([this.client.put(key, JSON.stringify(ev)), this.onEvent?.(ev)]);
  }

  async list(limit = MAX_EVENTS): Promise<WardenEvent[]> {
    const res = await this.client.get(EVENTS, { prefix: true });
    return res.kvs.slice(-limit).map((kv) => JSON.parse(kv.value.toString('utf8')) as WardenEvent);
  }

  /** Keeps the newest MAX_EVENTS events. */
  async prune(): Promise<void> {
    const res = await this.client.get(EVENTS, { prefix: true, keysOnly: true });
    const excess = res.kvs.length - MAX_EVENTS;
    for (const kv of res.kvs.slice(0, Math.max(0, excess))) await this.client.delete(kv.key);
  }
}

// Migration: rewrite every stale value of a resource with the current write key. Each rewrite
// is a compare-and-swap on the value's mod revision, so a concurrent write always wins and is
// never overwritten; a value that cannot be read is reported and left exactly as it is.
import type { EtcdClient } from '../etcd/client.ts';
import { compare, op } from '../etcd/txn.ts';
import { prefixRangeEnd } from '../etcd/types.ts';
import { delay } from '../util/wait.ts';
import { readValue, TransformUnavailable, writeValue, type ReadResult, type Transformer } from './transformers.ts';

export interface MigrateOptions {
  /** Rewrites in flight at once (the throttle). */
  concurrency?: number;
  pageSize?: number;
  /** Called with (done, total) as objects are checked. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** CAS attempts per object before giving up on it for this pass. */
  maxAttempts?: number;
  /** At most this many objects checked per second (0 or undefined: no limit). */
  ratePerSecond?: number;
  /** Stale values rewritten in one transaction (each with its own compare). */
  batchSize?: number;
}

/** `--migration-rate` (the operator's and `encryption ... --wait`'s): objects per second. */
/**
 * Spaces calls at least 1/rate seconds apart across all workers. The waiters share one abort
 * listener, there only while someone waits (one per waiter would be 16 on one signal).
 */
export function rateLimiter(ratePerSecond: number | undefined, signal?: AbortSignal): () => Promise<void> {
  if (!ratePerSecond || ratePerSecond <= 0) return async () => undefined;
  const gap = 1000 / ratePerSecond;
  let next = Date.now();
  const waiting = new Map<NodeJS.Timeout, () => void>();
  const onAbort = () => {
    for (const [timer, resolve] of waiting) {
      clearTimeout(timer);
      resolve();
    }
    waiting.clear();
  };
  return () => {
    const at = Math.max(next, Date.now());
    next = at + gap;
    const wait = at - Date.now();
    if (wait <= 0 || signal?.aborted) return Promise.resolve();
    if (!signal) return delay(wait);
    return new Promise<void>((resolve) => {
      if (waiting.size === 0) signal.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => {
        waiting.delete(timer);
        if (waiting.size === 0) signal.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      waiting.set(timer, resolve);
    });
  };
}

export interface MigrateResult {
  total: number;
  done: number;
  rewritten: number;
  unreadable: { key: string; error: string }[];
}

export class MigrationAborted extends Error {}

/** Migrates every value under `prefix`; returns counts (unreadable values are not counted done). */
export async function migratePrefix(client: EtcdClient, prefix: string, transformer: Transformer, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const pageSize = opts.pageSize ?? 500;
  const concurrency = opts.concurrency ?? 16;
  const maxAttempts = opts.maxAttempts ?? 10;
  // With a throttle, objects go one by one so the rate is what it says.
  const batchSize = opts.ratePerSecond ? 1 : Math.max(1, opts.batchSize ?? 16);
  const end = prefixRangeEnd(Buffer.from(prefix));
  const total = (await client.get(prefix, { prefix: true, countOnly: true })).count;
  const result: MigrateResult = { total, done: 0, rewritten: 0, unreadable: [] };
  const throttle = rateLimiter(opts.ratePerSecond, opts.signal);
  opts.onProgress?.(0, total);
  // Pages are read one ahead, so workers never wait for the next page between pages.
  const readPage = (start: Buffer) => client.get(start, { rangeEnd: end, limit: pageSize });
  let page = await readPage(Buffer.from(prefix));
  while (page.kvs.length > 0) {
    if (opts.signal?.aborted) throw new MigrationAborted('migration interrupted');
    const last = page.kvs[page.kvs.length - 1]?.key as Buffer;
    const nextPage = page.more ? readPage(Buffer.concat([last, Buffer.from([0])])) : undefined;
    nextPage?.catch(() => undefined); // awaited below; this only avoids an unhandled rejection
    const kvs = page.kvs;
    let next = 0;
    // One worker failing (a KMS plugin down) stops the others before their next batch, and the
    // pass ends only once none is still writing or reporting progress.
    let failed = false;
    const worker = async () => {
      while (next < kvs.length && !failed) {
        if (opts.signal?.aborted) return;
        const batch: KV[] = [];
        while (batch.length < batchSize && next < kvs.length) {
          await throttle();
          if (opts.signal?.aborted || failed) return;
          const kv = kvs[next++];
          if (kv) batch.push(kv);
        }
        try {
          await migrateBatch(client, transformer, batch, maxAttempts, result);
        } catch (err) {
          failed = true;
          throw err;
        }
        if (!failed) opts.onProgress?.(result.done, Math.max(total, result.done));
      }
    };
    const ended = await Promise.allSettled(Array.from({ length: Math.min(concurrency, kvs.length) }, worker));
    const error = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected');
    if (error) throw error.reason;
    if (!nextPage) break;
    page = await nextPage;
  }
  if (opts.signal?.aborted) throw new MigrationAborted('migration interrupted');
  result.total = Math.max(total, result.done + result.unreadable.length);
  return result;
}

type KV = { key: Buffer; value: Buffer; modRevision: number; lease: bigint };

/**
 * The value read, or undefined when it cannot be read with the configured keys (reported and
 * left as it is). A provider that cannot answer now (a KMS plugin down) ends the pass instead:
 * the value is not unreadable, the next pass reads it.
 */
async function readOrReport(transformer: Transformer, kv: KV, result: MigrateResult): Promise<ReadResult | undefined> {
  try {
    return await readValue(transformer, kv.value, kv.key);
  } catch (err) {
    if (err instanceof TransformUnavailable) throw err;
    result.unreadable.push({ key: kv.key.toString(), error: (err as Error).message });
    return undefined;
  }
}

/**
 * Rewrites a batch of values in one transaction: one compare on each value's mod revision,
 * one put each. If any of them changed meanwhile, the whole transaction does nothing and each
 * value is then migrated on its own (so a concurrent write still always wins).
 */
async function migrateBatch(client: EtcdClient, transformer: Transformer, batch: KV[], maxAttempts: number, result: MigrateResult): Promise<void> {
  if (batch.length === 1) return migrateOne(client, transformer, batch[0] as KV, maxAttempts, result);
  const stale: { kv: KV; value: Buffer }[] = [];
  for (const kv of batch) {
    const read = await readOrReport(transformer, kv, result);
    if (!read) continue;
    if (read.stale) stale.push({ kv, value: await writeValue(transformer, read.data, kv.key) });
    else result.done++;
  }
  if (stale.length === 0) return;
  const res = await client.txn({
    compare: stale.map((s) => compare.modRevision(s.kv.key, '=', s.kv.modRevision)),
    success: stale.map((s) => op.put(s.kv.key, s.value, s.kv.lease ? { lease: s.kv.lease } : {})),
  });
  if (res.succeeded) {
    result.done += stale.length;
    result.rewritten += stale.length;
    return;
  }
  for (const s of stale) await migrateOne(client, transformer, s.kv, maxAttempts, result);
}

async function migrateOne(
  client: EtcdClient,
  transformer: Transformer,
  first: { key: Buffer; value: Buffer; modRevision: number; lease: bigint },
  maxAttempts: number,
  result: MigrateResult,
): Promise<void> {
  let kv: typeof first | undefined = first;
  for (let attempt = 0; attempt < maxAttempts && kv; attempt++) {
    const read = await readOrReport(transformer, kv, result);
    if (!read) return;
    if (!read.stale) {
      result.done++;
      return;
    }
    // A write that cannot be encrypted (a KMS plugin down) ends the pass: never plaintext instead.
    const value = await writeValue(transformer, read.data, kv.key);
    const res = await client.txn({
      compare: [compare.modRevision(kv.key, '=', kv.modRevision)],
      success: [op.put(kv.key, value, kv.lease ? { lease: kv.lease } : {})],
      failure: [op.get(kv.key)],
    });
    if (res.succeeded) {
      result.done++;
      result.rewritten++;
      return;
    }
    // Someone wrote (or deleted) it meanwhile: their value wins; check what is there now.
    const now = res.responses[0];
    kv = now && now.type === 'get' ? now.kvs[0] : undefined;
  }
  if (!kv) {
    result.done++; // deleted meanwhile: nothing left to migrate
    return;
  }
  throw new Error(`could not rewrite ${first.key.toString()} after ${maxAttempts} attempts: it changes too often; the next pass retries`);
}

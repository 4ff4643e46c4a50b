// A simple watch: one Watch stream per watched key or prefix, events handed to a callback.
// It does not resume after a failure: the error goes to `onError` once and the watch ends, so
// callers that must not miss events re-watch from their last seen revision + 1.

import type { ClientDuplexStream } from '@grpc/grpc-js';
import { EtcdError } from './errors.ts';
import { decodeHeader, decodeKeyValue, keyRange, type Bytes, type RawHeader, type RawKeyValue, type WatchEvent } from './types.ts';

export interface WatchOptions {
  prefix?: boolean;
  /** First revision to report (inclusive); default: changes after now. */
  startRevision?: number;
  prevKv?: boolean;
  /** Called once when the watch ends for any reason other than cancel(). */
  onError?: (err: Error) => void;
}

export interface Watcher {
  /** Resolves once etcd has registered the watch: changes after that are reported. */
  readonly created: Promise<void>;
  cancel(): void;
}

/** Receives each batch of events with the revision they belong to. */
export type WatchCallback = (events: WatchEvent[], revision: number) => void;

export interface RawWatchResponse {
  header: RawHeader | null;
  watch_id: string;
  created: boolean;
  canceled: boolean;
  compact_revision: string;
  cancel_reason: string;
  events: { type: number | string; kv: RawKeyValue | null; prev_kv: RawKeyValue | null }[];
}

export type WatchStream = ClientDuplexStream<object, RawWatchResponse>;

export function startWatch(
  open: () => Promise<{ stream: WatchStream; endpoint: string; mapError: (err: unknown) => Error }>,
  key: Bytes,
  opts: WatchOptions,
  onEvents: WatchCallback,
): Watcher {
  let stream: WatchStream | undefined;
  let cancelled = false;
  let ended = false;
  let resolveCreated!: () => void;
  let rejectCreated!: (err: Error) => void;
  const created = new Promise<void>((resolve, reject) => {
    resolveCreated = resolve;
    rejectCreated = reject;
  });
  created.catch(() => undefined);

  const end = (err: Error): void => {
    if (ended) return;
    ended = true;
    rejectCreated(err);
    if (stream) {
      stream.end();
      stream.cancel();
    }
    if (!cancelled) opts.onError?.(err);
  };

  void (async () => {
    let opened: Awaited<ReturnType<typeof open>>;
    try {
      opened = await open();
    } catch (err) {
      end(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const s = opened.stream;
    s.on('error', (err: unknown) => end(opened.mapError(err)));
    if (ended) {
      // cancel() came while the stream was opening.
      s.end();
      s.cancel();
      return;
    }
    stream = s;
    s.on('end', () => end(new EtcdError(`${opened.endpoint}: watch stream closed by etcd: watch again from the last revision seen`, opened.endpoint)));
    s.on('data', (res: RawWatchResponse) => {
      if (ended) return;
      if (res.created) resolveCreated();
      if (res.canceled) {
        const why = Number(res.compact_revision) > 0
          ? `revision ${opts.startRevision ?? 0} is compacted (oldest kept: ${res.compact_revision}): watch from a later revision`
          : `${res.cancel_reason || 'cancelled by etcd'}: watch again`;
        end(new EtcdError(`${opened.endpoint}: watch cancelled: ${why}`, opened.endpoint));
        return;
      }
      if (res.events.length > 0) {
        const events = res.events.map((e): WatchEvent => {
          const ev: WatchEvent = { type: e.type === 1 || e.type === 'DELETE' ? 'delete' : 'put', kv: decodeKeyValue(e.kv!) };
          if (e.prev_kv) ev.prevKv = decodeKeyValue(e.prev_kv);
          return ev;
        });
        onEvents(events, decodeHeader(res.header).revision);
      }
    });
    s.write({
      create_request: {
        ...keyRange(key, { prefix: opts.prefix ?? false }),
        start_revision: String(opts.startRevision ?? 0),
        prev_kv: opts.prevKv ?? false,
      },
    });
  })();

  return {
    created,
    cancel: () => {
      if (cancelled) return;
      cancelled = true;
      end(new EtcdError('watch cancelled', 'etcd'));
    },
  };
}

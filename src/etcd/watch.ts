// A simple watch: one Watch stream per watched key or prefix, events handed to a callback.
// It does not resume after a failure: the error goes to `onError` once and the watch ends, so
// callers that must not miss events re-watch from their last seen revision + 1.

import type { ClientDuplexStream } from '@grpc/grpc-js';
import { EtcdCompactedError, EtcdError } from './errors.ts';
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

/** A watch creation etcd refused because the stream's token had expired or was dropped. */
function tokenRefusal(reason: string): boolean {
  return /invalid auth token|revision of auth store is old|user name is empty/.test(reason);
}

export function startWatch(
  open: (lastError?: unknown) => Promise<{ stream: WatchStream; endpoint: string; mapError: (err: unknown, request?: object) => Error }>,
  key: Bytes,
  opts: WatchOptions,
  onEvents: WatchCallback,
): Watcher {
  let stream: WatchStream | undefined;
  let cancelled = false;
  let ended = false;
  let isCreated = false;
  let resolveCreated!: () => void;
  let rejectCreated!: (err: Error) => void;
  const created = new Promise<void>((resolve, reject) => {
    resolveCreated = resolve;
    rejectCreated = reject;
  });
  created.catch(() => undefined);
  const range = keyRange(key, { prefix: opts.prefix ?? false });

  const close = (s: WatchStream): void => {
    s.end();
    s.cancel();
  };

  const end = (err: Error): void => {
    if (ended) return;
    ended = true;
    rejectCreated(err);
    if (stream) close(stream);
    if (!cancelled) opts.onError?.(err);
  };

  const attach = async (lastError?: unknown): Promise<void> => {
    let opened: Awaited<ReturnType<typeof open>>;
    try {
      opened = await open(lastError);
    } catch (err) {
      end(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const s = opened.stream;
    s.on('error', (err: unknown) => {
      if (stream === s) end(opened.mapError(err, range));
    });
    if (ended) {
      // cancel() came while the stream was opening.
      close(s);
      return;
    }
    stream = s;
    s.on('end', () => {
      if (stream === s) end(new EtcdError(`${opened.endpoint}: watch stream closed by etcd: watch again from the last revision seen`, opened.endpoint));
    });
    s.on('data', (res: RawWatchResponse) => {
      if (ended || stream !== s) return;
      if (res.canceled) {
        // etcd checks the stream's token when it creates a watch, not when it opens the stream:
        // an expired one is refused here. Log in again and ask once more.
        if (!isCreated && lastError === undefined && tokenRefusal(res.cancel_reason)) {
          stream = undefined;
          close(s);
          void attach({ code: 16, details: res.cancel_reason });
          return;
        }
        if (Number(res.compact_revision) > 0) {
          end(new EtcdCompactedError(`${opened.endpoint}: watch cancelled: revision ${opts.startRevision ?? 0} is compacted (oldest kept: ${res.compact_revision}): watch from a later revision`, opened.endpoint, Number(res.compact_revision)));
          return;
        }
        const denied = /permission denied/.test(res.cancel_reason);
        const why = `${res.cancel_reason || 'cancelled by etcd'}: watch again`;
        end(denied || tokenRefusal(res.cancel_reason)
          ? opened.mapError({ code: 7, details: res.cancel_reason }, range)
          : new EtcdError(`${opened.endpoint}: watch cancelled: ${why}`, opened.endpoint));
        return;
      }
      if (res.created && !isCreated) {
        isCreated = true;
        resolveCreated();
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
        ...range,
        start_revision: String(opts.startRevision ?? 0),
        prev_kv: opts.prevKv ?? false,
      },
    });
  };
  void attach();

  return {
    created,
    cancel: () => {
      if (cancelled) return;
      cancelled = true;
      end(new EtcdError('watch cancelled', 'etcd'));
    },
  };
}

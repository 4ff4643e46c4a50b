// The HTTP/2 snapshot stream cancelled while its connection is still being made (Ctrl-C at the
// start of a backup): it ends with the cancellation, never with an uncaught error that kills
// the process with a stack trace (seen in a CI run under load).
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { H2SnapshotSource } from '../../src/etcd/snapshot-h2.ts';

test('a snapshot cancelled at any point of its connection ends cancelled, without an uncaught error', async (t) => {
  const server = http2.createServer();
  server.on('stream', (s) => s.respond({ ':status': 200, 'content-type': 'application/grpc' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const uncaught: Error[] = [];
  const onUncaught = (err: Error) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  t.after(() => process.off('uncaughtException', onUncaught));

  const when: [string, (f: () => void) => void][] = [
    ['at once', (f) => f()],
    ['in a microtask', (f) => queueMicrotask(f)],
    ['on the next tick', (f) => process.nextTick(f)],
    ['in an immediate', (f) => setImmediate(f)],
    ['after 1 ms', (f) => setTimeout(f, 1)],
  ];
  for (const [name, schedule] of when) {
    for (let i = 0; i < 5; i++) {
      const src = new H2SnapshotSource({ host: '127.0.0.1', port, secure: false, token: null, dialTimeoutMs: 5000 });
      const ended = new Promise<Error>((resolve) => src.once('error', resolve));
      const session = (src as unknown as { session: http2.ClientHttp2Session }).session;
      const closed = new Promise((resolve) => session.once('close', resolve));
      schedule(() => src.cancel());
      const err = await ended;
      assert.match(err.message, /Cancelled on client/, name);
      // The session's own events (its connect among them) come after the cancellation.
      await closed;
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(uncaught.map((e) => e.message), [], `cancelled ${name}`);
    }
  }
});

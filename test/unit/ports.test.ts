// Telling that an agent serves: only a TLS server that completes a handshake counts, so `cluster
// up` never takes the agent's own port check (a listener open for a moment) for the agent.
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { describe, it } from 'node:test';
import { throwawayServerCertificate } from '../../src/cluster/tls.ts';
import { answersTls, freePort } from '../../src/util/ports.ts';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('answersTls', () => {
  it('a TLS server that completes the handshake answers', async () => {
    const server = tls.createServer(await throwawayServerCertificate(), (s) => s.end());
    const port = await listen(server);
    try {
      assert.equal(await answersTls('127.0.0.1', port), true);
    } finally {
      server.close();
    }
  });

  it('a plain TCP listener does not: a connect that succeeds is not an agent serving', async () => {
    // What `warden agent` opens for a moment to check its port before it serves (checkListen):
    // it accepts the connection and closes it, and TLS never comes up.
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => {
      sockets.push(s);
      s.destroy();
    });
    const port = await listen(server);
    try {
      assert.equal(await answersTls('127.0.0.1', port), false);
      assert.ok(sockets.length >= 1, 'the TCP connect itself succeeded');
    } finally {
      server.close();
    }
  });

  it('a listener that accepts and says nothing times out as not answering', async () => {
    const held: net.Socket[] = [];
    const server = net.createServer((s) => held.push(s));
    const port = await listen(server);
    try {
      assert.equal(await answersTls('127.0.0.1', port, 200), false);
    } finally {
      for (const s of held) s.destroy();
      server.close();
    }
  });

  it('a port nothing listens on does not answer', async () => {
    assert.equal(await answersTls('127.0.0.1', await freePort()), false);
  });
});

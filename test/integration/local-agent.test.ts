// Starting an agent of the embedded cluster on a port another TLS server took first (another
// cluster's agent, in a CI run where two test files picked the same free port): the start fails
// with the agent's own reason instead of taking the stranger's answer for its agent, which made
// `cluster up` talk to another cluster's agent ("this agent already joined a cluster").
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { describe, it } from 'node:test';
import { startLocalAgent } from '../../src/agent/embedded.ts';
import { StateLayout } from '../../src/cluster/layout.ts';
import { freePortRun } from '../../src/util/ports.ts';
import { processesMentioning, tempDir } from '../helpers/warden.ts';

describe('a local agent\'s start', () => {
  it('fails with one line when another TLS server holds its port, and never takes that server for the agent', async (t) => {
    const dir = tempDir('local-agent');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=stranger', '-days', '1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const stranger = tls.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (s) => s.end());
    const port = await freePortRun(1);
    await new Promise<void>((resolve) => stranger.listen(port, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => stranger.close(() => resolve())));

    const layout = new StateLayout(path.join(dir, 'state'));
    fs.mkdirSync(path.dirname(layout.agentTokenFile), { recursive: true });
    fs.writeFileSync(layout.agentTokenFile, 'a-token-of-sixteen-chars-or-more\n', { mode: 0o600 });
    const stateDir = path.join(layout.root, 'agents', 'etcd-1');
    await assert.rejects(
      startLocalAgent(layout, { member: 'etcd-1', address: `127.0.0.1:${port}`, stateDir }),
      /^WardenError: the agent of etcd-1 exited \(code \d+\): .*in use/,
    );
    assert.deepEqual(processesMentioning(stateDir), [], 'no agent left running');
  });
});

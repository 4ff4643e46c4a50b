// A restore's revision bump where the tool cannot make it (etcdctl 3.4): warden writes it into a
// copy of the snapshot, etcdctl restores that, and nothing of the copy is left beside the data
// dir, not even what a restore killed while writing it left.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { restoreDataDir } from '../../src/restore/tools.ts';
import { restoredRevisionOf } from '../../src/snapshot/hashkv.ts';
import { startSingleEtcd } from '../helpers/single-etcd.ts';
import { tempDir } from '../helpers/warden.ts';

describe('restore with a revision bump', () => {
  it('etcdctl 3.4 restores the copy warden bumped; the copy and a killed bump\'s leftover are gone', async (t) => {
    const etcd = await startSingleEtcd();
    t.after(() => etcd.stop());
    await etcd.etcdctl(['put', 'k', 'v']);
    const dir = tempDir('bump');
    const snap = path.join(dir, 'snap.db');
    await etcd.etcdctl(['snapshot', 'save', snap]);
    const { current } = await restoredRevisionOf(snap);
    const leftover = path.join(dir, '.data.restoring.bumped.db.0123abcd.tmp');
    fs.writeFileSync(leftover, 'what a kill -9 left');
    const dataDir = path.join(dir, 'data');
    const tool = await restoreDataDir({ snapshot: snap, dataDir, name: 'm', peerURL: 'http://127.0.0.1:2380', token: 'bump-test', bumpRevision: 1000 });
    assert.equal(tool.kind, 'etcdctl');
    assert.equal(tool.bumpedTo, current + 1000);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['data', 'snap.db'], 'only the data dir was added');
    const restored = await restoredRevisionOf(path.join(dataDir, 'member', 'snap', 'db'));
    assert.deepEqual(restored, { current: current + 1000, compact: current + 1000 }, 'the restored store is at the bumped revision, compacted there');
  });
});

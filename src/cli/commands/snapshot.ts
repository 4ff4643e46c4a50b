// `warden snapshot status|inspect FILE`: a snapshot file read by warden itself (no etcd process,
// no etcdctl). status prints exactly what `etcdctl snapshot status` prints; inspect adds what
// a restore or an encryption audit needs to know about the file. An encrypted snapshot (.age,
// from `backup --encrypt-to`) is read with --identity: status from the decrypted stream alone,
// inspect from a decrypted copy in a private scratch folder removed when it ends.
import path from 'node:path';
import type { Command } from 'commander';
import { isAgeFile } from '../../backup/age.ts';
import { decryptSnapshot, plainName } from '../../backup/decrypt.ts';
import { isEncryptedName } from '../../backup/names.ts';
import { LazyScratch, removeOnSignal } from '../../util/scratch.ts';
import { inspectSnapshot, type InspectReport, type StorageCount } from '../../snapshot/inspect.ts';
import { snapshotStatus, type SnapshotStatus } from '../../snapshot/status.ts';
import type { Context } from '../context.ts';
import { humanBytes, render, renderTable, type OutputFormat, type Rendering } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

/** etcdctl's hash column: %x of the uint32, no padding. */
const hex = (n: number): string => n.toString(16);

/** etcdctl's DBStatus printers: simple `hash, revision, keys, size`, a 4-column table, Go's JSON. */
export function statusRendering(s: SnapshotStatus): Rendering {
  const row = [hex(s.hash), String(s.revision), String(s.totalKey), humanBytes(s.totalSize)];
  return {
    simple: () => [row.join(', ')],
    json: () => ({ hash: s.hash, revision: s.revision, totalKey: s.totalKey, totalSize: s.totalSize }),
    table: () => ({ headers: ['hash', 'revision', 'total keys', 'total size'], rows: [row] }),
  };
}

const storageLabel = (c: StorageCount): string => (c.provider === 'identity' ? 'plaintext' : c.keyName !== undefined ? `${c.provider}:${c.keyName}${c.keyId !== undefined ? `:${c.keyId}` : ''}` : c.provider);
const storageList = (list: StorageCount[]): string => list.map((c) => `${storageLabel(c)} ${c.count}`).join(', ');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function compactedText(r: InspectReport): string {
  const { scheduled, finished } = r.compaction;
  if (scheduled === undefined && finished === undefined) return 'none';
  if (scheduled !== undefined && scheduled !== finished) return `${finished ?? 'none'} (scheduled ${scheduled}, not finished)`;
  return String(finished);
}

/** For each member, the IDs of the others recorded with the same peer URL. */
function sharers(r: InspectReport): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of r.sharedPeerURLs) for (const id of g.hexIDs) out.set(id, g.hexIDs.filter((x) => x !== id));
  return out;
}

function membersText(r: InspectReport): string[] {
  const shared = sharers(r);
  const lines = [
    r.sharedPeerURLs.length
      ? `members: at most ${r.currentMembersAtMost} current, ${r.members.length} recorded: a restore left the replaced clusters' entries (etcd 3.4's snapshot restore keeps them); of members sharing a peer URL only one can be current, and the file does not say which`
      : `members: ${r.members.length}`,
  ];
  for (const m of r.members) {
    const others = shared.get(m.hexID);
    lines.push(`  ${m.hexID}, ${m.name || '(unstarted)'}, ${m.peerURLs.join(',')}, ${m.clientURLs.join(',')}${m.isLearner ? ', learner' : ''}${others ? ` (shares its peer URL with ${others.join(', ')})` : ''}`);
  }
  if (r.removedMembers.length) lines.push(`removed members: ${r.removedMembers.length} (${r.removedMembers.join(', ')})`);
  return lines;
}

function inspectSimple(r: InspectReport): string[] {
  const s = r.status;
  const lines = [
    `hash: ${hex(s.hash)}, revision: ${s.revision}, total keys: ${s.totalKey}, total size: ${humanBytes(s.totalSize)}`,
    `sha256: ${s.sha256 ? `${s.sha256} (matches the file)` : 'none (no trailer: not written by snapshot save)'}`,
    `consistent index: ${r.consistentIndex ?? 'none'}${r.term !== undefined ? `, term: ${r.term}` : ''}`,
    `compacted revision: ${compactedText(r)}`,
  ];
  if (r.clusterVersion) lines.push(`cluster version: ${r.clusterVersion}`);
  lines.push(`keys: ${r.keys.live} live, ${plural(r.keys.revisions, 'revision')} stored, ${plural(r.keys.tombstones, 'deletion')}; ${plural(r.leases, 'lease')}`);
  lines.push(...membersText(r));
  lines.push(`resources:${r.resources.length ? '' : ' none'}`);
  for (const res of r.resources) {
    const warn = res.shouldBeEncrypted && res.plaintext > 0 ? ` (${res.plaintext} plaintext, should be encrypted)` : '';
    lines.push(`  ${res.resource}: ${plural(res.keys, 'key')}, ${storageList(res.storage)}${warn}`);
  }
  const e = r.encryption;
  lines.push(`encryption: ${e.encrypted} encrypted value${e.encrypted === 1 ? '' : 's'}${e.encrypted ? ` (${storageList(e.storage.filter((c) => c.provider !== 'identity'))})` : ''}, ${e.plaintextShouldBeEncrypted} plaintext in resources that should be encrypted`);
  return lines;
}

function inspectTables(r: InspectReport): string {
  const s = r.status;
  const summary = renderTable(
    ['hash', 'revision', 'total keys', 'total size', 'live keys', 'compacted revision', 'consistent index'],
    [[hex(s.hash), String(s.revision), String(s.totalKey), humanBytes(s.totalSize), String(r.keys.live), compactedText(r), String(r.consistentIndex ?? '')]],
  );
  const parts = [summary];
  if (r.resources.length) {
    parts.push(
      renderTable(
        ['resource', 'keys', 'plaintext', 'encrypted', 'storage', 'should be encrypted'],
        r.resources.map((res) => [res.resource, String(res.keys), String(res.plaintext), String(res.encrypted), storageList(res.storage), String(res.shouldBeEncrypted)]),
      ),
    );
  }
  if (r.members.length || r.removedMembers.length) {
    const shared = sharers(r);
    parts.push(
      renderTable(
        ['id', 'name', 'peer addrs', 'client addrs', 'is learner', 'state'],
        [
          ...r.members.map((m) => [m.hexID, m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner), shared.has(m.hexID) ? 'shares its peer URL' : 'member']),
          ...r.removedMembers.map((id) => [id, '', '', '', '', 'removed']),
        ],
      ),
    );
  }
  return parts.join('\n\n');
}

export function renderInspect(format: OutputFormat, r: InspectReport): string {
  if (format === 'table') return inspectTables(r);
  return render(format, { simple: () => inspectSimple(r), json: () => r });
}

/** An age-encrypted snapshot: by its name, or its first line. */
function encrypted(file: string): boolean {
  return isEncryptedName(file) || isAgeFile(file);
}

export function registerSnapshot(program: Command, ctx: Ctx): void {
  const snapshot = program.command('snapshot').description('read etcd snapshot files (no etcd needed)');

  snapshot
    .command('status')
    .argument('<file>', 'a snapshot file (etcdctl snapshot save, warden backup) or a member\'s db file')
    .description('print hash, revision, total keys and total size, as `etcdctl snapshot status`; checks the sha256 trailer')
    .option('--identity <file>', 'the age identity (age-keygen) that decrypts an encrypted snapshot (.age)')
    .addHelpText('after', '\nExamples:\n  warden snapshot status snapshot_2024-01-01_120000.db\n  warden snapshot status snapshot.db -w table\n  warden snapshot status snapshot_2024-01-01_120000.db.age --identity key.txt')
    .action(async (file: string, o: { identity?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      const status = encrypted(file) ? await decryptSnapshot(file, o.identity) : await snapshotStatus(file);
      c.print(render(format, statusRendering(status)));
    });

  snapshot
    .command('inspect')
    .argument('<file>', 'a snapshot file or a member\'s db file')
    .description('keys per resource, encryption coverage, recorded members (removed ones apart), compacted revision, consistent index')
    .option('--identity <file>', 'the age identity (age-keygen) that decrypts an encrypted snapshot (.age)')
    .addHelpText('after', '\nExamples:\n  warden snapshot inspect snapshot.db\n  warden snapshot inspect snapshot.db -w json')
    .action(async (file: string, o: { identity?: string }, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      if (!encrypted(file)) {
        c.print(renderInspect(format, await inspectSnapshot(file)));
        return;
      }
      const plain = new LazyScratch('decrypted', (l) => c.io.err(l));
      const unwatch = removeOnSignal(plain);
      try {
        const copy = path.join(plain.dir, plainName(file));
        await decryptSnapshot(file, o.identity, { to: copy });
        c.print(renderInspect(format, await inspectSnapshot(copy)));
      } finally {
        plain.remove();
        unwatch();
      }
    });
}

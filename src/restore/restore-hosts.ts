// `warden restore DIR` for a cluster across agents (made by `cluster init`): the seeds' runbook
// "restore to a previous cluster state", one host at a time. Before anything changes: every
// agent answers and the set is valid. Then, each phase journaled in restore.json (as on one
// machine, src/restore/restore.ts): stop every member, move every data dir aside on its host,
// send the snapshot to the recovery member's agent (checked against its sha256 there) and
// restore it into the data dir, install the set's keys, start the recovery member alone, add
// the others back as learners and promote them, and check that all members agree.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { isEncryptedName } from '../backup/names.ts';
import { etcdVersion, findTool } from '../cluster/binaries.ts';
import type { Inventory } from '../cluster/inventory.ts';
import { encryptionConfigFile } from '../encryption/store.ts';
import { settleRestoredEncryption } from '../encryption/restored.ts';
import { registerAgents } from '../agent/registry.ts';
import { agentHosts, type AgentHost } from '../agent/host.ts';
import { agentClient, etcdTls } from '../agent/init.ts';
import { AgentAnswerError } from '../agent/client.ts';
import { publishEncryptionConfig } from '../agent/encryption-copies.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { LazyScratch, sweepScratch } from '../util/scratch.ts';
import { addBack, startAloneOn, stopAll } from './hosts.ts';
import { embeddedClient, verifyAgreement, warnIfAuthOff } from './members.ts';
import { checkKeysMatch, installSetKeys, pending, readConfigFile, recordFile, save, type Phase, type PreparedSet, type RestoreOptions, type RestoreRecord, type RestoreSummary } from './restore.ts';
import { defaultBump } from './bump.ts';
import { chooseSet, findSet } from './set.ts';

/** The SHA-256 of a file, read as a stream. */
async function fileSha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The snapshot sent to the recovery host while the set is checked, before any member stops: the
 * agent checks the whole file against the sha256 backup.json recorded as it arrives, which is
 * the check of the file's bytes the set check would otherwise make by reading it here. A restore
 * that does not go on cuts the send, and removes a snapshot it delivered.
 */
class EarlySend {
  private readonly abort = new AbortController();
  private sending: Promise<unknown> | undefined;
  private sha256 = '';
  /** The snapshot is on the recovery host (sent, or found there). */
  delivered = false;

  constructor(private readonly host: AgentHost, private readonly log: (line: string) => void) {}

  readonly check = async (file: string, fileSha256: string): Promise<void> => {
    this.sha256 = fileSha256;
    const started = Date.now();
    try {
      const mb = `${(fs.statSync(file).size / 1e6).toFixed(1)} MB`;
      this.log(`sending the snapshot (${mb}) to ${this.host.name} on ${this.host.where} while the set is checked; it is checked there against the sha256 backup.json recorded`);
      const sending = this.host.client.sendSnapshot(file, fileSha256, { signal: this.abort.signal });
      this.sending = sending;
      const { sent } = await sending;
      this.delivered = true;
      this.log(`${sent ? 'sent' : 'found'} the snapshot (${mb}, sha256 ${fileSha256.slice(0, 12)}...) on ${this.host.where}${sent ? ` in ${((Date.now() - started) / 1000).toFixed(1)}s` : ''}`);
    } catch (err) {
      if (err instanceof AgentAnswerError && err.status === 422) {
        throw new WardenError(`the snapshot ${file} is damaged (${this.host.where} received it with another sha256 than backup.json recorded): restore from another backup set`);
      }
      throw new WardenError(`nothing was changed: the snapshot ${file} could not be sent to ${this.host.name} on ${this.host.where}: ${(err as Error).message}`);
    }
  };

  /**
   * The restore does not go on: the send is cut (the agent drops what it got), and the snapshot
   * is removed from the host, whether this run delivered it, it arrived as the send was cut, or
   * an earlier run killed before its journal began left it there.
   */
  async cancel(): Promise<void> {
    if (!this.sending) return;
    this.abort.abort();
    await this.sending.catch(() => undefined);
    const dropped = await this.host.client.dropSnapshot(this.sha256).catch(() => false);
    if (dropped) this.log(`removed the snapshot from ${this.host.where}: the restore does not go on`);
  }
}

/** Every agent answers, or one line names the one that does not: nothing has changed yet. */
async function preflight(hosts: AgentHost[]): Promise<Awaited<ReturnType<AgentHost['client']['status']>>[]> {
  return Promise.all(hosts.map(async (h) => {
    try {
      return await h.client.status();
    } catch (err) {
      throw new WardenError(`nothing was changed: every agent must answer before a restore starts, and ${h.name}'s does not: ${(err as Error).message}`);
    }
  }));
}

export async function restoreAcrossAgents(opts: RestoreOptions & { prepared?: PreparedSet }, inv: Inventory): Promise<RestoreSummary> {
  const { layout, log } = opts;
  const hosts = agentHosts(layout, inv);
  const statuses = await preflight(hosts);
  const found = opts.prepared ?? findSet(opts.dir, { ...(opts.keysDir ? { keysDir: opts.keysDir } : {}), ...(opts.timestamp ? { timestamp: opts.timestamp } : {}) });
  for (const line of sweepScratch(layout.root)) log(line);
  const plaintext = opts.plaintext ?? new LazyScratch('decrypted', log, layout.root);
  try {
    let rec: RestoreRecord | undefined;
    try {
      rec = JSON.parse(fs.readFileSync(recordFile(layout), 'utf8')) as RestoreRecord;
    } catch {
      rec = undefined;
    }
    if (rec && rec.timestamp !== found.timestamp) {
      throw new WardenError(`an interrupted restore of backup ${rec.timestamp} is pending in ${recordFile(layout)}: run the restore of that backup again to finish it (or remove the file to abandon it)`);
    }
    if (rec && opts.recoveryMember && opts.recoveryMember !== rec.recovery) {
      throw new WardenError(`nothing was changed: the interrupted restore in ${recordFile(layout)} restores into ${rec.recovery}, not ${opts.recoveryMember}: run it again without --recovery-member to finish it (or remove the file to abandon it)`);
    }
    const recoveryName = rec?.recovery ?? opts.recoveryMember ?? hosts[0]?.name;
    const recovery = hosts.find((h) => h.name === recoveryName);
    if (!recovery) throw new WardenError(`no member named "${recoveryName}" to restore into: members are ${hosts.map((h) => h.name).join(', ')}`);
    // The recovery member is restored into the data dir its agent knows: an agent that places no
    // member yet (a host rebuilt with only its identity) cannot be one. Checked before anything stops.
    if (!rec && !statuses[hosts.indexOf(recovery)]?.member) {
      const others = hosts.filter((h, i) => h !== recovery && statuses[i]?.member).map((h) => h.name);
      throw new WardenError(`nothing was changed: ${recovery.name}'s host (${recovery.where}) runs no member yet (a host rebuilt with only its agent's identity), so it cannot be the recovery member: ${others.length ? `give --recovery-member ${others.join(' or ')}` : 'no agent runs a member: recover the hosts first'}`);
    }
    // The set is read with the etcd version of the host that restores it.
    const version = statuses[hosts.indexOf(recovery)]?.agent.etcdVersion ?? etcdVersion(findTool('etcd') ?? 'etcd');
    // A new restore of a plain local set sends the snapshot while the set is checked.
    const early = !rec && !opts.prepared && !isEncryptedName(found.snapshot) ? new EarlySend(recovery, log) : undefined;
    let set: PreparedSet;
    try {
      set = opts.prepared ?? (await chooseSet(opts.dir, {
        ...(opts.keysDir ? { keysDir: opts.keysDir } : {}), ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
        ...(opts.identity ? { identity: opts.identity } : {}), scratch: () => plaintext.dir, etcdVersion: version,
        ...(early ? { fileCheck: early.check } : {}),
      }));
      const encrypted = !opts.prepared && isEncryptedName(found.snapshot);
      log(`backup set ${set.timestamp}: revision ${set.status.revision}, ${set.status.totalKey} keys, snapshot ${encrypted ? `${found.snapshot} (decrypted and verified)` : set.snapshot}`);
      if (rec) log(`resuming the interrupted restore at phase "${rec.phase}"`);
      else {
        const cfgFile = set.archive ? undefined : set.encryptionConfig;
        const writtenWith = cfgFile ? await checkKeysMatch(set.snapshot, readConfigFile(cfgFile), cfgFile) : undefined;
        rec = {
          timestamp: set.timestamp, snapshot: encrypted ? found.snapshot : set.snapshot, ...(set.archive ? { archive: set.archive } : {}), ...(set.encryptionConfig ? { encryptionConfig: set.encryptionConfig } : {}),
          recovery: recovery.name, token: `warden-${crypto.randomBytes(6).toString('hex')}`, stamp: new Date().toISOString().replace(/[:.]/g, '-'), phase: 'stop',
          ...(writtenWith ? { writtenWith } : {}),
        };
        save(layout, rec);
      }
    } catch (err) {
      // Nothing was changed: a snapshot sent ahead is not left on the recovery host.
      await early?.cancel();
      throw err;
    }
    const r = rec;
    const step = (phase: Phase) => {
      r.phase = phase;
      save(layout, r);
    };
    const others = hosts.filter((h) => h !== recovery);
    try {
      return await restorePhases(opts, inv, hosts, recovery, others, r, set, plaintext, step, early?.delivered ?? false);
    } catch (err) {
      throw await stoppedMidway(layout, hosts, r, err);
    }
  } finally {
    plaintext.remove();
  }
}

/**
 * The error of a restore that stopped after it changed something: what went wrong, the phase
 * it stopped in, and what each host's member is now, so the admin knows what to fix before
 * running the same command again (which finishes it from the journal).
 */
async function stoppedMidway(layout: StateLayout, hosts: AgentHost[], r: RestoreRecord, err: unknown): Promise<WardenError> {
  const states = await Promise.all(hosts.map(async (h) => {
    try {
      const m = (await agentClient(layout, h.agent.address, 3000).status()).member;
      return `${h.name} (${h.where}) ${m ? m.state : 'has no member'}`;
    } catch {
      return `${h.name} (${h.where}) does not answer`;
    }
  }));
  const why = (err as Error).message.replace(/\.$/, '');
  return new WardenError(`the restore stopped in phase "${r.phase}" (${why}); hosts now: ${states.join(', ')}: fix that, then run the same command again to finish the restore (its progress is in ${recordFile(layout)})`);
}

async function restorePhases(
  opts: RestoreOptions & { prepared?: PreparedSet }, inv: Inventory, hosts: AgentHost[], recovery: AgentHost, others: AgentHost[],
  r: RestoreRecord, set: PreparedSet, plaintext: LazyScratch, step: (phase: Phase) => void, sentAhead: boolean,
): Promise<RestoreSummary> {
  const { layout, log } = opts;
  if (pending(r.phase, 'stop')) {
    const probe = embeddedClient(layout, opts.auth);
    try {
      // What clients of the cluster hold before it goes: the revision bump goes above it.
      const header = await probe.get('\0', { countOnly: true }).then((x) => x.header, () => undefined);
      if (header?.revision) {
        r.live = { revision: header.revision, clusterId: header.cluster_id.toString(16) };
        save(layout, r);
      }
      await stopAll(hosts, log, probe);
    } finally {
      probe.close();
    }
    step('aside');
  }
  if (pending(r.phase, 'aside')) {
    // Each on its own host, all at once; logged in the hosts' order.
    const moved = await Promise.all(hosts.map((h) => h.moveAside(r.stamp)));
    for (const [i, h] of hosts.entries()) if (moved[i]) log(`moved the data dir of ${h.name} aside to ${moved[i]} on ${h.where}`);
    step('restore');
  }
  if (pending(r.phase, 'restore')) {
    // Computed while the set was checked, when it could be (one read of the file, not two).
    const sha256 = set.status.fileSha256 ?? (await fileSha256(set.snapshot));
    const size = `${(fs.statSync(set.snapshot).size / 1e6).toFixed(1)} MB, sha256 ${sha256.slice(0, 12)}...`;
    // A snapshot from a URL is fetched by the recovery host itself (it is near the bucket; the
    // admin may not be); the copy downloaded here was only for checking the set first.
    const fetched = set.url ? await recovery.client.fetchSnapshot(sha256, set.url).catch((err: unknown) => {
      log(`${recovery.where} could not fetch the snapshot from the URL itself (${(err as Error).message}): sending it from here`);
      return undefined;
    }) : undefined;
    if (fetched) log(`${recovery.where} ${fetched.already ? 'already holds' : 'fetched'} the snapshot (${size}) from the URL`);
    else {
      const { sent } = await recovery.client.sendSnapshot(set.snapshot, sha256);
      if (sent || !sentAhead) log(`${sent ? 'sent' : 'found'} the snapshot (${size}) on ${recovery.where}`);
    }
    plaintext.remove(); // sent: the decrypted copy is not needed here any more
    const bump = opts.bumpRevision === false ? undefined : opts.bumpRevision !== undefined ? { amount: opts.bumpRevision, why: 'as asked' } : defaultBump(layout.root, r.live);
    const done = await recovery.client.restoreSnapshot({ sha256, token: r.token, ...(bump ? { bumpRevision: bump.amount } : {}) });
    r.bumped = !!bump && done.canBump;
    log(`restored the snapshot into the data dir of ${recovery.name} on ${recovery.where} with ${done.tool} as a new one-member cluster`);
    if (!bump) log(`the revision was not bumped (--no-bump-revision): clients that watch may see revisions go back to ${set.status.revision}; restart them`);
    else if (done.canBump) log(`bumped the revision by ${bump.amount} and marked it compacted (${bump.why}): watchers and informers from before get "required revision has been compacted" and re-list`);
    else log(`note: ${done.tool} cannot bump the revision on restore: clients that watch may see revisions go back to ${set.status.revision}; restart them`);
    step('keys');
  }
  plaintext.remove();
  if (pending(r.phase, 'keys')) {
    await installSetKeys(layout, r, opts.identity, log, opts.kekFile);
    // Every host's kube-apiserver reads its own copy: each gets the one the restored values need.
    const enc = encryptionConfigFile(layout.root);
    if (fs.existsSync(enc)) {
      await publishEncryptionConfig(layout, inv, fs.readFileSync(enc, 'utf8'));
      log(`copied the encryption configuration to every host (${inv.agents.map((a) => a.member).join(', ')})`);
    }
    step('start');
  }
  const client = embeddedClient(layout, opts.auth);
  try {
    if (pending(r.phase, 'start')) {
      await startAloneOn(client, recovery, r.token, log);
      step('encryption');
    }
    if (pending(r.phase, 'encryption')) {
      const settled = await settleRestoredEncryption(client, encryptionConfigFile(layout.root), r.writtenWith);
      if (settled.recorded) log(`recorded that every restored value is written with ${r.writtenWith}: no encryption migration is needed`);
      log(`encryption: ${settled.condition.reason} (${settled.condition.message})`);
      step('add');
    }
    if (pending(r.phase, 'add')) {
      const tls = etcdTls(layout, inv);
      await addBack(client, others, r.token, r.stamp, log, { ...(tls ? { tls } : {}) });
      step('verify');
    }
    const agreement = await verifyAgreement(client);
    await registerAgents(client, inv.agents); // the restored data may name other agents
    log(`all ${agreement.members.length} members agree: revision ${agreement.revision}, hashKV ${agreement.hash}`);
    await warnIfAuthOff(layout, opts.auth, log);
    const movedAside = (await Promise.all(hosts.map(async (h) => (await h.listAside(r.stamp)).map((p) => `${h.agent.address}:${p}`)))).flat();
    fs.rmSync(recordFile(layout), { force: true });
    return { timestamp: r.timestamp, revision: set.status.revision, recovery: recovery.name, movedAside, agreement, bumped: r.bumped ?? false };
  } finally {
    client.close();
  }
}

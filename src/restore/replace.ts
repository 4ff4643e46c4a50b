// `warden member replace NAME [--agent HOST:PORT]`: the runbook "replace an unhealthy etcd
// member". Refused when removing the member would lose quorum. Otherwise: stop it (when its
// agent answers), remove it from the cluster, move the data dir aside on the host that will run
// it (the same agent, or another one joined with the token), add it back there as a learner,
// start, promote, and check that all members agree. The inventory then names its new host.
// Every step finds its own work done when run again, so the same command finishes it.
import fs from 'node:fs';
import { WardenError } from '../errors.ts';
import { encryptionConfigFile } from '../encryption/store.ts';
import { publishEncryptionConfig } from '../agent/encryption-copies.ts';
import { agentOfMember, writeInventory, type Inventory } from '../cluster/inventory.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { readClusterConfig } from '../cluster/cluster-config.ts';
import { AgentHost } from '../agent/host.ts';
import { registerAgents } from '../agent/registry.ts';
import { agentClient, etcdTls, joinAgent } from '../agent/init.ts';
import { splitAddress } from '../agent/client.ts';
import type { Credentials } from '../etcd/connection.ts';
import { checkEndpointHealth } from '../etcd/health-check.ts';
import { addBack, removeMember } from './hosts.ts';
import { embeddedClient, verifyAgreement, type Agreement, type Log } from './members.ts';

export interface ReplaceOptions {
  name: string;
  /** The agent to run the member on; default: the one that runs it now. */
  agent?: string;
  /** The shared token, to join an agent that has not joined yet. */
  token?: string;
  auth?: Credentials;
  log: Log;
}

export interface ReplaceSummary {
  name: string;
  from: string;
  to: string;
  movedAside: string[];
  agreement: Agreement;
}

/** Pure: one line when removing one of `voting` members (`healthyOthers` of the rest healthy) would lose quorum. */
export function quorumAfterRemoval(voting: number, healthyOthers: number, name: string): string | undefined {
  const quorum = Math.floor((voting - 1) / 2) + 1;
  if (voting < 2 || healthyOthers < quorum) {
    return `removing ${name} would leave ${healthyOthers} healthy of ${voting - 1} members, below their quorum of ${quorum}: bring the other members back first, or recover with \`warden quorum restore\``;
  }
  return undefined;
}

/** Refuses with one line when removing `name` would lose quorum; returns its entry in the member list, if there. */
async function checkQuorum(client: ReturnType<typeof embeddedClient>, name: string, peerURL: string) {
  const { members } = await client.memberList();
  const target = members.find((m) => m.name === name || m.peerURLs.includes(peerURL));
  const voting = members.filter((m) => !m.isLearner);
  const others = voting.filter((m) => m !== target);
  const healthy = await Promise.all(others.map(async (m) => (m.clientURLs[0] ? (await checkEndpointHealth(client.member(m.clientURLs[0]))).health : false)));
  const refusal = target && !target.isLearner ? quorumAfterRemoval(voting.length, healthy.filter(Boolean).length, name) : undefined;
  if (refusal) throw new WardenError(`nothing was changed: ${refusal}`);
  return target;
}

export async function replaceMember(layout: StateLayout, inv: Inventory, o: ReplaceOptions): Promise<ReplaceSummary> {
  const { log } = o;
  const old = agentOfMember(inv, o.name);
  const toAddress = o.agent ?? old.address;
  splitAddress(toAddress);
  const other = inv.agents.find((a) => a.address === toAddress && a.member !== o.name);
  if (other) throw new WardenError(`agent ${toAddress} already runs member ${other.member}: give an agent that runs no member (one member per host)`);
  const token = readClusterConfig(layout)?.token ?? 'warden';
  const tls = etcdTls(layout, inv);
  const client = embeddedClient(layout, o.auth);
  try {
    // Quorum first: nothing changes when the removal would lose it.
    const target = await checkQuorum(client, o.name, old.peerURL);

    // The host that will run it: joined with the token when new.
    if (toAddress !== old.address) {
      const joined = await agentClient(layout, toAddress, 5000).status().then(() => true, () => false);
      if (!joined) {
        if (!o.token) throw new WardenError(`agent ${toAddress} has not joined this cluster: give --token-file to join it`);
        await joinAgent(layout, toAddress, o.token);
        log(`agent ${toAddress} joined: its certificate is signed by the cluster CA`);
      }
    }
    // The old host, when it answers: its member stops and keeps its data aside.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const oldHost = new AgentHost(layout, inv, old);
    const movedAside: string[] = [];
    if (toAddress !== old.address) {
      try {
        await oldHost.stop();
        const aside = await oldHost.moveAside(stamp);
        if (aside) movedAside.push(`${old.address}:${aside}`);
        log(`stopped ${o.name} on ${oldHost.where}${aside ? ` and moved its data dir aside to ${aside}` : ''}`);
      } catch (err) {
        log(`the old host of ${o.name} (${oldHost.where}) does not answer (${(err as Error).message}): it is left as it is; do not start its member again`);
      }
    }
    if (target) {
      await removeMember(client, target.ID);
      log(`removed ${o.name} (ID ${target.ID.toString(16)}) from the cluster`);
    }

    // Planned on its new host, recorded before it joins: a rerun finds it there.
    const to = agentClient(layout, toAddress);
    const plan = await to.plan(o.name, inv.tls, inv.agents.filter((a) => a.member !== o.name).flatMap((a) => [a.clientURL, a.peerURL]));
    const hostname = toAddress === old.address && old.hostname ? old.hostname : (await to.status()).agent.hostname;
    const entry = {
      address: toAddress, hostname, member: o.name, clientURL: plan.clientURL, peerURL: plan.peerURL,
      // The same agent: one warden runs itself (the embedded default's) stays one.
      ...(toAddress === old.address && old.stateDir ? { stateDir: old.stateDir } : {}),
    };
    inv.agents = inv.agents.map((a) => (a.member === o.name ? entry : a));
    writeInventory(layout, inv);
    // Added back with an empty data dir: addBack stops it and moves what is there aside.
    const host = new AgentHost(layout, inv, entry);
    await addBack(client, [host], token, stamp, log, { ...(tls ? { tls } : {}) });
    const [aside, agreement] = await Promise.all([host.listAside(stamp), verifyAgreement(client)]);
    movedAside.push(...aside.map((p) => `${toAddress}:${p}`));
    await registerAgents(client, inv.agents);
    // A new host gets the cluster's EncryptionConfiguration (its kube-apiserver reads its own copy).
    const enc = encryptionConfigFile(layout.root);
    if (fs.existsSync(enc)) await publishEncryptionConfig(layout, inv, fs.readFileSync(enc, 'utf8'));
    log(`all ${agreement.members.length} members agree: revision ${agreement.revision}, hashKV ${agreement.hash}`);
    return { name: o.name, from: old.address, to: toAddress, movedAside: [...new Set(movedAside)], agreement };
  } finally {
    client.close();
  }
}

// `warden cluster init`: a new cluster across agents, one member per agent. The admin's state
// dir gets the CA (made here; its key never leaves this machine), the admin's client
// certificate, cluster.json and the inventory. Every step can run again: a joined agent is
// recognised by its certificate, a planned member keeps its URLs, a placed manifest is not
// placed twice, so a killed `cluster init` is finished by running it again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { UsageError, WardenError } from '../errors.ts';
import { readClusterConfig, type ClusterConfig } from '../cluster/cluster-config.ts';
import type { StateLayout } from '../cluster/layout.ts';
import { memberNames } from '../cluster/manifest.ts';
import { agentKeyRequest, ensureClusterCa, etcdClientFiles, memberCaClientFiles, signAgentRequest, tlsFiles } from '../cluster/tls.ts';
import { EtcdClient } from '../etcd/client.ts';
import { checkEndpointHealth } from '../etcd/health-check.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { storedCredentials } from '../cluster/credentials.ts';
import { registerAgents } from './registry.ts';
import { EndWait, waitFor, WaitTimeoutError } from '../util/wait.ts';
import { AgentClient, bootstrapAgent, splitAddress, type ClientTls } from './client.ts';
import { readInventory, writeInventory, type Inventory, type InventoryAgent } from '../cluster/inventory.ts';
import { MIN_TOKEN_LENGTH, type AgentStatus, type PlanResponse } from './protocol.ts';

export interface InitOptions {
  agents: string[];
  token: string;
  tls: boolean;
  etcdArgs?: string[];
  /** The member ports for each agent, in the order of `agents` (the embedded default chooses them). */
  ports?: { client: number; peer: number }[];
  /** Marks the inventory as the embedded default's (its agents run under the state dir). */
  embedded?: InventoryAgent['stateDir'][];
  timeoutMs: number;
  log: (line: string) => void;
}

/** The shared token from --token-file: private to its owner, long enough to be a secret. */
export function readTokenFile(file: string): string {
  let st: fs.Stats;
  let text: string;
  try {
    st = fs.statSync(file);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new WardenError(`cannot read the token file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): create it with \`head -c 32 /dev/urandom | base64 > ${file}; chmod 600 ${file}\``);
  }
  if (st.mode & 0o077) throw new WardenError(`the token file ${file} can be read by other users (mode ${(st.mode & 0o777).toString(8)}): run \`chmod 600 ${file}\``);
  const token = text.trim();
  if (token.length < MIN_TOKEN_LENGTH) throw new WardenError(`the token in ${file} is ${token.length} characters, fewer than ${MIN_TOKEN_LENGTH}: write a longer one, e.g. \`head -c 32 /dev/urandom | base64 > ${file}\``);
  return token;
}

/** The admin's certificate and the CA, to reach agents with. */
export function adminTls(layout: StateLayout): ClientTls {
  const f = tlsFiles(layout.tlsDir);
  return { ca: fs.readFileSync(f.ca), cert: fs.readFileSync(f.clientCert), key: fs.readFileSync(f.clientKey) };
}

export function agentClient(layout: StateLayout, address: string, timeoutMs?: number): AgentClient {
  return new AgentClient(address, adminTls(layout), timeoutMs);
}

/** Whether the agent already trusts this admin (joined to this CA): its status answers over mutual TLS. */
async function joinedStatus(layout: StateLayout, address: string): Promise<AgentStatus | undefined> {
  try {
    return await agentClient(layout, address, 5000).status();
  } catch {
    return undefined;
  }
}

/** Joins the agent at `address` to the cluster whose CA is in the admin's state dir; returns its status over mutual TLS. */
export async function joinAgent(layout: StateLayout, address: string, token: string, ca = fs.readFileSync(tlsFiles(layout.tlsDir).ca, 'utf8'), onSigned?: () => void): Promise<AgentStatus> {
  const { host } = splitAddress(address);
  await bootstrapAgent(address, token, ca, async (csr) => {
    const cert = await signAgentRequest(layout.tlsDir, csr, host);
    onSigned?.();
    return cert;
  });
  return waitFor(() => joinedStatus(layout, address), { timeoutMs: 15_000, intervalMs: 50, what: `agent ${address} to serve with its new certificate` });
}

export async function clusterInit(layout: StateLayout, o: InitOptions): Promise<Inventory> {
  if (o.agents.length === 0) throw new UsageError('--agents needs at least one agent address: e.g. --agents 10.0.0.11:7700,10.0.0.12:7700,10.0.0.13:7700');
  if (o.agents.length > 9) throw new UsageError(`--agents names ${o.agents.length} agents: a cluster has at most 9 members (1, 3 or 5 are usual)`);
  for (const a of o.agents) splitAddress(a);
  const dup = o.agents.find((a, i) => o.agents.indexOf(a) !== i);
  if (dup) throw new UsageError(`--agents names ${dup} twice: give each agent once`);
  if (o.agents.length % 2 === 0) o.log(`warning: ${o.agents.length} members tolerate no more failures than ${o.agents.length - 1}: prefer an odd count`);

  const existing = readInventory(layout);
  const config = readClusterConfig(layout);
  if (config && !existing) throw new WardenError(`${layout.root} already holds a local cluster (cluster.json): give \`cluster init\` another --state-dir`);
  if (existing) {
    const same = existing.agents.length === o.agents.length && existing.agents.every((a, i) => a.address === o.agents[i]);
    if (!same) throw new WardenError(`${layout.root} already holds a cluster of agents ${existing.agents.map((a) => a.address).join(',')}: give the same --agents to finish it, or another --state-dir for a new cluster`);
    if (existing.tls !== o.tls) throw new WardenError(`the cluster in ${layout.root} was made ${existing.tls ? 'with' : 'without'} --tls: run \`cluster init\` ${existing.tls ? 'with' : 'without'} it`);
    if (existing.phase === 'ready') o.log(`the cluster in ${layout.root} is already initialised: checking its members`);
  }

  const createdRoot = !fs.existsSync(layout.root);
  fs.mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  const createdCa = await ensureClusterCa(layout.tlsDir);
  const ca = fs.readFileSync(tlsFiles(layout.tlsDir).ca, 'utf8');

  // Every agent joins (or is found joined) before any member is placed: an unreachable agent,
  // or one that holds another token, stops the init with nothing started. When no agent
  // joined, what this run created goes too; once one did, the CA stays (it trusts it now) and
  // running the command again finishes the init.
  let anyJoined = false;
  const join = async (address: string) => {
    const known = await joinedStatus(layout, address);
    if (known) return { address, status: known };
    // Once a certificate is signed, the agent may have installed it even if its answer is
    // lost: from then on the CA stays, or that agent would trust a CA nobody has.
    const status = await joinAgent(layout, address, o.token, ca, () => (anyJoined = true));
    anyJoined = true;
    o.log(`agent ${address} joined: its certificate is signed by the cluster CA`);
    return { address, status };
  };
  const settled = await Promise.allSettled(o.agents.map(join));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    if (!anyJoined && createdCa) {
      if (createdRoot) fs.rmSync(layout.root, { recursive: true, force: true });
      else fs.rmSync(layout.tlsDir, { recursive: true, force: true });
    }
    const err = failed.reason as Error;
    const joinedNow = settled.flatMap((r, i) => (r.status === 'fulfilled' ? [o.agents[i]] : []));
    throw anyJoined ? new WardenError(`${err.message} (agents ${joinedNow.join(', ')} joined; no member was started: run the same \`cluster init\` again once it is fixed)`) : err;
  }
  const joined = settled.map((r) => (r as PromiseFulfilledResult<{ address: string; status: AgentStatus }>).value);
  if (createdCa) o.log(`created the cluster CA in ${layout.tlsDir} (its key stays there: keep this state dir safe)`);

  // Agents that already run members (the kubelet's, from their static pod manifests) are
  // adopted as they are, with their names and URLs: nothing is placed or started.
  const running = joined.filter((j) => j.status.member);
  if (!existing && running.length > 0) {
    if (running.length < joined.length) {
      throw new WardenError(`agents ${running.map((j) => `${j.address} (${j.status.member?.name})`).join(', ')} already run members and ${joined.filter((j) => !j.status.member).map((j) => j.address).join(', ')} do not: init adopts a whole running cluster or creates a new one; give the agents of one cluster`);
    }
    return adoptMembers(layout, o, joined);
  }
  const names = memberNames(o.agents.length);
  // One after another: agents that share a host (the embedded default, on loopback) must not
  // plan the same ports, so each is told what the ones before it planned.
  const plans: { address: string; plan: PlanResponse }[] = [];
  for (const [i, { address }] of joined.entries()) {
    const avoid = plans.flatMap((p) => [p.plan.clientURL, p.plan.peerURL]);
    plans.push({ address, plan: await agentClient(layout, address).plan(names[i] as string, o.tls, avoid, o.ports?.[i]) });
  }
  const agents: InventoryAgent[] = plans.map(({ address, plan }, i) => ({
    address, hostname: joined[i]?.status.agent.hostname ?? '', member: plan.name, clientURL: plan.clientURL, peerURL: plan.peerURL,
    ...(o.embedded?.[i] ? { stateDir: o.embedded[i] } : {}),
  }));
  const token = config?.token ?? `warden-${crypto.randomBytes(6).toString('hex')}`;
  // The inventory first: a state dir with cluster.json and no inventory is a local cluster's.
  const inv: Inventory = { kind: 'WardenInventory', phase: existing?.phase ?? 'starting', tls: o.tls, ...(o.etcdArgs?.length ? { etcdArgs: o.etcdArgs } : {}), agents };
  writeInventory(layout, inv);
  if (!config) {
    const cfg: ClusterConfig = { kind: 'WardenCluster', createdAt: new Date().toISOString(), token, tls: o.tls, etcdVersion: joined[0]?.status.agent.etcdVersion ?? 'unknown' };
    writeFileAtomic(layout.clusterFile, `${JSON.stringify(cfg, null, 2)}\n`, 0o600);
  }

  const initialCluster = agents.map((a) => `${a.member}=${a.peerURL}`).join(',');
  await Promise.all(agents.map(async (a) => {
    await agentClient(layout, a.address).putMember({
      name: a.member, initialCluster, initialClusterState: 'new', initialClusterToken: token, tls: o.tls,
      ...(o.etcdArgs?.length ? { args: o.etcdArgs } : {}),
    }, Math.min(o.timeoutMs, 30_000));
  }));
  o.log(`started ${agents.length} members: ${agents.map((a) => `${a.member} on ${a.address}`).join(', ')}`);
  await waitMembersHealthy(layout, inv, o.timeoutMs);
  await register(layout, inv);
  inv.phase = 'ready';
  writeInventory(layout, inv);
  return inv;
}

/** `cluster init` over agents that run a cluster already: the inventory records their members as they are. */
async function adoptMembers(layout: StateLayout, o: InitOptions, joined: { address: string; status: AgentStatus }[]): Promise<Inventory> {
  const tlsMembers = joined.filter((j) => j.status.member?.clientURL.startsWith('https:'));
  const tls = tlsMembers.length > 0;
  if (tls && tlsMembers.length < joined.length) {
    throw new WardenError(`the members of ${tlsMembers.map((j) => j.address).join(', ')} serve TLS and the others do not: init adopts one cluster; give the agents of one cluster`);
  }
  if (tls) {
    // Members with their own CA (kubeadm's): an agent signs the admin a client certificate of
    // that CA where its key is; the admin's key never leaves this state dir.
    const files = memberCaClientFiles(layout.tlsDir);
    if (!fs.existsSync(files.cert)) {
      const { keyPem, csrPem } = await agentKeyRequest();
      const first = tlsMembers[0] as (typeof tlsMembers)[number];
      const { ca, certificate } = await agentClient(layout, first.address).memberClientCertificate(csrPem);
      writeFileAtomic(files.key, keyPem, 0o600);
      writeFileAtomic(files.ca, ca, 0o644);
      writeFileAtomic(files.cert, certificate, 0o644); // last: its presence means "done"
      o.log(`the members serve TLS with their own CA: agent ${first.address} signed a client certificate of that CA (${files.cert})`);
    }
  }
  const agents: InventoryAgent[] = joined.map((j) => ({
    address: j.address, hostname: j.status.agent.hostname, member: j.status.member?.name ?? '', clientURL: j.status.member?.clientURL ?? '', peerURL: j.status.member?.peerURL ?? '',
  }));
  const inv: Inventory = { kind: 'WardenInventory', phase: 'starting', tls, agents };
  writeInventory(layout, inv);
  const cfg: ClusterConfig = { kind: 'WardenCluster', createdAt: new Date().toISOString(), token: `warden-${crypto.randomBytes(6).toString('hex')}`, tls, etcdVersion: joined[0]?.status.agent.etcdVersion ?? 'unknown' };
  writeFileAtomic(layout.clusterFile, `${JSON.stringify(cfg, null, 2)}\n`, 0o600);
  o.log(`adopted ${agents.length} running members: ${agents.map((a) => `${a.member} on ${a.address}`).join(', ')}`);
  await waitMembersHealthy(layout, inv, o.timeoutMs);
  await register(layout, inv);
  inv.phase = 'ready';
  writeInventory(layout, inv);
  return inv;
}

/** Registers the inventory's agents in etcd (src/agent/registry.ts). */
export async function register(layout: StateLayout, inv: Inventory): Promise<void> {
  const tls = etcdTls(layout, inv);
  const client = new EtcdClient({ endpoints: inv.agents.map((a) => a.clientURL), ...(tls ? { tls } : {}), ...(storedCredentials(layout) ? { auth: storedCredentials(layout) } : {}), commandTimeoutMs: 5000 });
  try {
    await registerAgents(client, inv.agents);
  } finally {
    client.close();
  }
}

/** The etcd client TLS of a cluster in the inventory (the admin's certificate), when it uses TLS. */
export function etcdTls(layout: StateLayout, inv: Inventory): { ca: Buffer; cert: Buffer; key: Buffer } | undefined {
  if (!inv.tls) return undefined;
  const f = etcdClientFiles(layout.tlsDir);
  return { ca: fs.readFileSync(f.ca), cert: fs.readFileSync(f.cert), key: fs.readFileSync(f.key) };
}

/** Waits until every member answers a linearizable read; a timeout names the ones that did not, with their agent's last log line. */
export async function waitMembersHealthy(layout: StateLayout, inv: Inventory, timeoutMs: number, members?: string[], since = Date.now()): Promise<void> {
  const tls = etcdTls(layout, inv);
  const agents = inv.agents.filter((a) => !members || members.includes(a.member));
  const client = new EtcdClient({ endpoints: agents.map((a) => a.clientURL), ...(tls ? { tls } : {}), commandTimeoutMs: 3000 });
  let failed = false;
  try {
    await Promise.all(agents.map(async (a) => {
      let asked = 0;
      try {
        await waitFor(async () => {
          if (failed) throw new EndWait(new WardenError('another member failed'));
          if ((await checkEndpointHealth(client.member(a.clientURL))).health) return true;
          // A member that exits meanwhile ends the wait at once, with why (etcd refusing a flag
          // exits within milliseconds: waiting out the bound for it only hides the reason).
          if (Date.now() - asked < 500) return undefined;
          asked = Date.now();
          const m = (await agentClient(layout, a.address, 5000).status().catch(() => undefined))?.member;
          if (m && (m.state === 'exited' || m.state === 'failed') && m.endedAt && Date.parse(m.endedAt) >= since - 1000) {
            failed = true;
            const how = m.state === 'failed' ? 'could not start' : `exited while starting (${m.exit ?? 'exited'})`;
            throw new EndWait(new WardenError(`member ${a.member} ${how}: ${m.error ?? 'it logged nothing'}: see ${m.logFile ?? `\`warden cluster logs ${a.member}\``}`));
          }
          return undefined;
        }, { timeoutMs, intervalMs: 100, what: `member ${a.member} on ${a.address} to become healthy` });
      } catch (err) {
        if (!(err instanceof WaitTimeoutError)) throw err;
        const last = (await agentClient(layout, a.address, 5000).log(1).catch(() => '')).trim();
        throw new WardenError(`member ${a.member} on agent ${a.address} was not healthy within ${Math.round(timeoutMs / 1000)}s${last ? ` (its last log line: ${last.slice(0, 300)})` : ''}: see \`warden cluster logs ${a.member}\``);
      }
    }));
  } finally {
    client.close();
  }
}

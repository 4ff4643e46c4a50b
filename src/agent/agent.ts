// The agent: owns one host's etcd member through a MemberRuntime, and what the cluster's admin
// may ask of it (agent-server.ts serves it). Its state lives in its state dir (layout.ts):
// agent.json (the address it serves and its member's planned URLs), its certificate once
// joined, the member's manifest, data and log. Every request is idempotent: asked twice, the
// second finds the work done, so a killed admin command or agent is finished by asking again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import type { StateLayout } from '../cluster/layout.ts';
import type { MemberManifest } from '../cluster/manifest.ts';
import { agentKeyRequest, signClientRequestWith, tlsFiles } from '../cluster/tls.ts';
import { MemberClient } from '../etcd/client.ts';
import { writeFileAtomic } from '../util/fsutil.ts';
import { listMovedAside, moveAside, movedAsideDir } from '../restore/members.ts';
import { etcdVersion } from '../cluster/binaries.ts';
import { holdsData, restoreDataDir } from '../restore/tools.ts';
import { parseEncryptionConfig } from '../encryption/config.ts';
import { encryptionConfigFile } from '../encryption/store.ts';
import { redactUrl } from '../backup/s3-download.ts';
import {
  bootstrapProof, certificateDigest, proofMatches,
  type AgentFacts, type AgentStatus, type CertificateRequest, type JoinRequest, type JoinResponse, type MemberSpec, type PlanRequest, type PlanResponse,
} from './protocol.ts';
import type { MemberRuntime } from './runtime.ts';

/** A request the agent refuses: its HTTP status and one line. */
export class AgentRequestError extends WardenError {
  override readonly name = 'AgentRequestError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 500 | 503,
    message: string,
  ) {
    super(message);
  }
}

interface AgentRecord {
  kind: 'WardenAgent';
  /** The address the agent serves on (host:port). */
  listen: string;
  plan?: PlanResponse;
  /** The member answered since it was last placed: from then on its data dir must not be empty. */
  memberHasRun?: boolean;
}

export interface AgentOptions {
  layout: StateLayout;
  /** The host of --listen: the member's URLs use it too. */
  host: string;
  port: number;
  token: string;
  runtime: MemberRuntime;
  etcdVersion?: string;
  /** Where this host's copy of the EncryptionConfiguration lives (what kube-apiserver on it reads). */
  encryptionConfig?: string;
  /** The key of the member's own CA (default: ca.key beside its --trusted-ca-file, as kubeadm lays it out). */
  etcdCaKey?: string;
  log: (line: string) => void;
}

export interface AgentTls {
  ca: string;
  cert: string;
  key: string;
}

/** The default etcd ports; a host that has them taken (several agents on one host) gets free ones. */
const DEFAULT_CLIENT_PORT = 2379;
const DEFAULT_PEER_PORT = 2380;

export class Agent {
  /** The key of the certificate request in flight (it never leaves memory before the certificate comes). */
  private pendingKey?: string;
  private lastSeen?: NonNullable<AgentStatus['member']>['lastSeen'];
  private sampler?: NodeJS.Timeout;
  private readonly listeners: ((tls: AgentTls) => void)[] = [];

  constructor(private readonly o: AgentOptions) {
    try {
      this.lastSeen = JSON.parse(fs.readFileSync(o.layout.lastSeenFile, 'utf8')) as typeof this.lastSeen;
    } catch {
      this.lastSeen = undefined;
    }
  }

  get layout(): StateLayout {
    return this.o.layout;
  }

  /** The agent's certificate once it joined a cluster. */
  tls(): AgentTls | undefined {
    const f = this.files();
    try {
      return { ca: fs.readFileSync(f.ca, 'utf8'), cert: fs.readFileSync(f.cert, 'utf8'), key: fs.readFileSync(f.key, 'utf8') };
    } catch {
      return undefined;
    }
  }

  /** Called with the new certificate when the agent joins (the server switches to mutual TLS). */
  onJoined(fn: (tls: AgentTls) => void): void {
    this.listeners.push(fn);
  }

  private files() {
    const dir = this.o.layout.tlsDir;
    return { ca: tlsFiles(dir).ca, cert: path.join(dir, 'agent.crt'), key: path.join(dir, 'agent.key') };
  }

  async open(): Promise<void> {
    fs.mkdirSync(this.o.layout.root, { recursive: true, mode: 0o700 });
    const rec = this.record();
    const listen = `${this.o.host}:${this.o.port}`;
    if (!rec || rec.listen !== listen) this.saveRecord({ ...(rec ?? { kind: 'WardenAgent' }), listen });
    this.holdIfDataLost();
    this.sweepParts();
    await this.o.runtime.open();
    this.sampler = setInterval(() => void this.sample(), 2000);
    this.sampler.unref();
    void this.sample();
  }

  async close(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    await this.o.runtime.close();
  }

  /**
   * A member that has run before and finds its data dir empty when the agent starts (a host
   * rebuilt, a disk lost) is not started: started with an empty data dir it would either
   * bootstrap a new cluster with the other empty members (a split brain) or join with no log.
   * It stays stopped until `quorum restore` or `restore` places it again.
   */
  private holdIfDataLost(): void {
    const m = this.o.runtime.manifest();
    if (!m || !this.record()?.memberHasRun || this.o.runtime.state().manifest !== 'active') return;
    if (fs.existsSync(m.dataDir) && fs.readdirSync(m.dataDir).length > 0) return;
    const reason = `its data dir ${m.dataDir} is empty but it has run before (data lost?): not started; \`warden quorum restore\` (or \`warden restore\`) adds it back`;
    this.o.runtime.hold(reason);
    this.forgetLastSeen(); // it describes data that is gone: quorum restore must not prefer it
    this.o.log(`member ${m.name}: ${reason}`);
  }

  /** What a killed agent left half-written: copies of data dirs and received snapshots (.part). */
  private sweepParts(): void {
    const aside = path.join(this.o.layout.root, 'moved-aside');
    for (const stamp of safeList(aside)) {
      for (const e of safeList(path.join(aside, stamp))) if (e.endsWith('.part')) fs.rmSync(path.join(aside, stamp, e), { recursive: true, force: true });
    }
    const snaps = path.join(this.o.layout.root, 'snapshots');
    for (const e of safeList(snaps)) if (e.endsWith('.part')) fs.rmSync(path.join(snaps, e), { force: true });
  }

  private forgetLastSeen(): void {
    fs.rmSync(this.o.layout.lastSeenFile, { force: true });
    this.lastSeen = undefined;
  }

  private markHasRun(value: boolean): void {
    const rec = this.record();
    if (rec && !!rec.memberHasRun !== value) this.saveRecord({ ...rec, memberHasRun: value });
  }

  private record(): AgentRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.o.layout.agentFile, 'utf8')) as AgentRecord;
    } catch {
      return undefined;
    }
  }

  private saveRecord(r: AgentRecord): void {
    writeFileAtomic(this.o.layout.agentFile, `${JSON.stringify(r, null, 2)}\n`, 0o600);
  }

  facts(): AgentFacts {
    return {
      hostname: os.hostname(), runtime: this.o.runtime.kind, stateDir: this.o.layout.root,
      ...(this.o.etcdVersion ? { etcdVersion: this.o.etcdVersion } : {}),
    };
  }

  /** The first bootstrap step: both sides prove they hold the token; the agent makes its key and asks for a certificate. */
  async join(req: JoinRequest, fingerprint: string): Promise<JoinResponse> {
    if (this.tls()) throw new AgentRequestError(409, `this agent already joined a cluster (its certificate is ${this.files().cert}): to join another, stop it and empty its state dir ${this.o.layout.root}`);
    if (typeof req.nonce !== 'string' || !/^[0-9a-f]{32,128}$/.test(req.nonce)) throw new AgentRequestError(400, 'the join request carries no valid nonce: use `warden cluster init` of this warden version');
    if (!proofMatches(bootstrapProof(this.o.token, 'admin', fingerprint), req.proof)) {
      this.o.log('refused a join: its proof does not match this agent\'s token');
      throw new AgentRequestError(401, 'the join proof does not match the agent\'s token: give `cluster init` the same --token-file as the agents');
    }
    const { keyPem, csrPem } = await agentKeyRequest();
    this.pendingKey = keyPem;
    return { proof: bootstrapProof(this.o.token, 'agent', fingerprint, req.nonce), csr: csrPem, agent: this.facts() };
  }

  /** The second step: the certificate the cluster CA signed for the key of the first. */
  installCertificate(req: CertificateRequest, fingerprint: string): void {
    if (this.tls()) throw new AgentRequestError(409, 'this agent already joined a cluster');
    if (typeof req.ca !== 'string' || typeof req.certificate !== 'string') throw new AgentRequestError(400, 'the certificate request carries no CA or certificate');
    if (!proofMatches(bootstrapProof(this.o.token, 'certificate', fingerprint, certificateDigest(req.ca, req.certificate)), req.proof)) {
      throw new AgentRequestError(401, 'the certificate proof does not match the agent\'s token: give `cluster init` the same --token-file as the agents');
    }
    if (!this.pendingKey) throw new AgentRequestError(409, 'no certificate request is pending (the agent restarted since the join): run `warden cluster init` again');
    let cert: crypto.X509Certificate;
    let ca: crypto.X509Certificate;
    try {
      cert = new crypto.X509Certificate(req.certificate);
      ca = new crypto.X509Certificate(req.ca);
    } catch (err) {
      throw new AgentRequestError(400, `the certificate cannot be read: ${(err as Error).message}`);
    }
    if (!cert.checkPrivateKey(crypto.createPrivateKey(this.pendingKey))) throw new AgentRequestError(400, 'the certificate is not for the key this agent asked for: run `warden cluster init` again');
    if (!cert.verify(ca.publicKey)) throw new AgentRequestError(400, 'the certificate is not signed by the CA sent with it');
    const f = this.files();
    fs.mkdirSync(this.o.layout.tlsDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(f.key, this.pendingKey, 0o600);
    writeFileAtomic(f.ca, req.ca, 0o644);
    writeFileAtomic(f.cert, req.certificate, 0o644); // last: its presence means "joined"
    this.pendingKey = undefined;
    this.o.log(`joined a cluster: certificate ${f.cert} from the CA ${fingerprintHex(ca)}`);
    const tls = this.tls();
    if (tls) for (const fn of this.listeners) fn(tls);
  }

  status(): AgentStatus {
    const tls = this.tls();
    const rt = this.o.runtime;
    const m = rt.manifest();
    const disk = fs.statfsSync(this.o.layout.root);
    const enc = this.encryptionConfig();
    return {
      agent: { ...this.facts(), pid: process.pid, joined: !!tls, ...(tls ? { caFingerprint: fingerprintHex(new crypto.X509Certificate(tls.ca)) } : {}) },
      ...(m
        ? {
            member: {
              name: m.name, ...rt.state(), clientURL: m.clientURL, peerURL: m.peerURL, dataDir: m.dataDir, dataDirBytes: dirBytes(m.dataDir), logFile: rt.logFile(),
              ...(this.lastSeen ? { lastSeen: this.lastSeen } : {}),
            },
          }
        : {}),
      disk: { free: disk.bavail * disk.bsize, total: disk.blocks * disk.bsize },
      encryptionConfig: { file: this.encryptionConfigFile(), ...(enc ? { sha256: enc.sha256 } : {}) },
    };
  }

  /** The URLs this host's member will use: etcd's default ports, or free ones when they are taken. Kept once chosen. */
  async plan(req: PlanRequest): Promise<PlanResponse> {
    if (typeof req.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(req.name)) throw new AgentRequestError(400, `invalid member name ${JSON.stringify(req.name)}: use letters, digits, ".", "_" and "-"`);
    const adopted = this.o.runtime.kind === 'kubelet' ? this.o.runtime.manifest() : undefined;
    if (adopted) {
      // The kubelet's member keeps its name and URLs: they are in its Pod manifest.
      if (adopted.name !== req.name) throw new AgentRequestError(409, `this host's member is ${adopted.name} (its static pod manifest), not ${req.name}`);
      return { name: adopted.name, clientURL: adopted.clientURL, peerURL: adopted.peerURL };
    }
    const scheme = req.tls ? 'https' : 'http';
    const rec = this.record() ?? { kind: 'WardenAgent' as const, listen: `${this.o.host}:${this.o.port}` };
    const avoid = new Set(Array.isArray(req.avoid) ? req.avoid.filter((u): u is string => typeof u === 'string') : []);
    const planned = rec.plan;
    const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    const url = (port: number) => `${scheme}://${host}:${port}`;
    const asked = req.ports && [req.ports.client, req.ports.peer];
    if (asked && !asked.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) throw new AgentRequestError(400, `invalid ports ${JSON.stringify(req.ports)}: give whole numbers from 1 to 65535`);
    const fits = (p: PlanResponse) => p.name === req.name && p.clientURL.startsWith(`${scheme}:`) && !avoid.has(p.clientURL) && !avoid.has(p.peerURL)
      && (!asked || (p.clientURL === url(asked[0] as number) && p.peerURL === url(asked[1] as number)));
    if (planned && fits(planned)) return planned;
    const usable = async (port: number) => !avoid.has(url(port)) && (await bindable(this.o.host, port));
    if (asked) {
      for (const p of asked) if (!(await usable(p as number))) throw new AgentRequestError(409, `port ${this.o.host}:${p} is already in use: choose other ports`);
    }
    let ports = asked ?? ((await usable(DEFAULT_CLIENT_PORT)) && (await usable(DEFAULT_PEER_PORT)) ? [DEFAULT_CLIENT_PORT, DEFAULT_PEER_PORT] : undefined);
    for (let i = 0; !ports; i++) {
      if (i === 20) throw new AgentRequestError(503, `no two free ports found on ${this.o.host} for member ${req.name}`);
      const free = await freePortsOn(this.o.host, 2);
      if (!free.some((p) => avoid.has(url(p)))) ports = free;
    }
    const plan = { name: req.name, clientURL: url(ports[0] as number), peerURL: url(ports[1] as number) };
    this.saveRecord({ ...rec, plan });
    return plan;
  }

  /** Places the member this agent runs (planned first) and starts it. */
  async putMember(spec: MemberSpec, timeoutMs: number): Promise<void> {
    const adopted = this.o.runtime.kind === 'kubelet' ? this.o.runtime.manifest() : undefined;
    if (adopted) {
      // The Pod keeps its data dir, URLs and certificates; only the cluster settings change.
      if (adopted.name !== spec.name) throw new AgentRequestError(409, `this host's member is ${adopted.name} (its static pod manifest), not ${spec.name}`);
      this.markHasRun(false);
      this.o.runtime.place({
        ...adopted, initialCluster: spec.initialCluster, initialClusterState: spec.initialClusterState, initialClusterToken: spec.initialClusterToken,
        args: [...(adopted.args ?? []).filter((a) => a !== '--force-new-cluster'), ...(spec.args ?? []).filter((a) => a === '--force-new-cluster')],
      }, true);
      await this.o.runtime.start(timeoutMs);
      return;
    }
    const plan = this.record()?.plan;
    if (!plan || plan.name !== spec.name) throw new AgentRequestError(409, `no URLs are planned for member ${spec.name} on this agent: ask for a plan first`);
    const tls = this.tls();
    if (spec.tls && !tls) throw new AgentRequestError(409, 'a TLS member needs the agent\'s certificate: join the agent first');
    const f = this.files();
    const m: MemberManifest = {
      apiVersion: 'warden/v1', kind: 'EtcdMember', name: spec.name, dataDir: this.o.layout.dataDir(spec.name),
      clientURL: plan.clientURL, peerURL: plan.peerURL,
      initialCluster: spec.initialCluster, initialClusterState: spec.initialClusterState, initialClusterToken: spec.initialClusterToken,
      ...(spec.tls ? { tls: { certFile: f.cert, keyFile: f.key, trustedCAFile: f.ca } } : {}),
      ...(spec.args?.length ? { args: spec.args } : {}),
    };
    this.markHasRun(false);
    this.o.runtime.place(m, true);
    await this.o.runtime.start(timeoutMs);
  }

  /** Stops the member; with none placed yet there is nothing to stop. */
  async stopMember(timeoutMs: number): Promise<void> {
    if (!this.o.runtime.manifest()) return;
    await this.o.runtime.stop(timeoutMs);
  }

  async startMember(timeoutMs: number): Promise<void> {
    if (!this.o.runtime.manifest()) throw new AgentRequestError(404, 'this agent runs no member yet');
    await this.o.runtime.start(timeoutMs);
  }

  private member(): MemberManifest {
    const m = this.o.runtime.manifest();
    if (!m) throw new AgentRequestError(404, 'this agent runs no member yet: `warden cluster init` places one');
    return m;
  }

  private requireStopped(what: string): MemberManifest {
    const m = this.member();
    if (this.o.runtime.state().pid !== null) throw new AgentRequestError(409, `member ${m.name} still runs: stop it before ${what}`);
    return m;
  }

  /** Moves the stopped member's data dir aside under `stamp` (never deleted); undefined when it is absent or empty. */
  moveAside(stamp: string, label?: string): string | undefined {
    if (!this.o.runtime.manifest()) return undefined; // no member yet: nothing to move
    const m = this.requireStopped('moving its data dir aside');
    this.markHasRun(false);
    this.forgetLastSeen(); // it described the data moved away
    return moveAside(this.o.layout, m.dataDir, checkLabel(label ?? m.name), checkStamp(stamp));
  }

  /** Copies the stopped member's data dir aside under `stamp`, as `label`; a copy made before is kept. */
  copyAside(stamp: string, label: string): string {
    const m = this.requireStopped('copying its data dir');
    const to = path.join(movedAsideDir(this.o.layout, checkStamp(stamp)), checkLabel(label));
    if (fs.existsSync(to)) return to;
    const part = `${to}.part`;
    fs.rmSync(part, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
    fs.cpSync(m.dataDir, part, { recursive: true });
    fs.renameSync(part, to);
    return to;
  }

  listAside(stamp: string): string[] {
    return listMovedAside(this.o.layout, checkStamp(stamp));
  }

  private snapshotFile(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AgentRequestError(400, `invalid snapshot digest "${sha256}": give its sha256 in hex`);
    return path.join(this.o.layout.root, 'snapshots', `${sha256}.db`);
  }

  hasSnapshot(sha256: string): boolean {
    return fs.existsSync(this.snapshotFile(sha256));
  }

  /** Removes a received snapshot; false when there was none. */
  dropSnapshot(sha256: string): boolean {
    const file = this.snapshotFile(sha256);
    if (!fs.existsSync(file)) return false;
    fs.rmSync(file, { force: true });
    return true;
  }

  /**
   * Receives a snapshot: written to a .part file (0600) while hashed, and kept only when its
   * SHA-256 is the one it was sent as. A half-sent snapshot leaves nothing.
   */
  async receiveSnapshot(sha256: string, body: import('node:stream').Readable): Promise<{ bytes: number }> {
    const file = this.snapshotFile(sha256);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Its own part file: a rerun may send (or have fetched) the same snapshot while an earlier
    // transfer still runs; each checks its own bytes, and either one whole file is renamed in.
    const part = `${file}.${crypto.randomBytes(6).toString('hex')}.part`;
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    const { pipeline } = await import('node:stream/promises');
    try {
      // A write buffer of 16 KiB (the default) would stop the socket at every write in flight:
      // 4 MiB keeps the data coming while the writes are batched (2.3x faster over TLS at 1 GB).
      await pipeline(body, async function* (source: AsyncIterable<Buffer | string>) {
        for await (const chunk of source) {
          const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          hash.update(b);
          bytes += b.length;
          yield b;
        }
      }, fs.createWriteStream(part, { mode: 0o600, highWaterMark: 4 << 20 }));
      const got = hash.digest('hex');
      if (got !== sha256) throw new AgentRequestError(422, `the snapshot received (${bytes} bytes) has sha256 ${got}, not ${sha256}: send it again`);
      fs.renameSync(part, file);
      return { bytes };
    } finally {
      fs.rmSync(part, { force: true });
    }
  }

  /**
   * Fetches a snapshot from a URL (a presigned S3 URL the host can reach) into the same place a
   * sent one goes, kept only when its sha256 matches. The URL's query (its signature) is never
   * logged nor put in an answer.
   */
  async fetchSnapshot(sha256: string, req: { url?: unknown }): Promise<{ bytes: number; already: boolean }> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AgentRequestError(400, `invalid snapshot sha256 "${sha256.slice(0, 80)}"`);
    let url: URL;
    try {
      url = new URL(String(req.url));
    } catch {
      throw new AgentRequestError(400, 'the fetch names no valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AgentRequestError(400, `the fetch URL must be http(s), not ${url.protocol}`);
    if (this.hasSnapshot(sha256)) return { bytes: fs.statSync(this.snapshotFile(sha256)).size, already: true };
    const shown = redactUrl(url);
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'follow' });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new AgentRequestError(503, `this host cannot reach ${url.protocol}//${url.host} (${cause?.code ?? (err as Error).message}) to fetch ${shown}`);
    }
    if (!res.ok || !res.body) throw new AgentRequestError(503, `fetching ${shown} from this host failed: HTTP ${res.status} ${res.statusText}`);
    const { Readable } = await import('node:stream');
    const got = await this.receiveSnapshot(sha256, Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>));
    return { ...got, already: false };
  }

  /**
   * Restores a received snapshot into the member's data dir (empty: moved aside first) as a new
   * one-member cluster, and removes the snapshot. Asked again after it was done, it says so.
   */
  async restoreSnapshot(req: { sha256: string; token: string; bumpRevision?: number }): Promise<{ tool: string; canBump: boolean; already: boolean }> {
    const m = this.requireStopped('restoring into its data dir');
    if (typeof req.token !== 'string' || !req.token) throw new AgentRequestError(400, 'the restore names no cluster token');
    const marker = path.join(this.o.layout.runDir, 'restored.json');
    const done = readJson<{ sha256: string; token: string; tool: string; canBump: boolean }>(marker);
    const hasData = holdsData(m.dataDir);
    if (done && done.sha256 === req.sha256 && done.token === req.token && hasData) {
      fs.rmSync(this.snapshotFile(req.sha256), { force: true }); // sent again by a rerun: not needed, and it holds the data
      return { tool: done.tool, canBump: done.canBump, already: true };
    }
    if (hasData) throw new AgentRequestError(409, `the data dir ${m.dataDir} of ${m.name} is not empty: move it aside first`);
    const file = this.snapshotFile(req.sha256);
    if (!fs.existsSync(file)) throw new AgentRequestError(404, `no snapshot ${req.sha256} was received: send it first`);
    const tool = await restoreDataDir({
      snapshot: file, dataDir: m.dataDir, name: m.name, peerURL: m.peerURL, token: req.token,
      ...(req.bumpRevision ? { bumpRevision: req.bumpRevision } : {}),
    });
    // etcdctl 3.4 cannot bump: warden's writer did (restore/tools.ts), which counts the same.
    const result = { tool: `${tool.kind} ${etcdVersion(tool.bin)}`, canBump: tool.canBump || tool.bumpedTo !== undefined };
    writeFileAtomic(marker, `${JSON.stringify({ sha256: req.sha256, token: req.token, ...result })}\n`, 0o600);
    fs.rmSync(file, { force: true });
    this.o.log(`restored snapshot ${req.sha256.slice(0, 12)} into ${m.dataDir} with ${result.tool}`);
    return { ...result, already: false };
  }

  /**
   * A client certificate of the member's own CA for the admin (`cluster init` adopting members
   * that serve TLS with their CA, as kubeadm's do): signed here, where the CA key is; the key of
   * the certificate stays with the admin (this signs its request).
   */
  async memberClientCertificate(req: { csr?: unknown }): Promise<{ ca: string; certificate: string }> {
    const m = this.o.runtime.manifest();
    if (!m?.tls) throw new AgentRequestError(409, 'this host\'s member serves no TLS: it needs no client certificate');
    if (typeof req.csr !== 'string') throw new AgentRequestError(400, 'the request carries no certificate request');
    const caKey = this.o.etcdCaKey ?? path.join(path.dirname(m.tls.trustedCAFile), 'ca.key');
    let keyPem: string;
    try {
      keyPem = fs.readFileSync(caKey, 'utf8');
    } catch (err) {
      throw new AgentRequestError(409, `the key of the member's CA is not readable at ${caKey} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}): start the agent with --etcd-ca-key FILE`);
    }
    const ca = fs.readFileSync(m.tls.trustedCAFile, 'utf8');
    // A bundle (OpenShift's ca-bundle.crt holds the current and the previous signer): the
    // issuer is the CA whose key this is.
    let key: crypto.KeyObject | undefined;
    try {
      key = crypto.createPrivateKey(keyPem);
    } catch {
      key = undefined;
    }
    const issuer = (ca.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).find((pem) => {
      try {
        return !!key && new crypto.X509Certificate(pem).checkPrivateKey(key);
      } catch {
        return false;
      }
    });
    if (!issuer) throw new AgentRequestError(409, `the key ${caKey} belongs to none of the CAs in ${m.tls.trustedCAFile}: give --etcd-ca-key the key of the CA that signs the member's clients (OpenShift: the etcd-signer secret's tls.key)`);
    let certificate: string;
    try {
      certificate = await signClientRequestWith(issuer, keyPem, req.csr, 'CN=etcd-warden admin');
    } catch (err) {
      throw new AgentRequestError(400, `cannot sign the admin's certificate request with ${caKey}: ${(err as Error).message}`);
    }
    this.o.log(`signed a client certificate for the admin with the member's CA ${m.tls.trustedCAFile}`);
    return { ca, certificate };
  }

  /** This host's copy of the EncryptionConfiguration (kube-apiserver's --encryption-provider-config). */
  encryptionConfigFile(): string {
    return this.o.encryptionConfig ?? encryptionConfigFile(this.o.layout.root);
  }

  /** The copy and its sha256, or undefined when this host has none. */
  encryptionConfig(): { config: string; sha256: string } | undefined {
    let config: string;
    try {
      config = fs.readFileSync(this.encryptionConfigFile(), 'utf8');
    } catch {
      return undefined;
    }
    return { config, sha256: crypto.createHash('sha256').update(config).digest('hex') };
  }

  /**
   * Replaces this host's copy (0600, written atomically) when it differs. A configuration that
   * does not parse is refused: kube-apiserver would not start with it.
   */
  putEncryptionConfig(req: { config?: unknown }): { sha256: string; changed: boolean } {
    if (typeof req.config !== 'string' || req.config.length === 0) throw new AgentRequestError(400, 'the request carries no EncryptionConfiguration: send {"config": "<yaml>"}');
    try {
      parseEncryptionConfig(req.config, 'the EncryptionConfiguration sent');
    } catch (err) {
      throw new AgentRequestError(400, (err as Error).message);
    }
    const sha256 = crypto.createHash('sha256').update(req.config).digest('hex');
    if (this.encryptionConfig()?.sha256 === sha256) return { sha256, changed: false };
    const file = this.encryptionConfigFile();
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, req.config, 0o600);
    this.o.log(`wrote the EncryptionConfiguration ${file} (sha256 ${sha256.slice(0, 12)})`);
    return { sha256, changed: true };
  }

  /** The member log's last `lines` lines. */
  logTail(lines: number): string {
    const file = this.o.runtime.logFile();
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return '';
    }
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 1024 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      const all = buf.toString('utf8').split('\n');
      if (all.at(-1) === '') all.pop();
      return all.slice(-lines).join('\n') + (all.length ? '\n' : '');
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Asks the member what it has applied, and keeps the answer (on disk too: it outlives the member). */
  private async sample(): Promise<void> {
    const m = this.o.runtime.manifest();
    if (!m || this.o.runtime.state().pid === null) return;
    // The member's own certificate files (what it serves with: the agent's for a member warden
    // placed, the host's own CA's for one adopted from a kubeadm Pod, whose server certificate
    // is also a client certificate of that CA).
    let tls: { ca: Buffer; cert: Buffer; key: Buffer } | undefined;
    try {
      tls = m.tls ? { ca: fs.readFileSync(m.tls.trustedCAFile), cert: fs.readFileSync(m.tls.certFile), key: fs.readFileSync(m.tls.keyFile) } : undefined;
    } catch {
      return;
    }
    const client = new MemberClient(m.clientURL, { ...(tls ? { tls } : {}), commandTimeoutMs: 1500, dialTimeoutMs: 1000 });
    try {
      const st = await client.status();
      this.lastSeen = {
        at: new Date().toISOString(), raftIndex: st.raftIndex.toString(), revision: st.header.revision.toString(),
        memberId: st.header.member_id.toString(16), leader: st.leader === st.header.member_id,
      };
      writeFileAtomic(this.o.layout.lastSeenFile, `${JSON.stringify(this.lastSeen)}\n`, 0o644);
      this.markHasRun(true);
    } catch {
      /* down or starting: the last answer stays */
    } finally {
      client.close();
    }
  }
}

function checkStamp(stamp: string): string {
  if (typeof stamp !== 'string' || !/^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/.test(stamp)) throw new AgentRequestError(400, `invalid stamp ${JSON.stringify(stamp)}: letters, digits and "-"`);
  return stamp;
}

function checkLabel(label: string): string {
  if (typeof label !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(label)) throw new AgentRequestError(400, `invalid label ${JSON.stringify(label)}: letters, digits, ".", "_" and "-"`);
  return label;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function fingerprintHex(cert: crypto.X509Certificate): string {
  return cert.fingerprint256.replace(/:/g, '').toLowerCase();
}

/** Bytes under a directory (0 when it does not exist). */
function dirBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

async function freePortsOn(host: string, count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePortOn(host));
  return [...ports];
}

function freePortOn(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

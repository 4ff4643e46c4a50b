// The agent's API (pure): what each request and answer carries, and the proofs of the bootstrap.
//
// Before it joins a cluster, an agent knows only the shared token. It serves its API over TLS
// with a throwaway certificate, and answers only the two bootstrap requests; every proof binds
// the token to that certificate's SHA-256 fingerprint, so neither side sends the token and a
// man in the middle (who must show another certificate) can use no proof it sees:
//   join: admin -> agent  {nonce, proof: HMAC(token, "admin" | fp)}
//         agent -> admin  {proof: HMAC(token, "agent" | fp | nonce), certificate request}
//   certificate: admin -> agent  {ca, certificate, proof: HMAC(token, "certificate" | fp | sha256(ca | certificate))}
// After that the agent serves only clients whose certificate the cluster CA signed (mutual TLS).
import crypto from 'node:crypto';
import type { MemberManifest } from '../cluster/manifest.ts';

export const AGENT_API = '/v1';

/** A token shorter than this is refused: it is the only secret of the bootstrap. */
export const MIN_TOKEN_LENGTH = 16;

export type ProofKind = 'admin' | 'agent' | 'certificate';

/** HMAC-SHA256 of the token over the proof's kind, the server certificate's fingerprint and `extra`, as hex. */
export function bootstrapProof(token: string, kind: ProofKind, fingerprint: string, extra = ''): string {
  return crypto.createHmac('sha256', token).update(`warden-bootstrap\n${kind}\n${fingerprint}\n${extra}`).digest('hex');
}

/** Compares two hex proofs in constant time. */
export function proofMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** The SHA-256 fingerprint of a certificate (DER bytes) as hex. */
export function fingerprintOf(der: Buffer): string {
  return crypto.createHash('sha256').update(der).digest('hex');
}

/** What the certificate proof covers: the CA and the certificate together. */
export function certificateDigest(caPem: string, certPem: string): string {
  return crypto.createHash('sha256').update(caPem).update('\n').update(certPem).digest('hex');
}

export interface JoinRequest {
  nonce: string;
  proof: string;
}

export interface JoinResponse {
  proof: string;
  csr: string;
  /** What the agent found on its host. */
  agent: AgentFacts;
}

export interface CertificateRequest {
  ca: string;
  certificate: string;
  proof: string;
}

/** An agent's host and runtime, as it reports them. */
export interface AgentFacts {
  hostname: string;
  /** The member runtime behind the agent: warden's supervisor, or the kubelet's static pods. */
  runtime: 'supervisor' | 'kubelet';
  stateDir: string;
  etcdVersion?: string;
}

export type MemberProcessState = 'running' | 'exited' | 'stopped' | 'failed' | 'pending' | 'none';

/** GET /v1/status */
export interface AgentStatus {
  agent: AgentFacts & { pid: number; joined: boolean; caFingerprint?: string };
  member?: {
    name: string;
    state: MemberProcessState;
    manifest: 'active' | 'moved-out';
    pid: number | null;
    clientURL: string;
    peerURL: string;
    dataDir: string;
    dataDirBytes: number;
    error?: string;
    /** How it ended and when, after it exited. */
    exit?: string;
    endedAt?: string;
    logFile?: string;
    /** What the agent last saw the member answer (kept while it is down). */
    lastSeen?: { at: string; raftIndex: string; revision: string; memberId: string; leader: boolean };
  };
  disk: { free: number; total: number };
  /** This host's copy of the EncryptionConfiguration: where it lives, and its sha256 when there is one. */
  encryptionConfig?: { file: string; sha256?: string };
}

/** POST /v1/member/plan: the URLs the agent's member will use (ports free on the agent's host). */
export interface PlanRequest {
  name: string;
  /** Ask for http or https URLs. */
  tls: boolean;
  /** URLs other agents of this cluster planned: agents that share a host (loopback) must not pick the same ports. */
  avoid?: string[];
  /** These ports exactly (the embedded default picks them for its agents on loopback, or from --base-port). */
  ports?: { client: number; peer: number };
}

export interface PlanResponse {
  name: string;
  clientURL: string;
  peerURL: string;
}

/**
 * PUT /v1/member: the member this agent runs, given what only the cluster knows; the agent
 * fills in what only its host knows (data dir, URLs from its plan, certificate paths).
 */
export interface MemberSpec {
  name: string;
  initialCluster: string;
  initialClusterState: MemberManifest['initialClusterState'];
  initialClusterToken: string;
  tls: boolean;
  args?: string[];
}

/** The error body every refused agent request carries: one line. */
export interface AgentErrorBody {
  message: string;
}

// cluster.json: what was decided when the local cluster was created, and the list of its
// members' manifests (active and moved out), read back by every command that targets it.
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../errors.ts';
import type { Credentials } from '../etcd/connection.ts';
import { storedCredentials } from './credentials.ts';
import { requireInventory } from './inventory.ts';
import { StateLayout } from './layout.ts';
import { parseManifest, type MemberManifest } from './manifest.ts';
import { etcdClientFiles } from './tls.ts';

export interface ClusterConfig {
  kind: 'WardenCluster';
  createdAt: string;
  token: string;
  tls: boolean;
  etcdVersion: string;
}

export interface ManifestEntry {
  manifest: MemberManifest;
  file: string;
  /** false when the manifest was moved out of the manifests folder. */
  active: boolean;
}

/** The cluster's settings; undefined when there is no cluster (yet) in the state dir. */
export function readClusterConfig(layout: StateLayout): ClusterConfig | undefined {
  let text: string;
  try {
    text = fs.readFileSync(layout.clusterFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new WardenError(`the state dir ${layout.root} is not a directory: pass --state-dir (or WARDEN_STATE_DIR) a directory`);
    }
    return undefined;
  }
  try {
    return JSON.parse(text) as ClusterConfig;
  } catch (err) {
    throw new WardenError(`${layout.clusterFile} is not valid JSON (${(err as Error).message}): restore it or remove the state dir ${layout.root}`);
  }
}

export function requireClusterConfig(layout: StateLayout): ClusterConfig {
  const cfg = readClusterConfig(layout);
  if (!cfg) throw new WardenError(`no warden cluster in ${layout.root}: run \`warden cluster up\`, or pass --state-dir / --endpoints`);
  return cfg;
}

/** Every member manifest, active ones first; invalid files throw one clear line. */
export function readManifests(layout: StateLayout, opts: { skipInvalid?: boolean } = {}): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  for (const [dir, active] of [[layout.manifestsDir, true], [layout.stoppedDir, false]] as const) {
    let files: string[];
    try {
      files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch {
      continue;
    }
    for (const f of files) {
      const file = path.join(dir, f);
      try {
        out.push({ manifest: parseManifest(fs.readFileSync(file, 'utf8'), file), file, active });
      } catch (err) {
        if (!opts.skipInvalid) throw err;
      }
    }
  }
  return out;
}

export interface EmbeddedConnection {
  endpoints: string[];
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  /** root's password, once `cluster up --auth` enabled etcd authentication. */
  auth?: Credentials;
}

/** How to reach the embedded cluster: every member's client URL, its client certificate, root's credentials. */
export function embeddedConnection(layout: StateLayout): EmbeddedConnection {
  const cfg = requireClusterConfig(layout);
  // Every cluster runs on agents (the embedded default's too): its members' URLs are in the inventory.
  const endpoints = requireInventory(layout).agents.map((a) => a.clientURL);
  const auth = storedCredentials(layout);
  const conn: EmbeddedConnection = { endpoints, ...(auth ? { auth } : {}) };
  if (!cfg.tls) return conn;
  const f = etcdClientFiles(layout.tlsDir);
  return { ...conn, tls: { ca: fs.readFileSync(f.ca), cert: fs.readFileSync(f.cert), key: fs.readFileSync(f.key) } };
}

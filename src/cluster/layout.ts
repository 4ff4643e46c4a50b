// The one place that knows where things live in a warden state directory. There are two kinds.
// The admin's (what the CLI and the operator use; `cluster up` or `cluster init` make it):
//   <state>/cluster.json            cluster-wide settings (token, TLS, created)
//   <state>/inventory.json          the agents and the member each one runs
//   <state>/tls/                    the cluster CA and the admin's client certificate
//   <state>/auth/root.password      etcd's root password when `cluster up --auth` enabled auth (0600)
//   <state>/restore.json            an interrupted restore's journal
//   <state>/agents/                 the embedded default's agents (token, one state dir each)
// An agent's (`warden agent --state-dir`), holding its one member:
//   <state>/agent.json              the agent's address and its member's planned URLs
//   <state>/manifests/<name>.json   the member runs only while its manifest is here
//   <state>/stopped/<name>.json     the manifest moved out (`cluster stop-member`, a restore)
//   <state>/members/<name>/         the member's data directory
//   <state>/logs/<name>.log         the member's log (logs/agent.log: the agent's own)
//   <state>/run/                    pid and status files written by its supervisor;
//                                   last-seen.json: what its member last answered
//   <state>/tls/agent.{crt,key}     its certificate from the cluster CA (after `cluster init`)
//   <state>/moved-aside/<time>/     data dirs moved aside, never deleted
import path from 'node:path';

export const DEFAULT_STATE_DIR = '.warden';

export function resolveStateDir(flag?: string): string {
  return path.resolve(flag ?? process.env.WARDEN_STATE_DIR ?? DEFAULT_STATE_DIR);
}

export class StateLayout {
  constructor(readonly root: string) {}

  /** The embedded default's agents, one state dir each (<state>/agents/<member>/), and their token. */
  get agentsDir(): string {
    return path.join(this.root, 'agents');
  }
  get agentTokenFile(): string {
    return path.join(this.agentsDir, 'token');
  }
  get agentFile(): string {
    return path.join(this.root, 'agent.json');
  }
  get inventoryFile(): string {
    return path.join(this.root, 'inventory.json');
  }
  get lastSeenFile(): string {
    return path.join(this.runDir, 'last-seen.json');
  }
  get clusterFile(): string {
    return path.join(this.root, 'cluster.json');
  }
  get manifestsDir(): string {
    return path.join(this.root, 'manifests');
  }
  get stoppedDir(): string {
    return path.join(this.root, 'stopped');
  }
  get membersDir(): string {
    return path.join(this.root, 'members');
  }
  get logsDir(): string {
    return path.join(this.root, 'logs');
  }
  get runDir(): string {
    return path.join(this.root, 'run');
  }
  get tlsDir(): string {
    return path.join(this.root, 'tls');
  }
  get authDir(): string {
    return path.join(this.root, 'auth');
  }
  get rootPasswordFile(): string {
    return path.join(this.authDir, 'root.password');
  }
  get supervisorPidFile(): string {
    return path.join(this.runDir, 'supervisor.pid');
  }
  get supervisorLog(): string {
    return path.join(this.logsDir, 'supervisor.log');
  }
  manifestFile(name: string): string {
    return path.join(this.manifestsDir, `${name}.json`);
  }
  stoppedManifestFile(name: string): string {
    return path.join(this.stoppedDir, `${name}.json`);
  }
  dataDir(name: string): string {
    return path.join(this.membersDir, name);
  }
  memberLog(name: string): string {
    return path.join(this.logsDir, `${name}.log`);
  }
  memberStatusFile(name: string): string {
    return path.join(this.runDir, `${name}.json`);
  }
}

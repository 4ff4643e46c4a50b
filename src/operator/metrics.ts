// The operator's Prometheus metrics (prom-client), in one registry served at /metrics.
// Member gauges use etcd's own metric names so existing dashboards and alerts apply.
import client from 'prom-client';

export class OperatorMetrics {
  readonly registry = new client.Registry();
  readonly isLeader = new client.Gauge({ name: 'warden_operator_is_leader', help: '1 while this operator holds the leader lease', registers: [this.registry] });
  readonly reconciles = new client.Counter({ name: 'warden_controller_reconciles_total', help: 'Reconcile runs by controller and result', labelNames: ['controller', 'result'], registers: [this.registry] });
  readonly reconcileDuration = new client.Histogram({ name: 'warden_controller_reconcile_duration_seconds', help: 'Reconcile run time', labelNames: ['controller'], registers: [this.registry] });
  readonly memberUp = new client.Gauge({ name: 'warden_member_up', help: '1 when the member answered its status call', labelNames: ['member', 'endpoint'], registers: [this.registry] });
  readonly dbTotal = new client.Gauge({ name: 'etcd_mvcc_db_total_size_in_bytes', help: 'Total size of the member database file', labelNames: ['member'], registers: [this.registry] });
  readonly dbInUse = new client.Gauge({ name: 'etcd_mvcc_db_total_size_in_use_in_bytes', help: 'Size of the member database in use', labelNames: ['member'], registers: [this.registry] });
  readonly isMemberLeader = new client.Gauge({ name: 'etcd_server_is_leader', help: '1 when the member is the raft leader', labelNames: ['member'], registers: [this.registry] });
  readonly healthyMembers = new client.Gauge({ name: 'warden_cluster_healthy_members', help: 'Members that answered a linearizable read', registers: [this.registry] });
  readonly totalMembers = new client.Gauge({ name: 'warden_cluster_members', help: 'Members in the cluster member list', registers: [this.registry] });
  // Space and defragmentation (src/defrag/). The quota comes from each member's own /metrics.
  readonly quotaBytes = new client.Gauge({ name: 'etcd_server_quota_backend_bytes', help: 'Backend quota of the member (--quota-backend-bytes; 2 GiB when unset or unreadable)', labelNames: ['member'], registers: [this.registry] });
  readonly fragmentation = new client.Gauge({ name: 'warden_member_db_fragmentation_percent', help: 'Share of the member DB file not in use (1 - in use / DB size), in percent', labelNames: ['member'], registers: [this.registry] });
  readonly defrags = new client.Counter({ name: 'warden_defrag_total', help: 'Member defragmentations by the operator, by member and result', labelNames: ['member', 'result'], registers: [this.registry] });
  readonly defragDuration = new client.Histogram({ name: 'warden_defrag_duration_seconds', help: 'Time of one member defragmentation', labelNames: ['member'], buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers: [this.registry] });
  readonly leaderMoves = new client.Counter({ name: 'warden_defrag_leader_moves_total', help: 'Leadership transfers made before defragmenting the leader', registers: [this.registry] });
  readonly revisionLogDurable = new client.Gauge({ name: 'warden_revision_log_durable_revision', help: 'The last revision the revision log holds durably (fsynced)', registers: [this.registry] });
  readonly spaceRecoveries = new client.Counter({ name: 'warden_space_recoveries_total', help: 'NOSPACE recoveries by the operator, by result', labelNames: ['result'], registers: [this.registry] });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'warden_process_' });
  }
}

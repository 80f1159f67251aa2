import { FleetModel } from './model';
import { platformFaultSince } from './platformFaults';

// The Global Query's Rules API (`/thanos/api/v1/rules`): every cluster's Prometheus
// evaluates the platform's rules file
// (examples/gitops-repo/charts/monitoring/rules/fleetobs-platform.rules.yaml). Thanos
// Query merges the groups of the same name and file from every source and adds each
// source's external labels to its rules (replica labels deduplicated), so a group
// lists the rules of every cluster. Fault `rules-missing`: the cluster's Prometheus
// loaded none of them.

const RULE_FILE =
  '/etc/prometheus/rules/prometheus-k8s-rulefiles-0/monitoring-fleetobs-platform-rules.yaml';

/** Group → [alert, severity, `for` seconds, expression], as in the shipped file. */
const PLATFORM_GROUPS: Record<
  string,
  Array<[string, string, number, string]>
> = {
  'fleetobs-thanos': [
    ['ThanosSidecarIsDown', 'critical', 300, 'up{job="thanos-sidecar"} == 0'],
    [
      'ThanosSidecarShipLag',
      'warning',
      900,
      'time() - max by (cluster, instance) (thanos_objstore_bucket_last_successful_upload_time{job="thanos-sidecar"}) > 3 * 3600',
    ],
    [
      'ThanosSidecarNoUpload',
      'critical',
      10800,
      'up{job="thanos-sidecar"} == 1 and on (cluster, instance) changes(thanos_shipper_uploads_total{job="thanos-sidecar"}[3h]) == 0',
    ],
    [
      'ThanosCompactHalted',
      'warning',
      300,
      'thanos_compact_halted{job="thanos-compact"} == 1',
    ],
    [
      'ThanosCompactLag',
      'warning',
      21600,
      'sum by (cluster) (thanos_compact_todo_compactions{job="thanos-compact"}) > 50',
    ],
    ['ThanosStoreIsDown', 'critical', 300, 'up{job="thanos-store"} == 0'],
  ],
  'fleetobs-prometheus': [
    [
      'PrometheusReplicaDown',
      'warning',
      600,
      'sum by (cluster) (up{job="prometheus"}) < 2',
    ],
  ],
  'fleetobs-logs': [
    [
      'LogIngestionStopped',
      'critical',
      900,
      'sum by (cluster) (label_replace(rate(elasticsearch_indices_indexing_index_total{index=~"logs-.+-[0-9]{6}"}[15m]), "cluster", "$1", "index", "logs-(.+)-[0-9]{6}")) == 0',
    ],
    [
      'ElasticsearchIlmError',
      'warning',
      900,
      'max by (cluster, index) (label_replace(elasticsearch_ilm_index_status{step="ERROR"}, "cluster", "$1", "index", "(?:logs|jaeger-span)-(.+)-[0-9]{6}")) == 1',
    ],
  ],
  'fleetobs-traces': [
    ['JaegerCollectorDown', 'critical', 300, 'up{job="jaeger-collector"} == 0'],
    [
      'SpanIngestionStopped',
      'critical',
      900,
      'sum by (cluster) (rate(jaeger_collector_spans_received_total[10m])) == 0',
    ],
  ],
  'fleetobs-certificates': [
    [
      'CertManagerCertExpirySoon',
      'warning',
      3600,
      'certmanager_certificate_expiration_timestamp_seconds - time() < 7 * 24 * 3600',
    ],
  ],
};

/** The platform's rule group names, in file order. */
export const PLATFORM_RULE_GROUP_NAMES = Object.keys(PLATFORM_GROUPS);

/** `GET /api/v1/rules` of the Global Query. */
export function rules(model: FleetModel) {
  const now = model.now();
  const lastEvaluation = new Date(now - 12_000).toISOString();
  const loaded = model.clusters.filter(
    c => platformFaultSince(model, c.name, 'rules-missing') === undefined,
  );
  const groups = Object.entries(PLATFORM_GROUPS).map(([name, list]) => ({
    name,
    file: RULE_FILE,
    rules: loaded.flatMap(cluster =>
      list.map(([alert, severity, duration, query]) => ({
        state: 'inactive',
        name: alert,
        query,
        duration,
        keepFiringFor: 0,
        labels: {
          severity,
          cluster: cluster.name,
          environment: cluster.environment,
        },
        annotations: {},
        alerts: [],
        health: 'ok',
        lastError: '',
        evaluationTime: 0.000412,
        lastEvaluation,
        type: 'alerting',
      })),
    ),
    interval: 30,
    limit: 0,
    evaluationTime: 0.0012,
    lastEvaluation,
    partialResponseStrategy: 'ABORT',
  }));
  return {
    status: 'success',
    // Thanos drops a merged group with no rule left.
    data: { groups: groups.filter(g => g.rules.length > 0) },
  };
}

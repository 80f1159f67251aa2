import { CheckId } from '@fleetobs/plugin-observability-common';

/** Failure mode and mitigation of each check, from the platform design (§6, §8, 10.x). */
export interface CheckDescription {
  title: string;
  /** Where in the platform design the row is. */
  seed: string;
  failureMode: string;
  mitigation: string;
}

export const CHECK_CATALOGUE: Record<CheckId, CheckDescription> = {
  'prometheus-ha': {
    title: 'Prometheus HA',
    seed: '§6 Prometheus HA; §8 single Prometheus replica',
    failureMode:
      'Single Prometheus replica: pod loss causes a minor scrape gap (success criterion: 2 Ready pods per cluster + sidecars running).',
    mitigation:
      'Run 2 replicas + a sidecar per replica (prometheus.replicaCount=2, thanos.enabled=true); check the pods in the monitoring namespace.',
  },
  'sidecar-shipping': {
    title: 'Thanos sidecar shipping',
    seed: '§6 Thanos shipping; §8 Thanos Sidecar outage; 10.11 Thanos sidecar',
    failureMode:
      "Thanos Sidecar outage: fresh data from that replica missing + partial global view; blocks stop appearing in the cluster's bucket prefix.",
    mitigation:
      'Alerts on ship lag; restart the sidecar. thanos_shipper_uploads_total should increase steadily with no persistent failures.',
  },
  compactor: {
    title: 'Thanos compactor',
    seed: '§8 Per-cluster Compactor outage',
    failureMode:
      'Per-cluster Compactor outage: delayed downsampling / higher bucket usage (that cluster only).',
    mitigation:
      'Alert on compaction lag; restart the compactor (a halted compactor needs its cause fixed, e.g. overlapping blocks, before restarting).',
  },
  'store-gateway': {
    title: 'Thanos store gateway',
    seed: '§8 Per-cluster Store Gateway outage',
    failureMode:
      'Per-cluster Store Gateway outage: loss of historical blocks (> local retention) for that cluster only.',
    mitigation: 'Query still hits sidecars; alert & restart the store gateway.',
  },
  'global-query-store': {
    title: 'Global Thanos Query sees the cluster',
    seed: '§1 / §4 global federation over mTLS; 10.1; §6 Global metrics',
    failureMode:
      "The Global Thanos Query does not reach the cluster's local Thanos Query (mTLS StoreAPI): the global view is partial and queries across the cluster label miss it.",
    mitigation:
      "Check the cluster's local Query endpoint, DNS and its mTLS client/server certificates; Thanos Query continues with the healthy clusters (outage isolation).",
  },
  'external-labels': {
    title: 'External labels',
    seed: '10.11 External labels; 10.1 Consistent cluster & environment labeling',
    failureMode:
      'cluster & environment external labels missing or inconsistent: series cannot be attributed to the cluster and routing by environment breaks.',
    mitigation:
      "Set prometheus.externalLabels cluster and environment in the cluster's values file, aligned with the sibling values files (10.1).",
  },
  'alert-routing': {
    title: 'Alert routing',
    seed: '10.11 Alert routing; 10.2 environment-specific Alertmanager config',
    failureMode:
      'Alerts of the cluster do not reach Alertmanager, or reach it without the labels that route them to the expected receiver (prod vs non-prod).',
    mitigation:
      "Check the cluster's Alertmanager endpoints in Prometheus, the external labels, and the environment-specific routes; a test alert must hit the expected receiver.",
  },
  'es-cluster-health': {
    title: 'Elasticsearch health',
    seed: '§8 ES hot node failure',
    failureMode:
      'ES hot node failure or pressure: potential write throttling; yellow/red health means unassigned replicas/primaries.',
    mitigation:
      'Multi-AZ nodeSets + ILM; autoscale / shard relocation; review shards (monthly) to prevent oversharding.',
  },
  'log-freshness': {
    title: 'Log freshness',
    seed: '§6 Log ingestion; §8 Envoy Gateway down',
    failureMode:
      'Envoy Gateway down (ingress) or Filebeat stopped: remote log shipping halts, the newest log of the cluster gets old.',
    mitigation:
      'Buffer is limited (Filebeat); run an HA Gateway / multi-AZ; check Filebeat mTLS handshakes and the Gateway in ops-01.',
  },
  ilm: {
    title: 'ILM policy and rollover',
    seed: '§6 ILM rotation; 10.6 Rollover & ILM hygiene; 10.11 ILM policy',
    failureMode:
      'ILM policy not attached, no rollover alias, or an ILM step in ERROR: indices stop rolling over and hot → warm transitions stall.',
    mitigation:
      'Attach the policy and create the rollover alias (for spans, run the Jaeger ES rollover / ILM init job); fix the failed step, then POST <index>/_ilm/retry.',
  },
  'jaeger-query': {
    title: 'Jaeger Query',
    seed: '§5.6 Expose Jaeger Query; §6 Traces written',
    failureMode:
      'Jaeger Query unreachable or sees no services: traces cannot be searched.',
    mitigation:
      'Check the Jaeger Query deployment in ops-01, its Gateway route, DNS & certificate, and its Elasticsearch credentials.',
  },
  'span-freshness': {
    title: 'Span freshness',
    seed: '§6 Traces written; §8 Jaeger Collector down; 10.11 Trace ingestion',
    failureMode:
      'Jaeger Collector down: span loss if app side buffering is low; the newest span of the cluster gets old.',
    mitigation:
      'Horizontal collectors + backpressure tuning; check the collectors of the cluster and their mTLS / credentials to Elasticsearch.',
  },
  'cert-expiry': {
    title: 'Certificate expiry',
    seed: 'Ongoing operations: TLS cert rotation every 60–90 days; §6 Rotate certs',
    failureMode:
      'An mTLS client/server certificate or CA expires: handshakes fail and the signal stops flowing.',
    mitigation:
      'Automate via cert-manager + SealedSecret updates; update the Issuer / SealedSecrets and allow a rolling restart.',
  },
};

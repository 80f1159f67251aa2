import {
  ClusterDetail,
  FleetHealth,
  FleetHealthSummary,
} from '@fleetobs/plugin-observability-common';

const unchecked = { status: 'unknown' as const, checks: [] };

/** The full fleet (`GET /v1/fleet`, and the clusters of `GET /v1/clusters/:name`). */
export const fleetFixture: FleetHealth = {
  generatedAt: '2026-11-25T12:00:00.000Z',
  clusters: [
    {
      name: 'dev-01',
      environment: 'dev',
      sources: ['config'],
      status: 'warn',
      since: '2026-11-25T09:00:00.000Z',
      signals: {
        metrics: {
          status: 'warn',
          checks: [
            {
              id: 'sidecar-shipping',
              title: 'Thanos sidecar shipping',
              status: 'warn',
              summary: 'Last upload 3h ago',
              evidence: {
                source: 'thanos',
                query:
                  'max by (cluster) (thanos_objstore_bucket_last_successful_upload_time)',
                values: { ageSeconds: 10800 },
              },
              failureMode: 'Thanos Sidecar outage: partial global view',
              mitigation: 'Alerts on ship lag; restart the sidecar.',
              links: [],
              observedAt: '2026-11-25T12:00:00.000Z',
            },
            {
              id: 'prometheus-ha',
              title: 'Prometheus HA pair',
              status: 'ok',
              summary: '2 of 2 replicas up',
              evidence: {
                source: 'thanos',
                query: 'count by (cluster) (up{job="prometheus"} == 1)',
                values: { replicasUp: 2 },
              },
              failureMode: 'Prometheus replica down: no HA',
              mitigation: 'Check the Prometheus pods of the cluster.',
              links: [
                {
                  title: 'Prometheus targets',
                  url: 'https://grafana.example.com/explore?cluster=dev-01',
                },
              ],
              observedAt: '2026-11-25T12:00:00.000Z',
            },
          ],
        },
        logs: unchecked,
        traces: unchecked,
        gitops: unchecked,
      },
    },
    {
      name: 'prod-01',
      environment: 'prod',
      sources: ['config', 'catalog'],
      status: 'ok',
      signals: {
        metrics: { status: 'ok', checks: [] },
        logs: { status: 'ok', checks: [] },
        traces: { status: 'ok', checks: [] },
        gitops: { status: 'ok', checks: [] },
      },
    },
  ],
  platform: { thanos: unchecked, elasticsearch: unchecked, jaeger: unchecked },
};

/**
 * {@link fleetFixture} as `GET /v1/fleet?view=summary` answers it: the `ok` check of
 * dev-01 (`prometheus-ha`) without its evidence, failure mode, mitigation and links;
 * the `warn` one and the platform in full.
 */
export const fleetSummaryFixture: FleetHealthSummary = {
  ...fleetFixture,
  round: { upstreamRequests: 15, durationMs: 312, slowestUpstreamMs: 290 },
  clusters: [
    {
      ...fleetFixture.clusters[0],
      signals: {
        ...fleetFixture.clusters[0].signals,
        metrics: {
          status: 'warn',
          checks: [
            fleetFixture.clusters[0].signals.metrics.checks[0],
            {
              id: 'prometheus-ha',
              status: 'ok',
              summary: '2 of 2 replicas up',
              observedAt: '2026-11-25T12:00:00.000Z',
            },
          ],
        },
      },
    },
    fleetFixture.clusters[1],
  ],
};

/** `GET /v1/clusters/dev-01`: the cluster in full and its onboarding checklist. */
export const clusterDetailFixture: ClusterDetail = {
  generatedAt: fleetFixture.generatedAt,
  cluster: fleetFixture.clusters[0],
  checklist: [
    {
      id: 'thanos-sidecar',
      title: 'Thanos sidecar',
      target: 'Metrics upload',
      passCriteria: 'Blocks appear in correct bucket prefix',
      status: 'warn',
      detail: 'Last upload 3h ago',
      checks: ['sidecar-shipping'],
    },
  ],
};

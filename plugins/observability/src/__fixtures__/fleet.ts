import { FleetHealth } from '@fleetobs/plugin-observability-common';

const unchecked = { status: 'unknown' as const, checks: [] };

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
              status: 'ok',
              summary: '2 of 2 replicas up',
              evidence: { source: 'thanos' },
              links: [],
              observedAt: '2026-11-25T12:00:00.000Z',
            },
          ],
        },
        logs: unchecked,
        traces: unchecked,
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
      },
    },
  ],
  platform: { thanos: unchecked, elasticsearch: unchecked, jaeger: unchecked },
};

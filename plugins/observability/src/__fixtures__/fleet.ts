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
      signals: {
        metrics: {
          status: 'warn',
          checks: [
            {
              id: 'sidecar-shipping',
              status: 'warn',
              summary: 'Last upload 3h ago',
              evidence: { source: 'thanos', values: { ageSeconds: 10800 } },
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
  ],
  platform: { thanos: unchecked, elasticsearch: unchecked, jaeger: unchecked },
};

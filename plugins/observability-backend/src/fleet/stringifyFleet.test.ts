import {
  ClusterHealth,
  FleetHealth,
  SIGNAL_NAMES,
  summarizeFleet,
} from '@fleetobs/plugin-observability-common';
import { CLUSTERS_PER_SLICE, stringifyFleet } from './stringifyFleet';

const cluster = (i: number): ClusterHealth => ({
  name: `c-${i}`,
  environment: 'dev',
  sources: ['config' as const],
  status: 'ok' as const,
  // Text that looks like the frame's JSON must stay data.
  since: `"clusters":[] ${i}`,
  signals: {
    ...(Object.fromEntries(
      SIGNAL_NAMES.map(signal => [signal, { status: 'unknown', checks: [] }]),
    ) as unknown as ClusterHealth['signals']),
    metrics: {
      status: 'ok' as const,
      checks: [
        {
          id: 'prometheus-ha',
          title: 'Prometheus HA pair',
          status: 'ok' as const,
          summary: `2 of 2 "replicas" \u2028 up ${i}`,
          evidence: { source: 'thanos', values: { up: 2 } },
          links: [],
          observedAt: '2026-12-02T10:00:00.000Z',
        },
      ],
    },
  },
});

const fleetOf = (n: number): FleetHealth => ({
  generatedAt: '2026-12-02T10:00:00.000Z',
  round: { upstreamRequests: 15, durationMs: 300 },
  counts: { ok: n, warn: 0, critical: 0, unknown: 0 },
  clusters: Array.from({ length: n }, (_, i) => cluster(i)),
  platform: {
    thanos: { status: 'ok' as const, checks: [] },
    elasticsearch: { status: 'ok' as const, checks: [] },
    jaeger: { status: 'ok' as const, checks: [] },
  } as FleetHealth['platform'],
});

describe('stringifyFleet', () => {
  it.each([0, 1, CLUSTERS_PER_SLICE, 2 * CLUSTERS_PER_SLICE + 1])(
    'is JSON.stringify of the fleet with %p clusters',
    async n => {
      const fleet = fleetOf(n);
      expect(await stringifyFleet(fleet)).toBe(JSON.stringify(fleet));
    },
  );

  it('maps the clusters as summarizeFleet does, slice by slice', async () => {
    const fleet = fleetOf(CLUSTERS_PER_SLICE + 3);
    const text = await stringifyFleet(
      fleet,
      clusters => summarizeFleet({ ...fleet, clusters }).clusters,
    );
    expect(text).toBe(JSON.stringify(summarizeFleet(fleet)));
  });

  it('lets other work run before it is done', async () => {
    const fleet = fleetOf(3 * CLUSTERS_PER_SLICE);
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await stringifyFleet(fleet).then(() => order.push('serialized'));
    expect(order).toEqual(['other work', 'serialized']);
  });
});

import type { AlertmanagerClient } from '../upstream/AlertmanagerClient';
import { createAlertmanagerPool } from './AlertmanagerPool';
import { AlertsService } from './AlertsService';

const alert = (cluster: string, alertname = 'SidecarDown') => ({
  labels: { alertname, severity: 'critical', cluster },
  annotations: {},
  startsAt: '2026-11-25T11:40:00.000Z',
  endsAt: '2026-11-25T12:04:00.000Z',
  updatedAt: '2026-11-25T12:00:00.000Z',
  fingerprint: `f-${cluster}`,
  receivers: [{ name: 'ops' }],
  status: { state: 'active', silencedBy: [], inhibitedBy: [] },
});

/** One Alertmanager for the whole fleet, answering alerts of `answer` clusters. */
function sharedAlertmanager(answer: string[]) {
  const filters: (string[] | undefined)[] = [];
  const client = {
    requestCount: 0,
    alerts: async (query?: { filter?: string[] }) => {
      filters.push(query?.filter);
      return [...answer.map(c => alert(c)), alert('dev-01', 'Watchdog')];
    },
  } as unknown as AlertmanagerClient;
  const service = new AlertsService({
    pool: createAlertmanagerPool({ url: 'https://am.test' }, () => client),
    clusterLabel: 'cluster',
    ui: {},
    silenceMaxMs: 3600_000,
  });
  return { service, filters };
}

describe('AlertsService on a shared Alertmanager', () => {
  it('names the clusters in the filter for a few clusters', async () => {
    const { service, filters } = sharedAlertmanager(['dev-01']);
    const { alerts } = await service.firing(['dev-01', 'prod-01']);
    expect(filters).toEqual([['cluster=~"dev-01|prod-01"']]);
    // The heartbeat (Watchdog) is alert-routing's; it is neither listed nor counted.
    expect(alerts.map(a => `${a.cluster} ${a.name}`)).toEqual([
      'dev-01 SidecarDown',
    ]);
  });

  it('asks once without a cluster filter for a fleet, and keeps only its clusters', async () => {
    const fleet = Array.from(
      { length: 4000 },
      (_, i) => `edge-${String(i).padStart(4, '0')}`,
    );
    const { service, filters } = sharedAlertmanager([
      'edge-0007',
      'not-in-fleet',
    ]);
    const counts = await service.countsByCluster(fleet);
    expect(filters).toEqual([[]]);
    expect(counts['edge-0007']).toEqual({ critical: 1, warning: 0, other: 0 });
    expect(counts['not-in-fleet']).toBeUndefined();
    expect(Object.keys(counts)).toHaveLength(4000);
  });
});

import type {
  AlertmanagerAlert,
  AlertmanagerClient,
} from '../upstream/AlertmanagerClient';
import { createAlertmanagerPool } from './AlertmanagerPool';
import { AlertsService } from './AlertsService';
import { askAlerts } from './fleetAlerts';

const alert = (
  cluster: string,
  alertname = 'SidecarDown',
): AlertmanagerAlert => ({
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
  const pool = createAlertmanagerPool({ url: 'https://am.test' }, () => client);
  const service = new AlertsService({
    pool,
    clusterLabel: 'cluster',
    ui: {},
    silenceMaxMs: 3600_000,
  });
  return { service, filters, pool };
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
    const { alerts } = await service.firing(fleet);
    expect(filters).toEqual([[]]);
    expect(alerts.map(a => a.cluster)).toEqual(['edge-0007']);
  });
});

describe('AlertsService.countsOf', () => {
  const fleet = ['dev-01', 'prod-01', 'stag-01'];

  it("counts the round's answer: active alerts by severity, the heartbeat and muted ones left out", async () => {
    const { service, pool } = sharedAlertmanager(['prod-01', 'prod-01']);
    const answers = await askAlerts(pool, fleet, 'cluster');
    const silenced = alert('prod-01', 'DiskFull');
    silenced.status = {
      state: 'suppressed',
      silencedBy: ['s1'],
      inhibitedBy: [],
    };
    const warning = alert('stag-01', 'SlowShip');
    warning.labels.severity = 'warning';
    const other = alert('stag-01', 'Info');
    other.labels.severity = '';
    const ok = answers[0].answer as { ok: true; value: AlertmanagerAlert[] };
    ok.value.push(silenced, warning, other, alert('elsewhere-01'));
    expect(service.countsOf({ ok: true, value: answers }, fleet)).toEqual({
      'dev-01': { critical: 0, warning: 0, other: 0 },
      'prod-01': { critical: 2, warning: 0, other: 0 },
      'stag-01': { critical: 0, warning: 1, other: 1 },
    });
  });

  it('has no entry for clusters whose Alertmanager failed, and none at all without an answer', () => {
    const { service } = sharedAlertmanager([]);
    const answers = [
      {
        clusters: ['dev-01'],
        answer: { ok: false as const, error: 'connect ECONNREFUSED' },
      },
      {
        clusters: ['prod-01', 'stag-01'],
        answer: { ok: true as const, value: [] },
      },
    ];
    expect(service.countsOf({ ok: true, value: answers }, fleet)).toEqual({
      'prod-01': { critical: 0, warning: 0, other: 0 },
      'stag-01': { critical: 0, warning: 0, other: 0 },
    });
    expect(service.countsOf(undefined, fleet)).toBeUndefined();
    expect(
      service.countsOf({ ok: false, error: 'not configured' }, fleet),
    ).toBeUndefined();
  });
});

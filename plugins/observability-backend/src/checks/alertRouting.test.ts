import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import {
  evaluateAlertRouting,
  evaluateAlertRoutingPerAlertmanager,
} from './alertRouting';
import { answered, failed } from './types';

const ctx = fixtureContext();

describe('alert-routing', () => {
  it("judges only the heartbeat among the cluster's other alerts", () => {
    const alerts = fixture('alertmanager/alerts.json') as any[];
    const other = {
      ...alerts[0],
      labels: { alertname: 'SidecarDown', cluster: 'ops-01', env: 'prod' },
    };
    const r = evaluateAlertRouting(
      answered([...alerts, other]),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(r['ops-01'].status).toBe('critical');
    expect(r['ops-01'].evidence.values?.alerts).toBe(0);
    // A configured heartbeat name is compared, never sent: an odd one finds nothing.
    const odd = evaluateAlertRouting(
      answered(alerts),
      FIXTURE_CLUSTERS,
      ctx,
      'x",cluster=~".*',
    );
    expect(odd['dev-01'].status).toBe('critical');
  });

  it('judges each cluster', () => {
    const r = evaluateAlertRouting(
      answered(fixture('alertmanager/alerts.json')),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].summary).toMatch(/heartbeat-nonprod/);
    expect(r['stag-01'].status).toBe('warn'); // no environment label
    expect(r['prod-01'].status).toBe('warn'); // labelled stag
    expect(r['ops-01'].status).toBe('critical'); // no Watchdog with cluster label
  });

  it('is unknown when Alertmanager failed or is not configured', () => {
    const r = evaluateAlertRouting(
      failed('alertmanager is not configured (observability.alertmanager.url)'),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(r['dev-01'].status).toBe('unknown');
    expect(r['dev-01'].evidence.error).toMatch(/not configured/);
  });
});

describe('alert-routing per Alertmanager', () => {
  it('makes only the clusters of a failed Alertmanager unknown', () => {
    const r = evaluateAlertRoutingPerAlertmanager(
      answered([
        {
          clusters: ['dev-01', 'stag-01'],
          answer: answered(fixture('alertmanager/alerts.json')),
        },
        {
          clusters: ['prod-01', 'ops-01'],
          answer: failed('alertmanager at /api/v2/alerts timed out'),
        },
      ]),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['stag-01'].status).toBe('warn');
    expect(r['prod-01'].status).toBe('unknown');
    expect(r['ops-01'].evidence.error).toMatch(/timed out/);
  });
});

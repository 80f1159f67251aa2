import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import { alertRoutingFilter, evaluateAlertRouting } from './alertRouting';
import { answered, failed } from './types';

const ctx = fixtureContext();

describe('alert-routing', () => {
  it('filters on the heartbeat alert and rejects odd alert names', () => {
    expect(alertRoutingFilter()).toEqual(['alertname="Watchdog"']);
    expect(() => alertRoutingFilter('x",cluster=~".*')).toThrow(
      /invalid alert name/,
    );
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

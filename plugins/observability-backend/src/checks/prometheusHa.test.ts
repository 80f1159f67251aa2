import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import { evaluatePrometheusHa, prometheusHaQuery } from './prometheusHa';
import { answered, failed } from './types';

const ctx = fixtureContext();

describe('prometheus-ha', () => {
  it('sends one fleet-wide query grouped by the configured labels', () => {
    expect(
      prometheusHaQuery({
        cluster: 'k8s_cluster',
        environment: 'env',
        replica: 'prometheus_replica',
      }),
    ).toBe(
      'label_replace(count by (k8s_cluster) (count by (k8s_cluster, prometheus_replica) (prometheus_build_info)), "measure", "replicas", "", "")',
    );
  });

  it('rejects label names that are not Prometheus label names', () => {
    expect(() =>
      prometheusHaQuery({
        cluster: 'cluster"}) or up{x="',
        environment: 'e',
        replica: 'r',
      }),
    ).toThrow(/invalid Prometheus label name/);
  });

  it('judges replicas per cluster: ok, warn, critical when missing', () => {
    const results = evaluatePrometheusHa(
      answered(fixture('thanos/query-prometheus-ha.json').data),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(results['dev-01'].status).toBe('ok');
    expect(results['dev-01'].evidence.values).toMatchObject({ replicas: 2 });
    expect(results['stag-01'].status).toBe('warn');
    expect(results['stag-01'].summary).toMatch(/1 of 2/);
    expect(results['prod-01'].status).toBe('ok');
    // ops-01 is missing from the answer: never ok
    expect(results['ops-01'].status).toBe('critical');
    expect(results['ops-01'].evidence).toMatchObject({
      source: 'thanos',
      query: expect.stringContaining('prometheus_build_info'),
    });
    // What to do is said where there is something to do.
    expect(results['stag-01'].mitigation).toMatch(/2 replicas/);
    expect(results['stag-01'].failureMode).toMatch(/Single Prometheus replica/);
    expect(results['dev-01'].mitigation).toBeUndefined();
    expect(results['dev-01'].links[0].url).toMatch(
      /^https:\/\/grafana\.ops-01\.fleet\.example\/explore\?/,
    );
  });

  it('is unknown for every cluster when Thanos failed', () => {
    const results = evaluatePrometheusHa(
      failed('thanos at /api/v1/query timed out after 10000 ms'),
      FIXTURE_CLUSTERS,
      ctx,
    );
    for (const c of FIXTURE_CLUSTERS) {
      expect(results[c.name].status).toBe('unknown');
      expect(results[c.name].evidence.error).toMatch(/timed out/);
    }
  });
});

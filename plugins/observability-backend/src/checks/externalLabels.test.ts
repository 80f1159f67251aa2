import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import { evaluateExternalLabels, externalLabelsQuery } from './externalLabels';
import { answered, failed } from './types';

const ctx = fixtureContext();

describe('external-labels', () => {
  it('counts series by the cluster and environment labels', () => {
    expect(externalLabelsQuery(ctx.labels)).toBe(
      'count by (cluster, environment) (up)',
    );
  });

  it('judges each cluster', () => {
    const r = evaluateExternalLabels(
      answered(fixture('thanos/query-external-labels.json').data),
      [...FIXTURE_CLUSTERS, { name: 'new-01', environment: 'dev' }],
      ctx,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['stag-01'].status).toBe('warn');
    expect(r['stag-01'].summary).toMatch(/4 of 42 series/);
    expect(r['prod-01'].status).toBe('warn');
    expect(r['prod-01'].summary).toMatch(/registered as "prod"/);
    expect(r['ops-01'].status).toBe('critical');
    expect(r['new-01'].status).toBe('critical');
  });

  it('accepts any environment when the registered one is unknown', () => {
    const r = evaluateExternalLabels(
      answered(fixture('thanos/query-external-labels.json').data),
      [{ name: 'prod-01', environment: 'unknown' }],
      ctx,
    );
    expect(r['prod-01'].status).toBe('ok');
  });

  it('is unknown when Thanos failed', () => {
    expect(
      evaluateExternalLabels(failed('x'), FIXTURE_CLUSTERS, ctx)['dev-01']
        .status,
    ).toBe('unknown');
  });
});

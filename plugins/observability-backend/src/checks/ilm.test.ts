import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import {
  clustersOfIndex,
  evaluateIlm,
  indexBelongsTo,
  patternRegex,
} from './ilm';
import { answered, failed } from './types';

const ctx = fixtureContext();
const explain = () => answered(fixture('elasticsearch/ilm-explain.json'));
const aliases = () => answered(fixture('elasticsearch/alias.json'));

describe('ilm', () => {
  it('matches patterns and attributes indices to clusters', () => {
    expect(patternRegex('logs-*').test('logs-dev-01-000001')).toBe(true);
    expect(
      patternRegex('logs-*').test('.ds-logs-k8s-dev-01-2026.11.25-000001'),
    ).toBe(true);
    expect(patternRegex('logs-*').test('jaeger-span-000001')).toBe(false);
    expect(indexBelongsTo('logs-dev-01-000001', 'dev-01')).toBe(true);
    expect(indexBelongsTo('logs-dev-011-000001', 'dev-01')).toBe(false);
    expect(
      indexBelongsTo('.ds-logs-k8s-prod-01-2026.11.25-000001', 'prod-01'),
    ).toBe(true);
    const known = new Set(['dev-01', 'prod-01', 'dev']);
    expect(clustersOfIndex('logs-dev-01-000001', known)).toEqual([
      'dev',
      'dev-01',
    ]);
    expect(
      clustersOfIndex('.ds-logs-k8s-prod-01-2026.11.25-000001', known),
    ).toEqual(['prod-01']);
    expect(clustersOfIndex('logs-dev-011-000001', known)).toEqual(['dev']);
  });

  it('judges the log indices of each cluster', () => {
    const r = evaluateIlm(explain(), aliases(), FIXTURE_CLUSTERS, ctx, {
      pattern: 'logs-*',
      noun: 'logs',
    });
    expect(r.clusters['dev-01'].status).toBe('ok');
    expect(r.clusters['dev-01'].evidence.values).toMatchObject({
      policies: 'logs-fleet',
      rollover_alias: 'logs-dev-01',
      scope: 'cluster',
    });
    expect(r.clusters['stag-01'].status).toBe('critical');
    expect(r.clusters['stag-01'].summary).toMatch(
      /does not point to index \[logs-stag-01-000008\]/,
    );
    expect(r.clusters['prod-01'].status).toBe('warn');
    expect(r.clusters['prod-01'].summary).toMatch(
      /No ILM policy attached to 1 of 2/,
    );
    // ops-01 has no log index of its own and there are no shared ones
    expect(r.clusters['ops-01'].status).toBe('critical');
    expect(r.platform.status).toBe('critical');
  });

  it('uses the shared span indices for every cluster', () => {
    const r = evaluateIlm(explain(), aliases(), FIXTURE_CLUSTERS, ctx, {
      pattern: 'jaeger-span-*',
      noun: 'spans',
    });
    for (const c of FIXTURE_CLUSTERS) {
      expect(r.clusters[c.name].status).toBe('ok');
      expect(r.clusters[c.name].evidence.values).toMatchObject({
        scope: 'shared',
        policies: 'jaeger-ilm-policy',
      });
    }
    expect(r.platform.summary).toMatch(/rollover via jaeger-span-write/);
  });

  it('warns when no rollover alias exists', () => {
    const r = evaluateIlm(
      explain(),
      answered({}),
      [{ name: 'dev-01', environment: 'dev' }],
      ctx,
      { pattern: 'logs-*', noun: 'logs' },
    );
    expect(r.clusters['dev-01'].status).toBe('warn');
    expect(r.clusters['dev-01'].summary).toMatch(/no rollover alias/);
  });

  it('is unknown when either request failed', () => {
    const r = evaluateIlm(
      explain(),
      failed(
        'elasticsearch at /logs-*,jaeger-span-*/_alias timed out after 10000 ms',
      ),
      FIXTURE_CLUSTERS,
      ctx,
      { pattern: 'logs-*', noun: 'logs' },
    );
    expect(r.clusters['dev-01'].status).toBe('unknown');
    expect(r.platform.status).toBe('unknown');
    expect(r.platform.evidence.error).toMatch(/timed out/);
  });
});

import {
  FIXTURE_CLUSTERS,
  FIXTURE_NOW,
  fixture,
  fixtureContext,
} from '../__fixtures__';
import { evaluateFreshness, freshnessSearchBody } from './freshness';
import { answered, failed } from './types';

const ctx = fixtureContext();
const logOptions = {
  id: 'log-freshness' as const,
  index: 'logs-*',
  clusterField: 'kubernetes.cluster.name',
  timeField: '@timestamp',
  noun: 'logs',
};

describe('log-freshness / span-freshness', () => {
  it('builds one terms aggregation for the fleet', () => {
    const body = freshnessSearchBody({
      clusters: FIXTURE_CLUSTERS,
      clusterField: 'kubernetes.cluster.name',
      timeField: '@timestamp',
      now: FIXTURE_NOW,
    });
    expect(body).toEqual({
      size: 0,
      track_total_hits: false,
      query: {
        bool: {
          filter: [
            {
              range: {
                '@timestamp': {
                  gte: FIXTURE_NOW.getTime() - 86400000,
                  lte: FIXTURE_NOW.getTime() + 60000,
                  format: 'epoch_millis',
                },
              },
            },
            {
              terms: {
                'kubernetes.cluster.name': [
                  'dev-01',
                  'stag-01',
                  'prod-01',
                  'ops-01',
                ],
              },
            },
          ],
        },
      },
      aggs: {
        clusters: {
          terms: { field: 'kubernetes.cluster.name', size: 4 },
          aggs: { latest: { max: { field: '@timestamp' } } },
        },
      },
    });
    expect(() =>
      freshnessSearchBody({
        clusters: [],
        clusterField: 'a"b',
        timeField: '@timestamp',
        now: FIXTURE_NOW,
      }),
    ).toThrow(/invalid Elasticsearch field/);
  });

  it('judges log freshness per cluster', () => {
    const r = evaluateFreshness(
      answered(fixture('elasticsearch/search-log-freshness.json')),
      FIXTURE_CLUSTERS,
      ctx,
      {
        ...logOptions,
        links: c =>
          ctx.links.kibanaDiscover('Kibana', {
            kuery: `kubernetes.cluster.name:"${c.name}"`,
          }),
      },
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].evidence.values).toMatchObject({
      age_seconds: 12,
      docs_24h: 912344,
    });
    expect(r['stag-01'].status).toBe('warn');
    expect(r['prod-01'].status).toBe('critical');
    expect(r['prod-01'].summary).toMatch(/stale: newest is 40m 0s old/);
    expect(r['ops-01'].status).toBe('critical'); // no bucket
    expect(r['dev-01'].links[0].url).toContain('/app/discover#/?_g=');
    expect(decodeURIComponent(r['dev-01'].links[0].url)).toContain(
      `query:'kubernetes.cluster.name:"dev-01"'`,
    );
  });

  it('judges span freshness per cluster', () => {
    const r = evaluateFreshness(
      answered(fixture('elasticsearch/search-span-freshness.json')),
      FIXTURE_CLUSTERS,
      ctx,
      {
        id: 'span-freshness',
        index: 'jaeger-span-*',
        clusterField: 'process.tag.cluster',
        timeField: 'startTimeMillis',
        noun: 'spans',
      },
    );
    expect(r['prod-01'].status).toBe('ok');
    expect(r['stag-01'].status).toBe('critical');
    expect(r['ops-01'].status).toBe('ok');
    expect(r['ops-01'].id).toBe('span-freshness');
  });

  it('is unknown when ES failed or the aggregation is missing', () => {
    expect(
      evaluateFreshness(failed('x'), FIXTURE_CLUSTERS, ctx, logOptions)[
        'dev-01'
      ].status,
    ).toBe('unknown');
    const r = evaluateFreshness(
      answered({ hits: { hits: [] } }),
      FIXTURE_CLUSTERS,
      ctx,
      logOptions,
    );
    expect(r['dev-01'].status).toBe('unknown');
    expect(r['dev-01'].evidence.error).toMatch(/unexpected aggregation/);
  });
});

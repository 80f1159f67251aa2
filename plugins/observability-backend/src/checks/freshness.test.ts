import {
  FIXTURE_CLUSTERS,
  FIXTURE_NOW,
  fixture,
  fixtureContext,
} from '../__fixtures__';
import { DEFAULT_THRESHOLDS } from '../config';
import {
  evaluateFreshness,
  FreshnessOptions,
  freshnessSearchBody,
} from './freshness';
import { answered, failed } from './types';

const ctx = fixtureContext();
const range = {
  range: {
    '@timestamp': {
      gte: FIXTURE_NOW.getTime() - 86400000,
      lte: FIXTURE_NOW.getTime() + 60000,
      format: 'epoch_millis',
    },
  },
};
const logOptions: FreshnessOptions = {
  id: 'log-freshness',
  index: 'logs-*',
  attribution: { logIndexPattern: 'logs-*' },
  timeField: '@timestamp',
  noun: 'logs',
  warnSeconds: DEFAULT_THRESHOLDS.freshnessWarnSeconds,
  criticalSeconds: DEFAULT_THRESHOLDS.freshnessCriticalSeconds,
};
const spanOptions: FreshnessOptions = {
  id: 'span-freshness',
  index: 'jaeger-span-*',
  attribution: { field: 'process.tag.cluster' },
  timeField: 'startTimeMillis',
  noun: 'spans',
  warnSeconds: DEFAULT_THRESHOLDS.spanFreshnessWarnSeconds,
  criticalSeconds: DEFAULT_THRESHOLDS.spanFreshnessCriticalSeconds,
};

describe('log-freshness / span-freshness', () => {
  it('counts logs per index for the fleet (a log is its cluster by index name, §3.4)', () => {
    expect(
      freshnessSearchBody({
        clusters: FIXTURE_CLUSTERS,
        attribution: { logIndexPattern: 'logs-*' },
        timeField: '@timestamp',
        now: FIXTURE_NOW,
      }),
    ).toEqual({
      size: 0,
      track_total_hits: false,
      query: { bool: { filter: [range] } },
      aggs: {
        indices: {
          terms: { field: '_index', size: 100 },
          aggs: { latest: { max: { field: '@timestamp' } } },
        },
      },
    });
    expect(() =>
      freshnessSearchBody({
        clusters: FIXTURE_CLUSTERS,
        attribution: { logIndexPattern: 'logs-*,audit-*' },
        timeField: '@timestamp',
        now: FIXTURE_NOW,
      }),
    ).toThrow(/must be a single pattern/);
  });

  it('counts spans per cluster field value', () => {
    const body = freshnessSearchBody({
      clusters: FIXTURE_CLUSTERS,
      attribution: { field: 'process.tag.cluster' },
      timeField: 'startTimeMillis',
      now: FIXTURE_NOW,
    });
    expect(body.aggs).toEqual({
      clusters: {
        terms: { field: 'process.tag.cluster', size: 4 },
        aggs: { latest: { max: { field: 'startTimeMillis' } } },
      },
    });
    expect(JSON.stringify(body.query)).toContain(
      '{"terms":{"process.tag.cluster":["dev-01","stag-01","prod-01","ops-01"]}}',
    );
    expect(() =>
      freshnessSearchBody({
        clusters: [],
        attribution: { field: 'a"b' },
        timeField: '@timestamp',
        now: FIXTURE_NOW,
      }),
    ).toThrow(/invalid Elasticsearch field/);
  });

  it('judges log freshness per cluster from the newest of its indices', () => {
    const r = evaluateFreshness(
      answered(fixture('elasticsearch/search-log-freshness.json')),
      FIXTURE_CLUSTERS,
      ctx,
      {
        ...logOptions,
        links: c =>
          ctx.links.kibanaDiscover('Kibana', {
            indexPattern: `logs-${c.name}-*`,
            kuery: '',
          }),
      },
    );
    expect(r['dev-01'].status).toBe('ok');
    // the newest of logs-dev-01-002093 and -002092, the documents of both
    expect(r['dev-01'].evidence.values).toMatchObject({
      age_seconds: 12,
      docs_24h: 912344,
      attributed_by: '_index',
      index: 'logs-dev-01-*',
    });
    expect(r['stag-01'].status).toBe('warn');
    expect(r['prod-01'].status).toBe('critical');
    expect(r['prod-01'].summary).toMatch(/stale: newest is 40m 0s old/);
    expect(r['ops-01'].status).toBe('critical'); // no index of ops-01
    expect(r['ops-01'].summary).toBe(
      'No logs from ops-01 in logs-ops-01-* in the last 24h',
    );
    expect(decodeURIComponent(r['dev-01'].links[0].url)).toContain(
      `(index:'logs-dev-01-*',query:(language:kuery,query:''))`,
    );
  });

  it('judges span freshness per cluster with its own thresholds', () => {
    const r = evaluateFreshness(
      answered(fixture('elasticsearch/search-span-freshness.json')),
      FIXTURE_CLUSTERS,
      ctx,
      spanOptions,
    );
    expect(r['prod-01'].status).toBe('ok');
    // 16m 40s since stag-01's newest sampled span: within the span thresholds
    expect(r['stag-01'].status).toBe('ok');
    expect(r['stag-01'].summary).toBe('Newest span 16m 40s old');
    expect(r['ops-01'].status).toBe('ok');
    expect(r['ops-01'].id).toBe('span-freshness');
    expect(r['ops-01'].evidence.values).toMatchObject({
      warn_after_seconds: 1800,
      critical_after_seconds: 7200,
    });
  });

  it('does not flap a quiet cluster whose newest sampled span is 20 minutes old', () => {
    const at = (minutesAgo: number) => ({
      aggregations: {
        clusters: {
          buckets: [
            {
              key: 'dev-01',
              doc_count: 3,
              latest: { value: FIXTURE_NOW.getTime() - minutesAgo * 60_000 },
            },
          ],
        },
      },
      hits: { hits: [] },
    });
    const dev = [FIXTURE_CLUSTERS[0]];
    const status = (minutesAgo: number, options: FreshnessOptions) =>
      evaluateFreshness(answered(at(minutesAgo)), dev, ctx, options)['dev-01']
        .status;
    // with the log thresholds it would be critical; with the span ones it is ok
    expect(
      status(20, { ...spanOptions, warnSeconds: 300, criticalSeconds: 900 }),
    ).toBe('critical');
    expect(status(20, spanOptions)).toBe('ok');
    expect(status(45, spanOptions)).toBe('warn');
    expect(status(150, spanOptions)).toBe('critical');
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

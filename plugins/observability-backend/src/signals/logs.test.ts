import { ConfigReader } from '@backstage/config';
import { SignalsTarget } from '@fleetobs/plugin-observability-common';
import {
  FIXTURE_CLUSTERS,
  FIXTURE_NOW,
  fixture,
  fixtureContext,
} from '../__fixtures__';
import { evaluateFreshness } from '../checks/freshness';
import { logFreshnessCheck } from '../checks/logFreshness';
import { answered } from '../checks/types';
import {
  DEFAULT_ES_OPTIONS,
  DEFAULT_THRESHOLDS,
  readObservabilityConfig,
} from '../config';
import { ElasticsearchClient } from '../upstream/ElasticsearchClient';
import { errorLogKuery, errorLogSearch, fetchLogs } from './logs';

// A log line is its cluster's by index name (§3.4: logs-<cluster>-*), in the
// log-freshness check, the service tab's search and the Kibana links alike: all three
// against the same recorded index names.

const config = readObservabilityConfig(
  new ConfigReader({
    observability: { ui: { kibanaUrl: 'https://kibana.example.com' } },
  }),
).signals;
const range = {
  from: new Date(FIXTURE_NOW.getTime() - 86400_000),
  to: FIXTURE_NOW,
  stepSeconds: 600,
};
const target: SignalsTarget = {
  service: 'payments-api',
  jaegerService: 'payments-api',
  indexPattern: 'logs-*',
  clusters: ['dev-01', 'prod-01'],
  clustersSource: 'annotation',
  annotations: {},
  missingAnnotations: [],
};

/** An ES client that records the search and answers the recording. */
function recordingEs(answer: unknown) {
  const searched: Array<{ index: string; body: any }> = [];
  const es = {
    search: async (index: string, body: Record<string, unknown>) => {
      searched.push({ index, body });
      return answer;
    },
  } as unknown as ElasticsearchClient;
  return { es, searched };
}

describe('service error logs, attributed by index name', () => {
  it("limits the search to the clusters' indices, not to a field nothing sets", () => {
    const body = errorLogSearch(target, config.logs, range) as any;
    expect(body.query.bool.filter).toContainEqual({
      bool: {
        should: [
          { wildcard: { _index: { value: 'logs-dev-01-*' } } },
          { wildcard: { _index: { value: 'logs-prod-01-*' } } },
        ],
        minimum_should_match: 1,
      },
    });
    expect(body.aggs).toEqual({
      by_index: { terms: { field: '_index', size: 1000 } },
    });
    expect(JSON.stringify(body)).not.toContain('kubernetes.cluster.name');
    expect(errorLogKuery(target, config.logs)).toBe(
      'service.name: "payments-api" and log.level: ("error" or "ERROR" or "fatal" or "FATAL" or "critical" or "CRITICAL") and _index: (logs-dev-01-* or logs-prod-01-*)',
    );
  });

  it('counts and labels the lines per cluster from their indices', async () => {
    const { es, searched } = recordingEs(
      fixture('elasticsearch/search-service-errors.json'),
    );
    const logs = await fetchLogs(es, target, config, range);
    expect(searched.map(s => s.index)).toEqual(['logs-*']);
    expect(logs.status).toBe('ok');
    expect(logs.byCluster).toEqual([
      { cluster: 'prod-01', count: 48 },
      { cluster: 'dev-01', count: 9 },
    ]);
    expect(logs.samples.map(s => [s.index, s.cluster])).toEqual([
      ['logs-prod-01-002093', 'prod-01'],
      ['logs-dev-01-002093', 'dev-01'],
      ['logs-prod-01-002092', 'prod-01'],
    ]);
    expect(decodeURIComponent(logs.links[0].url)).toContain(
      '_index: (logs-dev-01-* or logs-prod-01-*)',
    );
  });

  it('labels lines of every cluster when the service names none', async () => {
    const { es } = recordingEs(
      fixture('elasticsearch/search-service-errors.json'),
    );
    const all = {
      ...target,
      clusters: undefined,
      clustersSource: 'all' as const,
    };
    const logs = await fetchLogs(es, all, config, range);
    expect(logs.byCluster.map(b => b.cluster)).toEqual(['prod-01', 'dev-01']);
    expect(errorLogKuery(all, config.logs)).not.toContain('_index');
  });

  it('agrees with log-freshness and its Kibana link on the same index names', () => {
    const ctx = fixtureContext();
    const freshness = evaluateFreshness(
      answered(fixture('elasticsearch/search-log-freshness.json')),
      FIXTURE_CLUSTERS,
      ctx,
      {
        id: 'log-freshness',
        index: 'logs-*',
        attribution: { logIndexPattern: 'logs-*' },
        timeField: '@timestamp',
        noun: 'logs',
        warnSeconds: DEFAULT_THRESHOLDS.freshnessWarnSeconds,
        criticalSeconds: DEFAULT_THRESHOLDS.freshnessCriticalSeconds,
      },
    );
    // logs-prod-01-002093 is prod-01's in the check as in the service search
    expect(freshness['prod-01'].evidence.values).toMatchObject({
      index: 'logs-prod-01-*',
      docs_24h: 1843220,
    });
    const [link] = logFreshnessCheck
      .evaluate(
        {
          newest: answered(fixture('elasticsearch/search-log-freshness.json')),
        },
        {
          clusters: FIXTURE_CLUSTERS,
          ctx,
          es: DEFAULT_ES_OPTIONS,
          jobs: {} as any,
          certificates: [],
          elastalert: { writebackIndex: 'x', ruleNamePrefix: '{cluster}/' },
          clusterBucket: 'thanos-{cluster}',
        },
      )
      .flatMap(p => ('results' in p ? p.results['prod-01'].links : []));
    expect(decodeURIComponent(link.url)).toContain("index:'logs-prod-01-*'");
  });
});

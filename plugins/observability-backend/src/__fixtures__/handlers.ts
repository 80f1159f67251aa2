/* eslint-disable @backstage/no-undeclared-imports -- test-only helpers; msw is a devDependency */
import { delay, http, HttpResponse } from 'msw';
import { fixture } from './index';

/** Base URLs the msw handlers answer on (no real network). */
export const FIXTURE_URLS = {
  thanos: 'http://thanos.test/thanos',
  elasticsearch: 'http://es.test',
  jaeger: 'http://jaeger.test',
  alertmanager: 'http://alertmanager.test',
  kibana: 'http://kibana.test',
  grafana: 'http://grafana.test',
};

export type FixtureFault = 'slow' | '500' | 'bad-json';

/** msw handlers serving the recorded answers; a fault per upstream breaks one of them. */
export function fixtureHandlers(
  faults: Partial<Record<keyof typeof FIXTURE_URLS, FixtureFault>> = {},
  slowMs = 500,
) {
  const respond =
    (upstream: keyof typeof FIXTURE_URLS, body: () => unknown) => async () => {
      const fault = faults[upstream];
      if (fault === 'slow') await delay(slowMs);
      if (fault === '500') {
        return HttpResponse.json(
          upstream === 'thanos'
            ? {
                status: 'error',
                errorType: 'internal',
                error: 'store gateway unavailable',
              }
            : { error: 'upstream exploded' },
          { status: 500 },
        );
      }
      if (fault === 'bad-json') {
        return new HttpResponse('{"status":"success","data":{"resu', {
          headers: { 'content-type': 'application/json' },
        });
      }
      return HttpResponse.json(body() as any);
    };
  const t = FIXTURE_URLS.thanos;
  const e = FIXTURE_URLS.elasticsearch;
  return [
    http.post(`${t}/api/v1/query`, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      const q = form.get('query') ?? '';
      const byMetric: Array<[string, string]> = [
        ['operation_failures_total', 'object-storage'],
        ['(cluster, bucket)', 'bucket-prefix'],
        ['prometheus_build_info', 'prometheus-ha'],
        ['thanos_shipper', 'sidecar-shipping'],
        ['thanos_compact', 'compactor'],
        ['thanos_bucket_store', 'store-gateway'],
        ['certmanager_', 'cert-expiry'],
      ];
      const name =
        byMetric.find(([metric]) => q.includes(metric))?.[1] ??
        'external-labels';
      return respond('thanos', () => fixture(`thanos/query-${name}.json`))();
    }),
    http.post(
      `${t}/api/v1/query_range`,
      respond('thanos', () => fixture('thanos/query-range-red.json')),
    ),
    http.get(
      `${t}/api/v1/labels`,
      respond('thanos', () => fixture('thanos/labels.json')),
    ),
    http.get(
      `${t}/api/v1/stores`,
      respond('thanos', () => fixture('thanos/stores.json')),
    ),
    http.get(
      `${t}/api/v1/rules`,
      respond('thanos', () => fixture('thanos/rules.json')),
    ),
    http.get(
      `${e}/_cluster/health`,
      respond('elasticsearch', () =>
        fixture('elasticsearch/cluster-health-green.json'),
      ),
    ),
    http.get(
      `${e}/_nodes/stats/:metrics`,
      respond('elasticsearch', () => fixture('elasticsearch/nodes-stats.json')),
    ),
    http.post(`${e}/:index/_search`, ({ params }) => {
      const index = String(params.index);
      let name = 'search-log-freshness';
      if (index.startsWith('jaeger')) name = 'search-span-freshness';
      if (index.startsWith('elastalert')) name = 'search-elastalert';
      return respond('elasticsearch', () =>
        fixture(`elasticsearch/${name}.json`),
      )();
    }),
    http.get(
      `${e}/:index/_ilm/explain`,
      respond('elasticsearch', () => fixture('elasticsearch/ilm-explain.json')),
    ),
    http.get(
      `${e}/:index/_alias`,
      respond('elasticsearch', () => fixture('elasticsearch/alias.json')),
    ),
    http.get(
      `${e}/_cat/indices`,
      respond('elasticsearch', () => fixture('elasticsearch/cat-indices.json')),
    ),
    http.get(
      `${FIXTURE_URLS.jaeger}/api/services`,
      respond('jaeger', () => fixture('jaeger/services.json')),
    ),
    http.get(
      `${FIXTURE_URLS.jaeger}/api/traces`,
      respond('jaeger', () => fixture('jaeger/traces.json')),
    ),
    http.get(`${FIXTURE_URLS.jaeger}/api/traces/:id`, ({ params }) =>
      params.id === '4bf92f3577b34da6a3ce929d0e0e4736'
        ? respond('jaeger', () => fixture('jaeger/trace.json'))()
        : HttpResponse.json(fixture('jaeger/trace-not-found.json'), {
            status: 404,
          }),
    ),
    http.get(
      `${FIXTURE_URLS.alertmanager}/api/v2/alerts`,
      respond('alertmanager', () => fixture('alertmanager/alerts.json')),
    ),
    http.get(
      `${FIXTURE_URLS.kibana}/api/status`,
      respond('kibana', () => fixture('kibana/status-available.json')),
    ),
    http.get(
      `${FIXTURE_URLS.grafana}/api/health`,
      respond('grafana', () => fixture('grafana/health-ok.json')),
    ),
    http.get(
      `${FIXTURE_URLS.alertmanager}/api/v2/status`,
      respond('alertmanager', () => fixture('alertmanager/status.json')),
    ),
  ];
}

import {
  EntitySignals,
  EntityTrace,
} from '@fleetobs/plugin-observability-common';

// Answers of the entity signals endpoint, as the back end writes them (see
// plugins/observability-backend/src/signals), for the component tests.

export const BASE_URL = 'http://localhost:7007/api/observability';
export const SIGNALS_URL = `${BASE_URL}/v1/entity/component/default/checkout/signals`;
export const TRACE_URL = `${BASE_URL}/v1/entity/component/default/checkout/traces/:traceId`;

export const checkoutEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'observability.fleetobs.io/service-name': 'checkout' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'shop-team' },
};

const T0 = Date.parse('2026-11-25T11:00:00.000Z');
const points = (base: number) =>
  Array.from(
    { length: 5 },
    (_, i) => [T0 + i * 900_000, base * (1 + i / 10)] as [number, number],
  );

export const TRACE_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const SLOW_TRACE_ID = 'ffeeddccbbaa99887766554433221100';

const links = (id: string) => [
  {
    title: 'Open trace in Jaeger',
    url: `https://jaeger.example.com/trace/${id}`,
  },
  {
    title: 'Logs of this trace in Kibana',
    url: `https://kibana.example.com/app/discover#/?_a=(query:(language:kuery,query:'trace.id: "${id}"'))`,
  },
];

export function signalsFixture(): EntitySignals {
  return {
    entityRef: 'component:default/checkout',
    generatedAt: '2026-11-25T12:00:00.000Z',
    range: {
      from: '2026-11-25T11:00:00.000Z',
      to: '2026-11-25T12:00:00.000Z',
    },
    target: {
      service: 'checkout',
      jaegerService: 'checkout',
      indexPattern: 'logs-*',
      clusters: ['dev-01', 'prod-01'],
      clustersSource: 'kubernetes',
      annotations: { 'observability.fleetobs.io/service-name': 'checkout' },
      missingAnnotations: [],
    },
    metrics: {
      status: 'ok',
      stepSeconds: 30,
      links: [
        {
          title: 'Open in Grafana',
          url: 'https://grafana.example.com/explore?schemaVersion=1',
        },
      ],
      metrics: {
        rate: {
          query: 'sum by (cluster) (rate(...))',
          unit: 'req/s',
          series: [
            { cluster: 'dev-01', points: points(3) },
            { cluster: 'prod-01', points: points(40) },
          ],
        },
        errorRatio: {
          query: '...',
          unit: 'ratio',
          series: [
            { cluster: 'dev-01', points: points(0.03) },
            { cluster: 'prod-01', points: points(0.02) },
          ],
        },
        p99: {
          query: '...',
          unit: 's',
          series: [
            { cluster: 'dev-01', points: points(0.3) },
            { cluster: 'prod-01', points: points(0.38) },
          ],
        },
      },
    },
    logs: {
      status: 'ok',
      indexPattern: 'logs-*',
      total: 37,
      totalRelation: 'eq',
      kuery: 'service.name: "checkout"',
      byCluster: [
        { cluster: 'prod-01', count: 25 },
        { cluster: 'dev-01', count: 12 },
      ],
      links: [
        {
          title: 'Open in Kibana',
          url: 'https://kibana.example.com/app/discover#/?_a=(index:logs-*)',
        },
      ],
      samples: [
        {
          id: 'log-1',
          index: 'logs-prod-01-000001',
          timestamp: '2026-11-25T11:58:00.000Z',
          level: 'error',
          cluster: 'prod-01',
          message: 'Checkout failed: payments-api answered 502 Bad Gateway',
          traceId: TRACE_ID,
        },
        {
          id: 'log-2',
          index: 'logs-dev-01-000001',
          timestamp: '2026-11-25T11:50:00.000Z',
          level: 'error',
          cluster: 'dev-01',
          message: 'Connection reset by peer',
        },
      ],
    },
    traces: {
      status: 'ok',
      service: 'checkout',
      truncated: false,
      links: [
        {
          title: 'Open in Jaeger',
          url: 'https://jaeger.example.com/search?service=checkout',
        },
      ],
      traces: [
        {
          traceId: TRACE_ID,
          rootService: 'checkout',
          rootOperation: 'POST /api/checkout',
          startTime: '2026-11-25T11:57:59.800Z',
          durationMs: 412.5,
          spanCount: 5,
          error: true,
          errorSpanCount: 2,
          cluster: 'prod-01',
          services: ['checkout', 'cart', 'payments-api'],
          links: links(TRACE_ID),
        },
        {
          traceId: SLOW_TRACE_ID,
          rootService: 'checkout',
          rootOperation: 'POST /api/checkout/slow',
          startTime: '2026-11-25T11:40:00.000Z',
          durationMs: 2400,
          spanCount: 4,
          error: false,
          errorSpanCount: 0,
          cluster: 'dev-01',
          services: ['checkout', 'cart'],
          links: links(SLOW_TRACE_ID),
        },
      ],
    },
  };
}

export function traceFixture(traceId = TRACE_ID): EntityTrace {
  const summary = signalsFixture().traces.traces.find(
    t => t.traceId === traceId,
  )!;
  return {
    entityRef: 'component:default/checkout',
    trace: {
      ...summary,
      spans: [
        {
          spanId: 's1',
          service: 'checkout',
          operation: 'POST /api/checkout',
          offsetMs: 0,
          durationMs: 412.5,
          error: true,
          depth: 0,
        },
        {
          spanId: 's2',
          parentSpanId: 's1',
          service: 'payments-api',
          operation: 'POST /api/payments/charge',
          offsetMs: 20,
          durationMs: 380,
          error: true,
          depth: 1,
        },
      ],
    },
    logs: {
      status: 'ok',
      total: 2,
      links: [summary.links[1]],
      samples: [
        {
          id: 'log-i',
          index: 'logs-prod-01-000001',
          timestamp: '2026-11-25T11:57:58.300Z',
          level: 'info',
          cluster: 'prod-01',
          message: 'Completed request in 41 ms',
          traceId,
        },
        {
          id: 'log-1',
          index: 'logs-prod-01-000001',
          timestamp: '2026-11-25T11:58:00.000Z',
          level: 'error',
          cluster: 'prod-01',
          message: 'Checkout failed: payments-api answered 502 Bad Gateway',
          traceId,
        },
      ],
    },
  };
}

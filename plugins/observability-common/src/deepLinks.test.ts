import {
  grafanaDashboardUrl,
  grafanaExploreUrl,
  jaegerSearchUrl,
  jaegerTraceUrl,
  kibanaDiscoverUrl,
  kqlString,
} from './deepLinks';

describe('deep links', () => {
  it('Grafana Explore: the pane state Grafana 10+ writes itself', () => {
    const url = grafanaExploreUrl({
      baseUrl: 'https://grafana.example.com/',
      expr: 'up{cluster="dev-01"}',
      datasourceUid: 'thanos',
      range: { from: 'now-1h', to: 'now' },
    });
    expect(url).toBe(
      `https://grafana.example.com/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(
        '{"obs":{"datasource":"thanos","queries":[{"refId":"A","expr":"up{cluster=\\"dev-01\\"}","datasource":{"type":"prometheus","uid":"thanos"}}],"range":{"from":"now-1h","to":"now"}}}',
      )}`,
    );
  });

  it('Grafana dashboard: absolute range in epoch ms and var- parameters', () => {
    expect(
      grafanaDashboardUrl({
        baseUrl: 'https://grafana.example.com',
        uid: 'red-svc',
        range: {
          from: new Date('2026-11-25T10:00:00Z'),
          to: '2026-11-25T11:00:00Z',
        },
        variables: { cluster: ['dev-01', 'prod-01'], service: 'checkout' },
      }),
    ).toBe(
      'https://grafana.example.com/d/red-svc?from=1795600800000&to=1795604400000&var-cluster=dev-01&var-cluster=prod-01&var-service=checkout',
    );
  });

  it('Kibana Discover: rison _g time and _a index + KQL query', () => {
    const url = kibanaDiscoverUrl({
      baseUrl: 'https://kibana.example.com',
      indexPattern: 'logs-*',
      kuery: `service.name:${kqlString('checkout')} and trace.id:"abc"`,
      range: { from: 'now-15m', to: 'now' },
    });
    expect(url).toBe(
      `https://kibana.example.com/app/discover#/?_g=${encodeURIComponent(
        '(time:(from:now-15m,to:now))',
      )}&_a=${encodeURIComponent(
        '(index:\'logs-*\',query:(language:kuery,query:\'service.name:"checkout" and trace.id:"abc"\'))',
      )}`,
    );
  });

  it('Kibana Discover: rison escapes quotes and bangs in values', () => {
    const url = kibanaDiscoverUrl({
      baseUrl: 'https://kibana.example.com',
      indexPattern: 'logs-*',
      kuery: "message:it's!",
      range: { from: new Date('2026-11-25T10:00:00Z'), to: 'now' },
    });
    expect(decodeURIComponent(url.split('_a=')[1])).toBe(
      "(index:'logs-*',query:(language:kuery,query:'message:it!'s!!'))",
    );
    expect(decodeURIComponent(url.split('_g=')[1].split('&')[0])).toBe(
      "(time:(from:'2026-11-25T10:00:00.000Z',to:now))",
    );
  });

  it('KQL strings escape quotes and backslashes', () => {
    expect(kqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('Jaeger search: service, tags as JSON, lookback or absolute microseconds', () => {
    expect(
      jaegerSearchUrl({
        baseUrl: 'https://jaeger.example.com',
        service: 'checkout',
        tags: { cluster: 'prod-01', error: 'true' },
      }),
    ).toBe(
      'https://jaeger.example.com/search?service=checkout&tags=%7B%22cluster%22%3A%22prod-01%22%2C%22error%22%3A%22true%22%7D&lookback=1h&limit=20',
    );
    expect(
      jaegerSearchUrl({
        baseUrl: 'https://jaeger.example.com',
        service: 'cart',
        range: {
          from: new Date('2026-11-25T10:00:00Z'),
          to: new Date('2026-11-25T11:00:00Z'),
        },
        limit: 5,
      }),
    ).toBe(
      'https://jaeger.example.com/search?service=cart&start=1795600800000000&end=1795604400000000&lookback=custom&limit=5',
    );
  });

  it('Jaeger trace by id', () => {
    expect(
      jaegerTraceUrl({
        baseUrl: 'https://jaeger.example.com/',
        traceId: '4bf92f3577b34da6',
      }),
    ).toBe('https://jaeger.example.com/trace/4bf92f3577b34da6');
  });
});

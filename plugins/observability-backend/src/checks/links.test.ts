import { createLinkBuilder, risonString } from './links';

describe('links', () => {
  const links = createLinkBuilder({
    grafanaUrl: 'https://grafana.example/',
    grafanaDatasource: 'thanos',
    kibanaUrl: 'https://kibana.example',
    jaegerUrl: 'https://jaeger.example',
  });

  it('builds a Grafana Explore link carrying the PromQL', () => {
    const [link] = links.grafanaExplore('G', 'up{cluster="dev-01"}');
    const url = new URL(link.url);
    expect(url.origin + url.pathname).toBe('https://grafana.example/explore');
    const panes = JSON.parse(url.searchParams.get('panes')!);
    expect(panes.obs.queries[0]).toEqual({
      refId: 'A',
      expr: 'up{cluster="dev-01"}',
      datasource: { type: 'prometheus', uid: 'thanos' },
    });
    expect(panes.obs.range).toEqual({ from: 'now-1h', to: 'now' });
  });

  it('builds Kibana Discover with rison state and Jaeger search', () => {
    const [k] = links.kibanaDiscover('K', { kuery: `a:"it's!"` });
    expect(decodeURIComponent(k.url)).toBe(
      `https://kibana.example/app/discover#/?_g=(time:(from:'now-1h',to:'now'))&_a=(query:(language:kuery,query:'a:"it!'s!!"'))`,
    );
    const [j] = links.jaegerSearch('J', {
      service: 'checkout',
      tags: { cluster: 'prod-01' },
    });
    expect(j.url).toBe(
      'https://jaeger.example/search?service=checkout&tags=%7B%22cluster%22%3A%22prod-01%22%7D&lookback=1h&limit=20',
    );
    expect(risonString("a'b")).toBe("'a!'b'");
  });

  it('skips links whose UI is not configured', () => {
    const none = createLinkBuilder({});
    expect(none.grafanaExplore('G', 'up')).toEqual([]);
    expect(none.kibanaDiscover('K', { kuery: '' })).toEqual([]);
    expect(none.jaegerSearch('J', {})).toEqual([]);
  });
});

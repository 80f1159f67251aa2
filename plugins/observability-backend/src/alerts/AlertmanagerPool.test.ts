import { alertmanagerUrlFor, createAlertmanagerPool } from './AlertmanagerPool';

describe('Alertmanager pool', () => {
  const options = {
    url: 'https://am.shared.test',
    urlTemplate: 'https://am.{cluster}.test',
    clusterUrls: { 'ops-01': 'https://am-ops.test' },
  };

  it('picks a cluster entry, else the template, else the one URL', () => {
    expect(alertmanagerUrlFor(options, 'ops-01')).toEqual({
      url: 'https://am-ops.test',
      shared: false,
    });
    expect(alertmanagerUrlFor(options, 'dev-01')).toEqual({
      url: 'https://am.dev-01.test',
      shared: false,
    });
    expect(alertmanagerUrlFor({ url: options.url }, 'dev-01')).toEqual({
      url: options.url,
      shared: true,
    });
    expect(alertmanagerUrlFor({ clusterUrls: {} }, 'dev-01')).toBeUndefined();
    // A hostile cluster name never reaches a host name.
    expect(alertmanagerUrlFor(options, 'x.evil.test/#')).toBeUndefined();
  });

  it('groups clusters by Alertmanager and makes one client per URL', () => {
    const made: string[] = [];
    const pool = createAlertmanagerPool({ url: options.url }, url => {
      made.push(url);
      return {} as any;
    });
    const { targets, missing } = pool.targets(['a-01', 'b-01']);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      clusters: ['a-01', 'b-01'],
      shared: true,
    });
    pool.targets(['c-01']);
    expect(made).toEqual([options.url]);
    expect(missing).toEqual([]);

    const perCluster = createAlertmanagerPool(
      { clusterUrls: { 'a-01': 'https://a.test' } },
      () => ({} as any),
    );
    const split = perCluster.targets(['a-01', 'b-01']);
    expect(split.targets.map(t => [t.clusters, t.shared])).toEqual([
      [['a-01'], false],
    ]);
    expect(split.missing).toEqual(['b-01']);
  });
});

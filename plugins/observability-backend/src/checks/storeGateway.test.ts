import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import { evaluateStoreGateway, storeGatewayQuery } from './storeGateway';
import { answered, failed } from './types';

const ctx = fixtureContext();

describe('store-gateway', () => {
  it('queries gateways up by cluster with an escaped job regex', () => {
    expect(storeGatewayQuery(ctx.labels, 'thanos-"store')).toContain(
      'up{job=~"thanos-\\"store"}',
    );
  });

  it('judges each cluster', () => {
    const r = evaluateStoreGateway(
      answered(fixture('thanos/query-store-gateway.json').data),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].summary).toMatch(/214 blocks/);
    expect(r['stag-01'].status).toBe('critical');
    expect(r['prod-01'].status).toBe('warn');
    expect(r['ops-01'].status).toBe('critical'); // missing
  });

  it('is unknown when Thanos failed', () => {
    expect(
      evaluateStoreGateway(failed('x'), FIXTURE_CLUSTERS, ctx)['dev-01'].status,
    ).toBe('unknown');
  });
});

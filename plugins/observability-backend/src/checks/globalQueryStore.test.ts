import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import {
  evaluateGlobalQueryPlatform,
  evaluateGlobalQueryStores,
} from './globalQueryStore';
import { answered, failed } from './types';

const ctx = fixtureContext();
const stores = () => answered(fixture('thanos/stores.json').data);

describe('global-query-store', () => {
  it('judges each cluster from the store endpoints', () => {
    const r = evaluateGlobalQueryStores(
      stores(),
      [...FIXTURE_CLUSTERS, { name: 'new-01', environment: 'dev' }],
      ctx,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['stag-01'].status).toBe('critical');
    expect(r['stag-01'].summary).toMatch(/certificate has expired/);
    expect(r['prod-01'].status).toBe('warn'); // last checked 20 minutes ago
    expect(r['ops-01'].status).toBe('ok');
    expect(r['new-01'].status).toBe('critical');
    expect(r['new-01'].summary).toMatch(
      /no store endpoint advertising cluster="new-01"/,
    );
  });

  it('summarises the platform', () => {
    const p = evaluateGlobalQueryPlatform(stores(), FIXTURE_CLUSTERS, ctx);
    expect(p.status).toBe('warn');
    expect(p.evidence.values).toMatchObject({
      stores: 4,
      failing: 1,
      clusters_missing: 0,
    });
    expect(
      evaluateGlobalQueryPlatform(answered({}), FIXTURE_CLUSTERS, ctx).status,
    ).toBe('critical');
  });

  it('is unknown when Thanos failed', () => {
    expect(
      evaluateGlobalQueryStores(failed('x'), FIXTURE_CLUSTERS, ctx)['dev-01']
        .status,
    ).toBe('unknown');
    expect(
      evaluateGlobalQueryPlatform(failed('x'), FIXTURE_CLUSTERS, ctx).status,
    ).toBe('unknown');
  });
});

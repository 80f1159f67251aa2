import { answeringHttp } from '../__testUtils__/upstreamClients';
import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import {
  evaluateGlobalQueryPlatform,
  evaluateGlobalQueryStores,
} from './globalQueryStore';
import { answered, failed } from './types';
import { FetchThanosClient } from '../upstream/ThanosClient';

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

  it('warns when the Global Query is wired to sidecars / store gateways directly', async () => {
    // Through the real client: `rule: null` and the type groups as Thanos sends them.
    const body = fixture('thanos/stores-direct.json');
    const client = new FetchThanosClient(
      answeringHttp(async (_path, schema) => schema.parse(body)),
    );
    const direct = answered(await client.stores());
    const r = evaluateGlobalQueryStores(direct, FIXTURE_CLUSTERS, ctx);
    expect(r['ops-01'].status).toBe('warn');
    expect(r['ops-01'].summary).toMatch(
      /wired to the cluster's sidecar and store directly .*prometheus-k8s-0.*thanos-store\.ops-01.*Global Query → local Query ONLY/,
    );
    expect(r['ops-01'].evidence.values).toMatchObject({
      stores: 3,
      direct: 3,
      healthy: 3,
    });
    expect(r['ops-01'].mitigation).toMatch(/only the cluster's local Query/);
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].evidence.values).toMatchObject({ direct: 0 });
    const p = evaluateGlobalQueryPlatform(direct, FIXTURE_CLUSTERS, ctx);
    expect(p.status).toBe('warn');
    expect(p.summary).toMatch(/3 endpoints are not a local Query/);
    expect(p.evidence.values).toMatchObject({ direct: 3 });
  });

  it('summarises the platform', () => {
    const p = evaluateGlobalQueryPlatform(stores(), FIXTURE_CLUSTERS, ctx);
    expect(p.status).toBe('warn');
    expect(p.evidence.values).toMatchObject({
      stores: 4,
      failing: 1,
      direct: 0,
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

import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import { evaluateObjectStorage, objectStorageQuery } from './objectStorage';
import { answered, failed } from './types';

const ctx = fixtureContext();
const operations = () =>
  answered(fixture('thanos/query-object-storage.json').data);

describe('object-storage (§8 per-cluster object storage outage)', () => {
  it('asks for failed and all bucket operations by cluster, in one query', () => {
    const q = objectStorageQuery(ctx.labels);
    expect(q).toContain(
      'sum by (cluster) (increase(thanos_objstore_bucket_operation_failures_total[15m]))',
    );
    expect(q).toContain(
      'sum by (cluster) (increase(thanos_objstore_bucket_operations_total[15m]))',
    );
  });

  it('judges the share of failed operations per cluster', () => {
    const r = evaluateObjectStorage(operations(), FIXTURE_CLUSTERS, ctx);
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].summary).toBe(
      'No failed bucket operations in 15m (412 operations)',
    );
    // 3 of 980: retried transient errors
    expect(r['stag-01'].status).toBe('ok');
    expect(r['stag-01'].summary).toMatch(/3 of 980 .*under 1%/);
    expect(r['ops-01'].status).toBe('warn');
    expect(r['ops-01'].evidence.values).toMatchObject({
      failures_15m: 25,
      operations_15m: 500,
      failed_percent: 5,
    });
    expect(r['prod-01']).toMatchObject({
      status: 'critical',
      summary:
        'Object storage outage: 388 of 388 bucket operations failed in 15m',
      mitigation: expect.stringMatching(
        /Local Prometheus hot data is still queryable; retry after restore/,
      ),
    });
  });

  it('never says ok without metrics, and is unknown when Thanos failed', () => {
    const none = evaluateObjectStorage(
      answered({ resultType: 'vector', result: [] }),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(none['dev-01'].status).toBe('warn');
    expect(
      evaluateObjectStorage(failed('boom'), FIXTURE_CLUSTERS, ctx)['dev-01'],
    ).toMatchObject({ status: 'unknown', evidence: { error: 'boom' } });
  });

  it('takes its thresholds from config', () => {
    const strict = fixtureContext({
      thresholds: {
        ...ctx.thresholds,
        objstoreFailureWarnPercent: 0.1,
        objstoreFailureCriticalPercent: 4,
      },
    });
    const r = evaluateObjectStorage(operations(), FIXTURE_CLUSTERS, strict);
    expect(r['stag-01'].status).toBe('warn');
    expect(r['ops-01'].status).toBe('critical');
  });
});

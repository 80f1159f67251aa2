import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import {
  bucketQuery,
  evaluateBucketPrefix,
  expectedBucket,
} from './bucketPrefix';
import { answered, failed } from './types';

const ctx = fixtureContext();
const buckets = () => answered(fixture('thanos/query-bucket-prefix.json').data);

describe('bucket-prefix (10.11 Thanos sidecar: blocks in the correct bucket)', () => {
  it("asks for the sidecars' bucket label by cluster, in one query", () => {
    expect(bucketQuery(ctx.labels)).toBe(
      'count by (cluster, bucket) (thanos_objstore_bucket_operations_total{job=~".*sidecar.*"})',
    );
    expect(() => bucketQuery({ ...ctx.labels, cluster: 'bad-label' })).toThrow(
      /invalid Prometheus label/,
    );
  });

  it('fills the configured bucket template per cluster', () => {
    const prod = { name: 'prod-01', environment: 'prod' };
    expect(expectedBucket('thanos-{cluster}', prod)).toBe('thanos-prod-01');
    expect(expectedBucket('metrics-{environment}', prod)).toBe('metrics-prod');
  });

  it("compares each cluster's sidecar bucket with its configured bucket", () => {
    const r = evaluateBucketPrefix(
      buckets(),
      FIXTURE_CLUSTERS,
      ctx,
      'thanos-{cluster}',
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].summary).toBe(
      "The sidecars write to the cluster's bucket thanos-dev-01",
    );
    // the old per-environment default
    expect(r['stag-01'].status).toBe('critical');
    expect(r['stag-01'].summary).toBe(
      "The sidecars write to thanos-stag, not to the cluster's bucket thanos-stag-01",
    );
    expect(r['stag-01'].evidence.values).toMatchObject({
      expected_bucket: 'thanos-stag-01',
      sidecar_buckets: 'thanos-stag',
    });
    expect(r['stag-01'].mitigation).toMatch(/one bucket per cluster/);
    // another cluster writes to prod-01's bucket
    expect(r['prod-01'].status).toBe('warn');
    expect(r['prod-01'].evidence.values).toMatchObject({
      shared_with: 'edge-004',
    });
    expect(r['ops-01'].status).toBe('warn');
    expect(r['ops-01'].summary).toMatch(/No objstore metrics/);
  });

  it('is unknown when Thanos failed or answered a matrix', () => {
    expect(
      evaluateBucketPrefix(
        failed('x'),
        FIXTURE_CLUSTERS,
        ctx,
        'thanos-{cluster}',
      )['dev-01'].status,
    ).toBe('unknown');
    const matrix = answered({ resultType: 'matrix', result: [] } as any);
    const r = evaluateBucketPrefix(
      matrix,
      FIXTURE_CLUSTERS,
      ctx,
      'thanos-{cluster}',
    );
    expect(r['dev-01'].status).toBe('unknown');
    expect(r['dev-01'].evidence.error).toMatch(/expected a vector/);
  });
});

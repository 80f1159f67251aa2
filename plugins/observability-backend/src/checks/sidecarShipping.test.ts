import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import {
  evaluateSidecarShipping,
  sidecarShippingQuery,
} from './sidecarShipping';
import { answered, failed } from './types';

const ctx = fixtureContext();
const clusters = [
  ...FIXTURE_CLUSTERS,
  { name: 'edge-01', environment: 'prod' },
  { name: 'new-01', environment: 'dev' },
];

describe('sidecar-shipping', () => {
  it('asks for all measures in one query by cluster', () => {
    const q = sidecarShippingQuery(ctx.labels);
    expect(q).toContain('count by (cluster) (up{job=~".*sidecar.*"})');
    expect(q).toContain('thanos_objstore_bucket_last_successful_upload_time');
    expect(q).toContain('thanos_shipper_uploads_total');
    expect(q.match(/label_replace/g)).toHaveLength(5);
  });

  it('judges each cluster', () => {
    const r = evaluateSidecarShipping(
      answered(fixture('thanos/query-sidecar-shipping.json').data),
      clusters,
      ctx,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].evidence.values).toMatchObject({
      sidecars: 2,
      sidecars_up: 2,
      upload_age_seconds: 1831,
    });
    expect(r['stag-01'].status).toBe('warn'); // one of two sidecars down
    expect(r['stag-01'].summary).toMatch(/1 of 2/);
    expect(r['prod-01'].status).toBe('critical'); // 15000 s > 14400 s
    expect(r['ops-01'].status).toBe('critical'); // all sidecars down
    expect(r['edge-01'].status).toBe('warn'); // 8000 s > 7200 s
    expect(r['new-01'].status).toBe('critical'); // missing from the answer
    expect(r['new-01'].summary).toMatch(/No Thanos sidecar metrics/);
  });

  it('honours configured thresholds', () => {
    const r = evaluateSidecarShipping(
      answered(fixture('thanos/query-sidecar-shipping.json').data),
      clusters,
      fixtureContext({
        thresholds: {
          ...ctx.thresholds,
          shippingWarnSeconds: 60,
          shippingCriticalSeconds: 100000,
        },
      }),
    );
    expect(r['dev-01'].status).toBe('warn');
    expect(r['prod-01'].status).toBe('warn');
  });

  it('is unknown when Thanos failed, and when the answer is not a vector', () => {
    expect(
      evaluateSidecarShipping(failed('boom'), clusters, ctx)['dev-01'].status,
    ).toBe('unknown');
    const matrix = fixture('thanos/query-range-red.json').data;
    const r = evaluateSidecarShipping(answered(matrix), clusters, ctx);
    expect(r['dev-01'].status).toBe('unknown');
    expect(r['dev-01'].evidence.error).toMatch(/expected a vector/);
  });
});

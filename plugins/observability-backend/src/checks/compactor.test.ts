import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import { compactorQuery, evaluateCompactor } from './compactor';
import { answered, failed } from './types';

const ctx = fixtureContext();

describe('compactor', () => {
  it('queries halted, up and lag by cluster', () => {
    const q = compactorQuery(ctx.labels);
    expect(q).toContain(
      'max by (cluster) (thanos_compact_halted{job=~".*compact.*"})',
    );
    expect(q).toContain(
      'max_over_time(thanos_objstore_bucket_last_successful_upload_time{job=~".*compact.*"}[1d])',
    );
  });

  it('judges each cluster', () => {
    const r = evaluateCompactor(
      answered(fixture('thanos/query-compactor.json').data),
      [...FIXTURE_CLUSTERS, { name: 'x-01', environment: 'dev' }],
      ctx,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['stag-01'].status).toBe('critical');
    expect(r['stag-01'].summary).toMatch(/halted/);
    expect(r['prod-01'].status).toBe('warn');
    expect(r['prod-01'].summary).toMatch(/not uploaded a compacted block/);
    expect(r['ops-01'].status).toBe('critical');
    expect(r['ops-01'].summary).toMatch(/down/);
    expect(r['x-01'].status).toBe('critical');
  });

  it('is unknown when Thanos failed', () => {
    expect(
      evaluateCompactor(failed('x'), FIXTURE_CLUSTERS, ctx)['ops-01'].status,
    ).toBe('unknown');
  });
});

import {
  readRetentionFromValues,
  RETENTION_VALUE_PATHS,
} from './retentionValues';

describe('readRetentionFromValues', () => {
  const values = {
    observability: {
      thanos: {
        compactor: { retention: { raw: '30d', '5m': '90d', '1h': '1y' } },
        objstore: { bucket: 'thanos-prod', lifecycle: '400d' },
      },
      logging: {
        ilm: {
          rollover: { maxAge: '1d', maxSize: '50gb' },
          warm: { minAge: '7d' },
          delete: { minAge: '30d' },
        },
      },
    },
  };

  it('reads metrics retention from the compactor and bucket keys', () => {
    expect(readRetentionFromValues(values, 'metrics')).toEqual({
      settings: {
        raw: '30d',
        fiveMinutes: '90d',
        oneHour: '1y',
        bucketLifecycle: '400d',
      },
      missing: [],
    });
  });

  it('reads ILM phases and names the keys that are missing', () => {
    expect(readRetentionFromValues(values, 'logs').settings).toEqual({
      rolloverMaxAge: '1d',
      rolloverMaxSize: '50gb',
      warmAfter: '7d',
      deleteAfter: '30d',
    });
    const traces = readRetentionFromValues(values, 'traces');
    expect(traces.settings).toEqual({});
    expect(traces.missing).toContain('observability.tracing.ilm.delete.minAge');
  });

  it('uses one path per setting, all distinct', () => {
    const all = Object.values(RETENTION_VALUE_PATHS).flatMap(p =>
      Object.values(p).map(path => path.join('.')),
    );
    expect(new Set(all).size).toBe(all.length);
  });
});

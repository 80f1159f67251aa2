import { DEFAULT_PRICING } from '../config';
import { estimateRetentionCost } from './costEstimate';

const logs = (deleteAfter: string) => ({
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '7d',
  deleteAfter,
});

describe('estimateRetentionCost', () => {
  it('prices logs as hot until warm, then warm until delete', () => {
    const estimate = estimateRetentionCost({
      signal: 'logs',
      current: logs('30d'),
      requested: logs('60d'),
      rates: { gbPerDay: 10, inputs: { logsGbPerDay: 10 }, warnings: [] },
      pricing: DEFAULT_PRICING,
    });
    // 30 more days of warm data: 300 GB at 0.05 per GB-month.
    expect(estimate).toMatchObject({
      currentGb: 300,
      requestedGb: 600,
      deltaGb: 300,
      deltaMonthlyCost: 15,
      currency: 'USD',
      warnings: [],
    });
    expect(estimate.inputs).toMatchObject({
      logsGbPerDay: 10,
      esWarmUSDPerGbMonth: 0.05,
    });
  });

  it('prices metrics by resolution from samples/s and series', () => {
    const base = {
      raw: '30d',
      fiveMinutes: '90d',
      oneHour: '1y',
      bucketLifecycle: '400d',
    };
    const estimate = estimateRetentionCost({
      signal: 'metrics',
      current: base,
      requested: { ...base, raw: '60d' },
      rates: {
        samplesPerSecond: 100_000,
        series: 1_000_000,
        inputs: {},
        warnings: [],
      },
      pricing: DEFAULT_PRICING,
    });
    // 30 more days of raw: 100k/s * 86400 s * 1.5 B = 12.96 GB/day -> 388.8 GB.
    expect(estimate.deltaGb).toBeCloseTo(388.8, 1);
    expect(estimate.deltaMonthlyCost).toBeCloseTo(7.78, 2);
  });

  it('says what is missing instead of guessing', () => {
    const estimate = estimateRetentionCost({
      signal: 'traces',
      requested: logs('30d'),
      rates: {
        inputs: {},
        warnings: ['Elasticsearch did not answer: timeout'],
      },
      pricing: DEFAULT_PRICING,
    });
    expect(estimate.deltaMonthlyCost).toBe(0);
    expect(estimate.warnings).toEqual([
      'Elasticsearch did not answer: timeout',
      'The current retention is unknown, so the delta counts from zero',
      'No measured ingest rate: the cost could not be estimated',
    ]);
  });
});

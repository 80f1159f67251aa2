import { parseDuration } from './duration';
import { validateRetention } from './retention';

const metrics = {
  raw: '30d',
  fiveMinutes: '90d',
  oneHour: '1y',
  bucketLifecycle: '400d',
};
const logs = {
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '7d',
  deleteAfter: '30d',
};

describe('parseDuration', () => {
  it('reads the Thanos and ILM forms', () => {
    expect(parseDuration('30d')).toBe(30 * 86400);
    expect(parseDuration('720h')).toBe(30 * 86400);
    expect(parseDuration('2w')).toBe(14 * 86400);
    expect(parseDuration('1y')).toBe(365 * 86400);
    expect(parseDuration('30 days')).toBeUndefined();
    expect(parseDuration('-1d')).toBeUndefined();
    expect(parseDuration('1.5d')).toBeUndefined();
  });
});

describe('validateRetention', () => {
  it('accepts ordered metrics retention within bounds', () => {
    expect(
      validateRetention('metrics', metrics, { minDays: 90, maxDays: 730 }),
    ).toEqual([]);
  });

  it('names every field that breaks raw ≤ 5m ≤ 1h ≤ lifecycle', () => {
    const problems = validateRetention('metrics', {
      raw: '100d',
      fiveMinutes: '90d',
      oneHour: '60d',
      bucketLifecycle: '30d',
    });
    expect(problems.map(p => p.field)).toEqual([
      'raw',
      'fiveMinutes',
      'bucketLifecycle',
    ]);
  });

  it('rejects durations that do not parse, naming them', () => {
    expect(
      validateRetention('metrics', { ...metrics, raw: 'forever' }),
    ).toEqual([
      {
        field: 'raw',
        message: '"forever" is not a duration like 30d, 720h or 1y',
      },
    ]);
    expect(
      validateRetention('logs', { ...logs, rolloverMaxSize: '50 GB' })[0].field,
    ).toBe('rolloverMaxSize');
  });

  it('keeps ILM phases in order: delete after warm, warm not before rollover', () => {
    expect(validateRetention('logs', logs)).toEqual([]);
    expect(
      validateRetention('logs', { ...logs, deleteAfter: '7d' })[0].field,
    ).toBe('deleteAfter');
    expect(
      validateRetention('traces', { ...logs, rolloverMaxAge: '10d' })[0].field,
    ).toBe('warmAfter');
  });

  it('enforces the compliance minimum and the cost maximum of the environment', () => {
    expect(
      validateRetention(
        'logs',
        { ...logs, deleteAfter: '14d' },
        { minDays: 30 },
      ),
    ).toEqual([
      {
        field: 'deleteAfter',
        message:
          'keeps 14 days, below the minimum of 30 days for this environment',
      },
    ]);
    expect(
      validateRetention('metrics', metrics, { maxDays: 180 })[0].message,
    ).toMatch(/above the maximum/);
  });
});

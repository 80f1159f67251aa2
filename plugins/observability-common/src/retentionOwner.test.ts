import { intersectBounds, retentionOwner } from './retentionOwner';

const fleet = [
  { name: 'dev-01', environment: 'dev' },
  { name: 'prod-01', environment: 'prod' },
  { name: 'ops-01', environment: 'ops' },
];

describe('retentionOwner', () => {
  it('keeps metrics and logs with their own cluster', () => {
    expect(retentionOwner('logs', 'prod-01', fleet)).toEqual({
      owner: 'prod-01',
      fleetWide: false,
    });
    expect(retentionOwner('metrics', 'dev-01', []).owner).toBe('dev-01');
  });

  it('gives traces to the one ops cluster, and names it to the others', () => {
    expect(retentionOwner('traces', 'ops-01', fleet)).toEqual({
      owner: 'ops-01',
      fleetWide: true,
    });
    expect(retentionOwner('traces', 'prod-01', fleet)).toEqual({
      owner: 'ops-01',
      fleetWide: true,
      problem:
        "traces retention is one ILM policy for the shared jaeger-span-* indices of every cluster, set in ops-01's values file: request the change for ops-01 (it applies to the whole fleet)",
    });
  });

  it('has no owner for traces without exactly one ops cluster', () => {
    expect(retentionOwner('traces', 'prod-01', fleet.slice(0, 2))).toEqual({
      fleetWide: true,
      problem: expect.stringMatching(/but the fleet has no ops cluster$/),
    });
    const two = [...fleet, { name: 'ops-02', environment: 'ops' }];
    expect(retentionOwner('traces', 'ops-01', two).problem).toMatch(
      /but the fleet has 2 ops clusters \(ops-01, ops-02\)$/,
    );
  });
});

describe('intersectBounds', () => {
  it('takes the largest minimum and the smallest maximum', () => {
    expect(
      intersectBounds([{ minDays: 7, maxDays: 90 }, { maxDays: 14 }, {}]),
    ).toEqual({ minDays: 7, maxDays: 14 });
    expect(intersectBounds([{}, {}])).toEqual({
      minDays: undefined,
      maxDays: undefined,
    });
  });
});

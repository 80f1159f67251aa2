import { signalHealth, worstStatus } from './status';
import { CheckResult } from './types';

describe('worstStatus', () => {
  it('is unknown when there is nothing to judge by', () => {
    expect(worstStatus([])).toBe('unknown');
  });

  it('orders ok < warn < unknown < critical', () => {
    expect(worstStatus(['ok', 'ok'])).toBe('ok');
    expect(worstStatus(['ok', 'warn'])).toBe('warn');
    expect(worstStatus(['warn', 'unknown', 'ok'])).toBe('unknown');
    expect(worstStatus(['unknown', 'critical', 'warn'])).toBe('critical');
  });
});

describe('signalHealth', () => {
  const check = (status: CheckResult['status']): CheckResult => ({
    id: 'prometheus-ha',
    status,
    summary: status,
    evidence: { source: 'thanos' },
    links: [],
    observedAt: '2026-11-25T00:00:00Z',
  });

  it('rolls the checks up to their worst status and keeps them', () => {
    const checks = [check('ok'), check('warn')];
    expect(signalHealth(checks)).toEqual({ status: 'warn', checks });
  });
});

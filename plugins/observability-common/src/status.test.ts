import {
  isFullCheck,
  signalHealth,
  statusSeverity,
  summarizeFleet,
  worstStatus,
} from './status';
import { CheckResult, FleetHealth } from './types';

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

const check = (status: CheckResult['status']): CheckResult => ({
  id: 'prometheus-ha',
  title: 'Prometheus HA pair',
  status,
  summary: status,
  evidence: { source: 'thanos', values: { replicas: 1 } },
  mitigation: 'Run 2 replicas',
  links: [{ title: 'Grafana', url: 'https://grafana.example.com/' }],
  observedAt: '2026-11-25T00:00:00Z',
});

describe('statusSeverity', () => {
  it('ranks critical worst, then unknown, warn and ok', () => {
    const sorted = (['ok', 'critical', 'warn', 'unknown'] as const)
      .slice()
      .sort((a, b) => statusSeverity(b) - statusSeverity(a));
    expect(sorted).toEqual(['critical', 'unknown', 'warn', 'ok']);
  });
});

describe('signalHealth', () => {
  it('rolls the checks up to their worst status and keeps them', () => {
    const checks = [check('ok'), check('warn')];
    expect(signalHealth(checks)).toEqual({ status: 'warn', checks });
  });
});

describe('summarizeFleet', () => {
  it('keeps failing checks and the platform in full and trims ok checks', () => {
    const part = signalHealth([check('ok')]);
    const fleet: FleetHealth = {
      generatedAt: '2026-11-25T00:00:00Z',
      clusters: [
        {
          name: 'dev-01',
          environment: 'dev',
          sources: ['config'],
          status: 'warn',
          since: '2026-11-24T00:00:00Z',
          signals: {
            metrics: signalHealth([check('ok'), check('warn')]),
            logs: signalHealth([check('unknown')]),
            traces: signalHealth([check('ok')]),
            gitops: signalHealth([check('ok')]),
          },
        },
      ],
      platform: { thanos: part, elasticsearch: part, jaeger: part },
    };
    const summary = summarizeFleet(fleet);
    const [dev] = summary.clusters;
    expect(dev.since).toBe('2026-11-24T00:00:00Z');
    expect(dev.signals.metrics.status).toBe('warn');
    expect(dev.signals.metrics.checks[0]).toEqual({
      id: 'prometheus-ha',
      status: 'ok',
      summary: 'ok',
      observedAt: '2026-11-25T00:00:00Z',
    });
    expect(isFullCheck(dev.signals.metrics.checks[0])).toBe(false);
    expect(dev.signals.metrics.checks[1]).toEqual(check('warn'));
    expect(dev.signals.logs.checks[0]).toEqual(check('unknown'));
    expect(summary.platform).toEqual(fleet.platform);
    // The full answer is left as it was.
    expect(fleet.clusters[0].signals.metrics.checks[0]).toEqual(check('ok'));
  });
});

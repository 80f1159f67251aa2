import type {
  AlertsAnswer,
  FiringAlert,
} from '@fleetobs/plugin-observability-common';

/** The simulator's demo alert of checkout in prod-01, as `GET /v1/alerts` answers it. */
export const checkoutLatencyAlert: FiringAlert = {
  cluster: 'prod-01',
  name: 'ServiceLatencyHigh',
  severity: 'warning',
  state: 'active',
  since: '2026-11-25T10:00:00.000Z',
  summary: 'p99 latency of checkout is above 500ms for 10 minutes.',
  runbookUrl: 'https://runbooks.fleet.example/services/service-latency-high',
  labels: {
    alertname: 'ServiceLatencyHigh',
    severity: 'warning',
    service: 'checkout',
    namespace: 'shop',
    cluster: 'prod-01',
  },
  fingerprint: 'a1b2c3d4e5f60718',
  silencedBy: [],
  inhibitedBy: [],
  alertmanagerUrl:
    'http://localhost:7011/alertmanager/prod-01/#/alerts?filter=%7Bservice%3D%22checkout%22%7D',
};

export const checkoutErrorsAlert: FiringAlert = {
  ...checkoutLatencyAlert,
  cluster: 'dev-01',
  name: 'ServiceErrorRateHigh',
  severity: 'critical',
  since: '2026-11-25T09:00:00.000Z',
  summary: 'checkout answers 5% errors.',
  runbookUrl: undefined,
  alertmanagerUrl: undefined,
  labels: {
    alertname: 'ServiceErrorRateHigh',
    severity: 'critical',
    service: 'checkout',
    cluster: 'dev-01',
  },
  fingerprint: '0011223344556677',
};

export const checkoutAlerts = (
  alerts: FiringAlert[] = [checkoutLatencyAlert],
): AlertsAnswer => ({
  selector: '{service="checkout"}',
  selectorSource: 'default',
  alerts,
  unavailable: [],
});

import { hash, FleetModel, SimCluster, ClusterFault } from './model';
import { matches, parseMatchers } from './thanos';

const FAULT_ALERTS: Partial<
  Record<ClusterFault, { alertname: string; severity: string; summary: string }>
> = {
  'sidecar-down': {
    alertname: 'ThanosSidecarIsDown',
    severity: 'critical',
    summary: 'Thanos Sidecar has disappeared.',
  },
  'compactor-halted': {
    alertname: 'ThanosCompactHalted',
    severity: 'warning',
    summary: 'Thanos Compact has failed to run and is now halted.',
  },
  'store-gateway-down': {
    alertname: 'ThanosStoreIsDown',
    severity: 'critical',
    summary: 'Thanos component has disappeared.',
  },
  'replica-down': {
    alertname: 'PrometheusReplicaDown',
    severity: 'warning',
    summary: 'One Prometheus replica of the HA pair is down.',
  },
  'cert-near-expiry': {
    alertname: 'CertManagerCertExpirySoon',
    severity: 'warning',
    summary: 'The cert filebeat-client is 3 days from expiring.',
  },
  'collector-down': {
    alertname: 'JaegerCollectorDown',
    severity: 'critical',
    summary: 'Jaeger collector has disappeared.',
  },
};

function receiverFor(cluster: SimCluster, severity: string): string {
  if (severity === 'none')
    return cluster.environment === 'prod'
      ? 'heartbeat-prod'
      : 'heartbeat-nonprod';
  return cluster.environment === 'prod' ? 'pagerduty-prod' : 'slack-nonprod';
}

export function alerts(model: FleetModel, params: URLSearchParams) {
  const now = model.now();
  const out: any[] = [];
  const push = (
    cluster: SimCluster,
    labels: Record<string, string>,
    summary: string,
    startsAt: number,
  ) => {
    const all = {
      ...labels,
      cluster: cluster.name,
      environment: cluster.environment,
      prometheus: 'monitoring/k8s',
    };
    const fingerprint =
      (hash(JSON.stringify(all)) >>> 0).toString(16).padStart(8, '0') +
      (hash(cluster.name) >>> 0).toString(16).padStart(8, '0');
    out.push({
      annotations: {
        summary,
        runbook_url: `https://runbooks.prometheus-operator.dev/runbooks/general/${labels.alertname.toLowerCase()}`,
      },
      endsAt: new Date(now + 4 * 60_000).toISOString(),
      fingerprint,
      receivers: [{ name: receiverFor(cluster, labels.severity) }],
      startsAt: new Date(startsAt).toISOString(),
      status: { inhibitedBy: [], silencedBy: [], state: 'active', mutedBy: [] },
      updatedAt: new Date(now - 15_000).toISOString(),
      generatorURL: `https://prometheus.${cluster.name}.fleet.example/graph?g0.expr=vector%281%29&g0.tab=1`,
      labels: all,
    });
  };
  for (const cluster of model.clusters) {
    push(
      cluster,
      { alertname: 'Watchdog', severity: 'none' },
      'An alert that should always be firing to certify that Alertmanager is working properly.',
      model.startedAt,
    );
    for (const [fault, alert] of Object.entries(FAULT_ALERTS)) {
      const since = model.faultSince(cluster.name, fault as ClusterFault);
      if (since !== undefined && alert) {
        push(
          cluster,
          {
            alertname: alert.alertname,
            severity: alert.severity,
            namespace: 'monitoring',
          },
          alert.summary,
          since + 5 * 60_000,
        );
      }
    }
  }
  const matchers = params.getAll('filter').flatMap(f => parseMatchers(f));
  const receiver = params.get('receiver');
  const active = params.get('active') !== 'false';
  return out.filter(
    a =>
      active &&
      matches(a.labels, matchers) &&
      (!receiver ||
        a.receivers.some((r: any) =>
          new RegExp(`^(?:${receiver})$`).test(r.name),
        )),
  );
}

export function status(model: FleetModel) {
  return {
    cluster: {
      name: '01JDQ7R6X0V3M7QW4W7Y7G2Q7C',
      peers: [
        { address: '10.42.7.12:9094', name: '01JDQ7R6X0V3M7QW4W7Y7G2Q7C' },
      ],
      status: 'ready',
    },
    config: {
      original: [
        'global:',
        '  resolve_timeout: 5m',
        'route:',
        '  receiver: slack-nonprod',
        '  group_by: [alertname, cluster]',
        '  routes:',
        '    - matchers: [alertname="Watchdog", environment="prod"]',
        '      receiver: heartbeat-prod',
        '    - matchers: [alertname="Watchdog"]',
        '      receiver: heartbeat-nonprod',
        '    - matchers: [environment="prod"]',
        '      receiver: pagerduty-prod',
        'receivers:',
        '  - name: slack-nonprod',
        '  - name: pagerduty-prod',
        '  - name: heartbeat-prod',
        '  - name: heartbeat-nonprod',
        '',
      ].join('\n'),
    },
    uptime: new Date(model.startedAt).toISOString(),
    versionInfo: {
      branch: 'HEAD',
      buildDate: '20250307-15:05:18',
      buildUser: 'root@1e4e8b9d5d3b',
      goVersion: 'go1.23.7',
      revision: '0b5d5ba4d1b5b5a1f4b4a5d8f6c5e3e2b1a0f9e8',
      version: '0.28.1',
    },
  };
}

import { AlertmanagerError, SilenceStore } from './alertmanagerSilences';
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

/** The demo service alert: always firing for `checkout` in prod-01 so the demo shows one. */
const DEMO_ALERT = {
  cluster: 'prod-01',
  labels: {
    alertname: 'ServiceLatencyHigh',
    severity: 'warning',
    // the service label the RED metrics use (`signals.metrics.serviceLabel`)
    service: 'checkout',
    namespace: 'shop',
  },
  summary: 'p99 latency of checkout is above 500ms for 10 minutes.',
  runbook: 'https://runbooks.fleet.example/services/service-latency-high',
  expr: 'histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{service="checkout"}[5m]))) > 0.5',
};

/** Every alert firing in the fleet (or in one cluster), before silences. */
function firing(model: FleetModel, only?: SimCluster): any[] {
  const now = model.now();
  const out: any[] = [];
  const push = (
    cluster: SimCluster,
    labels: Record<string, string>,
    summary: string,
    startsAt: number,
    extra: { runbook?: string; expr?: string } = {},
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
        runbook_url:
          extra.runbook ??
          `https://runbooks.prometheus-operator.dev/runbooks/general/${labels.alertname.toLowerCase()}`,
      },
      endsAt: new Date(now + 4 * 60_000).toISOString(),
      fingerprint,
      receivers: [{ name: receiverFor(cluster, labels.severity) }],
      startsAt: new Date(startsAt).toISOString(),
      status: { inhibitedBy: [], silencedBy: [], state: 'active', mutedBy: [] },
      updatedAt: new Date(now - 15_000).toISOString(),
      generatorURL: `https://prometheus.${
        cluster.name
      }.fleet.example/graph?g0.expr=${encodeURIComponent(
        extra.expr ?? 'vector(1)',
      )}&g0.tab=1`,
      labels: all,
    });
  };
  for (const cluster of only ? [only] : model.clusters) {
    push(
      cluster,
      { alertname: 'Watchdog', severity: 'none' },
      'An alert that should always be firing to certify that Alertmanager is working properly.',
      model.startedAt,
    );
    if (cluster.name === DEMO_ALERT.cluster) {
      push(
        cluster,
        DEMO_ALERT.labels,
        DEMO_ALERT.summary,
        model.startedAt + 3600_000,
        { runbook: DEMO_ALERT.runbook, expr: DEMO_ALERT.expr },
      );
    }
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
  return out;
}

function receiverPattern(receiver: string | null): RegExp | undefined {
  if (!receiver) return undefined;
  try {
    return new RegExp(`^(?:${receiver})$`);
  } catch (error) {
    throw new AlertmanagerError(
      400,
      `failed to parse receiver param: ${(error as Error).message}`,
    );
  }
}

const flag = (params: URLSearchParams, name: string) =>
  params.get(name) !== 'false';

/**
 * `GET /api/v2/alerts`: the alerts of one Alertmanager (`only`: a cluster's own, else
 * the fleet's), muted by its silences, filtered like Alertmanager (`filter` matchers,
 * `active` / `silenced` / `inhibited` default true, `receiver` regex).
 */
export function alerts(
  model: FleetModel,
  params: URLSearchParams,
  silences: SilenceStore,
  only?: SimCluster,
) {
  const matchers = params.getAll('filter').flatMap(f => parseMatchers(f));
  const receiver = receiverPattern(params.get('receiver'));
  const show = {
    active: flag(params, 'active'),
    silenced: flag(params, 'silenced'),
    inhibited: flag(params, 'inhibited'),
  };
  return firing(model, only)
    .map(a => {
      const silencedBy = silences.silencing(a.labels);
      if (silencedBy.length === 0) return a;
      return {
        ...a,
        status: {
          state: 'suppressed',
          silencedBy,
          inhibitedBy: [],
          mutedBy: [],
        },
      };
    })
    .filter(a => {
      const { state, silencedBy, inhibitedBy } = a.status;
      if (state === 'active' && !show.active) return false;
      if (silencedBy.length > 0 && !show.silenced) return false;
      if (inhibitedBy.length > 0 && !show.inhibited) return false;
      return (
        matches(a.labels, matchers) &&
        (!receiver || a.receivers.some((r: any) => receiver.test(r.name)))
      );
    });
}

export function status(model: FleetModel, only?: SimCluster) {
  // A stable ULID-like peer name per Alertmanager.
  const peer = only
    ? `01JDQ7R6X0${(hash(only.name) >>> 0)
        .toString(32)
        .toUpperCase()
        .padStart(16, '0')}`
    : '01JDQ7R6X0V3M7QW4W7Y7G2Q7C';
  return {
    cluster: {
      name: peer,
      peers: [{ address: '10.42.7.12:9094', name: peer }],
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

/** How long `alertmanager-slow` holds a cluster's answers: past the back end's default 10 s timeout. */
export const ALERTMANAGER_SLOW_MS = 15_000;

// Unref'd: a held answer never keeps the process (or a test run) alive.
const sleep = (ms: number) =>
  new Promise(resolve => setTimeout(resolve, ms).unref());

/**
 * The Alertmanagers of the fleet: `/alertmanager/<cluster>/api/v2/...` is the cluster's
 * own (its alerts, its silences, its faults), `/alertmanager/api/v2/...` one shared
 * by all clusters. Each has its own silences.
 */
export class SimAlertmanagers {
  private readonly stores = new Map<string, SilenceStore>();

  constructor(private readonly model: FleetModel) {}

  private silences(scope: SimCluster | undefined): SilenceStore {
    const key = scope?.name ?? '';
    let store = this.stores.get(key);
    if (!store) {
      store = new SilenceStore(() => this.model.now());
      this.stores.set(key, store);
    }
    return store;
  }

  /** Splits `/<cluster>/api/v2/...` into the cluster and the API path. */
  private scopeOf(path: string): [SimCluster | undefined, string] {
    const m = /^\/([^/]+)(\/.*)?$/.exec(path);
    if (!m || m[1] === 'api' || m[1] === '-') return [undefined, path];
    const cluster = this.model.cluster(decodeURIComponent(m[1]));
    if (!cluster) {
      throw new AlertmanagerError(404, {
        code: 404,
        message: `no Alertmanager for cluster ${m[1]}`,
      });
    }
    return [cluster, m[2] ?? '/'];
  }

  /** The answer to one request below `/alertmanager`; throws `AlertmanagerError`. */
  async answer(
    fullPath: string,
    method: string,
    params: URLSearchParams,
    body: string,
  ): Promise<unknown> {
    const [cluster, path] = this.scopeOf(fullPath);
    if (cluster && this.model.has(cluster.name, 'alertmanager-down')) {
      throw new AlertmanagerError(503, 'no healthy upstream');
    }
    if (cluster && this.model.has(cluster.name, 'alertmanager-slow')) {
      await sleep(ALERTMANAGER_SLOW_MS);
    }
    const silences = this.silences(cluster);
    if (path === '/-/healthy' || path === '/-/ready') return 'OK';
    if (path === '/api/v2/status' && method === 'GET')
      return status(this.model, cluster);
    if (path === '/api/v2/alerts' && method === 'GET')
      return alerts(this.model, params, silences, cluster);
    if (path === '/api/v2/silences' && method === 'GET') {
      const matchers = params.getAll('filter').flatMap(f => parseMatchers(f));
      return silences.list(labels => matches(labels, matchers));
    }
    if (path === '/api/v2/silences' && method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new AlertmanagerError(400, 'parsing silence body failed');
      }
      return silences.upsert(parsed);
    }
    const one = /^\/api\/v2\/silence\/([^/]+)$/.exec(path);
    if (one && method === 'GET')
      return silences.get(decodeURIComponent(one[1]));
    if (one && method === 'DELETE') {
      silences.expire(decodeURIComponent(one[1]));
      return '';
    }
    throw new AlertmanagerError(404, {
      code: 404,
      message: `path ${path} was not found`,
    });
  }
}

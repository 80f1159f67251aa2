import { Config, ConfigReader } from '@backstage/config';
import { JsonObject, JsonValue } from '@backstage/types';
import { resolve } from 'node:path';
import { loadConfigSchema } from '@backstage/config-loader';
import {
  DEFAULT_APPLY_TEMPLATE,
  DEFAULT_CLAIM_TIMEOUT_MS,
  DEFAULT_CLUSTER_BUCKET,
  DEFAULT_ELASTALERT,
  DEFAULT_ERROR_LEVELS,
  DEFAULT_ES_OPTIONS,
  DEFAULT_LABELS,
  DEFAULT_PRICING,
  DEFAULT_RED_TEMPLATES,
  DEFAULT_THRESHOLDS,
  ObservabilityOptions,
  readObservabilityConfig,
} from './config';

const read = (observability: JsonObject = {}) =>
  readObservabilityConfig(new ConfigReader({ observability }));

const PEM = (what: string) =>
  `-----BEGIN CERTIFICATE-----\n${what}\n-----END CERTIFICATE-----\n`;

/** An upstream block that sets every key. */
const upstream = (name: string) => ({
  url: `https://${name}.example.com`,
  maxResponseBytes: 1024,
  tls: { ca: PEM(`${name}-ca`), cert: PEM(`${name}-cert`), key: 'key' },
  auth: {
    bearerToken: 'token',
    username: 'user',
    password: 'password',
    apiKey: 'a2V5',
  },
});

/** Sets every key that config.ts reads (each to something other than its default). */
const EVERY_KEY = {
  refresh: {
    frequency: { minutes: 1 },
    timeout: { seconds: 20 },
    initialDelay: { seconds: 1 },
  },
  historyRetention: { days: 7 },
  labels: {
    cluster: 'k8s_cluster',
    environment: 'env',
    replica: 'prom_replica',
  },
  thresholds: {
    shippingWarnSeconds: 1,
    shippingCriticalSeconds: 2,
    freshnessWarnSeconds: 3,
    freshnessCriticalSeconds: 4,
    certWarnDays: 5,
    certCriticalDays: 6,
    hotNodeHeapPercent: 7,
    hotNodeDiskWarnPercent: 8,
    hotNodeDiskCriticalPercent: 9,
    prometheusReplicas: 3,
    spanFreshnessWarnSeconds: 10,
    spanFreshnessCriticalSeconds: 11,
    elastalertWarnSeconds: 12,
    elastalertCriticalSeconds: 13,
    objstoreFailureWarnPercent: 14,
    objstoreFailureCriticalPercent: 15,
    argocdGraceSeconds: 16,
  },
  thanos: { ...upstream('thanos'), clusterBucket: 'metrics-{environment}' },
  elasticsearch: {
    ...upstream('elasticsearch'),
    logIndexPattern: 'app-logs-*',
    spanIndexPattern: 'spans-*',
    spanClusterField: 'process.tag.k8s',
    logTimeField: 'ts',
    spanTimeField: 'startTime',
    allowedIndexPatterns: ['app-logs-*', 'audit-*'],
  },
  jaeger: upstream('jaeger'),
  alertmanager: {
    ...upstream('alertmanager'),
    watchdogAlertName: 'Heartbeat',
    urlTemplate: 'https://alertmanager.{cluster}.example.com',
    clusters: { 'ops-01': 'https://alertmanager.ops.example.com' },
  },
  alerts: { silenceMaxDuration: { hours: 12 } },
  kibana: upstream('kibana'),
  grafana: upstream('grafana'),
  argocd: {
    ...upstream('argocd'),
    urlTemplate: 'https://argocd.{cluster}.example.com',
    clusters: { 'ops-01': 'https://argocd.ops.example.com' },
    uiUrl: 'https://argocd-ui.{cluster}.example.com',
    selector: 'team=ops',
    clusterLabel: 'k8s-cluster',
  },
  elastalert: { writebackIndex: 'ea_writeback', ruleNamePrefix: '{cluster}:' },
  kubernetes: { timeout: { seconds: 3 }, maxResponseBytes: 2048 },
  ui: {
    grafanaUrl: 'https://grafana.example.com',
    grafanaDatasource: 'thanos',
    kibanaUrl: 'https://kibana.example.com',
    jaegerUrl: 'https://jaeger.example.com',
  },
  signals: {
    cacheTtl: { seconds: 5 },
    maxRange: { days: 1 },
    maxPoints: 60,
    metrics: {
      serviceLabel: 'app',
      rate: 'rate($selector)',
      errorRatio: 'errors($selector)',
      p99: 'p99($selector)',
      grafanaDashboardUid: 'red',
    },
    logs: {
      serviceField: 'svc',
      levelField: 'level',
      traceIdField: 'trace',
      messageField: 'msg',
      timestampField: 'time',
      errorLevels: ['E'],
      sampleSize: 5,
    },
    traces: { limit: 10, clusterTag: 'k8s.cluster' },
  },
  gitops: {
    repoUrl: 'https://github.com/acme/gitops',
    valuesPath: 'values',
    baseBranch: 'trunk',
    readTimeout: { seconds: 4 },
    promotionSoak: { minutes: 5 },
  },
  retention: {
    applyTemplate: 'template:platform/retention',
    applyPollInterval: { seconds: 2 },
    applyClaimTimeout: { seconds: 30 },
    pricing: {
      currency: 'EUR',
      objectStorageGbMonth: 1,
      esHotGbMonth: 2,
      esWarmGbMonth: 3,
      bytesPerSample: 4,
    },
    bounds: { prod: { logs: { minDays: 30, maxDays: 365 } } },
  },
  clusters: [{ name: 'prod-01', environment: 'prod' }],
};

describe('readObservabilityConfig', () => {
  it('fills in every default from an empty config', () => {
    expect(read()).toEqual<ObservabilityOptions>({
      refresh: {
        frequency: { seconds: 30 },
        frequencyMs: 30_000,
        timeoutMs: 10_000,
        initialDelay: { seconds: 5 },
        historyRetentionMs: 30 * 24 * 3600_000,
      },
      clusters: [],
      checks: {
        labels: DEFAULT_LABELS,
        thresholds: DEFAULT_THRESHOLDS,
        elasticsearch: DEFAULT_ES_OPTIONS,
        ui: {},
        elastalert: DEFAULT_ELASTALERT,
        clusterBucket: DEFAULT_CLUSTER_BUCKET,
      },
      upstreams: {},
      kubernetes: { timeoutMs: 10_000, maxResponseBytes: 32 * 1024 * 1024 },
      signals: {
        cacheTtlMs: 15_000,
        maxRangeMs: 7 * 24 * 3600_000,
        maxPoints: 120,
        clusterLabel: 'cluster',
        metrics: { serviceLabel: 'service', templates: DEFAULT_RED_TEMPLATES },
        logs: {
          indexPattern: 'logs-*',
          allowedIndexPatterns: ['logs-*'],
          serviceField: 'service.name',
          levelField: 'log.level',
          traceIdField: 'trace.id',
          messageField: 'message',
          timestampField: '@timestamp',
          errorLevels: DEFAULT_ERROR_LEVELS,
          sampleSize: 20,
        },
        traces: { limit: 40, clusterTag: 'cluster' },
        ui: {},
      },
      gitops: {
        valuesPath: 'charts/app-of-apps',
        baseBranch: 'main',
        readTimeoutMs: 30_000,
        promotionSoakMs: 3600_000,
      },
      retention: {
        applyTemplate: DEFAULT_APPLY_TEMPLATE,
        applyPollInterval: { seconds: 10 },
        applyPollIntervalMs: 10_000,
        applyClaimTimeoutMs: DEFAULT_CLAIM_TIMEOUT_MS,
        pricing: DEFAULT_PRICING,
        bounds: {},
      },
      alerts: { silenceMaxMs: 7 * 24 * 3600_000 },
    });
    // The defaults the checks and the scaffolder module share.
    expect(DEFAULT_LABELS).toEqual({
      cluster: 'cluster',
      environment: 'environment',
      replica: 'replica',
    });
    expect(DEFAULT_ELASTALERT).toEqual({
      writebackIndex: 'elastalert_status',
      ruleNamePrefix: '{cluster}/',
    });
    expect(DEFAULT_CLUSTER_BUCKET).toBe('thanos-{cluster}');
    expect(DEFAULT_ES_OPTIONS).toEqual({
      logIndexPattern: 'logs-*',
      spanIndexPattern: 'jaeger-span-*',
      spanClusterField: 'process.tag.cluster',
      logTimeField: '@timestamp',
      spanTimeField: 'startTimeMillis',
    });
  });

  it('reads every key', () => {
    const options = read(EVERY_KEY);
    expect(options.refresh).toEqual({
      frequency: { minutes: 1 },
      frequencyMs: 60_000,
      timeoutMs: 20_000,
      initialDelay: { seconds: 1 },
      historyRetentionMs: 7 * 24 * 3600_000,
    });
    expect(options.clusters).toEqual([
      { name: 'prod-01', environment: 'prod', sources: ['config'] },
    ]);
    expect(options.checks).toEqual({
      labels: EVERY_KEY.labels,
      thresholds: EVERY_KEY.thresholds,
      elasticsearch: {
        logIndexPattern: 'app-logs-*',
        spanIndexPattern: 'spans-*',
        spanClusterField: 'process.tag.k8s',
        logTimeField: 'ts',
        spanTimeField: 'startTime',
      },
      ui: EVERY_KEY.ui,
      watchdogAlertName: 'Heartbeat',
      elastalert: EVERY_KEY.elastalert,
      clusterBucket: 'metrics-{environment}',
    });
    for (const name of [
      'thanos',
      'elasticsearch',
      'jaeger',
      'alertmanager',
      'kibana',
      'grafana',
    ] as const) {
      const { url, maxResponseBytes, tls, auth } = EVERY_KEY[name];
      expect(options.upstreams[name]).toEqual({
        url,
        maxResponseBytes,
        tls,
        auth,
        ...(name === 'alertmanager'
          ? {
              urlTemplate: EVERY_KEY.alertmanager.urlTemplate,
              clusterUrls: EVERY_KEY.alertmanager.clusters,
            }
          : {}),
      });
    }
    expect(options.alerts).toEqual({ silenceMaxMs: 12 * 3600_000 });
    expect(options.kubernetes).toEqual({
      timeoutMs: 3000,
      maxResponseBytes: 2048,
    });
    expect(options.signals).toEqual({
      cacheTtlMs: 5000,
      maxRangeMs: 24 * 3600_000,
      maxPoints: 60,
      clusterLabel: 'k8s_cluster',
      metrics: {
        serviceLabel: 'app',
        templates: {
          rate: 'rate($selector)',
          errorRatio: 'errors($selector)',
          p99: 'p99($selector)',
        },
        grafanaDashboardUid: 'red',
      },
      logs: {
        indexPattern: 'app-logs-*',
        allowedIndexPatterns: ['app-logs-*', 'audit-*'],
        serviceField: 'svc',
        levelField: 'level',
        traceIdField: 'trace',
        messageField: 'msg',
        timestampField: 'time',
        errorLevels: ['E'],
        sampleSize: 5,
      },
      traces: { limit: 10, clusterTag: 'k8s.cluster' },
      ui: EVERY_KEY.ui,
    });
    expect(options.gitops).toEqual({
      repoUrl: 'https://github.com/acme/gitops',
      valuesPath: 'values',
      baseBranch: 'trunk',
      readTimeoutMs: 4000,
      promotionSoakMs: 300_000,
    });
    expect(options.retention).toEqual({
      applyTemplate: 'template:platform/retention',
      applyPollInterval: { seconds: 2 },
      applyPollIntervalMs: 2000,
      applyClaimTimeoutMs: 30_000,
      pricing: EVERY_KEY.retention.pricing,
      bounds: { prod: { logs: { minDays: 30, maxDays: 365 } } },
    });
  });

  it('reads configured clusters and rejects a bad name naming its index', () => {
    expect(
      read({ clusters: [{ name: 'dev-01', environment: 'dev' }] }).clusters,
    ).toEqual([{ name: 'dev-01', environment: 'dev', sources: ['config'] }]);
    expect(read({ clusters: [{ name: 'ops-01' }] }).clusters).toEqual([
      { name: 'ops-01', environment: 'unknown', sources: ['config'] },
    ]);
    expect(() =>
      read({ clusters: [{ name: 'ok-01' }, { name: 'BAD name' }] }),
    ).toThrow(/observability\.clusters\[1\]\.name/);
  });

  it('reads prices from config with defaults', () => {
    expect(
      read({ retention: { pricing: { currency: 'EUR', esHotGbMonth: 0.2 } } })
        .retention.pricing,
    ).toEqual({ ...DEFAULT_PRICING, currency: 'EUR', esHotGbMonth: 0.2 });
  });

  it('takes durations as objects, ms strings or ISO 8601', () => {
    const { refresh, gitops } = read({
      refresh: { frequency: '2m', timeout: 'PT15S' },
      gitops: { readTimeout: { minutes: 1, seconds: 5 } },
    });
    expect(refresh.frequencyMs).toBe(120_000);
    expect(refresh.timeoutMs).toBe(15_000);
    expect(gitops.readTimeoutMs).toBe(65_000);
  });

  it('times the Kubernetes call out after refresh.timeout unless kubernetes.timeout is set', () => {
    expect(read({ refresh: { timeout: { seconds: 4 } } }).kubernetes).toEqual({
      timeoutMs: 4000,
      maxResponseBytes: 32 * 1024 * 1024,
    });
    expect(
      read({
        refresh: { timeout: { seconds: 4 } },
        kubernetes: { timeout: { seconds: 2 } },
      }).kubernetes.timeoutMs,
    ).toBe(2000);
  });

  it('builds the signals on the shared labels and Elasticsearch fields', () => {
    const { signals, checks } = read({
      labels: { cluster: 'k8s' },
      elasticsearch: { logIndexPattern: 'app-logs-*' },
    });
    expect(signals.clusterLabel).toBe('k8s');
    expect(checks.labels.cluster).toBe('k8s');
    expect(signals.logs).toMatchObject({
      indexPattern: 'app-logs-*',
      allowedIndexPatterns: ['app-logs-*'],
    });
  });

  it.each<[string, JsonObject, RegExp]>([
    [
      'a template without $selector',
      { signals: { metrics: { rate: 'sum(rate(x[5m]))' } } },
      /observability\.signals\.metrics\.rate must contain \$selector/,
    ],
    [
      'maxPoints out of range',
      { signals: { maxPoints: 0 } },
      /observability\.signals\.maxPoints must be an integer from 1 to 11000/,
    ],
    [
      'a sample size that is not an integer',
      { signals: { logs: { sampleSize: 2.5 } } },
      /observability\.signals\.logs\.sampleSize must be an integer from 1 to 200/,
    ],
    [
      'a cluster label that is not a Prometheus label name',
      { labels: { cluster: 'k8s-cluster' } },
      /invalid Prometheus cluster label "k8s-cluster"/,
    ],
    [
      'a Kubernetes answer cap that is not a positive integer',
      { kubernetes: { maxResponseBytes: -1 } },
      /observability\.kubernetes\.maxResponseBytes must be a positive integer/,
    ],
    [
      'an allowed index pattern that is a list',
      { elasticsearch: { allowedIndexPatterns: ['logs-*,audit-*'] } },
      /observability\.elasticsearch\.allowedIndexPatterns: "logs-\*,audit-\*"/,
    ],
    [
      'a log index pattern with an exclusion',
      { elasticsearch: { logIndexPattern: 'logs-*,-logs-secret' } },
      /observability\.elasticsearch\.logIndexPattern: log index pattern "logs-\*,-logs-secret" must be a single pattern/,
    ],
    [
      'a log index pattern that cannot name a cluster (logs-<cluster>-*)',
      { elasticsearch: { logIndexPattern: 'logs' } },
      /observability\.elasticsearch\.logIndexPattern: .*must be a single pattern ending in its only "\*"/,
    ],
    [
      'a bucket template without the cluster',
      { thanos: { clusterBucket: 'thanos-metrics' } },
      /observability\.thanos\.clusterBucket must contain \{cluster\} or \{environment\}/,
    ],
    [
      'a rule name prefix without the cluster',
      { elastalert: { ruleNamePrefix: 'rules/' } },
      /observability\.elastalert\.ruleNamePrefix must contain \{cluster\}/,
    ],
    [
      'a writeback index that is not an index name',
      { elastalert: { writebackIndex: '../_all' } },
      /observability\.elastalert\.writebackIndex must be an index name/,
    ],
    [
      'a duration that is not one',
      { refresh: { frequency: 'soon' } },
      /observability\.refresh\.frequency/,
    ],
  ])('refuses %s, naming the key', (_, observability, message) => {
    expect(() => read(observability)).toThrow(message);
  });
});

// ---------------------------------------------------------------------------
// config.d.ts declares every key config.ts reads

/** Units of a HumanDuration, which `readDurationFromConfig` asks an object duration for. */
const DURATION_UNITS = [
  'years',
  'months',
  'weeks',
  'days',
  'hours',
  'minutes',
  'seconds',
  'milliseconds',
];

/** Wraps `config` so that every key read through it (and its sub-configs) is recorded. */
function recording(config: Config, keys: Set<string>, prefix = ''): Config {
  const isConfig = (value: unknown): value is Config =>
    typeof value === 'object' && value !== null && 'getOptionalString' in value;
  return new Proxy(config, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        const result = member.apply(target, args);
        if (typeof args[0] !== 'string') return result;
        const key = `${prefix}${args[0]}`;
        keys.add(key);
        if (isConfig(result)) return recording(result, keys, `${key}.`);
        if (Array.isArray(result)) {
          return result.map((item, i) =>
            isConfig(item) ? recording(item, keys, `${key}[${i}].`) : item,
          );
        }
        return result;
      };
    },
  });
}

/** The value at a recorded key (`a.b[0].c`) of `data`, if it is set. */
function valueAt(data: JsonValue, key: string): JsonValue | undefined {
  let value: JsonValue | undefined = data;
  for (const part of key.split(/\.|\[(\d+)\]\.?/).filter(Boolean)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, JsonValue>)[part];
  }
  return value;
}

describe('config.d.ts', () => {
  it('declares every key that config.ts reads', async () => {
    const data = { observability: EVERY_KEY };
    const keys = new Set<string>();
    readObservabilityConfig(recording(new ConfigReader(data), keys));

    // Every key read is set in EVERY_KEY (an object duration is asked for each unit).
    const unset = [...keys].filter(
      key =>
        valueAt(data, key) === undefined &&
        !(
          DURATION_UNITS.includes(key.slice(key.lastIndexOf('.') + 1)) &&
          typeof valueAt(data, key.slice(0, key.lastIndexOf('.'))) === 'object'
        ),
    );
    expect(unset).toEqual([]);
    expect(keys).toContain('observability.labels.replica');
    expect(keys).toContain('observability.alertmanager.watchdogAlertName');

    // ... and EVERY_KEY is valid against this package's config.d.ts alone, with
    // undeclared keys refused (`config:check --strict`).
    const schema = await loadConfigSchema({
      dependencies: [],
      packagePaths: [resolve(__dirname, '../package.json')],
      excludePackageDependencies: true,
      noUndeclaredProperties: true,
    });
    expect(() =>
      schema.process([{ data, context: 'EVERY_KEY' }]),
    ).not.toThrow();

    // The check itself: an undeclared key is refused.
    expect(() =>
      schema.process([
        {
          data: { observability: { thresholds: { notAThreshold: 1 } } },
          context: 'test',
        },
      ]),
    ).toThrow(/additionalProperty=notAThreshold/);
  });
});

import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  DEFAULT_CLUSTER_LABELS,
  logIndexPrefix,
  RetentionBounds,
  singleIndexPatternProblem,
} from '@fleetobs/plugin-observability-common';
import type { ElastAlertSettings, EsCheckSettings } from './checks/defineCheck';
import { assertLabelName } from './checks/promql';
import type { CheckLabels, CheckThresholds, UiLinks } from './checks/types';
import { FleetCluster, isValidClusterName } from './lib/clusters';
import type { RetentionPricing } from './retention/costEstimate';
import type { UpstreamAuth, UpstreamTls } from './upstream/httpJson';
import {
  ArgoCdOptions,
  DEFAULT_ARGOCD_CLUSTER_LABEL,
  DEFAULT_ARGOCD_SELECTOR,
} from './upstream/ArgoCdClient';
import { UPSTREAM_NAMES } from './upstream/createUpstreamClients';
import { DEFAULT_MAX_RESPONSE_BYTES } from './upstream/readCappedBody';
import type { UpstreamName } from './upstream/UpstreamError';

// Every `observability.*` key this plugin reads is read here, once, at start-up, into
// the typed options below; every default is here too. The rest of the plugin takes
// these options and never sees `Config`. Each key is declared in ../config.d.ts
// (config.test.ts checks both).

// ---------------------------------------------------------------------------
// defaults

/** Label names of the checks (`observability.labels`). */
export const DEFAULT_LABELS: CheckLabels = {
  ...DEFAULT_CLUSTER_LABELS,
  replica: 'replica',
};

/** Thresholds of the checks (`observability.thresholds`). */
export const DEFAULT_THRESHOLDS: CheckThresholds = {
  shippingWarnSeconds: 7200,
  shippingCriticalSeconds: 14400,
  freshnessWarnSeconds: 300,
  freshnessCriticalSeconds: 900,
  // Spans are sampled: a quiet cluster records one every few minutes (README).
  spanFreshnessWarnSeconds: 1800,
  spanFreshnessCriticalSeconds: 7200,
  // 3 and 12 runs of ElastAlert2's usual 5-minute run_every.
  elastalertWarnSeconds: 900,
  elastalertCriticalSeconds: 3600,
  objstoreFailureWarnPercent: 1,
  objstoreFailureCriticalPercent: 50,
  certWarnDays: 21,
  certCriticalDays: 7,
  // An auto-synced application syncs within minutes; a rollout takes a few more.
  argocdGraceSeconds: 900,
  hotNodeHeapPercent: 85,
  hotNodeDiskWarnPercent: 85,
  hotNodeDiskCriticalPercent: 95,
  prometheusReplicas: 2,
};

/** Index patterns and fields in Elasticsearch (`observability.elasticsearch`). */
export const DEFAULT_ES_OPTIONS: EsCheckSettings = {
  logIndexPattern: 'logs-*',
  spanIndexPattern: 'jaeger-span-*',
  spanClusterField: 'process.tag.cluster',
  logTimeField: '@timestamp',
  // Jaeger's ES span mapping.
  spanTimeField: 'startTimeMillis',
};

/** ElastAlert2's writeback index and how its rules name their cluster (`observability.elastalert`). */
export const DEFAULT_ELASTALERT: ElastAlertSettings = {
  writebackIndex: 'elastalert_status',
  ruleNamePrefix: '{cluster}/',
};

/** The Thanos bucket each cluster's sidecars must write to (`observability.thanos.clusterBucket`). */
export const DEFAULT_CLUSTER_BUCKET = 'thanos-{cluster}';

/** Default PromQL of the RED measures (Micrometer / OpenTelemetry HTTP server metrics). */
export const DEFAULT_RED_TEMPLATES = {
  rate: 'sum by ($cluster) (rate(http_server_requests_seconds_count{$selector}[$window]))',
  errorRatio:
    'sum by ($cluster) (rate(http_server_requests_seconds_count{$selector, status=~"5.."}[$window]))' +
    ' / sum by ($cluster) (rate(http_server_requests_seconds_count{$selector}[$window]))',
  p99: 'histogram_quantile(0.99, sum by ($cluster, le) (rate(http_server_requests_seconds_bucket{$selector}[$window])))',
};

export const DEFAULT_ERROR_LEVELS = [
  'error',
  'ERROR',
  'fatal',
  'FATAL',
  'critical',
  'CRITICAL',
];

/** The template that applies an approved change, unless config names another. */
export const DEFAULT_APPLY_TEMPLATE = 'template:default/apply-retention-change';

/** Long enough for a start (the applier's own timeout is 15 s) and its recording. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 60_000;

/** Prices of the cost estimate (`observability.retention.pricing`). */
export const DEFAULT_PRICING: RetentionPricing = {
  currency: 'USD',
  objectStorageGbMonth: 0.02,
  esHotGbMonth: 0.1,
  esWarmGbMonth: 0.05,
  bytesPerSample: 1.5,
};

/** Folder of `values.<cluster>.yaml` in the GitOps repository. */
export const DEFAULT_VALUES_PATH = 'charts/app-of-apps';

const DEFAULTS = {
  refreshFrequency: { seconds: 30 },
  refreshTimeout: { seconds: 10 },
  refreshInitialDelay: { seconds: 5 },
  historyRetention: { days: 30 },
  applyPollInterval: { seconds: 10 },
  gitopsReadTimeout: { seconds: 30 },
  gitopsBaseBranch: 'main',
  promotionSoak: { hours: 1 },
  signalsCacheTtl: { seconds: 15 },
  signalsMaxRange: { days: 7 },
  alertsSilenceMax: { days: 7 },
} satisfies Record<string, HumanDuration | string>;

// ---------------------------------------------------------------------------
// options

/** `observability.refresh` and `observability.historyRetention`. */
export interface RefreshOptions {
  /** How often the fleet health is refreshed. */
  frequency: HumanDuration;
  frequencyMs: number;
  /** Timeout of one upstream request. */
  timeoutMs: number;
  /** Wait before the first scheduled refresh. */
  initialDelay: HumanDuration;
  /** How long health transitions are kept. */
  historyRetentionMs: number;
}

/** What the checks are configured with (labels, thresholds, fields, links), defaults applied. */
export interface CheckSettings {
  labels: CheckLabels;
  thresholds: CheckThresholds;
  elasticsearch: EsCheckSettings;
  ui: UiLinks;
  /** Heartbeat alert of `alert-routing`; unset means the check's default (`Watchdog`). */
  watchdogAlertName?: string;
  elastalert: ElastAlertSettings;
  /** Bucket template of `bucket-prefix` (`{cluster}`, `{environment}`). */
  clusterBucket: string;
}

/** One upstream block (`observability.<upstream>`). */
export interface UpstreamOptions {
  /** Base URL; an upstream without one has no client (its checks say so). */
  url?: string;
  /** Largest answer read; unset means the transport's default (32 MiB). */
  maxResponseBytes?: number;
  tls?: UpstreamTls;
  auth?: UpstreamAuth;
}

/**
 * `observability.alertmanager`: besides `url` (one Alertmanager for every cluster),
 * one Alertmanager per cluster by `urlTemplate` (`{cluster}`) or `clusters` (a URL
 * per cluster name); a cluster's own entry wins over the template, the template over
 * `url`.
 */
export interface AlertmanagerOptions extends UpstreamOptions {
  urlTemplate?: string;
  clusterUrls?: Record<string, string>;
}

/** The upstream blocks that config has. */
export type UpstreamsOptions = Partial<
  Record<UpstreamName, UpstreamOptions>
> & {
  alertmanager?: AlertmanagerOptions;
  argocd?: ArgoCdOptions;
};

/** `observability.alerts`: firing alerts and silences. */
export interface AlertsOptions {
  /** Longest silence the portal creates. */
  silenceMaxMs: number;
}

/** `observability.kubernetes`: the Kubernetes back end call's timeout and answer cap. */
export interface KubernetesCallOptions {
  timeoutMs: number;
  maxResponseBytes: number;
}

/** The `observability.signals` block (and the shared keys it builds on), defaults applied. */
export interface SignalsConfig {
  cacheTtlMs: number;
  maxRangeMs: number;
  maxPoints: number;
  clusterLabel: string;
  metrics: {
    serviceLabel: string;
    templates: { rate: string; errorRatio: string; p99: string };
    grafanaDashboardUid?: string;
  };
  logs: {
    indexPattern: string;
    /**
     * What `observability.fleetobs.io/kibana-index-pattern` may choose: one of these or
     * a narrower pattern (`observability.elasticsearch.allowedIndexPatterns`, default
     * the parts of `indexPattern`).
     */
    allowedIndexPatterns: string[];
    serviceField: string;
    levelField: string;
    traceIdField: string;
    messageField: string;
    timestampField: string;
    errorLevels: string[];
    sampleSize: number;
  };
  traces: { limit: number; clusterTag: string };
  ui: UiLinks;
}

/** `observability.gitops`: where the effective retention is read from. */
export interface GitopsOptions {
  /** Web URL of the repository, read with the UrlReader at `baseBranch`. */
  repoUrl?: string;
  valuesPath: string;
  baseBranch: string;
  /** Longest wait for one values file read. */
  readTimeoutMs: number;
  /** How long the previous environment must have been `ok` before a promotion. */
  promotionSoakMs: number;
}

/** Bounds by environment and signal, as configured. */
export type RetentionBoundsTable = Record<
  string,
  Record<string, RetentionBounds>
>;

/** `observability.retention`. */
export interface RetentionOptions {
  applyTemplate: string;
  applyPollInterval: HumanDuration;
  applyPollIntervalMs: number;
  applyClaimTimeoutMs: number;
  pricing: RetentionPricing;
  bounds: RetentionBoundsTable;
}

/** Everything this plugin reads from `observability.*`, defaults applied. */
export interface ObservabilityOptions {
  refresh: RefreshOptions;
  /** Clusters from config (`observability.clusters`), validated. */
  clusters: FleetCluster[];
  checks: CheckSettings;
  upstreams: UpstreamsOptions;
  kubernetes: KubernetesCallOptions;
  signals: SignalsConfig;
  gitops: GitopsOptions;
  retention: RetentionOptions;
  alerts: AlertsOptions;
}

// ---------------------------------------------------------------------------
// readers

const O = 'observability';

function durationMs(config: Config, key: string, fallback: HumanDuration) {
  return durationToMilliseconds(duration(config, key, fallback));
}

function duration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  return config.has(key) ? readDurationFromConfig(config, { key }) : fallback;
}

function positiveInt(
  config: Config,
  key: string,
  fallback: number,
  max: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${key} must be an integer from 1 to ${max}`);
  }
  return value;
}

function readRefresh(config: Config): RefreshOptions {
  const frequency = duration(
    config,
    `${O}.refresh.frequency`,
    DEFAULTS.refreshFrequency,
  );
  return {
    frequency,
    frequencyMs: durationToMilliseconds(frequency),
    timeoutMs: durationMs(
      config,
      `${O}.refresh.timeout`,
      DEFAULTS.refreshTimeout,
    ),
    initialDelay: duration(
      config,
      `${O}.refresh.initialDelay`,
      DEFAULTS.refreshInitialDelay,
    ),
    historyRetentionMs: durationMs(
      config,
      `${O}.historyRetention`,
      DEFAULTS.historyRetention,
    ),
  };
}

/** Reads `observability.clusters`, rejecting bad names at start-up. */
function readClusters(config: Config): FleetCluster[] {
  const entries = config.getOptionalConfigArray(`${O}.clusters`) ?? [];
  return entries.map((entry, index) => {
    const name = entry.getString('name');
    if (!isValidClusterName(name)) {
      throw new InputError(
        `${O}.clusters[${index}].name "${name}" is not a valid cluster name (lowercase letters, digits and dashes)`,
      );
    }
    return {
      name,
      environment: entry.getOptionalString('environment') ?? 'unknown',
      sources: ['config'],
    };
  });
}

function readDefaulted<T extends object, V>(
  defaults: T,
  read: (key: keyof T & string) => V | undefined,
): T {
  return Object.fromEntries(
    Object.entries(defaults).map(([key, fallback]) => [
      key,
      read(key as keyof T & string) ?? fallback,
    ]),
  ) as T;
}

function readUi(config: Config): UiLinks {
  return {
    grafanaUrl: config.getOptionalString(`${O}.ui.grafanaUrl`),
    grafanaDatasource: config.getOptionalString(`${O}.ui.grafanaDatasource`),
    kibanaUrl: config.getOptionalString(`${O}.ui.kibanaUrl`),
    jaegerUrl: config.getOptionalString(`${O}.ui.jaegerUrl`),
  };
}

function readChecks(config: Config): CheckSettings {
  return {
    // Label names are checked where they reach PromQL (runFleetChecks, signals).
    labels: readDefaulted(DEFAULT_LABELS, k =>
      config.getOptionalString(`${O}.labels.${k}`),
    ),
    thresholds: readDefaulted(DEFAULT_THRESHOLDS, k =>
      config.getOptionalNumber(`${O}.thresholds.${k}`),
    ),
    elasticsearch: readEsOptions(config),
    ui: readUi(config),
    watchdogAlertName: config.getOptionalString(
      `${O}.alertmanager.watchdogAlertName`,
    ),
    elastalert: readElastAlert(config),
    clusterBucket: clusterTemplate(
      config,
      `${O}.thanos.clusterBucket`,
      DEFAULT_CLUSTER_BUCKET,
    ),
  };
}

function readEsOptions(config: Config): EsCheckSettings {
  const options = readDefaulted(DEFAULT_ES_OPTIONS, k =>
    config.getOptionalString(`${O}.elasticsearch.${k}`),
  );
  try {
    // A cluster's logs are `<prefix><cluster>-*`: the pattern must name that prefix.
    logIndexPrefix(options.logIndexPattern);
  } catch (error) {
    throw new Error(
      `${O}.elasticsearch.logIndexPattern: ${(error as Error).message}`,
    );
  }
  return options;
}

/** A name template with `{cluster}` (and optionally `{environment}`). */
function clusterTemplate(config: Config, key: string, fallback: string) {
  const value = config.getOptionalString(key) ?? fallback;
  if (!value.includes('{cluster}') && !value.includes('{environment}')) {
    throw new Error(`${key} must contain {cluster} or {environment}`);
  }
  return value;
}

function readElastAlert(config: Config): ElastAlertSettings {
  const e = `${O}.elastalert`;
  const writebackIndex =
    config.getOptionalString(`${e}.writebackIndex`) ??
    DEFAULT_ELASTALERT.writebackIndex;
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(writebackIndex)) {
    throw new Error(`${e}.writebackIndex must be an index name`);
  }
  const ruleNamePrefix =
    config.getOptionalString(`${e}.ruleNamePrefix`) ??
    DEFAULT_ELASTALERT.ruleNamePrefix;
  if (!ruleNamePrefix.includes('{cluster}')) {
    throw new Error(`${e}.ruleNamePrefix must contain {cluster}`);
  }
  return { writebackIndex, ruleNamePrefix };
}

function readUpstreams(config: Config): UpstreamsOptions {
  const out: UpstreamsOptions = {};
  for (const name of UPSTREAM_NAMES) {
    const block = config.getOptionalConfig(`${O}.${name}`);
    if (!block) continue;
    const tls = block.getOptionalConfig('tls');
    const auth = block.getOptionalConfig('auth');
    out[name] = {
      url: block.getOptionalString('url'),
      maxResponseBytes: block.getOptionalNumber('maxResponseBytes'),
      tls: tls && {
        ca: tls.getOptionalString('ca'),
        cert: tls.getOptionalString('cert'),
        key: tls.getOptionalString('key'),
      },
      auth: auth && {
        bearerToken: auth.getOptionalString('bearerToken'),
        username: auth.getOptionalString('username'),
        password: auth.getOptionalString('password'),
        apiKey: auth.getOptionalString('apiKey'),
      },
    };
  }
  if (out.alertmanager) {
    Object.assign(out.alertmanager, readAlertmanagerTargets(config));
  }
  if (out.argocd) {
    Object.assign(out.argocd, readArgoCdTargets(config));
  }
  return out;
}

/** `observability.argocd` beyond the common upstream keys, checked at start-up. */
function readArgoCdTargets(config: Config): Omit<ArgoCdOptions, 'url'> {
  const a = `${O}.argocd`;
  const httpUrl = (key: string, url: string) => {
    if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
      throw new Error(`${key} must be an http(s) URL`);
    }
    return url;
  };
  const urlTemplate = config.getOptionalString(`${a}.urlTemplate`);
  if (urlTemplate !== undefined) {
    if (!urlTemplate.includes('{cluster}')) {
      throw new Error(`${a}.urlTemplate must contain {cluster}`);
    }
    httpUrl(`${a}.urlTemplate`, urlTemplate.split('{cluster}').join('x'));
  }
  const map = config.getOptionalConfig(`${a}.clusters`);
  const clusterUrls: Record<string, string> = {};
  for (const name of map?.keys() ?? []) {
    if (!isValidClusterName(name)) {
      throw new InputError(`${a}.clusters: "${name}" is not a cluster name`);
    }
    clusterUrls[name] = httpUrl(`${a}.clusters.${name}`, map!.getString(name));
  }
  const uiUrl = config.getOptionalString(`${a}.uiUrl`);
  if (uiUrl) httpUrl(`${a}.uiUrl`, uiUrl.split('{cluster}').join('x'));
  return {
    urlTemplate,
    ...(map ? { clusterUrls } : {}),
    uiUrl,
    selector:
      config.getOptionalString(`${a}.selector`) ?? DEFAULT_ARGOCD_SELECTOR,
    clusterLabel:
      config.getOptionalString(`${a}.clusterLabel`) ??
      DEFAULT_ARGOCD_CLUSTER_LABEL,
  };
}

/** The per-cluster Alertmanager URLs, checked at start-up. */
function readAlertmanagerTargets(
  config: Config,
): Pick<AlertmanagerOptions, 'urlTemplate' | 'clusterUrls'> {
  const a = `${O}.alertmanager`;
  const urlTemplate = config.getOptionalString(`${a}.urlTemplate`);
  if (urlTemplate !== undefined && !urlTemplate.includes('{cluster}')) {
    throw new Error(`${a}.urlTemplate must contain {cluster}`);
  }
  const httpUrl = (key: string, url: string) => {
    if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
      throw new Error(`${key} must be an http(s) URL`);
    }
  };
  if (urlTemplate) {
    httpUrl(`${a}.urlTemplate`, urlTemplate.split('{cluster}').join('x'));
  }
  const map = config.getOptionalConfig(`${a}.clusters`);
  const clusterUrls: Record<string, string> = {};
  for (const name of map?.keys() ?? []) {
    if (!isValidClusterName(name)) {
      throw new InputError(`${a}.clusters: "${name}" is not a cluster name`);
    }
    clusterUrls[name] = map!.getString(name);
    httpUrl(`${a}.clusters.${name}`, clusterUrls[name]);
  }
  return { urlTemplate, ...(map ? { clusterUrls } : {}) };
}

function readAlerts(config: Config): AlertsOptions {
  return {
    silenceMaxMs: durationMs(
      config,
      `${O}.alerts.silenceMaxDuration`,
      DEFAULTS.alertsSilenceMax,
    ),
  };
}

function readKubernetesCall(config: Config): KubernetesCallOptions {
  const key = (name: string) => `${O}.kubernetes.${name}`;
  // Default: the upstream timeout.
  const timeoutKey = config.has(key('timeout'))
    ? key('timeout')
    : `${O}.refresh.timeout`;
  const timeoutMs = durationMs(config, timeoutKey, DEFAULTS.refreshTimeout);
  const maxResponseBytes =
    config.getOptionalNumber(key('maxResponseBytes')) ??
    DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) {
    throw new Error(`${key('maxResponseBytes')} must be a positive integer`);
  }
  return { timeoutMs, maxResponseBytes };
}

function template(config: Config, name: keyof typeof DEFAULT_RED_TEMPLATES) {
  const key = `${O}.signals.metrics.${name}`;
  const value = config.getOptionalString(key) ?? DEFAULT_RED_TEMPLATES[name];
  if (!value.includes('$selector')) {
    // Without it the query would not be scoped to the service.
    throw new Error(`${key} must contain $selector`);
  }
  return value;
}

export const ALLOWED_INDEX_PATTERNS_KEY = `${O}.elasticsearch.allowedIndexPatterns`;

function allowedIndexPatterns(config: Config, indexPattern: string): string[] {
  const configured = config.getOptionalStringArray(ALLOWED_INDEX_PATTERNS_KEY);
  const patterns = configured ?? indexPattern.split(',').map(p => p.trim());
  if (patterns.length === 0) {
    throw new Error(
      `${ALLOWED_INDEX_PATTERNS_KEY} must name at least one index pattern`,
    );
  }
  for (const pattern of patterns) {
    const problem = singleIndexPatternProblem(pattern);
    if (problem) {
      throw new Error(
        `${
          configured
            ? ALLOWED_INDEX_PATTERNS_KEY
            : `${O}.elasticsearch.logIndexPattern`
        }: "${pattern}" ${problem}`,
      );
    }
  }
  return patterns;
}

function readSignals(config: Config, checks: CheckSettings): SignalsConfig {
  const s = `${O}.signals`;
  const { logIndexPattern: indexPattern } = checks.elasticsearch;
  return {
    cacheTtlMs: durationMs(config, `${s}.cacheTtl`, DEFAULTS.signalsCacheTtl),
    maxRangeMs: durationMs(config, `${s}.maxRange`, DEFAULTS.signalsMaxRange),
    maxPoints: positiveInt(config, `${s}.maxPoints`, 120, 11000),
    clusterLabel: assertLabelName(checks.labels.cluster, 'cluster label'),
    metrics: {
      serviceLabel: assertLabelName(
        config.getOptionalString(`${s}.metrics.serviceLabel`) ?? 'service',
        'service label',
      ),
      templates: {
        rate: template(config, 'rate'),
        errorRatio: template(config, 'errorRatio'),
        p99: template(config, 'p99'),
      },
      grafanaDashboardUid: config.getOptionalString(
        `${s}.metrics.grafanaDashboardUid`,
      ),
    },
    logs: {
      indexPattern,
      allowedIndexPatterns: allowedIndexPatterns(config, indexPattern),
      serviceField:
        config.getOptionalString(`${s}.logs.serviceField`) ?? 'service.name',
      levelField:
        config.getOptionalString(`${s}.logs.levelField`) ?? 'log.level',
      traceIdField:
        config.getOptionalString(`${s}.logs.traceIdField`) ?? 'trace.id',
      messageField:
        config.getOptionalString(`${s}.logs.messageField`) ?? 'message',
      timestampField:
        config.getOptionalString(`${s}.logs.timestampField`) ?? '@timestamp',
      errorLevels:
        config.getOptionalStringArray(`${s}.logs.errorLevels`) ??
        DEFAULT_ERROR_LEVELS,
      sampleSize: positiveInt(config, `${s}.logs.sampleSize`, 20, 200),
    },
    traces: {
      limit: positiveInt(config, `${s}.traces.limit`, 40, 500),
      clusterTag:
        config.getOptionalString(`${s}.traces.clusterTag`) ?? 'cluster',
    },
    ui: checks.ui,
  };
}

function readGitops(config: Config): GitopsOptions {
  const g = `${O}.gitops`;
  return {
    repoUrl: config.getOptionalString(`${g}.repoUrl`),
    valuesPath:
      config.getOptionalString(`${g}.valuesPath`) ?? DEFAULT_VALUES_PATH,
    baseBranch:
      config.getOptionalString(`${g}.baseBranch`) ?? DEFAULTS.gitopsBaseBranch,
    // Every read is bounded: a Git host that stalls must not hold a request forever.
    readTimeoutMs: durationMs(
      config,
      `${g}.readTimeout`,
      DEFAULTS.gitopsReadTimeout,
    ),
    promotionSoakMs: durationMs(
      config,
      `${g}.promotionSoak`,
      DEFAULTS.promotionSoak,
    ),
  };
}

function readBounds(config: Config): RetentionBoundsTable {
  const bounds = config.getOptionalConfig(`${O}.retention.bounds`);
  const table: RetentionBoundsTable = {};
  for (const environment of bounds?.keys() ?? []) {
    const signals = bounds!.getConfig(environment);
    table[environment] = {};
    for (const signal of signals.keys()) {
      const b = signals.getConfig(signal);
      table[environment][signal] = {
        minDays: b.getOptionalNumber('minDays'),
        maxDays: b.getOptionalNumber('maxDays'),
      };
    }
  }
  return table;
}

function readRetention(config: Config): RetentionOptions {
  const r = `${O}.retention`;
  const applyPollInterval = duration(
    config,
    `${r}.applyPollInterval`,
    DEFAULTS.applyPollInterval,
  );
  return {
    applyTemplate:
      config.getOptionalString(`${r}.applyTemplate`) ?? DEFAULT_APPLY_TEMPLATE,
    applyPollInterval,
    applyPollIntervalMs: durationToMilliseconds(applyPollInterval),
    applyClaimTimeoutMs: durationMs(config, `${r}.applyClaimTimeout`, {
      milliseconds: DEFAULT_CLAIM_TIMEOUT_MS,
    }),
    pricing: readDefaulted(DEFAULT_PRICING, k =>
      k === 'currency'
        ? config.getOptionalString(`${r}.pricing.${k}`)
        : config.getOptionalNumber(`${r}.pricing.${k}`),
    ),
    bounds: readBounds(config),
  };
}

/**
 * Reads all of `observability.*` into typed options, with the defaults applied.
 * Throws on a value the plugin cannot work with, naming its key.
 */
export function readObservabilityConfig(config: Config): ObservabilityOptions {
  const checks = readChecks(config);
  return {
    refresh: readRefresh(config),
    clusters: readClusters(config),
    checks,
    upstreams: readUpstreams(config),
    kubernetes: readKubernetesCall(config),
    signals: readSignals(config, checks),
    gitops: readGitops(config),
    retention: readRetention(config),
    alerts: readAlerts(config),
  };
}

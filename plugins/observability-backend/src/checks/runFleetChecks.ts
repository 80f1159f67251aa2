import {
  CheckId,
  CheckResult,
  PlatformComponent,
  SignalName,
} from '@fleetobs/plugin-observability-common';
import { UpstreamClients } from '../upstream/createUpstreamClients';
import { describeError } from '../upstream/UpstreamError';
import { UpstreamTiming, withUpstreamTimings } from '../upstream/timings';
import { alertRoutingFilter, evaluateAlertRouting } from './alertRouting';
import {
  certExpiryQuery,
  evaluateClusterCertExpiry,
  evaluateConfiguredCertExpiry,
} from './certExpiry';
import { compactorQuery, evaluateCompactor } from './compactor';
import { evaluateEsClusterHealth } from './esClusterHealth';
import { externalLabelsQuery, evaluateExternalLabels } from './externalLabels';
import { evaluateFreshness, freshnessSearchBody } from './freshness';
import {
  evaluateGlobalQueryPlatform,
  evaluateGlobalQueryStores,
} from './globalQueryStore';
import { evaluateIlm, ILM_FILTER_PATH } from './ilm';
import { evaluateJaegerQuery } from './jaegerQuery';
import { kqlString, createLinkBuilder } from './links';
import { evaluatePrometheusHa, prometheusHaQuery } from './prometheusHa';
import { assertLabelName } from './promql';
import { unknownResult } from './result';
import { DEFAULT_JOBS, JobSelectors } from './selectors';
import {
  evaluateSidecarShipping,
  sidecarShippingQuery,
} from './sidecarShipping';
import { evaluateStoreGateway, storeGatewayQuery } from './storeGateway';
import {
  Answer,
  CheckContext,
  CheckThresholds,
  DEFAULT_THRESHOLDS,
  FleetClusterRef,
  UiLinks,
} from './types';

/** Elasticsearch index / field options (`observability.elasticsearch.*`). */
export interface EsCheckOptions {
  /** Default `logs-*`. */
  logIndexPattern?: string;
  /** Default `jaeger-span-*`. */
  spanIndexPattern?: string;
  /** Default `kubernetes.cluster.name`. */
  clusterField?: string;
  /** Default `process.tag.cluster`. */
  spanClusterField?: string;
  /** Default `@timestamp`. */
  logTimeField?: string;
  /** Default `startTimeMillis` (Jaeger's ES span mapping). */
  spanTimeField?: string;
}

export interface FleetCheckOptions {
  clusters: FleetClusterRef[];
  /** Label names; `replica` defaults to `replica`. Validated as Prometheus label names. */
  labels: { cluster: string; environment: string; replica?: string };
  thresholds?: Partial<CheckThresholds>;
  ui?: UiLinks;
  elasticsearch?: EsCheckOptions;
  /** `job` regexes of the Thanos components. */
  jobs?: Partial<JobSelectors>;
  /** Heartbeat alert used by `alert-routing` (default `Watchdog`). */
  watchdogAlertName?: string;
  now: Date;
}

export type SignalChecks = Record<SignalName, CheckResult[]>;

export interface FleetCheckRun {
  clusters: Record<string, SignalChecks>;
  platform: Record<PlatformComponent, CheckResult[]>;
  /** Upstream requests this run sent; the same for 4 and for 400 clusters. */
  upstreamRequests: number;
  /** The slowest of them, when there were any. */
  slowestUpstream?: UpstreamTiming;
}

export const DEFAULT_ES_OPTIONS: Required<EsCheckOptions> = {
  logIndexPattern: 'logs-*',
  spanIndexPattern: 'jaeger-span-*',
  clusterField: 'kubernetes.cluster.name',
  spanClusterField: 'process.tag.cluster',
  logTimeField: '@timestamp',
  spanTimeField: 'startTimeMillis',
};

const notConfigured = (name: string) =>
  `${name} is not configured (observability.${name}.url)`;

/** Settles a promise into an Answer: the upstream's own error text when it fails. */
async function settle<T>(
  run: (() => Promise<T>) | undefined,
  upstream: string,
): Promise<Answer<T>> {
  if (!run) return { ok: false, error: notConfigured(upstream) };
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

/**
 * Runs every check for the whole fleet: a fixed set of upstream requests (one per
 * question, never one per cluster), all in parallel; a failing upstream makes only
 * its checks `unknown`.
 *
 * Check → signal mapping:
 * - metrics (per cluster): prometheus-ha, sidecar-shipping, compactor, store-gateway,
 *   global-query-store (the Global Query's store endpoint for the cluster),
 *   external-labels, alert-routing, cert-expiry (cert-manager metrics of the cluster)
 * - logs (per cluster): log-freshness, ilm (indices of `logs-*` named for the cluster,
 *   else the shared ones)
 * - traces (per cluster): span-freshness, ilm (indices of `jaeger-span-*`, same rule)
 * - platform.thanos: global-query-store (all store endpoints, clusters federated),
 *   cert-expiry (PEMs of observability.thanos / alertmanager tls)
 * - platform.elasticsearch: es-cluster-health, ilm (whole `logs-*`),
 *   cert-expiry (PEMs of observability.elasticsearch.tls)
 * - platform.jaeger: jaeger-query, ilm (whole `jaeger-span-*`),
 *   cert-expiry (PEMs of observability.jaeger.tls)
 */
export async function runFleetChecks(
  clients: UpstreamClients,
  options: FleetCheckOptions,
): Promise<FleetCheckRun> {
  const labels = {
    cluster: assertLabelName(options.labels.cluster, 'cluster label'),
    environment: assertLabelName(
      options.labels.environment,
      'environment label',
    ),
    replica: assertLabelName(
      options.labels.replica ?? 'replica',
      'replica label',
    ),
  };
  const ctx: CheckContext = {
    now: options.now,
    labels,
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
    links: createLinkBuilder(options.ui ?? {}),
  };
  const es = {
    ...DEFAULT_ES_OPTIONS,
    ...stripUndefined(options.elasticsearch),
  };
  const jobs = { ...DEFAULT_JOBS, ...stripUndefined(options.jobs) };
  const clusters = options.clusters;
  const watchdog = options.watchdogAlertName;

  const { thanos, jaeger, alertmanager } = clients;
  const elastic = clients.elasticsearch;
  const ilmIndices = `${es.logIndexPattern},${es.spanIndexPattern}`;
  const time = options.now;

  // One request per question, all at once; each check is evaluated as soon as its
  // answers are in, so the slowest upstream is followed only by its own checks.
  const evaluateAll = async (): Promise<FleetCheckRun> => {
    const [
      haAnswer,
      shippingAnswer,
      compactionAnswer,
      gatewaysAnswer,
      storesAnswer,
      externalAnswer,
      certsAnswer,
      alertsAnswer,
      healthAnswer,
      nodesAnswer,
      logsAnswer,
      spansAnswer,
      explainAnswer,
      aliasesAnswer,
      servicesAnswer,
    ] = [
      settle(
        thanos &&
          (() =>
            thanos.query(prometheusHaQuery(labels), { time, dedup: false })),
        'thanos',
      ),
      settle(
        thanos &&
          (() =>
            thanos.query(sidecarShippingQuery(labels, jobs.sidecar), {
              time,
              dedup: false,
            })),
        'thanos',
      ),
      settle(
        thanos &&
          (() =>
            thanos.query(compactorQuery(labels, jobs.compactor), { time })),
        'thanos',
      ),
      settle(
        thanos &&
          (() =>
            thanos.query(storeGatewayQuery(labels, jobs.storeGateway), {
              time,
            })),
        'thanos',
      ),
      settle(thanos && (() => thanos.stores()), 'thanos'),
      settle(
        thanos && (() => thanos.query(externalLabelsQuery(labels), { time })),
        'thanos',
      ),
      settle(
        thanos && (() => thanos.query(certExpiryQuery(labels), { time })),
        'thanos',
      ),
      settle(
        alertmanager &&
          (() =>
            alertmanager.alerts({
              filter: alertRoutingFilter(watchdog),
              active: true,
              silenced: true,
              inhibited: true,
            })),
        'alertmanager',
      ),
      settle(elastic && (() => elastic.clusterHealth()), 'elasticsearch'),
      settle(elastic && (() => elastic.nodesStats()), 'elasticsearch'),
      settle(
        elastic &&
          (() =>
            elastic.search(
              es.logIndexPattern,
              freshnessSearchBody({
                clusters,
                clusterField: es.clusterField,
                timeField: es.logTimeField,
                now: time,
              }),
            )),
        'elasticsearch',
      ),
      settle(
        elastic &&
          (() =>
            elastic.search(
              es.spanIndexPattern,
              freshnessSearchBody({
                clusters,
                clusterField: es.spanClusterField,
                timeField: es.spanTimeField,
                now: time,
              }),
            )),
        'elasticsearch',
      ),
      settle(
        elastic &&
          (() =>
            elastic.ilmExplain(ilmIndices, { filterPath: ILM_FILTER_PATH })),
        'elasticsearch',
      ),
      settle(elastic && (() => elastic.alias(ilmIndices)), 'elasticsearch'),
      settle(jaeger && (() => jaeger.services()), 'jaeger'),
    ];

    const run: FleetCheckRun = {
      clusters: Object.fromEntries(
        clusters.map(c => [c.name, { metrics: [], logs: [], traces: [] }]),
      ),
      platform: { thanos: [], elasticsearch: [], jaeger: [] },
      upstreamRequests: 0,
    };
    const evaluations: Array<Promise<void>> = [];
    const add = (signal: SignalName, results: Record<string, CheckResult>) => {
      for (const cluster of clusters) {
        const result = results[cluster.name];
        if (result) run.clusters[cluster.name][signal].push(result);
      }
    };

    // Each evaluation guarded on its own: a bug or odd answer affects one check only.
    const guard = (
      id: CheckResult['id'],
      source: string,
      evaluate: () => void,
      place: (result: CheckResult) => void,
    ) => {
      try {
        evaluate();
      } catch (error) {
        place(
          unknownResult(id, ctx, {
            source,
            error: `check failed: ${describeError(error)}`,
          }),
        );
      }
    };
    const perCluster = (signal: SignalName) => (r: CheckResult) =>
      add(signal, Object.fromEntries(clusters.map(c => [c.name, r])));
    const platform = (part: PlatformComponent) => (r: CheckResult) =>
      run.platform[part].push(r);

    // A check is evaluated as soon as the answers it needs are in.
    const when = <T extends unknown[]>(
      answers: { [K in keyof T]: Promise<T[K]> },
      id: CheckResult['id'],
      source: string,
      evaluate: (...values: T) => void,
      place: (result: CheckResult) => void,
    ) =>
      evaluations.push(
        Promise.all(answers).then(values =>
          guard(id, source, () => evaluate(...(values as T)), place),
        ),
      );
    // The common shape: one answer, one result per cluster for one signal.
    const perClusterCheck = <A>(
      answer: Promise<A>,
      id: CheckResult['id'],
      source: string,
      signal: SignalName,
      evaluate: (value: A) => Record<string, CheckResult>,
    ) =>
      when(
        [answer],
        id,
        source,
        value => add(signal, evaluate(value)),
        perCluster(signal),
      );

    perClusterCheck(haAnswer, 'prometheus-ha', 'thanos', 'metrics', ha =>
      evaluatePrometheusHa(ha, clusters, ctx),
    );
    perClusterCheck(
      shippingAnswer,
      'sidecar-shipping',
      'thanos',
      'metrics',
      shipping =>
        evaluateSidecarShipping(shipping, clusters, ctx, jobs.sidecar),
    );
    perClusterCheck(
      compactionAnswer,
      'compactor',
      'thanos',
      'metrics',
      compaction =>
        evaluateCompactor(compaction, clusters, ctx, jobs.compactor),
    );
    perClusterCheck(
      gatewaysAnswer,
      'store-gateway',
      'thanos',
      'metrics',
      gateways =>
        evaluateStoreGateway(gateways, clusters, ctx, jobs.storeGateway),
    );
    perClusterCheck(
      storesAnswer,
      'global-query-store',
      'thanos',
      'metrics',
      stores => evaluateGlobalQueryStores(stores, clusters, ctx),
    );
    perClusterCheck(
      externalAnswer,
      'external-labels',
      'thanos',
      'metrics',
      external => evaluateExternalLabels(external, clusters, ctx),
    );
    perClusterCheck(
      alertsAnswer,
      'alert-routing',
      'alertmanager',
      'metrics',
      alerts => evaluateAlertRouting(alerts, clusters, ctx, watchdog),
    );
    perClusterCheck(certsAnswer, 'cert-expiry', 'thanos', 'metrics', certs =>
      evaluateClusterCertExpiry(certs, clusters, ctx),
    );
    perClusterCheck(
      logsAnswer,
      'log-freshness',
      'elasticsearch',
      'logs',
      logs =>
        evaluateFreshness(logs, clusters, ctx, {
          id: 'log-freshness',
          index: es.logIndexPattern,
          clusterField: es.clusterField,
          timeField: es.logTimeField,
          noun: 'logs',
          links: cluster =>
            ctx.links.kibanaDiscover('Logs of the cluster in Kibana', {
              kuery: `${es.clusterField}:${kqlString(cluster.name)}`,
            }),
        }),
    );
    perClusterCheck(
      spansAnswer,
      'span-freshness',
      'elasticsearch',
      'traces',
      spans =>
        evaluateFreshness(spans, clusters, ctx, {
          id: 'span-freshness',
          index: es.spanIndexPattern,
          clusterField: es.spanClusterField,
          timeField: es.spanTimeField,
          noun: 'spans',
          links: cluster =>
            ctx.links.jaegerSearch('Traces of the cluster in Jaeger', {
              tags: { [labels.cluster]: cluster.name },
            }),
        }),
    );
    // ILM of the log indices (per cluster and for Elasticsearch) and of the span
    // indices (per cluster and for Jaeger), from the same two answers.
    const ilmScopes = [
      {
        signal: 'logs',
        pattern: es.logIndexPattern,
        noun: 'logs',
        part: 'elasticsearch',
      },
      {
        signal: 'traces',
        pattern: es.spanIndexPattern,
        noun: 'spans',
        part: 'jaeger',
      },
    ] as const;
    for (const scope of ilmScopes) {
      when(
        [explainAnswer, aliasesAnswer],
        'ilm',
        'elasticsearch',
        (explain, aliases) => {
          const ilm = evaluateIlm(explain, aliases, clusters, ctx, scope);
          add(scope.signal, ilm.clusters);
          run.platform[scope.part].push(ilm.platform);
        },
        perCluster(scope.signal),
      );
    }

    when(
      [storesAnswer],
      'global-query-store',
      'thanos',
      stores =>
        run.platform.thanos.push(
          evaluateGlobalQueryPlatform(stores, clusters, ctx),
        ),
      platform('thanos'),
    );
    when(
      [healthAnswer, nodesAnswer],
      'es-cluster-health',
      'elasticsearch',
      (health, nodes) =>
        run.platform.elasticsearch.push(
          evaluateEsClusterHealth(health, nodes, ctx),
        ),
      platform('elasticsearch'),
    );
    when(
      [servicesAnswer],
      'jaeger-query',
      'jaeger',
      services => run.platform.jaeger.push(evaluateJaegerQuery(services, ctx)),
      platform('jaeger'),
    );

    const certificates = clients.certificates ?? [];
    const certGroups: Array<[PlatformComponent, string[]]> = [
      ['thanos', ['thanos', 'alertmanager']],
      ['elasticsearch', ['elasticsearch']],
      ['jaeger', ['jaeger']],
    ];
    for (const [part, upstreams] of certGroups) {
      guard(
        'cert-expiry',
        'config',
        () => {
          const result = evaluateConfiguredCertExpiry(
            certificates.filter(c => upstreams.includes(c.upstream)),
            ctx,
          );
          if (result) run.platform[part].push(result);
        },
        platform(part),
      );
    }

    await Promise.all(evaluations);
    return sortChecks(run);
  };

  const { result, timings } = await withUpstreamTimings(evaluateAll);
  result.upstreamRequests = timings.length;
  result.slowestUpstream = timings.reduce<UpstreamTiming | undefined>(
    (slowest, t) => (!slowest || t.ms > slowest.ms ? t : slowest),
    undefined,
  );
  return result;
}

// The order checks are listed in, whatever order their upstreams answered in.
const CHECK_ORDER: CheckId[] = [
  'prometheus-ha',
  'sidecar-shipping',
  'compactor',
  'store-gateway',
  'global-query-store',
  'external-labels',
  'alert-routing',
  'es-cluster-health',
  'jaeger-query',
  'log-freshness',
  'span-freshness',
  'ilm',
  'cert-expiry',
];
const byCheckOrder = (a: CheckResult, b: CheckResult) =>
  CHECK_ORDER.indexOf(a.id) - CHECK_ORDER.indexOf(b.id);

function sortChecks(run: FleetCheckRun): FleetCheckRun {
  for (const signals of Object.values(run.clusters)) {
    for (const checks of Object.values(signals)) checks.sort(byCheckOrder);
  }
  for (const checks of Object.values(run.platform)) checks.sort(byCheckOrder);
  return run;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

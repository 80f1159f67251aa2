import {
  CheckResult,
  PlatformPart,
  SignalName,
} from '@fleetobs/plugin-observability-common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { UpstreamClients } from '../upstream/createUpstreamClients';
import { describeError } from '../upstream/UpstreamError';
import { UpstreamTiming, withUpstreamTimings } from '../upstream/timings';
import {
  DEFAULT_CLUSTER_BUCKET,
  DEFAULT_ELASTALERT,
  DEFAULT_ES_OPTIONS,
  DEFAULT_LABELS,
  DEFAULT_THRESHOLDS,
} from '../config';
import {
  CheckDescriptor,
  CheckEnv,
  CheckPlace,
  CheckPlacement,
  ElastAlertSettings,
  EsCheckSettings,
  NotConfiguredError,
  UpstreamRequest,
} from './defineCheck';
import { createLinkBuilder } from './links';
import { assertLabelName } from './promql';
import { fleetChecks } from './registry';
import { unknownResult } from './result';
import { DEFAULT_JOBS, JobSelectors } from './selectors';
import {
  Answer,
  CheckContext,
  CheckThresholds,
  FleetClusterRef,
  UiLinks,
} from './types';

/**
 * Elasticsearch index / field options (`observability.elasticsearch.*`); unset ones
 * take DEFAULT_ES_OPTIONS of ../config.ts.
 */
export type EsCheckOptions = Partial<EsCheckSettings>;

export interface FleetCheckOptions {
  clusters: FleetClusterRef[];
  /** Label names (`replica` defaults to DEFAULT_LABELS.replica); validated as Prometheus label names. */
  labels: { cluster: string; environment: string; replica?: string };
  thresholds?: Partial<CheckThresholds>;
  ui?: UiLinks;
  elasticsearch?: EsCheckOptions;
  /** `job` regexes of the Thanos components. */
  jobs?: Partial<JobSelectors>;
  /** Heartbeat alert used by `alert-routing` (default `Watchdog`). */
  watchdogAlertName?: string;
  elastalert?: Partial<ElastAlertSettings>;
  /** Bucket template of `bucket-prefix` (default `thanos-{cluster}`). */
  clusterBucket?: string;
  now: Date;
}

export type SignalChecks = Record<SignalName, CheckResult[]>;

export interface FleetCheckRun {
  clusters: Record<string, SignalChecks>;
  platform: Record<PlatformPart, CheckResult[]>;
  /** Upstream requests this run sent; the same for 4 and for 400 clusters. */
  upstreamRequests: number;
  /** The slowest of them, when there were any. */
  slowestUpstream?: UpstreamTiming;
  /** The round's answers by request key, for what else the round serves (`answerOf`). */
  answers?: ReadonlyMap<string, Answer<unknown>>;
}

/** The round's answer to `request`, if one of its checks asked it. */
export function answerOf<T>(
  run: FleetCheckRun,
  request: UpstreamRequest<T>,
): Answer<T> | undefined {
  return run.answers?.get(request.key) as Answer<T> | undefined;
}

/** Settles a request into an Answer: the upstream's own error text when it fails. */
async function settle<T>(send: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await send() };
  } catch (error) {
    return {
      ok: false,
      error:
        error instanceof NotConfiguredError
          ? error.message
          : describeError(error),
    };
  }
}

/**
 * Runs every check of the registry for the whole fleet: each distinct upstream request
 * once (one per question, never one per cluster), all in parallel; each check is
 * evaluated as soon as its own answers are in, so the slowest upstream is followed
 * only by its own checks; a failing upstream makes only its checks `unknown`.
 */
export async function runFleetChecks(
  clients: UpstreamClients,
  options: FleetCheckOptions,
  checks: readonly CheckDescriptor[] = fleetChecks(),
): Promise<FleetCheckRun> {
  const labels = {
    cluster: assertLabelName(options.labels.cluster, 'cluster label'),
    environment: assertLabelName(
      options.labels.environment,
      'environment label',
    ),
    replica: assertLabelName(
      options.labels.replica ?? DEFAULT_LABELS.replica,
      'replica label',
    ),
  };
  const ctx: CheckContext = {
    now: options.now,
    labels,
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
    links: createLinkBuilder(options.ui ?? {}),
  };
  const env: CheckEnv = {
    clusters: options.clusters,
    ctx,
    es: { ...DEFAULT_ES_OPTIONS, ...stripUndefined(options.elasticsearch) },
    jobs: { ...DEFAULT_JOBS, ...stripUndefined(options.jobs) },
    watchdogAlertName: options.watchdogAlertName,
    certificates: clients.certificates ?? [],
    elastalert: {
      ...DEFAULT_ELASTALERT,
      ...stripUndefined(options.elastalert),
    },
    clusterBucket: options.clusterBucket ?? DEFAULT_CLUSTER_BUCKET,
  };
  const { clusters } = env;

  const evaluateAll = async (): Promise<FleetCheckRun> => {
    const run: FleetCheckRun = {
      clusters: Object.fromEntries(
        clusters.map(c => [
          c.name,
          { metrics: [], logs: [], traces: [], gitops: [] },
        ]),
      ),
      platform: {
        thanos: [],
        elasticsearch: [],
        jaeger: [],
        kibana: [],
        grafana: [],
      },
      upstreamRequests: 0,
    };
    const place = (placement: CheckPlacement) => {
      if ('signal' in placement) {
        for (const cluster of clusters) {
          const result = placement.results[cluster.name];
          if (result) run.clusters[cluster.name][placement.signal].push(result);
        }
      } else if (placement.result) {
        run.platform[placement.platform].push(placement.result);
      }
    };

    const answers = new Map<string, Promise<Answer<unknown>>>();
    const ask = (request: UpstreamRequest<unknown>) => {
      let answer = answers.get(request.key);
      if (!answer) {
        answer = settle(() => request.send(clients, env));
        answers.set(request.key, answer);
      }
      return answer;
    };

    await Promise.all(
      checks.map(async check => {
        const names = Object.keys(check.requests);
        const values = await Promise.all(
          names.map(name => ask(check.requests[name])),
        );
        // Each evaluation in its own turn of the event loop: answers that arrive
        // together would otherwise be evaluated in one stretch (at 4,000 clusters a
        // check takes tens of ms).
        await nextTurn();
        let placements: CheckPlacement[];
        // Each evaluation guarded on its own: a bug or odd answer affects one check only.
        try {
          placements = check.evaluate(
            Object.fromEntries(names.map((name, i) => [name, values[i]])),
            env,
          );
        } catch (error) {
          placements = check.places.map(where =>
            failedPlacement(check, where, env, describeError(error)),
          );
        }
        placements.forEach(place);
      }),
    );
    run.answers = new Map(
      await Promise.all(
        [...answers].map(async ([key, answer]) => [key, await answer] as const),
      ),
    );
    return sortChecks(run, checks);
  };

  const { result, timings } = await withUpstreamTimings(evaluateAll);
  result.upstreamRequests = timings.length;
  result.slowestUpstream = timings.reduce<UpstreamTiming | undefined>(
    (slowest, t) => (!slowest || t.ms > slowest.ms ? t : slowest),
    undefined,
  );
  return result;
}

/** An `unknown` result in one place of a check whose evaluation threw. */
function failedPlacement(
  check: CheckDescriptor,
  where: CheckPlace,
  env: CheckEnv,
  error: string,
): CheckPlacement {
  const result = unknownResult(check.id, env.ctx, {
    source: where.source ?? check.source,
    error: `check failed: ${error}`,
  });
  return 'signal' in where
    ? {
        signal: where.signal,
        results: Object.fromEntries(env.clusters.map(c => [c.name, result])),
      }
    : { platform: where.platform, result };
}

/** Checks in registry order, whatever order their upstreams answered in. */
function sortChecks(
  run: FleetCheckRun,
  checks: readonly CheckDescriptor[],
): FleetCheckRun {
  const order = new Map(checks.map((check, i) => [check.id, i]));
  const byOrder = (a: CheckResult, b: CheckResult) =>
    (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0);
  for (const signals of Object.values(run.clusters)) {
    for (const results of Object.values(signals)) results.sort(byOrder);
  }
  for (const results of Object.values(run.platform)) results.sort(byOrder);
  return run;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

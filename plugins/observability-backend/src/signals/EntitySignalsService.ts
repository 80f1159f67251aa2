import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  EntitySignals,
  EntityTrace,
} from '@fleetobs/plugin-observability-common';
import { createHash } from 'crypto';
import { UpstreamClients } from '../upstream/createUpstreamClients';
import { describeError } from '../upstream/UpstreamError';
import { SignalsConfig } from '../config';
import { fetchLogs, fetchTraceLogs } from './logs';
import { fetchMetrics } from './metrics';
import { resolveRange } from './range';
import { resolveTarget } from './target';
import { ServiceClusters } from '../kubernetes';
import { fetchTraces, summarizeTrace, traceLinks } from './traces';

export interface SignalsQuery {
  from?: string;
  to?: string;
  clusters?: string[];
  /** Where the service runs, from the Kubernetes plugin (see ../kubernetes). */
  runsIn?: ServiceClusters;
}

const TRACE_ID = /^[0-9a-f]{1,32}$/i;

/**
 * The signals of one service: RED metrics from Thanos, error logs from Elasticsearch
 * and recent traces from Jaeger, asked in parallel, each part failing on its own.
 * Answers are cached for a few seconds per entity, mapping and (rounded) range.
 */
export class EntitySignalsService {
  private readonly inFlight = new Map<string, Promise<EntitySignals>>();

  constructor(
    private readonly options: {
      clients: UpstreamClients;
      config: SignalsConfig;
      cache: CacheService;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  async getSignals(
    entity: Entity,
    query: SignalsQuery,
  ): Promise<EntitySignals> {
    const { config, cache, clients, logger } = this.options;
    const now = this.options.now?.() ?? Date.now();
    const range = resolveRange(query, {
      now,
      maxRangeMs: config.maxRangeMs,
      maxPoints: config.maxPoints,
      granularityMs: Math.max(1000, config.cacheTtlMs),
    });
    const target = resolveTarget(entity, {
      defaultIndexPattern: config.logs.indexPattern,
      allowedIndexPatterns: config.logs.allowedIndexPatterns,
      requestedClusters: query.clusters,
      runsIn:
        query.runsIn?.source === 'kubernetes' && query.runsIn.clusters
          ? { clusters: query.runsIn.clusters }
          : undefined,
      notes: query.runsIn?.notes,
    });
    const entityRef = stringifyEntityRef(entity);
    const key = `entity-signals:v1:${createHash('sha256')
      .update(
        JSON.stringify([
          entityRef,
          target,
          range.from.getTime(),
          range.to.getTime(),
        ]),
      )
      .digest('hex')}`;

    // A round already on its way answers first, before the shared cache is asked: the
    // cache read is a round trip, and a round that ends during it must still be shared
    // (200 concurrent requests for one service send one set of upstream requests).
    const early = this.inFlight.get(key);
    if (early) return early;
    const cached = await cache.get(key).catch(() => undefined);
    if (cached) return cached as unknown as EntitySignals;
    const running = this.inFlight.get(key);
    if (running) return running;

    const work = (async () => {
      const [metrics, logs, traces] = await Promise.all([
        fetchMetrics(clients.thanos, target, config, range),
        fetchLogs(clients.elasticsearch, target, config, range),
        fetchTraces(clients.jaeger, target, config, range),
      ]);
      for (const [name, part] of Object.entries({ metrics, logs, traces })) {
        if (part.status === 'unknown') {
          logger.warn(
            `Signals of ${entityRef}: ${name} unknown: ${part.error}`,
          );
        }
      }
      const answer: EntitySignals = {
        entityRef,
        generatedAt: new Date(now).toISOString(),
        range: {
          from: range.from.toISOString(),
          to: range.to.toISOString(),
        },
        target,
        metrics,
        logs,
        traces,
      };
      await cache
        .set(key, answer as any, { ttl: config.cacheTtlMs })
        .catch(error =>
          logger.warn(`Could not cache signals: ${describeError(error)}`),
        );
      return answer;
    })();
    this.inFlight.set(key, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** One trace of the service with its spans (404 if Jaeger does not have it or it does not involve the service). */
  async getTrace(entity: Entity, traceId: string): Promise<EntityTrace> {
    const { config, clients } = this.options;
    if (!TRACE_ID.test(traceId)) {
      throw new InputError(
        `Invalid trace id "${traceId.slice(0, 64)}": use 1 to 32 hex digits`,
      );
    }
    const target = resolveTarget(entity, {
      defaultIndexPattern: config.logs.indexPattern,
      allowedIndexPatterns: config.logs.allowedIndexPatterns,
    });
    if (!clients.jaeger) {
      throw new NotFoundError(
        'Jaeger is not configured (observability.jaeger.url)',
      );
    }
    const trace = await clients.jaeger.trace(traceId).catch(error => {
      throw new ServiceUnavailableError(describeError(error));
    });
    if (!trace || trace.spans.length === 0) {
      throw new NotFoundError(`Jaeger has no trace ${traceId}`);
    }
    const involved = Object.values(trace.processes).some(
      p => p.serviceName === target.jaegerService,
    );
    if (!involved) {
      throw new NotFoundError(
        `Trace ${traceId} has no span of ${target.jaegerService}`,
      );
    }
    const summary = summarizeTrace(trace, {
      clusterTag: config.traces.clusterTag,
      withSpans: true,
      links: traceLinks(target, config),
    });
    // The logs of the trace: around its time, with slack for clock skew and buffering.
    const start = Date.parse(summary.startTime);
    const logs = await fetchTraceLogs(
      clients.elasticsearch,
      traceId,
      target,
      config,
      {
        from: new Date(start - 5 * 60_000),
        to: new Date(start + summary.durationMs + 5 * 60_000),
      },
    );
    return { entityRef: stringifyEntityRef(entity), trace: summary, logs };
  }
}

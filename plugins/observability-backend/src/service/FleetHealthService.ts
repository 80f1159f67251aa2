import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  CheckResult,
  ClusterHealth,
  FleetHealth,
  PlatformComponent,
  SignalName,
  signalHealth,
  worstStatus,
} from '@fleetobs/plugin-observability-common';
import { ClusterRegistry } from './ClusterRegistry';
import { FleetCluster } from './clusters';
import { HealthHistoryStore, ScopeStatus } from './HealthHistoryStore';

/** What one round of checks found, per cluster and signal and per platform part. */
export interface FleetCheckRun {
  clusters: Record<string, Partial<Record<SignalName, CheckResult[]>>>;
  platform: Partial<Record<PlatformComponent, CheckResult[]>>;
}

/** Runs every check for the whole fleet in one round of upstream requests. */
export type FleetChecker = (clusters: FleetCluster[]) => Promise<FleetCheckRun>;

const CACHE_KEY = 'fleet-health:v1';

/**
 * Serves the fleet health from the shared cache. A round of upstream requests runs on
 * the scheduler (once per interval across replicas) or, when the cache is cold, once
 * per replica however many requests arrive together.
 */
export class FleetHealthService {
  private inFlight: Promise<FleetHealth> | undefined;

  constructor(
    private readonly options: {
      registry: ClusterRegistry;
      checker: FleetChecker;
      cache: CacheService;
      logger: LoggerService;
      /** How long a round stays valid; a bit more than the refresh interval. */
      ttlMs: number;
      /** Where status transitions are recorded; gives the answer its "since". */
      history?: HealthHistoryStore;
    },
  ) {}

  async getFleet(): Promise<FleetHealth> {
    const cached = await this.options.cache.get<any>(CACHE_KEY);
    if (cached) {
      return cached as FleetHealth;
    }
    return this.refresh();
  }

  /** Runs one round of checks; concurrent callers share it. */
  refresh(): Promise<FleetHealth> {
    if (!this.inFlight) {
      this.inFlight = this.runRound().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async runRound(): Promise<FleetHealth> {
    const clusters = await this.options.registry.list();
    const run = await this.options.checker(clusters);
    const now = new Date();
    const fleet = assembleFleet(clusters, run, now);
    if (this.options.history) {
      try {
        const since = await this.options.history.record(
          scopeStatuses(fleet),
          now,
        );
        attachSince(fleet, since);
      } catch (error) {
        // Health is still worth serving when the history cannot be written.
        this.options.logger.error(`Could not record health history: ${error}`);
      }
    }
    await this.options.cache.set(CACHE_KEY, fleet as any, {
      ttl: this.options.ttlMs,
    });
    return fleet;
  }
}

const SIGNALS: SignalName[] = ['metrics', 'logs', 'traces'];
const PLATFORM: PlatformComponent[] = ['thanos', 'elasticsearch', 'jaeger'];

export function assembleFleet(
  clusters: FleetCluster[],
  run: FleetCheckRun,
  now: Date,
): FleetHealth {
  return {
    generatedAt: now.toISOString(),
    clusters: clusters.map((cluster): ClusterHealth => {
      const found = run.clusters[cluster.name] ?? {};
      const signals = Object.fromEntries(
        SIGNALS.map(signal => [signal, signalHealth(found[signal] ?? [])]),
      ) as ClusterHealth['signals'];
      return {
        ...cluster,
        status: worstStatus(SIGNALS.map(s => signals[s].status)),
        signals,
      };
    }),
    platform: Object.fromEntries(
      PLATFORM.map(part => [part, signalHealth(run.platform[part] ?? [])]),
    ) as FleetHealth['platform'],
  };
}

/** Scope name of the platform parts in the history (not a valid cluster name). */
export const PLATFORM_SCOPE_CLUSTER = '_platform';

function scopeStatuses(fleet: FleetHealth): ScopeStatus[] {
  const out: ScopeStatus[] = [];
  for (const cluster of fleet.clusters) {
    out.push({
      cluster: cluster.name,
      scope: 'overall',
      status: cluster.status,
    });
    for (const signal of SIGNALS) {
      const health = cluster.signals[signal];
      out.push({ cluster: cluster.name, scope: signal, status: health.status });
      for (const check of health.checks) {
        out.push({
          cluster: cluster.name,
          scope: `${signal}/${check.id}`,
          status: check.status,
          summary: check.summary,
        });
      }
    }
  }
  for (const part of PLATFORM) {
    out.push({
      cluster: PLATFORM_SCOPE_CLUSTER,
      scope: part,
      status: fleet.platform[part].status,
    });
  }
  return out;
}

function attachSince(fleet: FleetHealth, since: Map<string, string>) {
  for (const cluster of fleet.clusters) {
    cluster.since = since.get(`${cluster.name}|overall`);
    for (const signal of SIGNALS) {
      cluster.signals[signal].since = since.get(`${cluster.name}|${signal}`);
    }
  }
  for (const part of PLATFORM) {
    fleet.platform[part].since = since.get(`${PLATFORM_SCOPE_CLUSTER}|${part}`);
  }
}

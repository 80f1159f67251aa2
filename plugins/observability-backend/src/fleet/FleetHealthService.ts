import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  AlertCounts,
  CheckResult,
  ClusterHealth,
  FleetHealth,
  PlatformPart,
  SignalName,
  signalHealth,
  summarizeFleet,
  worstStatus,
} from '@fleetobs/plugin-observability-common';
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { ClusterRegistry } from '../lib/ClusterRegistry';
import { FleetCluster } from '../lib/clusters';
import { HealthHistoryStore, ScopeStatus } from './HealthHistoryStore';
import { FleetCheckRun } from '../checks/runFleetChecks';
import { FleetIndex, countByStatus } from './fleetPage';
import { FleetPageRequest } from './fleetQuery';
import { stringifyFleet } from './stringifyFleet';

/** Runs every check for the whole fleet in one round of upstream requests. */
export type FleetChecker = (clusters: FleetCluster[]) => Promise<FleetCheckRun>;

/**
 * Firing alerts by severity per cluster, read from the round's own answers (the
 * Alertmanager request `alert-routing` makes); a cluster whose Alertmanager could
 * not be asked has no entry.
 */
export type FleetAlertCounts = (
  run: FleetCheckRun,
  clusters: string[],
) => Record<string, AlertCounts> | undefined;

// The full view gzipped, base64: at 4,000 clusters 40 MB of JSON are some 700 KB,
// which the shared cache serializes and ships without stalling the event loop.
const CACHE_KEY = 'fleet-health:v2:gzip';
// A small key beside the body: a warm request reads only this to know whether the
// body this replica already holds (parsed and serialized) is still the latest.
const STAMP_KEY = 'fleet-health:v1:stamp';

/** One way of answering a round: its JSON, the JSON gzipped and its ETag. */
export interface RenderedFleet {
  body: string;
  /** Made once, off the event loop, and shared by every request that wants it. */
  gzipped(): Promise<Buffer>;
  etag: string;
}

/** The views `GET /v1/fleet` answers with (`?view=`). */
export type FleetView = 'full' | 'summary';

/**
 * One round's answer, ready to serve in each view. A view is serialized once per
 * round, when first asked for, and gzipped once (a 400-cluster fleet is megabytes:
 * compressing it per request, as compression middleware would, costs more than
 * anything else the back end does).
 */
export interface FleetSnapshot {
  fleet: FleetHealth;
  view(name: FleetView): Promise<RenderedFleet>;
  /**
   * One page of the fleet in a view (`?status=&environment=&q=&limit=&cursor=`);
   * the pages asked for most recently are kept, as every open fleet page polls the
   * same first page.
   */
  page(name: FleetView, request: FleetPageRequest): RenderedFleet;
}

/** Rendered pages kept per round: at most this many, of at most this many characters. */
const PAGES_KEPT = 64;
const PAGE_CHARS_KEPT = 16 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

function rendered(body: string, etag: string): RenderedFleet {
  let gz: Promise<Buffer> | undefined;
  return {
    body,
    gzipped: () => (gz ??= promisify(gzip)(body)),
    etag,
  };
}

/** A round's answer; `body` is its full view, serialized already. */
function snapshotOf(fleet: FleetHealth, body: string): FleetSnapshot {
  const views: Partial<Record<FleetView, Promise<RenderedFleet>>> = {
    full: Promise.resolve(rendered(body, `"${fleet.generatedAt}"`)),
  };
  let index: FleetIndex<CheckResult> | undefined;
  const pages = new Map<string, RenderedFleet>();
  let pageChars = 0;
  return {
    fleet,
    view: name =>
      (views[name] ??= stringifyFleet(
        fleet,
        clusters => summarizeFleet({ ...fleet, clusters }).clusters,
      ).then(summary => rendered(summary, `"${fleet.generatedAt}-${name}"`))),
    page: (name, request) => {
      const id = `${name}:${JSON.stringify(request)}`;
      let page = pages.get(id);
      if (page) {
        // Most recently used last: the first key is the one to drop.
        pages.delete(id);
      } else {
        const answer = (index ??= new FleetIndex(fleet)).page(request);
        // Only the page's clusters are summarized, not the fleet.
        const text = JSON.stringify(
          name === 'summary' ? summarizeFleet(answer) : answer,
        );
        const hash = createHash('sha256')
          .update(id)
          .digest('base64url')
          .slice(0, 16);
        page = rendered(text, `"${fleet.generatedAt}-${name}-${hash}"`);
        pageChars += text.length;
        while (
          pages.size > 0 &&
          (pages.size >= PAGES_KEPT || pageChars > PAGE_CHARS_KEPT)
        ) {
          const [oldest, dropped] = pages.entries().next().value!;
          pages.delete(oldest);
          pageChars -= dropped.body.length;
        }
      }
      pages.set(id, page);
      return page;
    },
  };
}

/**
 * Serves the fleet health from the shared cache. A round of upstream requests runs on
 * the scheduler (once per interval across replicas) or, when the cache is cold, once
 * per replica however many requests arrive together.
 */
export class FleetHealthService {
  private inFlight: Promise<FleetSnapshot> | undefined;
  private latest: FleetSnapshot | undefined;
  /** This replica's latest round while it is still being written to the shared cache. */
  private publishing: FleetSnapshot | undefined;
  private stampRead: Promise<string | undefined> | undefined;
  /** Writes that outlive the answer: the round's history and its cache entry. */
  private pending: Promise<void> = Promise.resolve();
  /** Whether the scheduled task is in the middle of a round. */
  private scheduledRound = false;

  constructor(
    private readonly options: {
      registry: ClusterRegistry;
      checker: FleetChecker;
      cache: CacheService;
      logger: LoggerService;
      /** How long a round stays valid; a bit more than the refresh interval. */
      ttlMs: number;
      /** Where status transitions are recorded; gives the answer its "since". */
      history?: Pick<HealthHistoryStore, 'readState' | 'plan'>;
      /** The clusters' firing alerts, counted from the round's answers. */
      alertCounts?: FleetAlertCounts;
    },
  ) {}

  async getFleet(): Promise<FleetHealth> {
    return (await this.getSnapshot()).fleet;
  }

  /**
   * The latest round, from this replica's memory when the shared cache still names
   * it, else from the shared cache, else from a new round.
   */
  async getSnapshot(): Promise<FleetSnapshot> {
    if (this.latest && this.publishing === this.latest) return this.latest;
    // A round of this replica that ends while the stamp is read is newer than the read.
    const latestBefore = this.latest;
    let stamp: string | undefined;
    try {
      stamp = await this.readStamp();
    } catch (error) {
      // The shared cache is down: this replica's own round is still good until it expires.
      const latest = this.latest;
      if (
        latest &&
        Date.now() - Date.parse(latest.fleet.generatedAt) < this.options.ttlMs
      ) {
        return latest;
      }
      this.options.logger.warn(`Fleet cache unavailable: ${error}`);
      return this.refresh();
    }
    if (
      (stamp && this.latest?.fleet.generatedAt === stamp) ||
      (this.latest && this.latest !== latestBefore)
    ) {
      return this.latest!;
    }
    if (stamp) {
      const stored = await this.options.cache.get<string>(CACHE_KEY);
      if (typeof stored === 'string') {
        try {
          const body = (
            await gunzipAsync(Buffer.from(stored, 'base64'))
          ).toString('utf8');
          this.latest = snapshotOf(JSON.parse(body), body);
          return this.latest;
        } catch (error) {
          this.options.logger.warn(`Unreadable fleet cache entry: ${error}`);
        }
      }
    }
    return this.refresh();
  }

  /** Runs one round of checks; concurrent callers share it. */
  refresh(): Promise<FleetSnapshot> {
    if (!this.inFlight) {
      this.inFlight = this.runRound().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  /**
   * The body of the scheduled refresh task: one round, and its history and cache entry
   * written before the task ends.
   */
  async runScheduledRound(): Promise<void> {
    this.scheduledRound = true;
    try {
      await this.refresh();
      await this.flush();
    } finally {
      this.scheduledRound = false;
    }
  }

  /** True while runScheduledRound runs (a shutdown then hands the task back). */
  get scheduledRoundRunning(): boolean {
    return this.scheduledRound;
  }

  /** Resolves once this replica's rounds are in the history and the shared cache. */
  async flush(): Promise<void> {
    let pending;
    do {
      pending = this.pending;
      await pending;
    } while (pending !== this.pending);
  }

  /**
   * One read of the stamp for all the requests that arrive while it is on its way:
   * 200 concurrent requests cost the shared cache one round trip, not 200.
   */
  private readStamp(): Promise<string | undefined> {
    if (!this.stampRead) {
      this.stampRead = this.options.cache.get<string>(STAMP_KEY).finally(() => {
        this.stampRead = undefined;
      });
    }
    return this.stampRead;
  }

  /**
   * Answers as soon as the checks are evaluated: the history and the shared cache are
   * written after (in order, one round at a time), so their latency is not the
   * caller's. A failed write is logged; the next round writes the change again.
   */
  private async runRound(): Promise<FleetSnapshot> {
    const start = performance.now();
    const { history, logger } = this.options;
    // The stored statuses are read while the upstreams are asked, after the previous
    // round's writes (so that this round compares against them).
    const state = this.pending.then(() => history?.readState());
    // Not awaited until the checks are done: mark a failure as handled meanwhile.
    state.catch(() => {});
    const clusters = await this.options.registry.list();
    const run = await this.options.checker(clusters);
    const alerts = this.countAlerts(run, clusters);
    const now = new Date();
    const fleet = await assembleFleet(clusters, run, now, alerts);
    let commitHistory = async () => {};
    if (history) {
      try {
        const planned = await history.plan(
          scopeStatuses(fleet),
          now,
          (await state)!,
        );
        attachSince(fleet, planned.since);
        commitHistory = planned.commit;
      } catch (error) {
        // Health is still worth serving when the history cannot be read.
        logger.error(`Could not read health history: ${error}`);
      }
    }
    const slowest = run.slowestUpstream;
    fleet.round = {
      upstreamRequests: run.upstreamRequests ?? 0,
      slowestUpstreamMs: slowest && Math.round(slowest.ms),
      slowestUpstream: slowest && `${slowest.upstream} ${slowest.path}`,
      durationMs: Math.round(performance.now() - start),
    };
    logger.debug(
      `Fleet round: ${
        fleet.round.upstreamRequests
      } upstream requests, slowest ${fleet.round.slowestUpstream ?? '-'} ${
        fleet.round.slowestUpstreamMs ?? '-'
      } ms, ready after ${fleet.round.durationMs} ms`,
    );
    const snapshot = snapshotOf(fleet, await stringifyFleet(fleet));
    this.latest = snapshot;
    this.publishing = snapshot;
    this.pending = this.writeRound(snapshot, commitHistory);
    return snapshot;
  }

  /** The round's alert counts; none (and a warning) when they cannot be had. */
  private countAlerts(
    run: FleetCheckRun,
    clusters: FleetCluster[],
  ): Record<string, AlertCounts> | undefined {
    const { alertCounts, logger } = this.options;
    if (!alertCounts) return undefined;
    try {
      return alertCounts(
        run,
        clusters.map(c => c.name),
      );
    } catch (error) {
      // Health is still worth serving without the alerts.
      logger.warn(`Could not count the fleet's firing alerts: ${error}`);
      return undefined;
    }
  }

  private async writeRound(
    snapshot: FleetSnapshot,
    commitHistory: () => Promise<void>,
  ): Promise<void> {
    const { cache, ttlMs, logger } = this.options;
    try {
      await commitHistory();
    } catch (error) {
      logger.error(`Could not record health history: ${error}`);
    }
    try {
      // The body before the stamp that names it.
      const gzipped = await (await snapshot.view('full')).gzipped();
      await cache.set(CACHE_KEY, gzipped.toString('base64'), {
        ttl: ttlMs,
      });
      await cache.set(STAMP_KEY, snapshot.fleet.generatedAt, { ttl: ttlMs });
    } catch (error) {
      logger.error(`Could not share the fleet health in the cache: ${error}`);
    } finally {
      if (this.publishing === snapshot) this.publishing = undefined;
    }
  }
}

const SIGNALS: SignalName[] = ['metrics', 'logs', 'traces', 'gitops'];
const PLATFORM: PlatformPart[] = [
  'thanos',
  'elasticsearch',
  'jaeger',
  'kibana',
  'grafana',
];

/** Clusters rolled up between two turns of the event loop. */
const CLUSTERS_PER_TURN = 500;

/**
 * The round's answer: checks rolled up per signal and cluster, a slice of clusters at
 * a time with the event loop let run in between (4,000 clusters take tens of ms).
 */
export async function assembleFleet(
  clusters: FleetCluster[],
  run: FleetCheckRun,
  now: Date,
  alerts?: Record<string, AlertCounts>,
): Promise<FleetHealth> {
  const healths: ClusterHealth[] = [];
  for (let i = 0; i < clusters.length; i += CLUSTERS_PER_TURN) {
    if (i > 0) await nextTurn();
    healths.push(...clusters.slice(i, i + CLUSTERS_PER_TURN).map(health));
  }
  function health(cluster: FleetCluster): ClusterHealth {
    const found = run.clusters[cluster.name] ?? {};
    const signals = Object.fromEntries(
      SIGNALS.map(signal => [signal, signalHealth(found[signal] ?? [])]),
    ) as ClusterHealth['signals'];
    return {
      ...cluster,
      // A signal without checks (no Argo CD configured for `gitops`) does not count.
      status: worstStatus(
        SIGNALS.filter(s => signals[s].checks.length > 0).map(
          s => signals[s].status,
        ),
      ),
      signals,
      // Own keys only: a cluster name never reaches the object's prototype.
      ...(alerts && Object.hasOwn(alerts, cluster.name)
        ? { alerts: alerts[cluster.name] }
        : {}),
    };
  }
  return {
    generatedAt: now.toISOString(),
    counts: countByStatus(healths),
    clusters: healths,
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
    // Kibana and Grafana are optional in the answer's type.
    const health = fleet.platform[part];
    if (!health) continue;
    out.push({
      cluster: PLATFORM_SCOPE_CLUSTER,
      scope: part,
      status: health.status,
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
    const health = fleet.platform[part];
    if (health) health.since = since.get(`${PLATFORM_SCOPE_CLUSTER}|${part}`);
  }
}

import {
  CheckSummary,
  ClusterHealth,
  FleetHealth,
  FleetPage,
  FleetSortField,
  FleetStatusCounts,
  HEALTH_STATUSES,
  statusSeverity,
} from '@fleetobs/plugin-observability-common';
import { FleetCursor, FleetPageRequest, encodeCursor } from './fleetQuery';

type Cluster = ClusterHealth<CheckSummary>;

/** Clusters by status; every status present, zero when none. */
export function countByStatus(
  clusters: Array<{ status: Cluster['status'] }>,
): FleetStatusCounts {
  const counts = Object.fromEntries(
    HEALTH_STATUSES.map(s => [s, 0]),
  ) as FleetStatusCounts;
  for (const cluster of clusters) counts[cluster.status]++;
  return counts;
}

function sortKey(field: FleetSortField): (c: Cluster) => number | string {
  switch (field) {
    case 'status':
      return c => statusSeverity(c.status);
    case 'name':
      return c => c.name;
    case 'environment':
      return c => c.environment;
    case 'alerts':
      return alertsKey;
    default:
      return c => statusSeverity(c.signals[field].status);
  }
}

/** Warnings below this many count less than one critical alert. */
const WARNING_SPAN = 1_000_000;

/**
 * Critical alerts first, then warnings, as one integer (a cursor holds one key);
 * a cluster whose Alertmanager could not be asked sorts below one without alerts.
 */
export function alertsKey(c: Pick<Cluster, 'alerts'>): number {
  if (!c.alerts) return -1;
  const critical = Math.min(c.alerts.critical, 1_000_000_000);
  const warning = Math.min(c.alerts.warning, WARNING_SPAN - 1);
  return critical * WARNING_SPAN + warning;
}

// Code-unit order, not the locale's: a cursor must mean the same on every replica.
function compare(a: number | string, b: number | string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * A round's fleet, ready to be filtered and paged: sorted once per sort order and
 * round, so a page costs one pass over the fleet, not a sort. Keyset paging (the
 * cursor is the last cluster's sort key and name) keeps pages stable: a cluster is on
 * exactly one page of a listing, even when a page is asked for after a new round.
 */
export class FleetIndex<C extends CheckSummary> {
  readonly counts: FleetStatusCounts;
  readonly environments: string[];
  private readonly sorted = new Map<string, Array<ClusterHealth<C>>>();

  constructor(private readonly fleet: FleetHealth<C>) {
    this.counts = fleet.counts ?? countByStatus(fleet.clusters);
    this.environments = [
      ...new Set(fleet.clusters.map(c => c.environment)),
    ].sort();
  }

  page(request: FleetPageRequest): FleetPage<C> {
    const { sort, order, limit, cursor } = request;
    const key = sortKey(sort);
    const sign = order === 'asc' ? 1 : -1;
    // Sort key in the order asked for, then name ascending.
    const after = (c: Cluster, at: FleetCursor) =>
      sign * compare(key(c), at.k) || compare(c.name, at.n);
    const matching = this.listing(sort, order, key, sign).filter(c =>
      matches(c, request),
    );
    let start = 0;
    if (cursor) {
      // The first cluster after the cursor (binary search over the sorted matches).
      let end = matching.length;
      while (start < end) {
        const mid = (start + end) >>> 1;
        if (after(matching[mid], cursor) > 0) end = mid;
        else start = mid + 1;
      }
    }
    const clusters = matching.slice(start, start + limit);
    const last = clusters[clusters.length - 1];
    const { generatedAt, round, platform } = this.fleet;
    return {
      generatedAt,
      round,
      counts: this.counts,
      environments: this.environments,
      matched: matching.length,
      clusters,
      platform,
      nextCursor:
        last && start + limit < matching.length
          ? encodeCursor({ s: `${sort}:${order}`, k: key(last), n: last.name })
          : undefined,
    };
  }

  private listing(
    sort: FleetSortField,
    order: string,
    key: (c: Cluster) => number | string,
    sign: number,
  ): Array<ClusterHealth<C>> {
    const id = `${sort}:${order}`;
    let list = this.sorted.get(id);
    if (!list) {
      list = [...this.fleet.clusters].sort(
        (a, b) => sign * compare(key(a), key(b)) || compare(a.name, b.name),
      );
      this.sorted.set(id, list);
    }
    return list;
  }
}

function matches(cluster: Cluster, request: FleetPageRequest): boolean {
  const { status, environment, q } = request;
  if (
    status === 'not-ok'
      ? cluster.status === 'ok'
      : status && cluster.status !== status
  ) {
    return false;
  }
  if (environment && cluster.environment !== environment) return false;
  return (
    !q ||
    cluster.name.toLocaleLowerCase('en-US').includes(q) ||
    cluster.environment.toLocaleLowerCase('en-US').includes(q)
  );
}

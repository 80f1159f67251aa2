import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { ThanosStore, ThanosStores } from '../upstream/ThanosClient';
import { unknownForAll } from './perCluster';
import { checkResult, formatDuration, round } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

export const STORES_PATH = '/api/v1/stores';
/** A store endpoint not checked for this long is considered stale. */
export const STORE_STALE_SECONDS = 300;
/**
 * The only store type the Global Query may fan out to (seed §1, §4.6: "Global Query →
 * local Query ONLY"); `sidecar`, `store`, `rule`, `receive`… are wired directly.
 */
export const LOCAL_QUERY_TYPE = 'query';

interface TypedStore extends ThanosStore {
  type: string;
}

function flatten(stores: ThanosStores): TypedStore[] {
  return Object.entries(stores).flatMap(([type, list]) =>
    list.map(store => ({ ...store, type })),
  );
}

/**
 * The stores that advertise each cluster (`label` in one of their label sets), in the
 * answer's order, each once: one pass over the answer, not one per cluster.
 */
function storesByCluster(
  stores: TypedStore[],
  label: string,
): Map<string, TypedStore[]> {
  const byCluster = new Map<string, TypedStore[]>();
  for (const store of stores) {
    const names = new Set<string>();
    for (const set of store.labelSets ?? []) {
      const name = set[label];
      if (typeof name === 'string') names.add(name);
    }
    for (const name of names) {
      const list = byCluster.get(name);
      if (list) list.push(store);
      else byCluster.set(name, [store]);
    }
  }
  return byCluster;
}

function checkAgeSeconds(store: ThanosStore, now: Date): number | undefined {
  if (!store.lastCheck) return undefined;
  const t = Date.parse(store.lastCheck);
  return Number.isNaN(t) ? undefined : (now.getTime() - t) / 1000;
}

/**
 * Per cluster: does the Global Query have a healthy StoreAPI endpoint (normally the
 * cluster's local Query) whose label sets carry `cluster=<name>`?
 */
export function evaluateGlobalQueryStores(
  answer: Answer<ThanosStores>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
): Record<string, CheckResult> {
  if (!answer.ok) {
    return unknownForAll('global-query-store', clusters, ctx, {
      source: 'thanos',
      query: STORES_PATH,
      error: answer.error,
    });
  }
  const label = ctx.labels.cluster;
  const byCluster = storesByCluster(flatten(answer.value), label);
  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const mine = byCluster.get(cluster.name) ?? [];
    const healthy = mine.filter(s => !s.lastError);
    const failing = mine.filter(s => s.lastError);
    const newestCheck = Math.min(
      ...healthy.map(s => checkAgeSeconds(s, ctx.now) ?? Infinity),
    );
    const direct = mine.filter(s => s.type !== LOCAL_QUERY_TYPE);
    const values = {
      stores: mine.length,
      healthy: healthy.length,
      failing: failing.length,
      direct: direct.length,
      endpoints: mine.map(s => `${s.type}:${s.name}`).join(', '),
      last_error: failing[0]?.lastError?.slice(0, 200) ?? null,
      last_check_age_seconds: Number.isFinite(newestCheck)
        ? round(newestCheck, 0)
        : null,
    };
    const result = (status: CheckResult['status'], summary: string) =>
      checkResult('global-query-store', ctx, {
        status,
        summary,
        evidence: { source: 'thanos', query: STORES_PATH, values },
      });
    if (mine.length === 0) {
      out[cluster.name] = result(
        'critical',
        `The Global Query has no store endpoint advertising ${label}="${cluster.name}"`,
      );
    } else if (healthy.length === 0) {
      out[cluster.name] = result(
        'critical',
        `The Global Query cannot reach ${failing[0].name}: ${values.last_error}`,
      );
    } else if (direct.length > 0) {
      out[cluster.name] = result(
        'warn',
        `The Global Query is wired to the cluster's ${[
          ...new Set(direct.map(s => s.type)),
        ].join(' and ')} directly (${direct
          .map(s => s.name)
          .join(
            ', ',
          )}), not only to its local Query: the seed's rule is Global Query → local Query ONLY`,
      );
    } else if (newestCheck > STORE_STALE_SECONDS) {
      out[cluster.name] = result(
        'warn',
        `Store endpoint of the cluster last checked ${formatDuration(
          newestCheck,
        )} ago`,
      );
    } else if (failing.length > 0) {
      out[cluster.name] = result(
        'warn',
        `${failing.length} of ${mine.length} store endpoints of the cluster fail: ${values.last_error}`,
      );
    } else {
      out[cluster.name] = result(
        'ok',
        `The Global Query sees ${healthy.map(s => s.name).join(', ')}`,
      );
    }
  }
  return out;
}

/** Platform view: the Global Query answers and its store endpoints are healthy. */
export function evaluateGlobalQueryPlatform(
  answer: Answer<ThanosStores>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
): CheckResult {
  if (!answer.ok) {
    return checkResult('global-query-store', ctx, {
      status: 'unknown',
      summary: `Global Thanos Query could not be asked (${answer.error})`,
      evidence: { source: 'thanos', query: STORES_PATH, error: answer.error },
    });
  }
  const stores = flatten(answer.value);
  const failing = stores.filter(s => s.lastError);
  const label = ctx.labels.cluster;
  const advertised = new Set(
    stores.flatMap(s => (s.labelSets ?? []).map(set => set[label])),
  );
  const missing = clusters.filter(c => !advertised.has(c.name));
  const direct = stores.filter(s => s.type !== LOCAL_QUERY_TYPE);
  const values = {
    stores: stores.length,
    failing: failing.length,
    direct: direct.length,
    direct_endpoints: direct
      .slice(0, 20)
      .map(s => `${s.type}:${s.name}`)
      .join(', '),
    clusters_seen: clusters.length - missing.length,
    clusters_missing: missing.length,
    missing: missing
      .slice(0, 20)
      .map(c => c.name)
      .join(', '),
    last_error: failing[0]?.lastError?.slice(0, 200) ?? null,
  };
  const result = (status: CheckResult['status'], summary: string) =>
    checkResult('global-query-store', ctx, {
      status,
      summary,
      evidence: { source: 'thanos', query: STORES_PATH, values },
    });
  if (stores.length === 0) {
    return result('critical', 'The Global Thanos Query has no store endpoints');
  }
  if (failing.length === stores.length) {
    return result('critical', `All ${stores.length} store endpoints fail`);
  }
  if (failing.length > 0 || missing.length > 0 || direct.length > 0) {
    return result(
      'warn',
      `${failing.length} of ${stores.length} store endpoints fail; ${
        missing.length
      } of ${clusters.length} clusters not federated${
        direct.length > 0
          ? `; ${direct.length} endpoints are not a local Query (sidecars / store gateways wired directly)`
          : ''
      }`,
    );
  }
  return result(
    'ok',
    `${stores.length} store endpoints healthy; all ${clusters.length} clusters federated`,
  );
}

/** Global Thanos Query sees the cluster (`global-query-store`). */
export const globalQueryStoreCheck = defineCheck({
  id: 'global-query-store',
  title: 'Global Thanos Query sees the cluster',
  seed: '§1 / §4.6 Global Query → local Query ONLY, over mTLS; 10.1; §6 Global metrics',
  failureMode:
    "The Global Thanos Query does not reach the cluster's local Thanos Query (mTLS StoreAPI), or reaches its sidecars / store gateway directly: the global view is partial, or every cluster's internals become cross-cluster mTLS targets.",
  mitigation:
    "Register only the cluster's local Query endpoint with the Global Query (not its sidecars or store gateway); check that endpoint, its DNS and its mTLS client/server certificates. Thanos Query continues with the healthy clusters (outage isolation).",
  places: [{ signal: 'metrics' }, { platform: 'thanos' }],
  source: 'thanos',
  requests: {
    stores: upstreamRequest('thanos', 'stores', thanos => thanos.stores()),
  },
  evaluate: ({ stores }, { clusters, ctx }) => [
    {
      signal: 'metrics',
      results: evaluateGlobalQueryStores(stores, clusters, ctx),
    },
    {
      platform: 'thanos',
      result: evaluateGlobalQueryPlatform(stores, clusters, ctx),
    },
  ],
});

import { defineCheck, upstreamRequest } from './defineCheck';
import {
  CheckResult,
  HealthStatus,
  worstStatus,
} from '@fleetobs/plugin-observability-common';
import {
  EsClusterHealth,
  EsNodesStats,
  EsNodeStats,
} from '../upstream/ElasticsearchClient';
import { checkResult, round } from './result';
import { Answer, CheckContext } from './types';

export const ES_HEALTH_QUERY = 'GET /_cluster/health; GET /_nodes/stats/jvm,fs';

/** Hot nodes: `data_hot` role, else a `data: hot` attribute, else every data node. */
export function hotNodes(stats: EsNodesStats): EsNodeStats[] {
  const nodes = Object.values(stats.nodes);
  const byRole = nodes.filter(n => n.roles?.includes('data_hot'));
  if (byRole.length > 0) return byRole;
  const byAttr = nodes.filter(n => n.attributes?.data === 'hot');
  if (byAttr.length > 0) return byAttr;
  return nodes.filter(
    n => !n.roles || n.roles.some(r => r === 'data' || r.startsWith('data_')),
  );
}

function diskUsedPercent(node: EsNodeStats): number | undefined {
  const total = node.fs?.total.total_in_bytes;
  const available = node.fs?.total.available_in_bytes;
  if (!total || available === undefined) return undefined;
  return ((total - available) / total) * 100;
}

/** Cluster health (green/yellow/red) and hot-node heap / disk pressure. */
export function evaluateEsClusterHealth(
  health: Answer<EsClusterHealth>,
  nodes: Answer<EsNodesStats>,
  ctx: CheckContext,
): CheckResult {
  const links = ctx.links.kibanaDiscover('Kibana', { kuery: '' });
  const values: Record<string, number | string | null> = {};
  const problems: Array<{ status: HealthStatus; text: string }> = [];
  const errors: string[] = [];

  if (health.ok) {
    const h = health.value;
    Object.assign(values, {
      health: h.status,
      nodes: h.number_of_nodes,
      data_nodes: h.number_of_data_nodes,
      unassigned_shards: h.unassigned_shards,
      unassigned_primary_shards: h.unassigned_primary_shards ?? null,
      active_shards_percent: h.active_shards_percent_as_number ?? null,
    });
    if (h.status === 'red') {
      problems.push({
        status: 'critical',
        text: `cluster health red (${
          h.unassigned_primary_shards ?? '?'
        } unassigned primaries)`,
      });
    } else if (h.status === 'yellow') {
      problems.push({
        status: 'warn',
        text: `cluster health yellow (${h.unassigned_shards} unassigned shards)`,
      });
    }
  } else {
    errors.push(health.error);
    problems.push({ status: 'unknown', text: 'cluster health unknown' });
  }

  if (nodes.ok) {
    const hot = hotNodes(nodes.value);
    let maxHeap: { value: number; node: string } | undefined;
    let maxDisk: { value: number; node: string } | undefined;
    for (const node of hot) {
      const heap = node.jvm?.mem.heap_used_percent;
      if (heap !== undefined && (!maxHeap || heap > maxHeap.value)) {
        maxHeap = { value: heap, node: node.name };
      }
      const disk = diskUsedPercent(node);
      if (disk !== undefined && (!maxDisk || disk > maxDisk.value)) {
        maxDisk = { value: disk, node: node.name };
      }
    }
    Object.assign(values, {
      hot_nodes: hot.length,
      max_hot_heap_percent: maxHeap ? maxHeap.value : null,
      max_hot_heap_node: maxHeap?.node ?? null,
      max_hot_disk_percent: maxDisk ? round(maxDisk.value, 1) : null,
      max_hot_disk_node: maxDisk?.node ?? null,
    });
    if (hot.length === 0) {
      problems.push({ status: 'critical', text: 'no hot data node' });
    }
    if (maxHeap && maxHeap.value >= ctx.thresholds.hotNodeHeapPercent) {
      problems.push({
        status: 'warn',
        text: `hot node ${maxHeap.node} heap at ${maxHeap.value}%`,
      });
    }
    if (maxDisk && maxDisk.value >= ctx.thresholds.hotNodeDiskCriticalPercent) {
      problems.push({
        status: 'critical',
        text: `hot node ${maxDisk.node} disk at ${round(
          maxDisk.value,
          1,
        )}% (flood stage: indices become read-only)`,
      });
    } else if (
      maxDisk &&
      maxDisk.value >= ctx.thresholds.hotNodeDiskWarnPercent
    ) {
      problems.push({
        status: 'warn',
        text: `hot node ${maxDisk.node} disk at ${round(maxDisk.value, 1)}%`,
      });
    }
  } else {
    errors.push(nodes.error);
    problems.push({ status: 'unknown', text: 'hot-node pressure unknown' });
  }

  const status = worstStatus(['ok', ...problems.map(p => p.status)]);
  const summary =
    problems.length === 0
      ? `Elasticsearch green; hot node heap ≤ ${values.max_hot_heap_percent}%, disk ≤ ${values.max_hot_disk_percent}%`
      : `Elasticsearch: ${problems.map(p => p.text).join('; ')}`;
  return checkResult('es-cluster-health', ctx, {
    status,
    summary,
    evidence: {
      source: 'elasticsearch',
      query: ES_HEALTH_QUERY,
      values,
      ...(errors.length ? { error: errors.join('; ') } : {}),
    },
    links,
  });
}

/** Elasticsearch cluster health (`es-cluster-health`). */
export const esClusterHealthCheck = defineCheck({
  id: 'es-cluster-health',
  title: 'Elasticsearch cluster health',
  seed: '§8 ES hot node failure',
  failureMode:
    'ES hot node failure or pressure: potential write throttling; yellow/red health means unassigned replicas/primaries.',
  mitigation:
    'Multi-AZ nodeSets + ILM; autoscale / shard relocation; review shards (monthly) to prevent oversharding.',
  places: [{ platform: 'elasticsearch' }],
  source: 'elasticsearch',
  requests: {
    health: upstreamRequest('elasticsearch', 'cluster-health', es =>
      es.clusterHealth(),
    ),
    nodes: upstreamRequest('elasticsearch', 'nodes-stats', es =>
      es.nodesStats(),
    ),
  },
  evaluate: ({ health, nodes }, { ctx }) => [
    {
      platform: 'elasticsearch',
      result: evaluateEsClusterHealth(health, nodes, ctx),
    },
  ],
});

import { ELASTALERT_STATUS_INDEX, elastalertDocs } from './elastalert';
import { Doc, EsError, search } from './esQuery';
import {
  errorMessage,
  HISTORY_MS,
  isErrorTrace,
  SLOT_MS,
  traceId,
  traceStart,
} from './traces';
import { requestRate } from './metrics';
import { FleetModel, hash, SERVICES, SimCluster, unit, wave } from './model';

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(6, '0');

/** Rollover generation of the daily write index (logs roll over daily). */
export const generation = (tMs: number) => Math.floor(tMs / DAY_MS) - 20400;

export const logIndex = (cluster: string, tMs: number) =>
  `logs-${cluster}-${pad(generation(tMs))}`;
export const spanIndex = (tMs: number) =>
  `jaeger-span-${pad(generation(tMs) - 340)}`;

const DOCS_PER_DAY: Record<string, number> = {
  prod: 1_843_220,
  stag: 402_112,
  dev: 912_344,
  ops: 655_010,
};

/** The newest log of a cluster (Filebeat ships continuously unless the gateway is down). */
export function latestLog(model: FleetModel, cluster: SimCluster): number {
  const now = model.now();
  const down = model.faultSince(cluster.name, 'gateway-down');
  if (down !== undefined) return down;
  return (
    now -
    Math.floor(
      unit(`${cluster.name}/${Math.floor(now / 10_000)}/log`) * 8_000,
    ) -
    500
  );
}

export function latestSpan(model: FleetModel, cluster: SimCluster): number {
  const now = model.now();
  const down = model.faultSince(cluster.name, 'collector-down');
  if (down !== undefined) return down;
  return (
    now -
    Math.floor(
      unit(`${cluster.name}/${Math.floor(now / 10_000)}/span`) * 5_000,
    ) -
    200
  );
}

const POD_SUFFIX = (service: string, cluster: string) =>
  `${(hash(service + cluster) % 0xfffffff).toString(36).slice(0, 9)}-${(
    hash(cluster + service) % 0xfffff
  )
    .toString(36)
    .slice(0, 5)}`;

/** Log documents (ECS, as Filebeat writes them) of the window `[fromMs, toMs]`. */
export function logDocs(
  model: FleetModel,
  fromMs: number,
  toMs: number,
): Doc[] {
  const docs: Doc[] = [];
  const now = model.now();
  for (const cluster of model.clusters) {
    const latest = latestLog(model, cluster);
    // one document standing for the cluster's platform log volume, at its newest log
    if (latest >= fromMs && latest <= toMs) {
      const perDay = DOCS_PER_DAY[cluster.environment] ?? 250_000;
      const span = Math.min(toMs, now) - Math.max(fromMs, now - DAY_MS);
      docs.push({
        _index: logIndex(cluster.name, latest),
        _id: `hb-${cluster.name}-${Math.floor(latest / 1000)}`,
        _w: Math.max(1, Math.round((perDay * span) / DAY_MS)),
        '@timestamp': new Date(latest).toISOString(),
        message: 'Harvester started for paths: [/var/log/containers/*.log]',
        log: { level: 'info', logger: 'input.harvester' },
        service: { name: 'filebeat' },
        event: { dataset: 'filebeat.log' },
        kubernetes: {
          cluster: { name: cluster.name },
          namespace: 'logging',
          pod: {
            name: `filebeat-${POD_SUFFIX('filebeat', cluster.name).slice(
              0,
              5,
            )}`,
          },
          container: { name: 'filebeat' },
        },
        orchestrator: { cluster: { name: cluster.name } },
        labels: { environment: cluster.environment },
      });
    }
  }
  // service logs: an access log per service, cluster and minute, and an error log with the
  // trace id of every failed trace (generated once per slot, then cached)
  const first = Math.max(fromMs, now - HISTORY_MS);
  for (const cluster of model.serviceClusters()) {
    const cutoff = Math.min(toMs, latestLog(model, cluster));
    for (
      let slot = Math.floor(first / SLOT_MS);
      slot * SLOT_MS <= cutoff;
      slot++
    ) {
      for (const doc of slotLogs(model, cluster, slot)) {
        const t = doc._t as number;
        if (t >= first && t <= cutoff) docs.push(doc);
      }
    }
  }
  return docs;
}

const SLOT_CACHE = new WeakMap<FleetModel, Map<string, Doc[]>>();

function slotLogs(model: FleetModel, cluster: SimCluster, slot: number): Doc[] {
  let cache = SLOT_CACHE.get(model);
  if (!cache) {
    cache = new Map();
    SLOT_CACHE.set(model, cache);
  }
  const cacheKey = `${cluster.name}/${slot}/${model.version}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  if (cache.size > 20_000) cache.clear();
  const docs: Doc[] = [];
  for (const service of SERVICES) {
    const key = { service, cluster, slot };
    const t = traceStart(key);
    const id = traceId(key);
    const common = {
      service: { name: service, environment: cluster.environment },
      kubernetes: {
        cluster: { name: cluster.name },
        namespace: 'shop',
        pod: { name: `${service}-${POD_SUFFIX(service, cluster.name)}` },
        container: { name: service },
      },
      orchestrator: { cluster: { name: cluster.name } },
      labels: { environment: cluster.environment },
      event: { dataset: `${service}.log` },
    };
    docs.push({
      _index: logIndex(cluster.name, t),
      _id: `${id.slice(0, 20)}-i`,
      _w: Math.max(1, Math.round(requestRate(service, cluster, t) * 60)),
      _t: t,
      '@timestamp': new Date(t - 1500).toISOString(),
      message: `Completed ${
        service === 'cart' ? 'GET /api/cart/{id}' : 'request'
      } in ${Math.round(40 * wave(id, t))} ms`,
      log: {
        level: 'info',
        logger: `com.example.${service.replace('-', '')}.web`,
      },
      ...common,
    });
    const collectorDown = model.faultSince(cluster.name, 'collector-down');
    if (
      isErrorTrace(key) &&
      (collectorDown === undefined || t < collectorDown)
    ) {
      docs.push({
        _index: logIndex(cluster.name, t),
        _id: `${id.slice(0, 20)}-e`,
        _t: t,
        '@timestamp': new Date(t + 180).toISOString(),
        message: errorMessage(service),
        log: {
          level: 'error',
          logger: `com.example.${service.replace('-', '')}.web.ErrorHandler`,
        },
        error: {
          type:
            service === 'payments-api'
              ? 'PaymentGatewayTimeoutException'
              : 'UpstreamServiceException',
          message: errorMessage(service),
        },
        trace: { id },
        span: { id: id.slice(16) },
        http: {
          response: { status_code: service === 'payments-api' ? 502 : 500 },
        },
        ...common,
      });
    }
  }
  cache.set(cacheKey, docs);
  return docs;
}

/** Span documents (Jaeger ES mapping with tags as fields) of the window. */
export function spanDocs(
  model: FleetModel,
  fromMs: number,
  toMs: number,
): Doc[] {
  const docs: Doc[] = [];
  for (const cluster of model.clusters) {
    const latest = latestSpan(model, cluster);
    if (latest < fromMs || latest > toMs) continue;
    const id = `${(hash(cluster.name + latest) >>> 0)
      .toString(16)
      .padStart(8, '0')}${'0'.repeat(8)}`;
    docs.push({
      _index: spanIndex(latest),
      _id: `span-${cluster.name}-${latest}`,
      _w:
        Math.round(
          (DOCS_PER_DAY[cluster.environment] ?? 250_000) *
            1.8 *
            Math.min(1, (toMs - fromMs) / DAY_MS),
        ) || 1,
      traceID: id,
      spanID: id.slice(0, 16),
      flags: 1,
      operationName: 'HTTP GET /healthz',
      references: [],
      startTime: latest * 1000,
      startTimeMillis: latest,
      duration: 1200,
      tags: [],
      tag: { 'span@kind': 'server', 'http@status_code': 200 },
      logs: [],
      process: {
        serviceName: 'otel-collector',
        tags: [],
        tag: { cluster: cluster.name, environment: cluster.environment },
      },
    });
  }
  return docs;
}

// ---------------------------------------------------------------- indices and ILM

interface IndexInfo {
  index: string;
  family: 'logs' | 'span' | 'service';
  cluster?: string;
  generation: number;
  write: boolean;
  alias: string;
  phase: string;
  docs: number;
  bytes: number;
}

export function indices(model: FleetModel): IndexInfo[] {
  const now = model.now();
  const gen = generation(now);
  const out: IndexInfo[] = [];
  for (const cluster of model.clusters) {
    for (let back = 0; back < 3; back++) {
      const perDay = DOCS_PER_DAY[cluster.environment] ?? 250_000;
      out.push({
        index: `logs-${cluster.name}-${pad(gen - back)}`,
        family: 'logs',
        cluster: cluster.name,
        generation: gen - back,
        write: back === 0,
        alias: `logs-${cluster.name}`,
        phase: back < 2 ? 'hot' : 'warm',
        docs:
          back === 0 ? Math.round((perDay * (now % DAY_MS)) / DAY_MS) : perDay,
        bytes:
          (back === 0
            ? Math.round((perDay * (now % DAY_MS)) / DAY_MS)
            : perDay) * 612,
      });
    }
  }
  const spanGen = gen - 340;
  for (let back = 0; back < 3; back++) {
    const docs = Math.round(
      model.clusters.length *
        1.2e6 *
        (back === 0 ? (now % DAY_MS) / DAY_MS : 1),
    );
    out.push({
      index: `jaeger-span-${pad(spanGen - back)}`,
      family: 'span',
      generation: spanGen - back,
      write: back === 0,
      alias: 'jaeger-span-write',
      phase: ['hot', 'warm', 'delete'][back],
      docs,
      bytes: docs * 420,
    });
  }
  out.push({
    index: `jaeger-service-${pad(spanGen)}`,
    family: 'service',
    generation: spanGen,
    write: true,
    alias: 'jaeger-service-write',
    phase: 'hot',
    docs: 48,
    bytes: 26_000,
  });
  return out;
}

function globRegex(pattern: string): RegExp {
  const parts = pattern.split(',').map(p =>
    p
      .trim()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*'),
  );
  return new RegExp(`^(?:${parts.join('|')})$`);
}

/** Indices matching an index expression (comma list with wildcards); 404 for a missing concrete name. */
export function resolveIndices(
  model: FleetModel,
  expression: string | undefined,
): IndexInfo[] {
  const all = indices(model);
  if (!expression || expression === '_all' || expression === '*') return all;
  const out = new Set<IndexInfo>();
  for (const part of expression.split(',')) {
    const re = globRegex(part);
    const found = all.filter(
      i =>
        re.test(i.index) ||
        (!part.includes('*') &&
          i.alias === part &&
          (part.startsWith('logs-') || i.write)),
    );
    if (found.length === 0 && !part.includes('*')) {
      throw new EsError(
        404,
        'index_not_found_exception',
        `no such index [${part}]`,
        {
          'resource.type': 'index_or_alias',
          'resource.id': part,
          index_uuid: '_na_',
          index: part,
        },
      );
    }
    found.forEach(i => out.add(i));
  }
  return [...out];
}

function ilmError(model: FleetModel, info: IndexInfo): boolean {
  return (
    info.family === 'logs' &&
    info.write &&
    !!info.cluster &&
    model.has(info.cluster, 'ilm-error')
  );
}

export function ilmExplain(model: FleetModel, expression: string) {
  const now = model.now();
  const result: Record<string, unknown> = {};
  for (const info of resolveIndices(model, expression)) {
    const policy = info.family === 'logs' ? 'logs-fleet' : 'jaeger-ilm-policy';
    const created = creationDate(info);
    const phaseTime = info.phase === 'hot' ? created : created + DAY_MS;
    const base = {
      index: info.index,
      managed: true,
      policy,
      index_creation_date_millis: created,
      time_since_index_creation: `${((now - created) / 3_600_000).toFixed(2)}h`,
      lifecycle_date_millis: created,
      age: `${((now - created) / 3_600_000).toFixed(2)}h`,
      phase: info.phase,
      phase_time_millis: phaseTime,
      action: info.write ? 'rollover' : 'complete',
      action_time_millis: phaseTime,
      step: info.write ? 'check-rollover-ready' : 'complete',
      step_time_millis: phaseTime,
      phase_execution: {
        policy,
        phase_definition: info.write
          ? {
              min_age: '0ms',
              actions: {
                rollover: { max_age: '1d', max_primary_shard_size: '50gb' },
                set_priority: { priority: 100 },
              },
            }
          : {
              min_age: '1d',
              actions: {
                forcemerge: { max_num_segments: 1 },
                set_priority: { priority: 50 },
              },
            },
        version: 3,
        modified_date_in_millis: now - 30 * DAY_MS,
      },
    };
    if (ilmError(model, info)) {
      result[info.index] = {
        ...base,
        step: 'ERROR',
        failed_step: 'check-rollover-ready',
        is_auto_retryable_error: true,
        failed_step_retry_count:
          3 +
          Math.floor(
            (now - (model.faultSince(info.cluster!, 'ilm-error') ?? now)) /
              600_000,
          ),
        step_info: {
          type: 'illegal_argument_exception',
          reason: `index.lifecycle.rollover_alias [${info.alias}] does not point to index [${info.index}]`,
        },
      };
    } else {
      result[info.index] = base;
    }
  }
  return { indices: result };
}

export function aliases(model: FleetModel, expression: string | undefined) {
  const out: Record<
    string,
    { aliases: Record<string, Record<string, unknown>> }
  > = {};
  for (const info of resolveIndices(model, expression)) {
    const list: Record<string, Record<string, unknown>> = {};
    if (!ilmError(model, info)) {
      if (info.family === 'logs')
        list[info.alias] = { is_write_index: info.write };
      else {
        if (info.write) list[info.alias] = { is_write_index: true };
        list[info.alias.replace('-write', '-read')] = {};
      }
    }
    out[info.index] = { aliases: list };
  }
  return out;
}

export function indexHealth(
  model: FleetModel,
  info: IndexInfo,
  position: number,
): string {
  if (model.anyHas('es-red') && info.write && position === 0) return 'red';
  if (model.anyHas('es-yellow') || model.anyHas('es-red'))
    return info.write ? 'yellow' : 'green';
  return 'green';
}

/** Columns of `_cat/indices` without `h` (Elasticsearch 8). */
const CAT_INDICES_DEFAULT = [
  'health',
  'status',
  'index',
  'uuid',
  'pri',
  'rep',
  'docs.count',
  'docs.deleted',
  'store.size',
  'pri.store.size',
  'dataset.size',
];

/** When an index was created: rollover generations are days. */
function creationDate(info: IndexInfo): number {
  return (
    (info.generation + 20400 + (info.family === 'logs' ? 0 : 340)) * DAY_MS
  );
}

/**
 * `_cat/indices` rows: the default columns, or the ones `h` names (unknown ones are
 * refused, as Elasticsearch does).
 */
export function catIndices(
  model: FleetModel,
  expression: string | undefined,
  h?: string | null,
) {
  const columns = h ? h.split(',').map(c => c.trim()) : CAT_INDICES_DEFAULT;
  return catIndexRows(model, expression).map(row => {
    const out: Record<string, string> = {};
    for (const column of columns) {
      if (!(column in row)) {
        throw new EsError(
          400,
          'illegal_argument_exception',
          `Unable to find column [${column}]`,
        );
      }
      out[column] = row[column as keyof typeof row];
    }
    return out;
  });
}

function catIndexRows(model: FleetModel, expression: string | undefined) {
  return resolveIndices(model, expression).map((info, position) => ({
    'creation.date': String(creationDate(info)),
    'creation.date.string': new Date(creationDate(info)).toISOString(),
    health: indexHealth(model, info, position),
    status: 'open',
    index: info.index,
    uuid: Buffer.from(String(hash(info.index)))
      .toString('base64url')
      .padEnd(22, 'A')
      .slice(0, 22),
    pri: info.family === 'span' ? '5' : '1',
    rep: '1',
    'docs.count': String(info.docs),
    'docs.deleted': '0',
    'store.size': String(info.bytes * 2),
    'pri.store.size': String(info.bytes),
    'dataset.size': String(info.bytes),
  }));
}

// ---------------------------------------------------------------- cluster and nodes

function healthColour(red: boolean, yellow: boolean): string {
  if (red) return 'red';
  return yellow ? 'yellow' : 'green';
}

export function clusterHealth(model: FleetModel) {
  const red = model.anyHas('es-red');
  const yellow = red || model.anyHas('es-yellow');
  const all = indices(model);
  const shards = all.reduce((n, i) => n + (i.family === 'span' ? 5 : 1), 0);
  const unassignedPrimaries = red ? 1 : 0;
  const unassigned = yellow
    ? Math.max(3, Math.round(shards * 0.12)) + unassignedPrimaries
    : 0;
  const active = shards * 2 - unassigned;
  return {
    cluster_name: 'fleet-logs',
    status: healthColour(red, yellow),
    timed_out: false,
    number_of_nodes: yellow ? 4 : 5,
    number_of_data_nodes: yellow ? 3 : 4,
    active_primary_shards: shards - unassignedPrimaries,
    active_shards: active,
    relocating_shards: 0,
    initializing_shards: yellow ? 2 : 0,
    unassigned_shards: unassigned,
    unassigned_primary_shards: unassignedPrimaries,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: yellow ? 1 : 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number:
      Math.round((active / (shards * 2)) * 1000) / 10,
  };
}

const GB = 1024 ** 3;

export function nodesStats(model: FleetModel, metrics: string[] | undefined) {
  const now = model.now();
  const pressure = model.anyHas('hot-node-pressure');
  const yellow = model.anyHas('es-yellow') || model.anyHas('es-red');
  const defs = [
    {
      id: 'Zr7nHot0Qx2uQ3xZ1pXjWA',
      name: 'fleet-logs-es-hot-0',
      roles: [
        'data_content',
        'data_hot',
        'ingest',
        'remote_cluster_client',
        'transform',
      ],
      heap: 58,
      disk: 0.52,
      size: 1000,
    },
    {
      id: 'Kq1dHot1Rk8wP6mB2nVbLQ',
      name: 'fleet-logs-es-hot-1',
      roles: [
        'data_content',
        'data_hot',
        'ingest',
        'remote_cluster_client',
        'transform',
      ],
      heap: 61,
      disk: 0.49,
      size: 1000,
    },
    {
      id: 'Wm4sWarm0Tn5yH7cD8eFgA',
      name: 'fleet-logs-es-warm-0',
      roles: ['data_warm'],
      heap: 44,
      disk: 0.61,
      size: 4000,
    },
    {
      id: 'Pb2xWarm1Uv9zJ1kL3mNoQ',
      name: 'fleet-logs-es-warm-1',
      roles: ['data_warm'],
      heap: 41,
      disk: 0.58,
      size: 4000,
    },
    {
      id: 'Hc6tMast0Ew4rT5yU6iOpA',
      name: 'fleet-logs-es-master-0',
      roles: ['master'],
      heap: 23,
      disk: 0.08,
      size: 50,
    },
  ].filter(n => !(yellow && n.name.endsWith('warm-1')));
  const nodes: Record<string, unknown> = {};
  for (const n of defs) {
    let heap = Math.round(n.heap * wave(`${n.name}/heap`, now, 0.15));
    let disk = n.disk;
    if (pressure && n.name.endsWith('hot-1')) {
      heap = 93;
      disk = 0.91;
    }
    const total = n.size * GB;
    const available = Math.round(total * (1 - disk));
    const heapMax = 8 * GB;
    const node: Record<string, unknown> = {
      timestamp: now,
      name: n.name,
      transport_address: `10.42.${3 + defs.indexOf(n)}.17:9300`,
      host: `10.42.${3 + defs.indexOf(n)}.17`,
      ip: `10.42.${3 + defs.indexOf(n)}.17:9300`,
      roles: n.roles,
      attributes: {
        k8s_node_name: `ops-01-pool-es-${defs.indexOf(n)}`,
        'xpack.installed': 'true',
        'transform.config_version': '10.0.0',
        'ml.config_version': '12.0.0',
      },
    };
    if (!metrics || metrics.includes('jvm') || metrics.includes('_all')) {
      node.jvm = {
        timestamp: now,
        uptime_in_millis: now - model.startedAt,
        mem: {
          heap_used_in_bytes: Math.round((heapMax * heap) / 100),
          heap_used_percent: heap,
          heap_committed_in_bytes: heapMax,
          heap_max_in_bytes: heapMax,
          non_heap_used_in_bytes: 213_000_000,
          non_heap_committed_in_bytes: 226_000_000,
          pools: {},
        },
        threads: { count: 142, peak_count: 160 },
        gc: {
          collectors: {
            young: {
              collection_count: 1200,
              collection_time_in_millis: 41_000,
            },
            old: { collection_count: 0, collection_time_in_millis: 0 },
          },
        },
        buffer_pools: {},
        classes: {
          current_loaded_count: 31_000,
          total_loaded_count: 31_500,
          total_unloaded_count: 500,
        },
      };
    }
    if (!metrics || metrics.includes('fs') || metrics.includes('_all')) {
      node.fs = {
        timestamp: now,
        total: {
          total_in_bytes: total,
          free_in_bytes: available + 1_000_000,
          available_in_bytes: available,
        },
        data: [
          {
            path: '/usr/share/elasticsearch/data',
            mount: '/usr/share/elasticsearch/data (/dev/nvme1n1)',
            type: 'ext4',
            total_in_bytes: total,
            free_in_bytes: available + 1_000_000,
            available_in_bytes: available,
          },
        ],
        io_stats: {},
      };
    }
    nodes[n.id] = node;
  }
  return {
    _nodes: { total: defs.length, successful: defs.length, failed: 0 },
    cluster_name: 'fleet-logs',
    nodes,
  };
}

/** `_search` on an index expression: picks the documents of the matching indices. */
export function esSearch(
  model: FleetModel,
  expression: string,
  body: Record<string, any>,
) {
  const now = model.now();
  if (expression === ELASTALERT_STATUS_INDEX) {
    return search(elastalertDocs(model), body, now, 1);
  }
  const targets = resolveIndices(model, expression);
  const wantsLogs = targets.some(i => i.family === 'logs');
  const wantsSpans = targets.some(i => i.family === 'span');
  const from = now - DAY_MS - 3600_000;
  const names = new Set(targets.map(t => t.index));
  const docs = [
    ...(wantsLogs ? logDocs(model, from, now) : []),
    ...(wantsSpans ? spanDocs(model, from, now) : []),
  ].filter(d => names.has(d._index));
  return search(
    docs,
    body,
    now,
    targets.reduce((n, t) => n + (t.family === 'span' ? 5 : 1), 0),
  );
}

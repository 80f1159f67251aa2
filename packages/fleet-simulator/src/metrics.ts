import {
  FleetModel,
  hash,
  SERVICES,
  ServiceName,
  SimCluster,
  unit,
  wave,
} from './model';
import { clusterBucket, platformFaultSince } from './platformFaults';

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export const METRIC_HELP: Record<string, [string, string]> = {
  up: ['gauge', 'Whether the target could be scraped.'],
  prometheus_build_info: [
    'gauge',
    'A metric with a constant 1 value labeled by version, revision, branch, goversion from which prometheus was built.',
  ],
  thanos_objstore_bucket_last_successful_upload_time: [
    'gauge',
    'Second timestamp of the last successful upload to the bucket.',
  ],
  thanos_objstore_bucket_operations_total: [
    'counter',
    'Total number of all attempted operations against a bucket.',
  ],
  thanos_objstore_bucket_operation_failures_total: [
    'counter',
    'Total number of operations against a bucket that failed, but were not expected to fail in certain way from caller perspective.',
  ],
  thanos_shipper_uploads_total: ['counter', 'Total number of uploaded blocks.'],
  thanos_shipper_upload_failures_total: [
    'counter',
    'Total number of block upload failures.',
  ],
  thanos_compact_halted: [
    'gauge',
    'Set to 1 if the compactor halted due to an unexpected error.',
  ],
  thanos_compact_iterations_total: [
    'counter',
    'Total number of iterations that were executed successfully.',
  ],
  thanos_compact_todo_compactions: [
    'gauge',
    'number of compactions to be done',
  ],
  thanos_bucket_store_blocks_loaded: [
    'gauge',
    'Number of currently loaded blocks.',
  ],
  certmanager_certificate_expiration_timestamp_seconds: [
    'gauge',
    'The date after which the certificate expires. Expressed as a Unix Epoch Time.',
  ],
  certmanager_certificate_ready_status: [
    'gauge',
    'The ready status of the certificate.',
  ],
  http_server_requests_seconds_count: [
    'counter',
    'Duration of HTTP server request handling (count).',
  ],
  http_server_requests_seconds_sum: [
    'counter',
    'Duration of HTTP server request handling (sum).',
  ],
  http_server_requests_seconds_bucket: [
    'counter',
    'Duration of HTTP server request handling.',
  ],
};

/** Sidecars upload a block every 30 minutes (staggered per cluster and replica). */
export const UPLOAD_PERIOD_S = 1800;
const DAY_S = 86400;

export function lastUpload(
  cluster: string,
  replica: string,
  tMs: number,
): number {
  const t = tMs / 1000;
  const offset = unit(`${cluster}/${replica}/upload`) * UPLOAD_PERIOD_S;
  return Math.floor((t - offset) / UPLOAD_PERIOD_S) * UPLOAD_PERIOD_S + offset;
}

export interface CertInfo {
  name: string;
  namespace: string;
  expiresAt: number;
}

/** cert-manager Certificates of a cluster (90-day certificates renewed at 2/3). */
export function clusterCertificates(
  model: FleetModel,
  cluster: SimCluster,
  tMs: number,
): CertInfo[] {
  const t = tMs / 1000;
  const certs = [
    { name: 'thanos-query-mtls', namespace: 'monitoring' },
    { name: 'filebeat-client', namespace: 'logging' },
    { name: 'jaeger-collector-client', namespace: 'tracing' },
  ];
  return certs.map((c, i) => {
    // issued at a stable point of a 60-day renewal cycle, valid 90 days
    const cycle = 60 * DAY_S;
    const offset = unit(`${cluster.name}/${c.name}`) * cycle;
    const issued = Math.floor((t - offset) / cycle) * cycle + offset;
    let expiresAt = issued + 90 * DAY_S;
    if (i === 1 && model.has(cluster.name, 'cert-near-expiry')) {
      expiresAt = t + 3 * DAY_S + 3600; // renewal stuck: 3 days left
    }
    return { ...c, expiresAt: Math.round(expiresAt) };
  });
}

const SERIES_CACHE = new WeakMap<
  FleetModel,
  { key: string; byCluster: Map<string, Series[]> }
>();

/**
 * Every series one cluster exports (what its Prometheus pair would scrape), cached
 * for the current second and fault set: all queries of one refresh round share them.
 */
export function clusterSeries(
  model: FleetModel,
  cluster: SimCluster,
  tMs: number,
): Series[] {
  const key = `${Math.floor(tMs / 1000)}/${model.version}`;
  let cache = SERIES_CACHE.get(model);
  if (!cache || cache.key !== key) {
    cache = { key, byCluster: new Map() };
    SERIES_CACHE.set(model, cache);
  }
  let series = cache.byCluster.get(cluster.name);
  if (!series) {
    series = computeClusterSeries(
      model,
      cluster,
      Math.floor(tMs / 1000) * 1000,
    );
    cache.byCluster.set(cluster.name, series);
  }
  return series;
}

/** Head series of one Prometheus replica, per environment. */
const HEAD_SERIES: Record<string, number> = {
  dev: 180_000,
  stag: 320_000,
  prod: 900_000,
  ops: 450_000,
};

function computeClusterSeries(
  model: FleetModel,
  cluster: SimCluster,
  tMs: number,
): Series[] {
  const c = cluster.name;
  const base = { cluster: c, environment: cluster.environment };
  const out: Series[] = [];
  const push = (name: string, labels: Record<string, string>, value: number) =>
    out.push({ name, labels: { ...base, ...labels }, value });
  const t = tMs / 1000;
  const sinceStart = (tMs - model.startedAt) / 1000;

  // Object storage: every Thanos component's bucket operations (labelled with the
  // bucket, as Thanos' objstore metrics are); during an outage all of them fail.
  const bucket = clusterBucket(model, cluster);
  const outage = platformFaultSince(model, c, 'bucket-outage');
  const bucketOps = (
    labels: Record<string, string>,
    operation: string,
    perSecond: number,
  ) => {
    push(
      'thanos_objstore_bucket_operations_total',
      { ...labels, bucket, operation },
      Math.floor(perSecond * sinceStart),
    );
    const failing = outage === undefined ? 0 : Math.max(0, tMs - outage) / 1000;
    push(
      'thanos_objstore_bucket_operation_failures_total',
      { ...labels, bucket, operation },
      Math.floor(perSecond * Math.min(failing, sinceStart)),
    );
  };

  const replicas = model.has(c, 'replica-down') ? ['0'] : ['0', '1'];
  for (const replica of ['0', '1']) {
    const running = replicas.includes(replica);
    push(
      'up',
      {
        job: 'prometheus',
        replica,
        instance: `prometheus-k8s-${replica}:9090`,
      },
      running ? 1 : 0,
    );
    if (running) {
      // Ingest of the replica's TSDB (what a retention change's cost is estimated from):
      // every head series gets a sample per 30 s scrape.
      const headSeries = Math.round(
        (HEAD_SERIES[cluster.environment] ?? 150_000) *
          wave(`${c}/head-series`, tMs, 0.05),
      );
      push(
        'prometheus_tsdb_head_series',
        {
          job: 'prometheus',
          replica,
          instance: `prometheus-k8s-${replica}:9090`,
        },
        headSeries,
      );
      push(
        'prometheus_tsdb_head_samples_appended_total',
        {
          job: 'prometheus',
          replica,
          instance: `prometheus-k8s-${replica}:9090`,
          type: 'float',
        },
        Math.round(
          ((HEAD_SERIES[cluster.environment] ?? 150_000) / 30) * sinceStart,
        ),
      );
      push(
        'prometheus_build_info',
        {
          job: 'prometheus',
          replica,
          instance: `prometheus-k8s-${replica}:9090`,
          version: '2.54.1',
          branch: 'HEAD',
          revision: 'e6cfa720fbe6280153fab13090a483dbd40bece3',
          goversion: 'go1.22.6',
        },
        1,
      );
    }
    const sidecarUp = running && !model.has(c, 'sidecar-down');
    const sidecar = {
      job: 'thanos-sidecar',
      replica,
      instance: `prometheus-k8s-${replica}:10902`,
    };
    push('up', sidecar, sidecarUp ? 1 : 0);
    if (sidecarUp) {
      push(
        'thanos_objstore_bucket_last_successful_upload_time',
        { ...sidecar, bucket },
        outage === undefined
          ? lastUpload(c, replica, tMs)
          : lastUpload(c, replica, Math.min(tMs, outage)),
      );
      bucketOps(sidecar, 'upload', 0.05);
      push(
        'thanos_shipper_uploads_total',
        sidecar,
        100 + Math.floor(sinceStart / UPLOAD_PERIOD_S),
      );
      push('thanos_shipper_upload_failures_total', sidecar, 0);
    }
  }

  const compactor = {
    job: 'thanos-compact',
    instance: 'thanos-compact-0:10902',
  };
  const halted = model.faultSince(c, 'compactor-halted');
  push('up', compactor, 1);
  push('thanos_compact_halted', compactor, halted ? 1 : 0);
  push(
    'thanos_compact_iterations_total',
    compactor,
    40 + Math.floor(sinceStart / 300),
  );
  push(
    'thanos_compact_todo_compactions',
    compactor,
    halted ? 4 + Math.floor((tMs - halted) / 1800_000) : 0,
  );
  let compactUpload = Math.floor(t / 3600) * 3600 + 240;
  if (compactUpload > t) compactUpload -= 3600;
  if (halted) compactUpload = halted / 1000 - 600;
  push(
    'thanos_objstore_bucket_last_successful_upload_time',
    { ...compactor, bucket },
    compactUpload,
  );
  bucketOps(compactor, 'iter', 0.2);

  const storeUp = !model.has(c, 'store-gateway-down');
  const store = { job: 'thanos-store', instance: 'thanos-store-0:10902' };
  push('up', store, storeUp ? 1 : 0);
  if (storeUp) {
    bucketOps(store, 'get_range', 1.5);
    push(
      'thanos_bucket_store_blocks_loaded',
      store,
      120 + (hash(c) % 200) + Math.floor(sinceStart / 7200),
    );
  }
  push('up', { job: 'thanos-query', instance: 'thanos-query-0:10902' }, 1);

  for (const cert of clusterCertificates(model, cluster, tMs)) {
    const labels = {
      job: 'cert-manager',
      name: cert.name,
      namespace: cert.namespace,
      issuer_name: 'fleet-ca',
      issuer_kind: 'ClusterIssuer',
      issuer_group: 'cert-manager.io',
    };
    push(
      'certmanager_certificate_expiration_timestamp_seconds',
      labels,
      cert.expiresAt,
    );
    push(
      'certmanager_certificate_ready_status',
      { ...labels, condition: 'True' },
      cert.expiresAt > t ? 1 : 0,
    );
  }
  push('up', { job: 'cert-manager', instance: 'cert-manager-0:9402' }, 1);
  return out;
}

// ---------------------------------------------------------------- RED metrics

const BASE_RATE: Record<ServiceName, number> = {
  'web-frontend': 120,
  checkout: 40,
  'payments-api': 25,
  cart: 60,
};
const BASE_P99: Record<ServiceName, number> = {
  'web-frontend': 0.62,
  checkout: 0.38,
  'payments-api': 0.51,
  cart: 0.085,
};
const ENV_SCALE: Record<string, number> = { prod: 1, stag: 0.2, dev: 0.08 };

/** Error share of a service in a cluster (%), used for RED metrics, traces and logs. */
export function errorPercent(
  service: ServiceName,
  environment: string,
): number {
  if (service === 'payments-api' && environment === 'prod') return 6;
  return environment === 'prod' ? 2 : 3;
}

export function requestRate(
  service: ServiceName,
  cluster: SimCluster,
  tMs: number,
): number {
  return (
    BASE_RATE[service] *
    (ENV_SCALE[cluster.environment] ?? 0.1) *
    wave(`${cluster.name}/${service}/rate`, tMs, 0.3)
  );
}

export function errorRatio(
  service: ServiceName,
  cluster: SimCluster,
  tMs: number,
): number {
  return (
    (errorPercent(service, cluster.environment) / 100) *
    wave(`${cluster.name}/${service}/err`, tMs, 0.5)
  );
}

export function latencyQuantile(
  service: ServiceName,
  cluster: SimCluster,
  q: number,
  tMs: number,
): number {
  const p99 =
    BASE_P99[service] * wave(`${cluster.name}/${service}/lat`, tMs, 0.25);
  // a log-normal-ish shape: p50 ≈ p99 / 5
  const z = Math.max(0.01, Math.min(0.999, q));
  return p99 * Math.pow(z / 0.99, 2.2) * (z > 0.99 ? 1 + (z - 0.99) * 40 : 1);
}

export function isService(name: string): name is ServiceName {
  return (SERVICES as readonly string[]).includes(name);
}

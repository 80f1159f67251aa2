import { errorPercent, latencyQuantile } from './metrics';
import {
  FleetModel,
  hash,
  SERVICES,
  ServiceName,
  SimCluster,
  unit,
} from './model';

/** One trace per service and cluster every minute (its "slot"). */
export const SLOT_MS = 60_000;
/** How far back traces (and the service logs tied to them) exist. */
export const HISTORY_MS = 2 * 3600_000;

const CALLS: Record<ServiceName, ServiceName[]> = {
  'web-frontend': ['checkout'],
  checkout: ['cart', 'payments-api'],
  'payments-api': [],
  cart: [],
};

const OPERATIONS: Record<
  ServiceName,
  { op: string; method: string; route: string }
> = {
  'web-frontend': { op: 'GET /checkout', method: 'GET', route: '/checkout' },
  checkout: {
    op: 'POST /api/checkout',
    method: 'POST',
    route: '/api/checkout',
  },
  'payments-api': {
    op: 'POST /api/payments/charge',
    method: 'POST',
    route: '/api/payments/charge',
  },
  cart: { op: 'GET /api/cart/{id}', method: 'GET', route: '/api/cart/{id}' },
};

const INTERNAL: Partial<
  Record<ServiceName, { op: string; tags: Array<[string, string]> }>
> = {
  'payments-api': {
    op: 'pg.query SELECT',
    tags: [
      ['db.system', 'postgresql'],
      ['db.statement', 'SELECT * FROM payment_methods WHERE customer_id = $1'],
    ],
  },
  cart: {
    op: 'redis GET',
    tags: [
      ['db.system', 'redis'],
      ['db.statement', 'GET cart:{id}'],
    ],
  },
};

export interface TraceKey {
  service: ServiceName;
  cluster: SimCluster;
  slot: number;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * Trace ids carry what generated them (slot, cluster index, service) plus a check
 * hash, so a trace can be rebuilt from its id alone.
 */
export function traceId(key: TraceKey): string {
  const head = `${hex(key.slot >>> 0, 8)}${hex(key.cluster.index, 4)}${hex(
    SERVICES.indexOf(key.service),
    2,
  )}00`;
  return `${head}${hex(hash(`${head}/a`), 8)}${hex(hash(`${head}/b`), 8)}`;
}

export function decodeTraceId(
  model: FleetModel,
  id: string,
): TraceKey | undefined {
  if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
  const slot = parseInt(id.slice(0, 8), 16);
  const cluster = model.clusters[parseInt(id.slice(8, 12), 16)];
  const service = SERVICES[parseInt(id.slice(12, 14), 16)];
  if (!cluster || !service) return undefined;
  const key = { service, cluster, slot };
  return traceId(key) === id ? key : undefined;
}

/** The root span starts at a stable offset inside its slot. */
export function traceStart(key: TraceKey): number {
  return (
    key.slot * SLOT_MS +
    Math.floor(
      unit(`${key.cluster.name}/${key.service}/${key.slot}/start`) * 50_000,
    )
  );
}

export function isErrorTrace(key: TraceKey): boolean {
  // At least one error trace in every 10 slots of each service and cluster, so that
  // any 10-minute window of the demo has an error to drill down from.
  const offset = Math.floor(
    unit(`${key.cluster.name}/${key.service}/err-slot`) * 10,
  );
  return (
    (key.slot + offset) % 10 === 0 ||
    unit(`${key.cluster.name}/${key.service}/${key.slot}/err`) * 100 <
      errorPercent(key.service, key.cluster.environment) * 4
  );
}

/** Whether the trace exists (collector up at its time, inside the history window). */
export function traceExists(model: FleetModel, key: TraceKey): boolean {
  const start = traceStart(key);
  const now = model.now();
  if (start > now || start < now - HISTORY_MS) return false;
  if (!model.serviceClusters().includes(key.cluster)) return false;
  const down = model.faultSince(key.cluster.name, 'collector-down');
  return down === undefined || start < down;
}

const spanIdOf = (traceIdText: string, n: number) =>
  hex(hash(`${traceIdText}/${n}`), 8) + hex(hash(`${traceIdText}/${n}/x`), 8);

/** A trace in the Jaeger Query API JSON model. */
export function buildTrace(key: TraceKey) {
  const id = traceId(key);
  const error = isErrorTrace(key);
  const start = traceStart(key);
  const spans: any[] = [];
  const processes: Record<string, { serviceName: string; tags: any[] }> = {};
  const pids = new Map<ServiceName, string>();
  let counter = 0;
  const pidOf = (service: ServiceName) => {
    if (!pids.has(service)) {
      const pid = `p${pids.size + 1}`;
      pids.set(service, pid);
      processes[pid] = {
        serviceName: service,
        tags: [
          { key: 'cluster', type: 'string', value: key.cluster.name },
          {
            key: 'environment',
            type: 'string',
            value: key.cluster.environment,
          },
          {
            key: 'hostname',
            type: 'string',
            value: `${service}-${hex(hash(key.cluster.name + service), 8).slice(
              0,
              9,
            )}-${hex(hash(service), 5)}`,
          },
          {
            key: 'jaeger.version',
            type: 'string',
            value: 'opentelemetry-java',
          },
        ],
      };
    }
    return pids.get(service)!;
  };

  // failing leaf: payments-api when present in the tree, else the root
  const failing: ServiceName = key.service === 'cart' ? 'cart' : 'payments-api';
  const onErrorPath = (service: ServiceName) =>
    service === failing ||
    (failing === 'payments-api' &&
      (service === 'checkout' || service === 'web-frontend'));

  const visit = (
    service: ServiceName,
    parent: string | undefined,
    startMs: number,
  ): number => {
    const spanId = spanIdOf(id, counter++);
    const q = unit(`${id}/${service}/lat`) * 0.98 + 0.01;
    let selfMs = Math.max(
      2,
      latencyQuantile(service, key.cluster, q, start) * 1000 * 0.4,
    );
    let childEnd = startMs + 1;
    for (const callee of CALLS[service]) {
      childEnd = visit(callee, spanId, childEnd + 1) + 1;
    }
    const internal = INTERNAL[service];
    if (internal) {
      const internalStart = childEnd + 1;
      const dur = Math.max(1, selfMs * 0.5);
      spans.push({
        traceID: id,
        spanID: spanIdOf(id, counter++),
        flags: 1,
        operationName: internal.op,
        references: [{ refType: 'CHILD_OF', traceID: id, spanID: spanId }],
        startTime: Math.round(internalStart * 1000),
        duration: Math.round(dur * 1000),
        tags: [
          { key: 'span.kind', type: 'string', value: 'client' },
          ...internal.tags.map(([k, v]) => ({
            key: k,
            type: 'string',
            value: v,
          })),
        ],
        logs: [],
        processID: pidOf(service),
        warnings: null,
      });
      childEnd = internalStart + dur;
    }
    const isError = error && onErrorPath(service);
    if (isError) selfMs *= 3;
    const end = Math.max(childEnd, startMs + selfMs);
    const op = OPERATIONS[service];
    let status = 200;
    if (isError) status = service === failing ? 502 : 500;
    spans.push({
      traceID: id,
      spanID: spanId,
      flags: 1,
      operationName: op.op,
      references: parent
        ? [{ refType: 'CHILD_OF', traceID: id, spanID: parent }]
        : [],
      startTime: Math.round(startMs * 1000),
      duration: Math.round((end - startMs) * 1000),
      tags: [
        { key: 'span.kind', type: 'string', value: 'server' },
        { key: 'http.method', type: 'string', value: op.method },
        { key: 'http.route', type: 'string', value: op.route },
        { key: 'http.status_code', type: 'int64', value: status },
        {
          key: 'otel.library.name',
          type: 'string',
          value: 'io.opentelemetry.tomcat-10.0',
        },
        ...(isError
          ? [
              { key: 'error', type: 'bool', value: true },
              { key: 'otel.status_code', type: 'string', value: 'ERROR' },
            ]
          : []),
      ],
      logs: isError
        ? [
            {
              timestamp: Math.round(end * 1000) - 10,
              fields: [
                { key: 'event', type: 'string', value: 'exception' },
                {
                  key: 'exception.type',
                  type: 'string',
                  value:
                    service === 'payments-api'
                      ? 'PaymentGatewayTimeoutException'
                      : 'UpstreamServiceException',
                },
                {
                  key: 'exception.message',
                  type: 'string',
                  value: errorMessage(service),
                },
              ],
            },
          ]
        : [],
      processID: pidOf(service),
      warnings: null,
    });
    return end;
  };
  visit(key.service, undefined, start);
  spans.sort((a, b) => a.startTime - b.startTime);
  return { traceID: id, spans, processes, warnings: null };
}

export function errorMessage(service: ServiceName): string {
  switch (service) {
    case 'payments-api':
      return 'Payment gateway timed out after 3000 ms (provider=acme-pay)';
    case 'cart':
      return 'Redis command timed out: GET cart';
    case 'checkout':
      return 'Checkout failed: payments-api answered 502 Bad Gateway';
    default:
      return 'GET /checkout failed: checkout answered 500 Internal Server Error';
  }
}

/** Keys of the traces of a service in a time window, newest first. */
export function traceKeys(
  model: FleetModel,
  options: {
    service: ServiceName;
    clusters: SimCluster[];
    startMs: number;
    endMs: number;
  },
): TraceKey[] {
  const out: TraceKey[] = [];
  const first =
    Math.floor(Math.max(options.startMs, model.now() - HISTORY_MS) / SLOT_MS) -
    1;
  const last = Math.floor(Math.min(options.endMs, model.now()) / SLOT_MS);
  for (let slot = last; slot >= first; slot--) {
    for (const cluster of options.clusters) {
      const key = { service: options.service, cluster, slot };
      const start = traceStart(key);
      if (start < options.startMs || start > options.endMs) continue;
      if (traceExists(model, key)) out.push(key);
    }
  }
  return out;
}

import { FleetModel, SERVICES, ServiceName } from './model';
import { buildTrace, decodeTraceId, traceExists, traceKeys } from './traces';

export class JaegerError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }

  body() {
    return {
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: this.status, msg: this.message }],
    };
  }
}

const DURATION = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

function parseDuration(text: string, name: string): number {
  const m = DURATION.exec(text);
  if (!m)
    throw new JaegerError(
      400,
      `cannot not parse ${name}: time: invalid duration "${text}"`,
    );
  return Number(m[1]) * UNIT_MS[m[2]];
}

export function services(model: FleetModel) {
  const list = [...SERVICES, 'jaeger-all-in-one'].sort();
  void model;
  return { data: list, total: list.length, limit: 0, offset: 0, errors: null };
}

export function operations(service: string) {
  const ops: Record<string, string[]> = {
    'web-frontend': ['GET /checkout'],
    checkout: ['POST /api/checkout'],
    'payments-api': ['POST /api/payments/charge', 'pg.query SELECT'],
    cart: ['GET /api/cart/{id}', 'redis GET'],
  };
  const list = ops[service] ?? [];
  return { data: list, total: list.length, limit: 0, offset: 0, errors: null };
}

/** `GET /api/traces`: the Jaeger UI's search. */
export function findTraces(model: FleetModel, params: URLSearchParams) {
  const service = params.get('service');
  if (!service) throw new JaegerError(400, "parameter 'service' is required");
  const now = model.now();
  const endMs = params.get('end') ? Number(params.get('end')) / 1000 : now;
  const startMs = params.get('start')
    ? Number(params.get('start')) / 1000
    : endMs - parseDuration(params.get('lookback') ?? '1h', 'lookback');
  const limit = Math.max(
    1,
    Math.min(1500, Number(params.get('limit') ?? 20) || 20),
  );
  const minDuration = params.get('minDuration')
    ? parseDuration(params.get('minDuration')!, 'minDuration') * 1000
    : 0;
  let tags: Record<string, string> = {};
  if (params.get('tags')) {
    try {
      tags = JSON.parse(params.get('tags')!);
    } catch {
      throw new JaegerError(400, 'malformed tags parameter: invalid character');
    }
  }
  if (!(SERVICES as readonly string[]).includes(service)) {
    return { data: [], total: 0, limit: 0, offset: 0, errors: null };
  }
  const clusters = model
    .serviceClusters()
    .filter(c => !tags.cluster || tags.cluster === c.name);
  const operation = params.get('operation');
  const out = [];
  for (const key of traceKeys(model, {
    service: service as ServiceName,
    clusters,
    startMs,
    endMs,
  })) {
    const trace = buildTrace(key);
    const root = trace.spans.find((s: any) => s.references.length === 0);
    if (
      operation &&
      !trace.spans.some((s: any) => s.operationName === operation)
    )
      continue;
    if (minDuration && root.duration < minDuration) continue;
    if (
      tags.error === 'true' &&
      !trace.spans.some((s: any) =>
        s.tags.some((t: any) => t.key === 'error' && t.value === true),
      )
    )
      continue;
    if (
      tags['http.status_code'] &&
      !trace.spans.some((s: any) =>
        s.tags.some(
          (t: any) =>
            t.key === 'http.status_code' &&
            String(t.value) === tags['http.status_code'],
        ),
      )
    )
      continue;
    out.push(trace);
    if (out.length >= limit) break;
  }
  return { data: out, total: out.length, limit: 0, offset: 0, errors: null };
}

export function getTrace(model: FleetModel, id: string) {
  const key = decodeTraceId(model, id.toLowerCase().padStart(32, '0'));
  if (!key || !traceExists(model, key))
    throw new JaegerError(404, 'trace not found');
  return {
    data: [buildTrace(key)],
    total: 0,
    limit: 0,
    offset: 0,
    errors: null,
  };
}

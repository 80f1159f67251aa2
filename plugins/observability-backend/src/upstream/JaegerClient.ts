import { z } from 'zod';
import { UpstreamHttp } from './httpJson';
import { UpstreamError } from './UpstreamError';

const keyValue = z
  .object({
    key: z.string(),
    type: z.string().optional(),
    value: z.unknown(),
  })
  .passthrough();

const spanSchema = z
  .object({
    traceID: z.string(),
    spanID: z.string(),
    operationName: z.string(),
    references: z
      .array(
        z
          .object({
            refType: z.string(),
            traceID: z.string(),
            spanID: z.string(),
          })
          .passthrough(),
      )
      .nullable()
      .optional(),
    startTime: z.number(),
    duration: z.number(),
    tags: z.array(keyValue).nullable().optional(),
    logs: z.array(z.unknown()).nullable().optional(),
    processID: z.string(),
    warnings: z.array(z.string()).nullable().optional(),
  })
  .passthrough();

const traceSchema = z
  .object({
    traceID: z.string(),
    spans: z.array(spanSchema),
    processes: z.record(
      z
        .object({
          serviceName: z.string(),
          tags: z.array(keyValue).nullable().optional(),
        })
        .passthrough(),
    ),
    warnings: z.array(z.string()).nullable().optional(),
  })
  .passthrough();

const structuredError = z
  .object({
    code: z.number().optional(),
    msg: z.string(),
    traceID: z.string().optional(),
  })
  .passthrough();

function structured<T extends z.ZodTypeAny>(data: T) {
  return z
    .object({
      data,
      total: z.number().optional(),
      limit: z.number().optional(),
      offset: z.number().optional(),
      errors: z.array(structuredError).nullable().optional(),
    })
    .passthrough();
}

export type JaegerSpan = z.infer<typeof spanSchema>;
export type JaegerTrace = z.infer<typeof traceSchema>;

export interface TraceSearch {
  service: string;
  operation?: string;
  /** Span tags to match, e.g. `{ cluster: 'prod-01', error: 'true' }`. */
  tags?: Record<string, string>;
  /** Jaeger duration, e.g. `1h`; ignored when start/end are given. */
  lookback?: string;
  start?: Date;
  end?: Date;
  /** e.g. `100ms`. */
  minDuration?: string;
  limit?: number;
}

/** Jaeger Query HTTP API (the one the Jaeger UI uses). */
export interface JaegerClient {
  readonly requestCount: number;
  /** `GET /api/services`. */
  services(): Promise<string[]>;
  /** `GET /api/traces?service=&...`. */
  traces(search: TraceSearch): Promise<JaegerTrace[]>;
  /** `GET /api/traces/{id}`; undefined when Jaeger does not know the trace. */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
}

const TRACE_ID = /^[0-9a-f]{1,32}$/i;
const DURATION = /^\d+(\.\d+)?(ns|us|µs|ms|s|m|h)$/;

export class FetchJaegerClient implements JaegerClient {
  constructor(private readonly http: UpstreamHttp) {}

  get requestCount() {
    return this.http.requestCount;
  }

  async services(): Promise<string[]> {
    const answer = await this.http.get(
      '/api/services',
      structured(z.array(z.string()).nullable()),
    );
    this.throwOnErrors('/api/services', answer.errors);
    return answer.data ?? [];
  }

  async traces(search: TraceSearch): Promise<JaegerTrace[]> {
    for (const d of [search.lookback, search.minDuration]) {
      if (d !== undefined && !DURATION.test(d)) {
        throw new Error(`invalid Jaeger duration "${d}"`);
      }
    }
    const answer = await this.http.get(
      '/api/traces',
      structured(z.array(traceSchema).nullable()),
      {
        service: search.service,
        operation: search.operation,
        tags: search.tags ? JSON.stringify(search.tags) : undefined,
        lookback: search.start ? undefined : search.lookback,
        // Jaeger takes microseconds since the epoch.
        start: search.start ? String(search.start.getTime() * 1000) : undefined,
        end: search.end ? String(search.end.getTime() * 1000) : undefined,
        minDuration: search.minDuration,
        limit: search.limit,
      },
    );
    this.throwOnErrors('/api/traces', answer.errors);
    return answer.data ?? [];
  }

  async trace(traceId: string): Promise<JaegerTrace | undefined> {
    if (!TRACE_ID.test(traceId)) {
      throw new Error(`invalid trace id "${traceId}"`);
    }
    try {
      const answer = await this.http.get(
        `/api/traces/${traceId}`,
        structured(z.array(traceSchema).nullable()),
      );
      return answer.data?.[0];
    } catch (error) {
      if (error instanceof UpstreamError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  private throwOnErrors(
    path: string,
    errors: Array<{ code?: number; msg: string }> | null | undefined,
  ) {
    if (errors && errors.length > 0) {
      throw new UpstreamError({
        kind: 'http',
        upstream: this.http.name,
        path,
        status: errors[0].code,
        message: `${this.http.name} at ${path} reported: ${errors
          .map(e => e.msg)
          .join('; ')
          .slice(0, 300)}`,
      });
    }
  }
}

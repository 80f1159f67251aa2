import { z } from 'zod';
import { QueryParams, UpstreamHttp } from './httpJson';
import { fetchRules, ThanosRules } from './thanosRules';

const labelsSchema = z.record(z.string());
const sampleValue = z.tuple([z.number(), z.string()]);

const vectorSample = z.object({ metric: labelsSchema, value: sampleValue });
const matrixSeries = z.object({
  metric: labelsSchema,
  values: z.array(sampleValue),
});

const queryData = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(vectorSample) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(matrixSeries) }),
  z.object({ resultType: z.literal('scalar'), result: sampleValue }),
  z.object({ resultType: z.literal('string'), result: sampleValue }),
]);

// As the `get` reads it: the series are validated by `parseInTurns` after.
const queryDataShallow = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(z.unknown()) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(z.unknown()) }),
  z.object({ resultType: z.literal('scalar'), result: sampleValue }),
  z.object({ resultType: z.literal('string'), result: sampleValue }),
]);

function success<T extends z.ZodTypeAny>(data: T) {
  return z.object({
    status: z.literal('success'),
    data,
    warnings: z.array(z.string()).optional(),
  });
}

const storeSchema = z
  .object({
    name: z.string(),
    lastCheck: z.string().nullable().optional(),
    lastError: z.string().nullable().optional(),
    labelSets: z.array(labelsSchema).nullable().optional(),
    minTime: z.number().optional(),
    maxTime: z.number().optional(),
  })
  .passthrough();

/** One sample of an instant vector: labels and `[unix seconds, "value"]`. */
export type PromVectorSample = z.infer<typeof vectorSample>;
/** One series of a range matrix. */
export type PromMatrixSeries = z.infer<typeof matrixSeries>;
/** The `data` of a Prometheus query answer, plus its warnings. */
export type PromQueryResult = z.infer<typeof queryData> & {
  warnings?: string[];
};
/** One StoreAPI endpoint as the Thanos Query `/api/v1/stores` page lists it. */
export interface ThanosStore {
  name: string;
  lastCheck?: string | null;
  lastError?: string | null;
  labelSets?: Record<string, string>[] | null;
  minTime?: number;
  maxTime?: number;
}
/** Store endpoints by component type (`sidecar`, `store`, `query`, `rule`, `receive`, ...). */
export type ThanosStores = Record<string, ThanosStore[]>;

export interface QueryOptions {
  /** Evaluation time; default: the upstream's now. */
  time?: Date;
  /** Thanos: deduplicate replicas (default true there); `false` to see each replica. */
  dedup?: boolean;
  /** Thanos: answer with what the healthy stores have (default true here). */
  partialResponse?: boolean;
}

export interface RangeQueryOptions {
  start: Date;
  end: Date;
  stepSeconds: number;
  dedup?: boolean;
  partialResponse?: boolean;
}

/** Thanos Global Query (Prometheus HTTP API plus the Thanos stores page). */
export interface ThanosClient {
  /** Requests sent by this client so far. */
  readonly requestCount: number;
  /** `POST /api/v1/query`. */
  query(promql: string, options?: QueryOptions): Promise<PromQueryResult>;
  /** `POST /api/v1/query_range`. */
  queryRange(
    promql: string,
    options: RangeQueryOptions,
  ): Promise<PromQueryResult>;
  /** `GET /api/v1/labels`: the label names present (optionally for series matching `match`). */
  labels(options?: {
    match?: string[];
    start?: Date;
    end?: Date;
  }): Promise<string[]>;
  /** `GET /api/v1/stores` (Thanos only). */
  stores(): Promise<ThanosStores>;
  /** `GET /api/v1/rules`: the rule groups loaded, with their health. */
  rules(): Promise<ThanosRules>;
}

const seconds = (d: Date) => (d.getTime() / 1000).toFixed(3);

export class FetchThanosClient implements ThanosClient {
  constructor(private readonly http: UpstreamHttp) {}

  get requestCount() {
    return this.http.requestCount;
  }

  query(promql: string, options: QueryOptions = {}): Promise<PromQueryResult> {
    return this.ask('/api/v1/query', {
      query: promql,
      time: options.time ? seconds(options.time) : undefined,
      dedup: options.dedup === undefined ? undefined : String(options.dedup),
      partial_response: String(options.partialResponse ?? true),
    });
  }

  queryRange(
    promql: string,
    options: RangeQueryOptions,
  ): Promise<PromQueryResult> {
    return this.ask('/api/v1/query_range', {
      query: promql,
      start: seconds(options.start),
      end: seconds(options.end),
      step: String(options.stepSeconds),
      dedup: options.dedup === undefined ? undefined : String(options.dedup),
      partial_response: String(options.partialResponse ?? true),
    });
  }

  /** A query as a form POST; the series of its answer validated a slice at a time. */
  private async ask(path: string, form: QueryParams): Promise<PromQueryResult> {
    const { data, warnings } = await this.http.post(
      path,
      success(queryDataShallow),
      { form },
    );
    if (data.resultType === 'scalar' || data.resultType === 'string') {
      return { ...data, warnings };
    }
    const schema: z.ZodTypeAny =
      data.resultType === 'vector' ? vectorSample : matrixSeries;
    const result = await this.http.parseInTurns(
      path,
      'data.result',
      schema,
      data.result,
    );
    return { resultType: data.resultType, result, warnings } as PromQueryResult;
  }

  async labels(
    options: { match?: string[]; start?: Date; end?: Date } = {},
  ): Promise<string[]> {
    const answer = await this.http.get(
      '/api/v1/labels',
      success(z.array(z.string()).nullable()),
      {
        'match[]': options.match,
        start: options.start ? seconds(options.start) : undefined,
        end: options.end ? seconds(options.end) : undefined,
      },
    );
    return answer.data ?? [];
  }

  async stores(): Promise<ThanosStores> {
    const answer = await this.http.get(
      '/api/v1/stores',
      success(z.record(z.array(z.unknown()).nullable())),
    );
    const out: ThanosStores = {};
    for (const [type, list] of Object.entries(answer.data)) {
      out[type] = await this.http.parseInTurns(
        '/api/v1/stores',
        `data.${type}`,
        storeSchema,
        list ?? [],
      );
    }
    return out;
  }

  rules(): Promise<ThanosRules> {
    return fetchRules(this.http);
  }
}

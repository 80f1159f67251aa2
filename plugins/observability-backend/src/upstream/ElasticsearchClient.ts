import { z } from 'zod';
import { UpstreamHttp } from './httpJson';

const clusterHealthSchema = z
  .object({
    cluster_name: z.string(),
    status: z.enum(['green', 'yellow', 'red']),
    timed_out: z.boolean().optional(),
    number_of_nodes: z.number(),
    number_of_data_nodes: z.number(),
    active_primary_shards: z.number().optional(),
    active_shards: z.number().optional(),
    relocating_shards: z.number().optional(),
    initializing_shards: z.number().optional(),
    unassigned_shards: z.number(),
    unassigned_primary_shards: z.number().optional(),
    number_of_pending_tasks: z.number().optional(),
    active_shards_percent_as_number: z.number().optional(),
  })
  .passthrough();

const nodeStatsSchema = z
  .object({
    name: z.string(),
    roles: z.array(z.string()).optional(),
    attributes: z.record(z.string()).optional(),
    jvm: z
      .object({
        mem: z
          .object({
            heap_used_percent: z.number(),
            heap_used_in_bytes: z.number().optional(),
            heap_max_in_bytes: z.number().optional(),
          })
          .passthrough(),
      })
      .passthrough()
      .optional(),
    fs: z
      .object({
        total: z
          .object({
            total_in_bytes: z.number().optional(),
            free_in_bytes: z.number().optional(),
            available_in_bytes: z.number().optional(),
          })
          .passthrough(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

const nodesStatsSchema = z
  .object({
    cluster_name: z.string().optional(),
    nodes: z.record(nodeStatsSchema),
  })
  .passthrough();

const searchSchema = z
  .object({
    took: z.number().optional(),
    timed_out: z.boolean().optional(),
    hits: z
      .object({
        total: z
          .union([
            z.number(),
            z.object({ value: z.number(), relation: z.string() }),
          ])
          .optional(),
        hits: z.array(
          z
            .object({
              _index: z.string(),
              _id: z.string(),
              _source: z.record(z.unknown()).optional(),
              sort: z.array(z.unknown()).optional(),
            })
            .passthrough(),
        ),
      })
      .passthrough(),
    aggregations: z.record(z.unknown()).optional(),
  })
  .passthrough();

const ilmIndexSchema = z
  .object({
    index: z.string(),
    managed: z.boolean(),
    policy: z.string().optional(),
    phase: z.string().optional(),
    action: z.string().optional(),
    step: z.string().optional(),
    failed_step: z.string().optional(),
    step_info: z.record(z.unknown()).optional(),
    age: z.string().optional(),
    is_auto_retryable_error: z.boolean().optional(),
    failed_step_retry_count: z.number().optional(),
  })
  .passthrough();

// With `filter_path`, ES drops `indices` entirely when no index matches.
const ilmExplainSchema = z.object({
  indices: z.record(ilmIndexSchema).default({}),
});
// As the `get` reads it: an index per entry (thousands at 4,000 clusters), validated
// by `parseInTurns` after; so are the entries of `_alias`.
const ilmExplainShallow = z.object({
  indices: z.record(z.unknown()).default({}),
});

const indexAliasesSchema = z.object({
  aliases: z.record(
    z.object({ is_write_index: z.boolean().optional() }).passthrough(),
  ),
});
const aliasSchema = z.record(indexAliasesSchema);

const catIndexSchema = z
  .object({
    health: z.string().nullable().optional(),
    status: z.string().optional(),
    index: z.string(),
    uuid: z.string().optional(),
    pri: z.string().nullable().optional(),
    rep: z.string().nullable().optional(),
    'docs.count': z.string().nullable().optional(),
    'docs.deleted': z.string().nullable().optional(),
    'store.size': z.string().nullable().optional(),
    'pri.store.size': z.string().nullable().optional(),
    /** Epoch milliseconds; only when asked for with `h`. */
    'creation.date': z.string().nullable().optional(),
  })
  .passthrough();

export type EsClusterHealth = z.infer<typeof clusterHealthSchema>;
export type EsNodeStats = z.infer<typeof nodeStatsSchema>;
export type EsNodesStats = z.infer<typeof nodesStatsSchema>;
export type EsSearchResponse = z.infer<typeof searchSchema>;
export type EsIlmIndex = z.infer<typeof ilmIndexSchema>;
export type EsIlmExplain = z.infer<typeof ilmExplainSchema>;
/** `GET <index>/_alias`: index → its aliases (with `is_write_index` when set). */
export type EsAliases = z.infer<typeof aliasSchema>;
export type EsCatIndex = z.infer<typeof catIndexSchema>;

/** Elasticsearch 8 REST, the few endpoints the checks and signals need. */
export interface ElasticsearchClient {
  readonly requestCount: number;
  /** `GET /_cluster/health`. */
  clusterHealth(): Promise<EsClusterHealth>;
  /** `GET /_nodes/stats/jvm,fs`. */
  nodesStats(): Promise<EsNodesStats>;
  /** `POST /<index>/_search` with a JSON body (queries and aggregations). */
  search(
    index: string,
    body: Record<string, unknown>,
  ): Promise<EsSearchResponse>;
  /** `GET /<index>/_ilm/explain` (optionally `filter_path`ed to fewer fields). */
  ilmExplain(
    index: string,
    options?: { filterPath?: string[] },
  ): Promise<EsIlmExplain>;
  /** `GET /<index>/_alias` (or `/_alias` for every index). */
  alias(index?: string): Promise<EsAliases>;
  /** `GET /_cat/indices/<index>?format=json&bytes=b`. */
  /** `_cat/indices` in bytes; `columns` (`h`) picks the columns, default ES's own. */
  catIndices(index?: string, columns?: string[]): Promise<EsCatIndex[]>;
}

// Index names and patterns come from config; still, keep them to what ES allows in
// a path segment (lowercase names, wildcards, comma lists, data stream `.ds-`).
const INDEX_PATTERN = /^[a-z0-9*.,_+-][a-z0-9*.,_+\-]*$/;

/** Validates an index name / pattern (comma lists and `*` allowed) for a URL path. */
export function indexPath(index: string): string {
  if (!INDEX_PATTERN.test(index) || index.includes('..')) {
    throw new Error(`invalid Elasticsearch index pattern "${index}"`);
  }
  return index
    .split(',')
    .map(part => encodeURIComponent(part).replace(/%2A/gi, '*'))
    .join(',');
}

export class FetchElasticsearchClient implements ElasticsearchClient {
  constructor(private readonly http: UpstreamHttp) {}

  get requestCount() {
    return this.http.requestCount;
  }

  clusterHealth() {
    return this.http.get('/_cluster/health', clusterHealthSchema);
  }

  nodesStats() {
    return this.http.get('/_nodes/stats/jvm,fs', nodesStatsSchema);
  }

  search(index: string, body: Record<string, unknown>) {
    return this.http.post(`/${indexPath(index)}/_search`, searchSchema, {
      json: body,
    });
  }

  ilmExplain(index: string, options: { filterPath?: string[] } = {}) {
    // A bad pattern throws here, before anything is sent.
    const path = `/${indexPath(index)}/_ilm/explain`;
    return this.http
      .get(path, ilmExplainShallow, {
        filter_path: options.filterPath?.join(','),
      })
      .then(async answer => ({
        indices: await this.http.parseInTurns(
          path,
          'indices',
          ilmIndexSchema,
          answer.indices,
        ),
      }));
  }

  alias(index?: string) {
    const path = index ? `/${indexPath(index)}/_alias` : '/_alias';
    return this.http
      .get(path, z.record(z.unknown()))
      .then(answer =>
        this.http.parseInTurns(path, '', indexAliasesSchema, answer),
      );
  }

  catIndices(index?: string, columns?: string[]) {
    return this.http.get(
      index ? `/_cat/indices/${indexPath(index)}` : '/_cat/indices',
      z.array(catIndexSchema),
      { format: 'json', bytes: 'b', h: columns?.join(',') },
    );
  }
}

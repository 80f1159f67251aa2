import { RetentionSignal } from '@fleetobs/plugin-observability-common';
import { ElasticsearchClient, ThanosClient } from '../upstream';
import { IngestRates } from './costEstimate';

const GB = 1e9;
const DAY_MS = 86_400_000;
/** The `_cat/indices` columns the ingest is measured from. */
export const INGEST_COLUMNS = ['index', 'creation.date', 'store.size'];

function vectorValue(
  result: Awaited<ReturnType<ThanosClient['query']>>,
  label: string,
  cluster: string,
): number | undefined {
  if (result.resultType !== 'vector') return undefined;
  const sample = result.result.find(s => s.metric[label] === cluster);
  return sample ? Number(sample.value[1]) : undefined;
}

/**
 * GB per day from index sizes and creation dates: the complete indices (all but the
 * newest, which is still written to) hold what arrived between the oldest one's
 * creation and the newest one's. Works for rollover (`-000042`) and daily indices.
 */
function gbPerDay(
  indices: Array<{
    'creation.date'?: string | null;
    'store.size'?: string | null;
  }>,
) {
  const dated = indices
    .filter(i => i['creation.date'] && i['store.size'])
    .map(i => ({
      created: Number(i['creation.date']),
      bytes: Number(i['store.size']),
    }))
    .filter(i => Number.isFinite(i.created) && Number.isFinite(i.bytes))
    .sort((a, b) => a.created - b.created);
  if (dated.length < 2) return undefined;
  const days = (dated[dated.length - 1].created - dated[0].created) / DAY_MS;
  if (days <= 0) return undefined;
  const total = dated.slice(0, -1).reduce((sum, i) => sum + i.bytes, 0);
  return { gb: total / days / GB, days: Number(days.toFixed(2)) };
}

/**
 * Measures a cluster's ingest for the cost of a retention change: samples/s and head
 * series from Thanos, or GB/day of the cluster's indices (by size and creation date)
 * from Elasticsearch.
 * Anything that cannot be measured is named in `warnings`, never guessed.
 */
export async function measureIngest(options: {
  signal: RetentionSignal;
  cluster: string;
  clusterCount: number;
  clusterLabel: string;
  thanos?: ThanosClient;
  elasticsearch?: ElasticsearchClient;
  logIndexPrefix: (cluster: string) => string;
  spanIndexPattern: string;
  spanClusterField: string;
  /**
   * Traces only: the change is the fleet-wide policy of the shared span indices, so its
   * cost is that of every cluster's spans, not the cluster's share.
   */
  fleetWide?: boolean;
}): Promise<IngestRates> {
  const { signal, cluster, clusterLabel } = options;
  const inputs: Record<string, number | string> = {};
  const warnings: string[] = [];

  if (signal === 'metrics') {
    if (!options.thanos) {
      return {
        inputs,
        warnings: ['Thanos is not configured (observability.thanos.url)'],
      };
    }
    const samplesQuery = `sum by (${clusterLabel}) (rate(prometheus_tsdb_head_samples_appended_total[5m]))`;
    const seriesQuery = `sum by (${clusterLabel}) (prometheus_tsdb_head_series)`;
    try {
      const [samples, series] = await Promise.all([
        options.thanos.query(samplesQuery),
        options.thanos.query(seriesQuery),
      ]);
      const samplesPerSecond = vectorValue(samples, clusterLabel, cluster);
      const seriesCount = vectorValue(series, clusterLabel, cluster);
      if (samplesPerSecond === undefined || seriesCount === undefined) {
        warnings.push(`Thanos has no ingest figures for ${cluster}`);
      } else {
        inputs.samplesPerSecond = Math.round(samplesPerSecond);
        inputs.headSeries = Math.round(seriesCount);
      }
      inputs.samplesQuery = samplesQuery;
      return { samplesPerSecond, series: seriesCount, inputs, warnings };
    } catch (error) {
      return {
        inputs,
        warnings: [`Thanos did not answer: ${(error as Error).message}`],
      };
    }
  }

  if (!options.elasticsearch) {
    return {
      inputs,
      warnings: [
        'Elasticsearch is not configured (observability.elasticsearch.url)',
      ],
    };
  }
  try {
    if (signal === 'logs') {
      const pattern = `${options.logIndexPrefix(cluster)}-*`;
      const measured = gbPerDay(
        await options.elasticsearch.catIndices(pattern, INGEST_COLUMNS),
      );
      inputs.indices = pattern;
      if (!measured) {
        warnings.push(
          `Fewer than two indices with sizes and creation dates match ${pattern}`,
        );
        return { inputs, warnings };
      }
      inputs.logsGbPerDay = Number(measured.gb.toFixed(3));
      inputs.daysMeasured = measured.days;
      return { gbPerDay: measured.gb, inputs, warnings };
    }
    // Spans of every cluster share the jaeger-span-* indices: a fleet-wide policy costs
    // all of them; otherwise the cluster's part is its share of the last day's spans.
    const [indices, shares] = await Promise.all([
      options.elasticsearch.catIndices(
        options.spanIndexPattern,
        INGEST_COLUMNS,
      ),
      options.fleetWide
        ? undefined
        : options.elasticsearch.search(options.spanIndexPattern, {
            size: 0,
            query: { range: { startTimeMillis: { gte: 'now-1d' } } },
            aggs: {
              clusters: {
                terms: { field: options.spanClusterField, size: 1000 },
              },
            },
          }),
    ]);
    const measured = gbPerDay(indices);
    let share = 1;
    if (!options.fleetWide) {
      const buckets: Array<{ key: string; doc_count: number }> =
        (shares as any)?.aggregations?.clusters?.buckets ?? [];
      const total = buckets.reduce((s, b) => s + b.doc_count, 0);
      const mine = buckets.find(b => b.key === cluster)?.doc_count;
      if (total > 0 && mine !== undefined) {
        share = mine / total;
      } else {
        share = 1 / Math.max(1, options.clusterCount);
        warnings.push(
          `No span counts for ${cluster}: assumed an even share of 1/${options.clusterCount}`,
        );
      }
    }
    inputs.indices = options.spanIndexPattern;
    if (options.fleetWide) {
      inputs.spansOf = 'every cluster (one fleet-wide policy)';
    } else {
      inputs.clusterShareOfSpans = Number(share.toFixed(3));
    }
    if (!measured) {
      warnings.push(
        `Fewer than two indices with sizes and creation dates match ${options.spanIndexPattern}`,
      );
      return { inputs, warnings };
    }
    inputs.allClustersSpanGbPerDay = Number(measured.gb.toFixed(3));
    return { gbPerDay: measured.gb * share, inputs, warnings };
  } catch (error) {
    return {
      inputs,
      warnings: [`Elasticsearch did not answer: ${(error as Error).message}`],
    };
  }
}

import { defineCheck } from './defineCheck';
import { freshnessCheckParts } from './freshness';

/**
 * Span freshness (`span-freshness`): the newest span of each cluster, one aggregation,
 * with thresholds of its own: spans are sampled, so a quiet cluster writes few.
 */
export const spanFreshnessCheck = defineCheck({
  id: 'span-freshness',
  title: 'Span freshness',
  seed: '§6 Traces written; §8 Jaeger Collector down; 10.8 Trace sampling; 10.11 Trace ingestion',
  failureMode:
    'Jaeger Collector down: span loss if app side buffering is low; the newest span of the cluster gets old.',
  mitigation:
    'Horizontal collectors + backpressure tuning; check the collectors of the cluster and their mTLS / credentials to Elasticsearch.',
  ...freshnessCheckParts({
    id: 'span-freshness',
    signal: 'traces',
    noun: 'spans',
    select: ({ es, ctx }) => ({
      index: es.spanIndexPattern,
      attribution: { field: es.spanClusterField },
      timeField: es.spanTimeField,
      warnSeconds: ctx.thresholds.spanFreshnessWarnSeconds,
      criticalSeconds: ctx.thresholds.spanFreshnessCriticalSeconds,
    }),
    links: (cluster, { ctx }) =>
      ctx.links.jaegerSearch('Traces of the cluster in Jaeger', {
        tags: { [ctx.labels.cluster]: cluster.name },
      }),
  }),
});

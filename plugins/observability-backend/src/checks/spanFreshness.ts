import { defineCheck, upstreamRequest } from './defineCheck';
import { evaluateFreshness, freshnessSearchBody } from './freshness';

/** Span freshness (`span-freshness`): the newest span of each cluster, one aggregation. */
export const spanFreshnessCheck = defineCheck({
  id: 'span-freshness',
  title: 'Span freshness',
  seed: '§6 Traces written; §8 Jaeger Collector down; 10.11 Trace ingestion',
  failureMode:
    'Jaeger Collector down: span loss if app side buffering is low; the newest span of the cluster gets old.',
  mitigation:
    'Horizontal collectors + backpressure tuning; check the collectors of the cluster and their mTLS / credentials to Elasticsearch.',
  places: [{ signal: 'traces' }],
  source: 'elasticsearch',
  requests: {
    spans: upstreamRequest('elasticsearch', 'span-freshness', (es, env) =>
      es.search(
        env.es.spanIndexPattern,
        freshnessSearchBody({
          clusters: env.clusters,
          clusterField: env.es.spanClusterField,
          timeField: env.es.spanTimeField,
          now: env.ctx.now,
        }),
      ),
    ),
  },
  evaluate: ({ spans }, { clusters, ctx, es }) => [
    {
      signal: 'traces',
      results: evaluateFreshness(spans, clusters, ctx, {
        id: 'span-freshness',
        index: es.spanIndexPattern,
        clusterField: es.spanClusterField,
        timeField: es.spanTimeField,
        noun: 'spans',
        links: cluster =>
          ctx.links.jaegerSearch('Traces of the cluster in Jaeger', {
            tags: { [ctx.labels.cluster]: cluster.name },
          }),
      }),
    },
  ],
});

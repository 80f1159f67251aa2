import { defineCheck, upstreamRequest } from './defineCheck';
import { evaluateFreshness, freshnessSearchBody } from './freshness';
import { kqlString } from './links';

/** Log freshness (`log-freshness`): the newest log of each cluster, one aggregation. */
export const logFreshnessCheck = defineCheck({
  id: 'log-freshness',
  title: 'Log freshness',
  seed: '§6 Log ingestion; §8 Envoy Gateway down',
  failureMode:
    'Envoy Gateway down (ingress) or Filebeat stopped: remote log shipping halts, the newest log of the cluster gets old.',
  mitigation:
    'Buffer is limited (Filebeat); run an HA Gateway / multi-AZ; check Filebeat mTLS handshakes and the Gateway in ops-01.',
  places: [{ signal: 'logs' }],
  source: 'elasticsearch',
  requests: {
    logs: upstreamRequest('elasticsearch', 'log-freshness', (es, env) =>
      es.search(
        env.es.logIndexPattern,
        freshnessSearchBody({
          clusters: env.clusters,
          clusterField: env.es.clusterField,
          timeField: env.es.logTimeField,
          now: env.ctx.now,
        }),
      ),
    ),
  },
  evaluate: ({ logs }, { clusters, ctx, es }) => [
    {
      signal: 'logs',
      results: evaluateFreshness(logs, clusters, ctx, {
        id: 'log-freshness',
        index: es.logIndexPattern,
        clusterField: es.clusterField,
        timeField: es.logTimeField,
        noun: 'logs',
        links: cluster =>
          ctx.links.kibanaDiscover('Logs of the cluster in Kibana', {
            kuery: `${es.clusterField}:${kqlString(cluster.name)}`,
          }),
      }),
    },
  ],
});

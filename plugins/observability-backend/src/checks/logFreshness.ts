import { defineCheck } from './defineCheck';
import { freshnessCheckParts } from './freshness';
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
  ...freshnessCheckParts({
    id: 'log-freshness',
    signal: 'logs',
    noun: 'logs',
    select: es => ({
      index: es.logIndexPattern,
      clusterField: es.clusterField,
      timeField: es.logTimeField,
    }),
    links: (cluster, { ctx }, { clusterField }) =>
      ctx.links.kibanaDiscover('Logs of the cluster in Kibana', {
        kuery: `${clusterField}:${kqlString(cluster.name)}`,
      }),
  }),
});

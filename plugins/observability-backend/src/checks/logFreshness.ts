import { defineCheck } from './defineCheck';
import { clusterLogIndexPattern } from '@fleetobs/plugin-observability-common';
import { freshnessCheckParts } from './freshness';

/**
 * Log freshness (`log-freshness`): the newest log of each cluster, one aggregation. A
 * log is the cluster's by its index name (platform design §3.4: `logs-<cluster>-*`,
 * where the generated Filebeat values write), not by a field nothing sets.
 */
export const logFreshnessCheck = defineCheck({
  id: 'log-freshness',
  title: 'Log freshness',
  seed: '§3.4 logs-<cluster>-* indices; §6 Log ingestion; §8 Envoy Gateway down',
  failureMode:
    'Envoy Gateway down (ingress) or Filebeat stopped: remote log shipping halts, the newest log of the cluster gets old.',
  mitigation:
    'Buffer is limited (Filebeat); run an HA Gateway / multi-AZ; check Filebeat mTLS handshakes and the Gateway in ops-01.',
  ...freshnessCheckParts({
    id: 'log-freshness',
    signal: 'logs',
    noun: 'logs',
    select: ({ es, ctx }) => ({
      index: es.logIndexPattern,
      attribution: { logIndexPattern: es.logIndexPattern },
      timeField: es.logTimeField,
      warnSeconds: ctx.thresholds.freshnessWarnSeconds,
      criticalSeconds: ctx.thresholds.freshnessCriticalSeconds,
    }),
    links: (cluster, { ctx, es }) =>
      ctx.links.kibanaDiscover('Logs of the cluster in Kibana', {
        indexPattern: clusterLogIndexPattern(cluster.name, es.logIndexPattern),
        kuery: '',
      }),
  }),
});

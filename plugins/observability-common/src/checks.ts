import { CheckId } from './types';

/** Short human titles of the checks, for UIs. @public */
export const CHECK_TITLES: Record<CheckId, string> = {
  'prometheus-ha': 'Prometheus HA pair',
  'sidecar-shipping': 'Thanos sidecar shipping',
  compactor: 'Thanos compactor',
  'store-gateway': 'Thanos store gateway',
  'global-query-store': 'Global Query sees the cluster',
  'external-labels': 'External labels',
  'alert-routing': 'Alert routing',
  'es-cluster-health': 'Elasticsearch cluster health',
  'log-freshness': 'Log freshness',
  ilm: 'ILM policy and rollover',
  'jaeger-query': 'Jaeger Query',
  'span-freshness': 'Span freshness',
  'cert-expiry': 'Certificate expiry',
};

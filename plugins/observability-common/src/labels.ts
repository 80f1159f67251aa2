/**
 * Default names of the Prometheus external labels that identify a cluster and its
 * environment (config `observability.labels.cluster` / `.environment`): the back end
 * queries by them, the scaffolder module writes them into values files.
 *
 * @public
 */
export const DEFAULT_CLUSTER_LABELS = {
  cluster: 'cluster',
  environment: 'environment',
} as const;

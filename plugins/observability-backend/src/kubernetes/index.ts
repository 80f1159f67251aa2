export {
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  hasKubernetesAnnotation,
  KubernetesClusterSource,
  KubernetesSourceError,
  WORKLOAD_TYPES,
} from './KubernetesClusterSource';
export type { KubernetesClusters } from './KubernetesClusterSource';
export { resolveServiceClusters } from './serviceClusters';
export type { ServiceClusters, ServiceClustersSource } from './serviceClusters';

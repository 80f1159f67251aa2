/**
 * Demo and test stand-in for the Thanos / Prometheus, Elasticsearch, Jaeger Query and
 * Alertmanager HTTP APIs of the fleet. Dev/test only; never a dependency of a plugin.
 *
 * @packageDocumentation
 */
export { startFleetSimulator } from './server';
export type {
  FleetSimulator,
  FleetSimulatorOptions,
  RequestCounts,
} from './server';
export { CLUSTER_FAULTS, DEMO_CLUSTERS, SERVICES, UPSTREAMS } from './model';
export {
  NEW_CLUSTER_NAME,
  SEALING_CONTROLLER,
  sealingControllerCertificate,
  sealingControllerKeys,
} from './sealingController';
export type { SealingControllerKeys } from './sealingController';
export { PLATFORM_CLUSTER_FAULTS, PLATFORM_FAULTS } from './platformFaults';
export { ARGOCD_FAULTS } from './argocd';
export type { ArgoCdFault, ArgoCdFaults } from './argocd';
export type {
  PlatformClusterFault,
  PlatformFault,
  SimulatorFaults,
} from './platformFaults';
export type {
  ClusterFault,
  Faults,
  TransportFault,
  UpstreamName,
} from './model';

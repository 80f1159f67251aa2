/**
 * Fleet Observability frontend plugin: fleet health page and service tabs.
 *
 * @packageDocumentation
 */
export {
  observabilityPlugin,
  ObservabilityFleetPage,
  EntityClusterObservabilityContent,
  EntityObservabilityContent,
  EntityObservabilityCard,
  ObservabilityRetentionPage,
} from './plugin';
export * from './api';
export {
  RetentionClient,
  retentionApiRef,
} from './components/RetentionPage/retentionApi';
export type {
  RetentionApi,
  ClusterRetention,
  SignalRetention,
} from './components/RetentionPage/retentionApi';
export { RetentionChangeFieldExtension } from './components/RetentionField/extensions';
export type {
  RetentionChangeSummary,
  RetentionChangeFieldOptions,
} from './components/RetentionField';
export {
  ObservabilityClusterLinksFormatter,
  OBSERVABILITY_DASHBOARD_APP,
} from './kubernetes/ObservabilityClusterLinksFormatter';

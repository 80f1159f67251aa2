/**
 * Fleet Observability frontend plugin: fleet health page, service and cluster tabs,
 * retention page and the RetentionChangeField scaffolder field.
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
  RetentionChangeFieldExtension,
} from './plugin';
export {
  ObservabilityApiError,
  ObservabilityClient,
  observabilityApiRef,
} from './api';
export type {
  ClusterRetention,
  EntityRefParts,
  EntitySignalsOptions,
  ObservabilityApi,
  RetentionDecision,
  RetentionPlanInput,
  SignalRetention,
} from './api';
export type {
  RetentionChangeSummary,
  RetentionChangeFieldOptions,
  RetentionFieldOptions,
} from './components/RetentionField';
export {
  ObservabilityClusterLinksFormatter,
  OBSERVABILITY_DASHBOARD_APP,
} from './kubernetes/ObservabilityClusterLinksFormatter';

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
} from './plugin';
export * from './api';

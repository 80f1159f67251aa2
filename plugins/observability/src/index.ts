/**
 * Fleet Observability frontend plugin: fleet health page and service tabs.
 *
 * @packageDocumentation
 */
export {
  observabilityPlugin,
  ObservabilityFleetPage,
  EntityClusterObservabilityContent,
} from './plugin';
export * from './api';

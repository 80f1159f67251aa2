/**
 * Fleet Observability frontend plugin: fleet health page and service tabs.
 *
 * @packageDocumentation
 */
export { observabilityPlugin, ObservabilityFleetPage } from './plugin';
export * from './api';

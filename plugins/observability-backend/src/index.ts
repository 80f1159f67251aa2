/**
 * Fleet Observability backend plugin: fleet health of Thanos, Elasticsearch and
 * Jaeger per cluster.
 *
 * @packageDocumentation
 */
export { observabilityPlugin as default } from './plugin';

export { EntityClusterObservabilityContent } from './EntityClusterObservabilityContent';

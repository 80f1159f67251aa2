export { EntityObservabilityContent } from './EntityObservabilityContent';

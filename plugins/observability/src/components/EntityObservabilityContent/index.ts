export { EntityObservabilityContent } from './EntityObservabilityContent';
export { formatDurationMs, formatMetric } from './format';
export { hasNoData } from './hasNoData';
export { useEntitySignals } from './useEntitySignals';
export { useEntityTabLink } from './useEntityTabLink';

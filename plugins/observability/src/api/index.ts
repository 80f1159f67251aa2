export * from './ObservabilityApi';
export * from './ObservabilityClient';
export * from './ObservabilityApiError';

export * from './ObservabilityApi';
export * from './ObservabilityClient';

export * from './UpstreamError';
export * from './httpJson';
export * from './timings';
export * from './ThanosClient';
export * from './ElasticsearchClient';
export * from './JaegerClient';
export * from './AlertmanagerClient';
export * from './createUpstreamClients';

export { RetentionPage, RetentionContent } from './RetentionPage';
export { RetentionClient, retentionApiRef } from './retentionApi';
export type {
  RetentionApi,
  ClusterRetention,
  SignalRetention,
} from './retentionApi';

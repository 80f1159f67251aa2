/**
 * Scaffolder actions of Fleet Observability: values files, mTLS certificates, SealedSecrets,
 * promotion, retention changes, and the GitOps repository of config for the standard
 * `fetch:plain` and `publish:*` steps.
 *
 * @packageDocumentation
 */
export { scaffolderModuleObsActions as default } from './module';
export { createClusterValuesAction } from './actions/clusterValues';
export { createGlobalQueryAddStoreAction } from './actions/globalQueryAddStore';
export { createPkiIssueAction } from './actions/pkiIssue';
export { createSecretSealAction } from './actions/secretSeal';
export { createCatalogWriteClusterAction } from './actions/catalogWriteCluster';
export { createClusterPromoteAction } from './actions/clusterPromote';
export type { PromotionGateBackend } from './actions/clusterPromoteGate';
export { createGitopsRepositoryAction } from './actions/gitopsRepository';
export { createRetentionPlanAction } from './actions/retentionPlan';
export { createRetentionRequestAction } from './actions/retentionRequest';
export { createRetentionApplyAction } from './actions/retentionApply';
export { createObservabilityBackend } from './lib/observabilityBackend';
export type {
  ObservabilityBackend,
  RetentionChangeBody,
  RetentionPlanResponse,
} from './lib/observabilityBackend';
export { createSealSecretFilter } from './filters/sealSecretFilter';
export { readSettings } from './lib/settings';
export type { ObsSettings } from './lib/settings';
export type { NewClusterRetention } from './lib/retentionDefaults';

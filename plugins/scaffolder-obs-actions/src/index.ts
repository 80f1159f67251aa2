/**
 * Scaffolder actions of Fleet Observability: values files, mTLS certificates, SealedSecrets,
 * promotion, and the demo's local GitOps repository.
 *
 * @packageDocumentation
 */
export { scaffolderModuleObsActions as default } from './module';
export { createClusterValuesAction } from './actions/clusterValues';
export { createPkiIssueAction } from './actions/pkiIssue';
export { createSecretSealAction } from './actions/secretSeal';
export { createClusterPromoteAction } from './actions/clusterPromote';
export { createGitopsLocalFetchAction } from './actions/gitopsLocalFetch';
export { createGitopsLocalPrAction } from './actions/gitopsLocalPr';
export { createSealSecretFilter } from './filters/sealSecretFilter';
export { readSettings } from './lib/settings';
export type { ObsSettings } from './lib/settings';

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderTemplatingExtensionPoint } from '@backstage/plugin-scaffolder-node/alpha';
import { createCatalogWriteClusterAction } from './actions/catalogWriteCluster';
import { createClusterPromoteAction } from './actions/clusterPromote';
import { createClusterValuesAction } from './actions/clusterValues';
import { createGitopsLocalFetchAction } from './actions/gitopsLocalFetch';
import { createGitopsLocalPrAction } from './actions/gitopsLocalPr';
import { createGlobalQueryAddStoreAction } from './actions/globalQueryAddStore';
import { createPkiIssueAction } from './actions/pkiIssue';
import { createRetentionApplyAction } from './actions/retentionApply';
import { createRetentionPlanAction } from './actions/retentionPlan';
import { createRetentionRequestAction } from './actions/retentionRequest';
import { createSecretSealAction } from './actions/secretSeal';
import { createSealSecretFilter } from './filters/sealSecretFilter';
import { createObservabilityBackend } from './lib/observabilityBackend';
import { readSettings } from './lib/settings';

/**
 * Scaffolder module with the Fleet Observability actions (`obs:*`, including the
 * retention plan / request / apply actions) and the
 * `obsSealSecret` template filter.
 *
 * @public
 */
export const scaffolderModuleObsActions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'obs-actions',
  register(reg) {
    reg.registerInit({
      deps: {
        actions: scaffolderActionsExtensionPoint,
        templating: scaffolderTemplatingExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ actions, templating, config, discovery, auth }) {
        const settings = readSettings(config);
        const backend = createObservabilityBackend({
          discovery,
          auth,
          timeoutMs: settings.backendTimeoutMs,
        });
        actions.addActions(
          createClusterValuesAction({ settings }),
          createGlobalQueryAddStoreAction({ settings }),
          createPkiIssueAction({ settings }),
          createSecretSealAction({ settings }),
          createCatalogWriteClusterAction(),
          createClusterPromoteAction({ settings }),
          createGitopsLocalFetchAction({ settings }),
          createGitopsLocalPrAction({ settings }),
          createRetentionPlanAction({ backend }),
          createRetentionRequestAction({ backend }),
          createRetentionApplyAction({ settings, backend }),
        );
        templating.addTemplateFilters([createSealSecretFilter({ settings })]);
      },
    });
  },
});

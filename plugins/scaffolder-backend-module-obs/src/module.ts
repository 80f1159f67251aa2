import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderTemplatingExtensionPoint } from '@backstage/plugin-scaffolder-node/alpha';
import { createCatalogWriteClusterAction } from './actions/catalogWriteCluster';
import { createClusterPromoteAction } from './actions/clusterPromote';
import { createClusterValuesAction } from './actions/clusterValues';
import { createGitopsRepositoryAction } from './actions/gitopsRepository';
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
        urlReader: coreServices.urlReader,
      },
      async init({ actions, templating, config, discovery, auth, urlReader }) {
        const settings = readSettings(config);
        const backend = createObservabilityBackend({
          discovery,
          auth,
          timeoutMs: settings.backendTimeoutMs,
        });
        actions.addActions(
          createClusterValuesAction({ settings }),
          createGlobalQueryAddStoreAction({ settings }),
          createPkiIssueAction({ settings, auth, discovery }),
          createSecretSealAction({ settings, auth, discovery }),
          createCatalogWriteClusterAction({ settings }),
          createClusterPromoteAction({ settings, backend }),
          createGitopsRepositoryAction({
            settings,
            urlReader,
            integrations: ScmIntegrations.fromConfig(config),
          }),
          createRetentionPlanAction({ backend }),
          createRetentionRequestAction({ backend }),
          createRetentionApplyAction({ settings, backend }),
        );
        templating.addTemplateFilters([createSealSecretFilter({ settings })]);
      },
    });
  },
});

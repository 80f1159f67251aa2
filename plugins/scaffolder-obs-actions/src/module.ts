import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderTemplatingExtensionPoint } from '@backstage/plugin-scaffolder-node/alpha';
import { createClusterPromoteAction } from './actions/clusterPromote';
import { createClusterValuesAction } from './actions/clusterValues';
import { createGitopsLocalFetchAction } from './actions/gitopsLocalFetch';
import { createGitopsLocalPrAction } from './actions/gitopsLocalPr';
import { createPkiIssueAction } from './actions/pkiIssue';
import { createSecretSealAction } from './actions/secretSeal';
import { createSealSecretFilter } from './filters/sealSecretFilter';
import { readSettings } from './lib/settings';

/**
 * Scaffolder module with the Fleet Observability actions (`obs:*`) and the
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
      },
      async init({ actions, templating, config }) {
        const settings = readSettings(config);
        actions.addActions(
          createClusterValuesAction({ settings }),
          createPkiIssueAction({ settings }),
          createSecretSealAction({ settings }),
          createClusterPromoteAction({ settings }),
          createGitopsLocalFetchAction({ settings }),
          createGitopsLocalPrAction({ settings }),
        );
        templating.addTemplateFilters([createSealSecretFilter({ settings })]);
      },
    });
  },
});

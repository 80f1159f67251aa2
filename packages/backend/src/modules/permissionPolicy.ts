import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogIngestionManagePermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createScaffolderActionConditionalDecision,
  createScaffolderTaskConditionalDecision,
  createScaffolderTemplateConditionalDecision,
  scaffolderActionConditions,
  scaffolderTaskConditions,
  scaffolderTemplateConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  actionExecutePermission,
  taskCancelPermission,
  templateDryRunPermission,
  templateManagementPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  alertSilencePermission,
  retentionRequestApprovePermission,
} from '@fleetobs/plugin-observability-common';

/** Who may approve retention change requests unless configured otherwise. */
export const DEFAULT_RETENTION_APPROVERS = ['group:default/platform-team'];

/** Who administers the portal (`permission.fleet.admins`) unless configured otherwise. */
export const DEFAULT_ADMINS = ['group:default/platform-team'];

/**
 * The tag of templates that are not for people: `metadata.tags` of a Template
 * entity (apply-retention-change, run by the observability back end), and
 * `backstage:permissions.tags` of a template's parameters or steps.
 */
export const INTERNAL_TAG = 'internal';

/**
 * Scaffolder actions only internal templates run: `obs:retention:apply` writes an
 * approved retention change, so running it outside the approval flow would skip
 * the approval.
 */
export const INTERNAL_ACTIONS = ['obs:retention:apply'];

/** Permissions that only admins get (user-facing: register/unregister/delete). */
export const ADMIN_ONLY_PERMISSIONS: Permission[] = [
  // Registering a location is what lets someone put entities into the catalog.
  catalogLocationCreatePermission,
  catalogLocationAnalyzePermission,
  catalogEntityCreatePermission,
  catalogLocationDeletePermission,
  catalogEntityDeletePermission,
  catalogIngestionManagePermission,
  // Dry runs execute any template body the caller sends (the template editor).
  templateDryRunPermission,
  templateManagementPermission,
  // The Kubernetes plugin's proxy forwards any request, with any method, to a
  // cluster's API server with the portal's credentials for it. The one use here is
  // "Seal cluster secrets" fetching a controller's public certificate, which is
  // platform-team work.
  kubernetesProxyPermission,
];

function refsOf(user?: PolicyQueryUser): string[] {
  return (user?.info.ownershipEntityRefs ?? []).map(ref =>
    ref.toLocaleLowerCase(),
  );
}

/**
 * The portal's permission policy, for signed-in users (requests made with a
 * plugin's own service credentials never reach a policy: the permissions service
 * allows them, within the service token's access restrictions).
 *
 * - Approving (or rejecting) a retention change request needs one of the
 *   approver entity refs (`observability.retention.approvers`) among the user's
 *   ownership entity refs — the user itself or one of its groups. Admins are not
 *   approvers by being admins.
 * - Admins (`permission.fleet.admins`, default `group:default/platform-team`)
 *   get everything else.
 * - Everyone else may not register, analyze or delete catalog locations, delete
 *   or create entities, manage catalog ingestion, dry-run or manage templates;
 *   does not see `Template` entities tagged `internal` (so cannot run them), nor
 *   template parameters or steps tagged `internal`; may not run the internal
 *   actions ({@link INTERNAL_ACTIONS}); may cancel only their own scaffolder
 *   tasks. Everything else (reading the catalog, refreshing an entity, running the
 *   other templates, the observability pages, filing retention requests) is
 *   allowed.
 */
export class FleetPermissionPolicy implements PermissionPolicy {
  private readonly approvers: Set<string>;
  private readonly admins: Set<string>;

  constructor(options: { approvers: string[]; admins?: string[] }) {
    this.approvers = new Set(options.approvers.map(a => a.toLocaleLowerCase()));
    this.admins = new Set(
      (options.admins ?? DEFAULT_ADMINS).map(a => a.toLocaleLowerCase()),
    );
  }

  private isAdmin(user?: PolicyQueryUser) {
    return refsOf(user).some(ref => this.admins.has(ref));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (isPermission(permission, retentionRequestApprovePermission)) {
      const approver = refsOf(user).some(ref => this.approvers.has(ref));
      return {
        result: approver ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }

    if (this.isAdmin(user)) {
      return { result: AuthorizeResult.ALLOW };
    }

    if (ADMIN_ONLY_PERMISSIONS.some(p => isPermission(permission, p))) {
      return { result: AuthorizeResult.DENY };
    }

    // Silencing an alert: owners of the entity (a cluster's Resource entity for
    // cluster alerts); admins got it above.
    if (
      isPermission(permission, alertSilencePermission) &&
      isResourcePermission(permission, 'catalog-entity')
    ) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims: refsOf(user) }),
      );
    }

    if (isPermission(permission, catalogEntityReadPermission)) {
      return createCatalogConditionalDecision(permission, {
        not: {
          allOf: [
            catalogConditions.isEntityKind({ kinds: ['Template'] }),
            catalogConditions.hasMetadata({ key: 'tags', value: INTERNAL_TAG }),
          ],
        },
      });
    }

    if (
      isPermission(permission, templateParameterReadPermission) ||
      isPermission(permission, templateStepReadPermission)
    ) {
      return createScaffolderTemplateConditionalDecision(permission, {
        not: scaffolderTemplateConditions.hasTag({ tag: INTERNAL_TAG }),
      });
    }

    if (isPermission(permission, actionExecutePermission)) {
      const [first, ...rest] = INTERNAL_ACTIONS.map(actionId =>
        scaffolderActionConditions.hasActionId({ actionId }),
      );
      return createScaffolderActionConditionalDecision(permission, {
        not: { anyOf: [first, ...rest] },
      });
    }

    if (isPermission(permission, taskCancelPermission)) {
      if (!user) {
        return { result: AuthorizeResult.DENY };
      }
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [user.info.userEntityRef],
        }),
      );
    }

    return { result: AuthorizeResult.ALLOW };
  }
}

/** Replaces the allow-all policy module with {@link FleetPermissionPolicy}. */
export const permissionModuleFleetPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'fleet-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ policy, config, logger }) {
        const approvers =
          config.getOptionalStringArray('observability.retention.approvers') ??
          DEFAULT_RETENTION_APPROVERS;
        const admins =
          config.getOptionalStringArray('permission.fleet.admins') ??
          DEFAULT_ADMINS;
        logger.info(
          `Portal admins (catalog locations, entity deletion, internal templates): ${admins.join(
            ', ',
          )}; retention change requests can be approved by: ${approvers.join(
            ', ',
          )}`,
        );
        policy.setPolicy(new FleetPermissionPolicy({ approvers, admins }));
      },
    });
  },
});

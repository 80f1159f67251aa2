import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { retentionRequestApprovePermission } from '@fleetobs/plugin-observability-common';

/** Who may approve retention change requests unless configured otherwise. */
export const DEFAULT_RETENTION_APPROVERS = ['group:default/platform-team'];

/**
 * The portal's permission policy: everything is allowed, except approving (or
 * rejecting) a retention change request, which needs one of the configured
 * approver entity refs (`observability.retention.approvers`) among the user's
 * ownership entity refs — the user itself or one of its groups.
 */
export class FleetPermissionPolicy implements PermissionPolicy {
  private readonly approvers: Set<string>;

  constructor(options: { approvers: string[] }) {
    this.approvers = new Set(options.approvers.map(a => a.toLocaleLowerCase()));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isPermission(request.permission, retentionRequestApprovePermission)) {
      const refs = user?.info.ownershipEntityRefs ?? [];
      const approver = refs.some(ref =>
        this.approvers.has(ref.toLocaleLowerCase()),
      );
      return {
        result: approver ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
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
        logger.info(
          `Retention change requests can be approved by: ${approvers.join(
            ', ',
          )}`,
        );
        policy.setPolicy(new FleetPermissionPolicy({ approvers }));
      },
    });
  },
});

import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  retentionRequestApprovePermission,
  retentionRequestCreatePermission,
} from '@fleetobs/plugin-observability-common';
import {
  DEFAULT_RETENTION_APPROVERS,
  FleetPermissionPolicy,
  permissionModuleFleetPolicy,
} from './permissionPolicy';

function user(userEntityRef: string, groups: string[] = []): PolicyQueryUser {
  return {
    identity: {
      type: 'user',
      userEntityRef,
      ownershipEntityRefs: [userEntityRef, ...groups],
    },
    info: { userEntityRef, ownershipEntityRefs: [userEntityRef, ...groups] },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
  } as PolicyQueryUser;
}

const alice = user('user:default/alice', ['group:default/platform-team']);
const bob = user('user:default/bob', ['group:default/shop-team']);

describe('FleetPermissionPolicy', () => {
  const policy = new FleetPermissionPolicy({
    approvers: DEFAULT_RETENTION_APPROVERS,
  });

  it('allows approving retention requests to members of an approver group', async () => {
    await expect(
      policy.handle({ permission: retentionRequestApprovePermission }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('denies approving retention requests to everyone else', async () => {
    await expect(
      policy.handle({ permission: retentionRequestApprovePermission }, bob),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle({ permission: retentionRequestApprovePermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows a user listed by entity ref, matching case-insensitively', async () => {
    const byUser = new FleetPermissionPolicy({
      approvers: ['User:default/Bob'],
    });
    await expect(
      byUser.handle({ permission: retentionRequestApprovePermission }, bob),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      byUser.handle({ permission: retentionRequestApprovePermission }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows everything else, to anyone', async () => {
    const other = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
    });
    for (const permission of [retentionRequestCreatePermission, other]) {
      await expect(policy.handle({ permission }, bob)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });
});

describe('permissionModuleFleetPolicy', () => {
  async function installedPolicy(data: object) {
    const setPolicy = jest.fn();
    await startTestBackend({
      extensionPoints: [[policyExtensionPoint, { setPolicy }]],
      features: [
        permissionModuleFleetPolicy,
        mockServices.rootConfig.factory({ data }),
      ],
    });
    expect(setPolicy).toHaveBeenCalledTimes(1);
    return setPolicy.mock.calls[0][0] as FleetPermissionPolicy;
  }

  it('defaults the approvers to the platform team', async () => {
    const policy = await installedPolicy({});
    expect(
      await policy.handle(
        { permission: retentionRequestApprovePermission },
        alice,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        { permission: retentionRequestApprovePermission },
        bob,
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('reads observability.retention.approvers', async () => {
    const policy = await installedPolicy({
      observability: { retention: { approvers: ['user:default/bob'] } },
    });
    expect(
      await policy.handle(
        { permission: retentionRequestApprovePermission },
        bob,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        { permission: retentionRequestApprovePermission },
        alice,
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });
});

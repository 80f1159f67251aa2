import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { permissionRules as catalogRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogEntityValidatePermission,
  catalogIngestionManagePermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  catalogLocationReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  PermissionRule,
  PolicyQueryUser,
  ServerPermissionClient,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  alertSilencePermission,
  observabilityPermissions,
  retentionRequestApprovePermission,
  retentionRequestCreatePermission,
} from '@fleetobs/plugin-observability-common';
import {
  DEFAULT_ADMINS,
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

// alice: platform-team (admin, approver). bob: shop-team, a service owner.
// guest: the demo's guest sign-in (user:development/guest, no groups).
// anonymous: no user (a `none` principal).
const alice = user('user:default/alice', ['group:default/platform-team']);
const bob = user('user:default/bob', ['group:default/shop-team']);
const guest = user('user:development/guest');
const anonymous = undefined;

// Sample resources the conditional decisions are evaluated against.
function entity(
  kind: string,
  name: string,
  tags: string[] = [],
  apiVersion = 'backstage.io/v1alpha1',
): Entity {
  return { apiVersion, kind, metadata: { name, tags }, spec: {} };
}
const checkout = entity('Component', 'checkout', ['shop']);
const internalTemplate = entity(
  'Template',
  'apply-retention-change',
  ['internal', 'observability', 'retention'],
  'scaffolder.backstage.io/v1beta3',
);
const changeRetention = entity(
  'Template',
  'change-retention',
  ['observability', 'retention', 'gitops'],
  'scaffolder.backstage.io/v1beta3',
);
const componentTaggedInternal = entity('Component', 'tools', ['internal']);
const platformTeam = entity('Group', 'platform-team');

const plainStep = { id: 'fetch', action: 'fetch:plain' };
const internalStep = {
  id: 'apply',
  action: 'obs:retention:apply',
  'backstage:permissions': { tags: ['internal'] },
};
const applyAction = { action: 'obs:retention:apply', input: {} };
const requestAction = { action: 'obs:retention:request', input: {} };
const prAction = { action: 'publish:github:pull-request', input: {} };

const taskOf = (createdBy?: string) => ({ id: 't1', createdBy });

// The scaffolder's template, action and task rules are not exported; these are
// their documented semantics under the rule names the condition factories use (an
// unknown name makes the authorizer throw, so a renamed rule fails this test).
const scaffolderRules: PermissionRule<any, any, string, any>[] = [
  {
    name: 'HAS_TAG',
    description: 'parameters or steps with the tag in backstage:permissions',
    resourceType: 'scaffolder-template',
    apply: (r: any, { tag }: { tag: string }) =>
      r['backstage:permissions']?.tags?.includes(tag) ?? false,
    toQuery: () => ({}),
  },
  {
    name: 'HAS_ACTION_ID',
    description: 'actions with the id',
    resourceType: 'scaffolder-action',
    apply: (r: any, { actionId }: { actionId: string }) =>
      r.action === actionId,
    toQuery: () => ({}),
  },
  {
    name: 'IS_TASK_OWNER',
    description: 'tasks created by',
    resourceType: 'scaffolder-task',
    apply: (r: any, { createdBy }: { createdBy: string[] }) =>
      !!r.createdBy && createdBy.includes(r.createdBy),
    toQuery: () => ({}),
  },
];
const authorize = createConditionAuthorizer<unknown, unknown>([
  ...(Object.values(catalogRules) as PermissionRule<any, any, string, any>[]),
  ...scaffolderRules,
]);

/** Whether a decision lets the user at a resource (conditions evaluated). */
function allows(decision: PolicyDecision, resource: unknown) {
  return authorize(decision, resource);
}

/**
 * What a decision comes to, in the shape of the expectation: its result, or for a
 * conditional decision whether it lets the user at each sample resource.
 */
function outcome(decision: PolicyDecision, expected: Expected): Expected {
  if (typeof expected === 'string') {
    return decision.result as Expected;
  }
  return {
    conditional: expected.conditional.map(([name, resource]) => [
      name,
      resource,
      decision.result === AuthorizeResult.CONDITIONAL
        ? allows(decision, resource)
        : (`not conditional but ${decision.result}` as unknown as boolean),
    ]),
  };
}

type Expected =
  | 'ALLOW'
  | 'DENY'
  /** A conditional decision: [resource, allowed?] pairs it must give. */
  | { conditional: Array<[string, unknown, boolean]> };

const everyone = [
  ['alice', alice],
  ['bob', bob],
  ['guest', guest],
  ['anonymous', anonymous],
] as const;

const catalogRead: Expected = {
  conditional: [
    ['Component checkout', checkout, true],
    ['Template change-retention', changeRetention, true],
    ['Template apply-retention-change (internal)', internalTemplate, false],
    ['Component tagged internal', componentTaggedInternal, true],
    ['Group platform-team', platformTeam, true],
  ],
};
const templateParts: Expected = {
  conditional: [
    ['a plain step', plainStep, true],
    ['a step tagged internal', internalStep, false],
  ],
};
const actions: Expected = {
  conditional: [
    ['obs:retention:apply', applyAction, false],
    ['obs:retention:request', requestAction, true],
    ['publish:github:pull-request', prAction, true],
  ],
};
const ownedBy = (name: string, owner: string): Entity => ({
  ...entity('Component', name),
  relations: [{ type: 'ownedBy', targetRef: owner }],
});
const ownAlerts = (group: string): Expected => ({
  conditional: [
    ["an entity of the user's group", ownedBy('checkout', group), true],
    [
      "another team's entity",
      ownedBy('payments', 'group:default/pay-team'),
      false,
    ],
  ],
});

const ownTasks = (ref: string): Expected => ({
  conditional: [
    ['own task', taskOf(ref), true],
    ["someone else's task", taskOf('user:default/someone'), false],
    ['a task started by a service', taskOf(undefined), false],
  ],
});

// [who, user, permission, expected]
type Row = [string, PolicyQueryUser | undefined, Permission, Expected];
const table: Row[] = [
  // Approving retention changes: the approvers only (default platform-team).
  ['alice', alice, retentionRequestApprovePermission, 'ALLOW'],
  ['bob', bob, retentionRequestApprovePermission, 'DENY'],
  ['guest', guest, retentionRequestApprovePermission, 'DENY'],
  ['anonymous', anonymous, retentionRequestApprovePermission, 'DENY'],

  // What only admins (platform-team) may do.
  ...[
    catalogLocationCreatePermission,
    catalogLocationAnalyzePermission,
    catalogLocationDeletePermission,
    catalogEntityCreatePermission,
    catalogEntityDeletePermission,
    catalogIngestionManagePermission,
    templateDryRunPermission,
    templateManagementPermission,
    kubernetesProxyPermission,
  ].flatMap(permission =>
    everyone.map(
      ([who, u]): Row => [
        who,
        u,
        permission,
        who === 'alice' ? 'ALLOW' : 'DENY',
      ],
    ),
  ),

  // Reading the catalog: everything, but internal templates only for admins.
  ['alice', alice, catalogEntityReadPermission, 'ALLOW'],
  ['bob', bob, catalogEntityReadPermission, catalogRead],
  ['guest', guest, catalogEntityReadPermission, catalogRead],
  ['anonymous', anonymous, catalogEntityReadPermission, catalogRead],

  // Template parameters and steps tagged internal (backstage:permissions).
  ['alice', alice, templateParameterReadPermission, 'ALLOW'],
  ['alice', alice, templateStepReadPermission, 'ALLOW'],
  ['bob', bob, templateParameterReadPermission, templateParts],
  ['bob', bob, templateStepReadPermission, templateParts],
  ['guest', guest, templateStepReadPermission, templateParts],

  // Scaffolder actions: the apply action only runs for admins (and services).
  ['alice', alice, actionExecutePermission, 'ALLOW'],
  ['bob', bob, actionExecutePermission, actions],
  ['guest', guest, actionExecutePermission, actions],

  // Silencing alerts: admins any, others those of the entities they own.
  ['alice', alice, alertSilencePermission, 'ALLOW'],
  ['bob', bob, alertSilencePermission, ownAlerts('group:default/shop-team')],
  ['guest', guest, alertSilencePermission, ownAlerts('user:development/guest')],

  // Cancelling tasks: admins any, others their own.
  ['alice', alice, taskCancelPermission, 'ALLOW'],
  ['bob', bob, taskCancelPermission, ownTasks('user:default/bob')],
  ['guest', guest, taskCancelPermission, ownTasks('user:development/guest')],
  ['anonymous', anonymous, taskCancelPermission, 'DENY'],

  // What a service owner needs keeps working for everyone signed in.
  ...[
    catalogEntityRefreshPermission,
    catalogEntityValidatePermission,
    catalogLocationReadPermission,
    taskCreatePermission,
    taskReadPermission,
    retentionRequestCreatePermission,
  ].flatMap(permission =>
    (['bob', 'guest', 'alice'] as const).map(
      (who): Row => [who, { alice, bob, guest }[who], permission, 'ALLOW'],
    ),
  ),
];

describe('FleetPermissionPolicy', () => {
  const policy = new FleetPermissionPolicy({
    approvers: DEFAULT_RETENTION_APPROVERS,
    admins: DEFAULT_ADMINS,
  });

  const rows = table.map(([who, u, permission, expected]) => ({
    who,
    user: u,
    permission,
    name: permission.name,
    label: typeof expected === 'string' ? expected : 'CONDITIONAL',
    expected,
  }));

  it.each(rows)(
    '$who: $name → $label',
    async ({ user: u, permission, expected }) => {
      const decision = await policy.handle({ permission }, u);
      expect(outcome(decision, expected)).toEqual(expected);
    },
  );

  it('hides internal templates from non-admins in the catalog query too', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      bob,
    );
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      throw new Error('expected a conditional decision');
    }
    const toQuery = createConditionTransformer(Object.values(catalogRules));
    expect(toQuery(decision.conditions)).toEqual({
      not: {
        allOf: [
          { key: 'kind', values: ['template'] },
          { key: 'metadata.tags', values: ['internal'] },
        ],
      },
    });
  });

  it('does not make admins approvers, nor approvers admins', async () => {
    const split = new FleetPermissionPolicy({
      approvers: ['user:default/bob'],
      admins: ['group:default/platform-team'],
    });
    expect(
      await split.handle(
        { permission: retentionRequestApprovePermission },
        bob,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await split.handle(
        { permission: retentionRequestApprovePermission },
        alice,
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(
      await split.handle({ permission: catalogLocationCreatePermission }, bob),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows a user listed by entity ref, matching case-insensitively', async () => {
    const byUser = new FleetPermissionPolicy({
      approvers: ['User:default/Bob'],
      admins: ['User:Default/Bob'],
    });
    await expect(
      byUser.handle({ permission: retentionRequestApprovePermission }, bob),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      byUser.handle({ permission: retentionRequestApprovePermission }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      byUser.handle({ permission: catalogEntityDeletePermission }, bob),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      byUser.handle({ permission: catalogEntityDeletePermission }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('covers every observability permission', () => {
    // A new permission of the suite needs a row in the table above.
    const covered = new Set(table.map(([, , p]) => p.name));
    for (const permission of observabilityPermissions) {
      expect(covered).toContain(permission.name);
    }
  });
});

describe('service principals (plugin-to-plugin requests)', () => {
  // The permissions service of every plugin decides for service credentials
  // itself and never asks the permission back end, so the policy above does not
  // apply to them: e.g. the observability back end starting the internal apply
  // template with its own service credentials.
  const client = ServerPermissionClient.fromConfig(
    new ConfigReader({ permission: { enabled: true } }),
    {
      discovery: {
        getBaseUrl: () => Promise.reject(new Error('must not be asked')),
        getExternalBaseUrl: () =>
          Promise.reject(new Error('must not be asked')),
      },
      auth: mockServices.auth(),
    },
  );
  const service = mockCredentials.service('plugin:observability');

  it('gets ALLOW, unconditionally, for what users are refused', async () => {
    await expect(
      client.authorize(
        [
          { permission: catalogLocationCreatePermission },
          { permission: catalogEntityDeletePermission, resourceRef: 'x' },
          { permission: taskCreatePermission },
        ],
        { credentials: service },
      ),
    ).resolves.toEqual([
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.ALLOW },
    ]);
    await expect(
      client.authorizeConditional(
        [
          { permission: catalogEntityReadPermission },
          { permission: templateParameterReadPermission },
          { permission: templateStepReadPermission },
          { permission: actionExecutePermission },
        ],
        { credentials: service },
      ),
    ).resolves.toEqual([
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.ALLOW },
    ]);
  });

  it('stays within the access restrictions of its token', async () => {
    const restricted = mockCredentials.service('plugin:observability', {
      permissionNames: [taskCreatePermission.name],
    });
    await expect(
      client.authorize(
        [
          { permission: taskCreatePermission },
          { permission: catalogLocationCreatePermission },
        ],
        { credentials: restricted },
      ),
    ).resolves.toEqual([
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.DENY },
    ]);
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

  it('defaults the approvers and the admins to the platform team', async () => {
    const policy = await installedPolicy({});
    for (const permission of [
      retentionRequestApprovePermission,
      catalogLocationCreatePermission,
    ]) {
      expect(await policy.handle({ permission }, alice)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
      expect(await policy.handle({ permission }, bob)).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
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

  it('reads permission.fleet.admins', async () => {
    const policy = await installedPolicy({
      permission: { fleet: { admins: ['group:default/shop-team'] } },
    });
    expect(
      await policy.handle({ permission: catalogLocationCreatePermission }, bob),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        { permission: catalogLocationCreatePermission },
        alice,
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });
});

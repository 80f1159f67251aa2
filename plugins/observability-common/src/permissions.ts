import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Allows asking for a retention change.
 *
 * @public
 */
export const retentionRequestCreatePermission = createPermission({
  name: 'observability.retention.request.create',
  attributes: { action: 'create' },
});

/**
 * Allows approving or rejecting retention change requests (never one's own).
 *
 * @public
 */
export const retentionRequestApprovePermission = createPermission({
  name: 'observability.retention.request.approve',
  attributes: { action: 'update' },
});

/**
 * Allows silencing (and expiring the silence of) an alert of a catalog entity: a
 * resource permission on the entity, so a policy can make it conditional on
 * ownership (`isEntityOwner`). Cluster alerts are checked against the cluster's
 * Resource entity.
 *
 * @public
 */
export const alertSilencePermission = createPermission({
  name: 'observability.alert.silence',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/** @public */
export const observabilityPermissions = [
  retentionRequestCreatePermission,
  retentionRequestApprovePermission,
  alertSilencePermission,
];

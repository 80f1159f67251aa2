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

/** @public */
export const observabilityPermissions = [
  retentionRequestCreatePermission,
  retentionRequestApprovePermission,
];

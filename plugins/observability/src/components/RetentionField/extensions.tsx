import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { observabilityPlugin } from '../../plugin';
import { RetentionChangeField } from './RetentionChangeField';
import { RETENTION_CHANGE_FIELD_NAME } from './planRetention';
import { retentionChangeValidation } from './validation';

/**
 * Scaffolder field extension (legacy frontend system) `RetentionChangeField`: today's
 * retention vs the requested one, its problems and its estimated cost, for the cluster
 * and signal chosen in the form. Put it inside `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const RetentionChangeFieldExtension = observabilityPlugin.provide(
  createScaffolderFieldExtension({
    name: RETENTION_CHANGE_FIELD_NAME,
    component: RetentionChangeField,
    validation: retentionChangeValidation,
  }),
);

/**
 * The same field for apps on the new frontend system (`scaffolder-form-field`).
 *
 * @alpha
 */
export const retentionChangeFormField = FormFieldBlueprint.make({
  name: 'retention-change',
  params: {
    field: () => import('./formField').then(m => m.retentionChangeFormField),
  },
});

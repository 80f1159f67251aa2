import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { RetentionChangeField } from './RetentionChangeField';
import { RETENTION_CHANGE_FIELD_NAME } from './retentionChange';
import { retentionChangeValidation } from './validation';

/** `RetentionChangeField` as a new-frontend-system form field (loaded lazily). */
export const retentionChangeFormField = createFormField({
  name: RETENTION_CHANGE_FIELD_NAME,
  component: RetentionChangeField,
  validation: retentionChangeValidation,
});

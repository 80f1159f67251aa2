export { RetentionChangeField } from './RetentionChangeField';
export type { RetentionChangeFieldOptions } from './RetentionChangeField';
export { CostEstimateView, RetentionDiffTable } from './RetentionChangeView';
export { retentionChangeValidation } from './validation';
export { retentionChangeFormField } from './formField';
export type {
  RetentionChangeSummary,
  RetentionFieldOptions,
  RetentionPlan,
} from './retentionChange';
export {
  RETENTION_CHANGE_FIELD_NAME,
  SETTING_LABELS,
  settingFields,
} from './retentionChange';

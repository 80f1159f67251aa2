export { RetentionChangeField } from './RetentionChangeField';
export type { RetentionChangeFieldOptions } from './RetentionChangeField';
export { retentionChangeValidation } from './validation';
export type {
  RetentionChangeSummary,
  RetentionFieldOptions,
  RetentionPlan,
} from './planRetention';
export { RETENTION_CHANGE_FIELD_NAME } from './planRetention';

import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { errorText, isClientError, observabilityApiRef } from '../../api';
import {
  RetentionChangeSummary,
  RetentionFieldOptions,
  SETTING_LABELS,
  readPlanInput,
} from './retentionChange';

/**
 * Validation of `RetentionChangeField` when the user leaves the step: plans the change
 * the form describes right then (not the field's possibly stale value) and adds one
 * error per problem, naming the setting. A 4xx of the back end (unknown cluster,
 * settings it refuses) blocks too; an unreachable back end does not, the template's
 * plan step checks again.
 */
export const retentionChangeValidation: CustomFieldValidator<
  RetentionChangeSummary,
  RetentionFieldOptions
> = async (_value, validation, context) => {
  const { input } = readPlanInput(
    context.formData,
    (context.uiSchema?.['ui:options'] ?? {}) as RetentionFieldOptions,
  );
  const api = context.apiHolder.get(observabilityApiRef);
  if (!input || !api) {
    return;
  }
  try {
    const plan = await api.planRetention(input);
    for (const problem of plan.problems) {
      validation.addError(
        `${SETTING_LABELS[problem.field] ?? problem.field}: ${problem.message}`,
      );
    }
  } catch (error) {
    if (isClientError(error)) {
      validation.addError(errorText(error));
    }
  }
};

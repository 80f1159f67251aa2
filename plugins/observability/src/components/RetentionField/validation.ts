import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import {
  PlanError,
  RetentionChangeSummary,
  RetentionFieldOptions,
  SETTING_LABELS,
  errorText,
  planRetention,
  readPlanInput,
} from './planRetention';

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
  const discoveryApi = context.apiHolder.get(discoveryApiRef);
  const fetchApi = context.apiHolder.get(fetchApiRef);
  if (!input || !discoveryApi || !fetchApi) {
    return;
  }
  try {
    const plan = await planRetention({ discoveryApi, fetchApi }, input);
    for (const problem of plan.problems) {
      validation.addError(
        `${SETTING_LABELS[problem.field] ?? problem.field}: ${problem.message}`,
      );
    }
  } catch (error) {
    const status = error instanceof PlanError ? error.status : undefined;
    if (status !== undefined && status >= 400 && status < 500) {
      validation.addError(errorText(error));
    }
  }
};

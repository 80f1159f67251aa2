import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import { errorText, observabilityApiRef } from '../../api';
import {
  RetentionChangeSummary,
  RetentionFieldOptions,
  RetentionPlan,
  SETTING_LABELS,
  readPlanInput,
  summarize,
} from './retentionChange';
import { CostEstimateView, RetentionDiffTable } from './RetentionChangeView';

/**
 * ui:options of the field.
 *
 * @public
 */
export interface RetentionChangeFieldOptions extends RetentionFieldOptions {
  /** Wait this long after the last keystroke before asking the back end (ms, default 500). */
  debounceMs?: number;
}

function PlanView({ plan }: { plan: RetentionPlan }) {
  const problems = new Map(plan.problems.map(p => [p.field, p.message]));
  return (
    <>
      <RetentionDiffTable
        signal={plan.signal}
        current={plan.current}
        requested={plan.requested}
        problems={problems}
        label="Current vs requested retention"
      />
      {plan.fleetWideOwner && (
        <Box mb={1}>
          <Alert severity="info" role="status">
            {plan.signal} retention is one policy for the shared indices of
            every cluster, kept in {plan.fleetWideOwner}'s values file: a change
            applies to the whole fleet.
          </Alert>
        </Box>
      )}
      <Typography variant="caption" display="block">
        {plan.current
          ? `Today's values: ${plan.currentSource ?? 'GitOps values'}.`
          : `Today's values are unknown: ${
              plan.currentSource ?? 'no source configured'
            }.`}
        {plan.bounds.minDays !== undefined || plan.bounds.maxDays !== undefined
          ? ` ${plan.environment} keeps ${plan.signal} ${[
              plan.bounds.minDays !== undefined
                ? `at least ${plan.bounds.minDays} days`
                : '',
              plan.bounds.maxDays !== undefined
                ? `at most ${plan.bounds.maxDays} days`
                : '',
            ]
              .filter(Boolean)
              .join(' and ')}.`
          : ''}
      </Typography>
      {plan.problems.length > 0 && (
        <Box mt={1}>
          <Alert severity="error" role="alert">
            <Typography variant="body2">
              This change cannot be requested:
            </Typography>
            <ul>
              {plan.problems.map(p => (
                <li key={`${p.field}${p.message}`}>
                  {SETTING_LABELS[p.field] ?? p.field}: {p.message}
                </li>
              ))}
            </ul>
          </Alert>
        </Box>
      )}
      {plan.estimate && <CostEstimateView estimate={plan.estimate} />}
    </>
  );
}

/**
 * Scaffolder field `RetentionChangeField`: shows, for the cluster, signal and settings
 * chosen in the other fields of the form, today's retention next to the requested one,
 * the problems, and the estimated storage cost, from the observability back end's plan
 * API (debounced while typing). Its value is a summary of that plan; the validation
 * (see retentionChangeValidation) blocks the step while the change has problems.
 */
export function RetentionChangeField(
  props: FieldExtensionComponentProps<
    RetentionChangeSummary,
    RetentionChangeFieldOptions
  >,
) {
  const { formContext, uiSchema, onChange, formData, schema, rawErrors } =
    props;
  const options = (uiSchema?.['ui:options'] ??
    {}) as RetentionChangeFieldOptions;
  const api = useApi(observabilityApiRef);
  const { input, missing } = readPlanInput(
    (formContext as { formData?: Record<string, unknown> } | undefined)
      ?.formData,
    options,
  );
  const key = input ? JSON.stringify(input) : '';
  const debounceMs = options.debounceMs ?? 500;
  const [state, setState] = useState<{
    key: string;
    plan?: RetentionPlan;
    error?: unknown;
  }>({ key: '' });

  useEffect(() => {
    if (!key) {
      return undefined;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .planRetention(JSON.parse(key), { signal: controller.signal })
        .then(plan => setState({ key, plan }))
        .catch(error => {
          if (!controller.signal.aborted) {
            setState({ key, error });
          }
        });
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, debounceMs, api]);

  const plan = state.key === key ? state.plan : undefined;
  useEffect(() => {
    if (!plan) {
      return;
    }
    const summary = summarize(plan);
    if (JSON.stringify(summary) !== JSON.stringify(formData ?? null)) {
      onChange(summary);
    }
  }, [plan, formData, onChange]);

  const loading = !!key && state.key !== key;
  return (
    <FormControl
      fullWidth
      margin="normal"
      error={!!rawErrors?.length}
      aria-busy={loading}
    >
      {schema.title && (
        <Typography variant="subtitle1" component="h3">
          {schema.title}
        </Typography>
      )}
      {!key && (
        <Typography variant="body2" color="textSecondary">
          Choose {missing.join(', ')} to see today's retention, the problems and
          the estimated cost of the change.
        </Typography>
      )}
      {loading && <LinearProgress aria-label="Planning the change" />}
      {state.key === key && state.error !== undefined && (
        <Alert severity="error" role="alert">
          Could not plan the change: {errorText(state.error)}
        </Alert>
      )}
      {plan && <PlanView plan={plan} />}
      {schema.description && (
        <FormHelperText>{schema.description}</FormHelperText>
      )}
    </FormControl>
  );
}

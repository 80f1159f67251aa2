import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import {
  RetentionChangeSummary,
  RetentionFieldOptions,
  RetentionPlan,
  SETTING_LABELS,
  errorText,
  planRetention,
  readPlanInput,
  settingFields,
  summarize,
} from './planRetention';

/** ui:options of the field. */
export interface RetentionChangeFieldOptions extends RetentionFieldOptions {
  /** Wait this long after the last keystroke before asking the back end (ms, default 500). */
  debounceMs?: number;
}

const useStyles = makeStyles(theme => ({
  changed: { fontWeight: theme.typography.fontWeightBold as number },
  inputs: { color: theme.palette.text.secondary },
}));

const gb = (n: number) => `${n.toFixed(n >= 100 ? 0 : 1)} GB`;
const signed = (n: number, text: string) => `${n > 0 ? '+' : ''}${text}`;

function PlanView({ plan }: { plan: RetentionPlan }) {
  const classes = useStyles();
  const current = (plan.current ?? {}) as Record<string, string>;
  const requested = plan.requested as unknown as Record<string, string>;
  const problems = new Map(plan.problems.map(p => [p.field, p.message]));
  const { estimate } = plan;
  return (
    <>
      <Table size="small" aria-label="Current vs requested retention">
        <TableHead>
          <TableRow>
            <TableCell>Setting</TableCell>
            <TableCell>Today</TableCell>
            <TableCell>Requested</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {settingFields(plan.signal).map(field => {
            const changed = current[field] !== requested[field];
            return (
              <TableRow key={field}>
                <TableCell>{SETTING_LABELS[field]}</TableCell>
                <TableCell>{current[field] ?? 'unknown'}</TableCell>
                <TableCell
                  className={changed ? classes.changed : undefined}
                  title={problems.get(field)}
                >
                  {requested[field]}
                  {changed ? ' (changed)' : ''}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
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
      {estimate && (
        <Box mt={1}>
          <Typography variant="body2">
            Estimated storage: {gb(estimate.currentGb)} →{' '}
            {gb(estimate.requestedGb)} (
            {signed(estimate.deltaGb, gb(estimate.deltaGb))}),{' '}
            <strong>
              {signed(
                estimate.deltaMonthlyCost,
                `${estimate.deltaMonthlyCost.toFixed(2)} ${estimate.currency}`,
              )}{' '}
              per month
            </strong>
          </Typography>
          <Typography variant="caption" className={classes.inputs}>
            Based on{' '}
            {Object.entries(estimate.inputs)
              .map(([name, value]) => `${name}: ${value}`)
              .join(' · ') || 'no measured input'}
          </Typography>
          {estimate.warnings.map(w => (
            <Alert key={w} severity="warning">
              {w}
            </Alert>
          ))}
        </Box>
      )}
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
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
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
      planRetention(
        { discoveryApi, fetchApi },
        JSON.parse(key),
        controller.signal,
      )
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
  }, [key, debounceMs, discoveryApi, fetchApi]);

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

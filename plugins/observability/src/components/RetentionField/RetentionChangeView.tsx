import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  RetentionCostEstimate,
  RetentionSettings,
  RetentionSignal,
} from '@fleetobs/plugin-observability-common';
import { SETTING_LABELS, settingFields } from './retentionChange';

// What a retention change does, as the form field shows it before the request is
// filed and the retention page shows it to the approver.

const useStyles = makeStyles(theme => ({
  changed: { fontWeight: theme.typography.fontWeightBold as number },
  inputs: { color: theme.palette.text.secondary },
}));

const gb = (n: number) => `${n.toFixed(n >= 100 ? 0 : 1)} GB`;
const signed = (n: number, text: string) => `${n > 0 ? '+' : ''}${text}`;

/** Today's and the requested value of each setting; changed ones in bold. */
export function RetentionDiffTable(props: {
  signal: RetentionSignal;
  current?: RetentionSettings;
  requested: RetentionSettings;
  /** Problem per field, shown as the cell's title. */
  problems?: Map<string, string>;
  label?: string;
}) {
  const classes = useStyles();
  const current = (props.current ?? {}) as Record<string, string>;
  const requested = props.requested as unknown as Record<string, string>;
  return (
    <Table size="small" aria-label={props.label ?? 'Requested change'}>
      <TableHead>
        <TableRow>
          <TableCell>Setting</TableCell>
          <TableCell>Today</TableCell>
          <TableCell>Requested</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {settingFields(props.signal).map(field => {
          const changed = current[field] !== requested[field];
          return (
            <TableRow key={field}>
              <TableCell>{SETTING_LABELS[field] ?? field}</TableCell>
              <TableCell>{current[field] ?? 'unknown'}</TableCell>
              <TableCell
                className={changed ? classes.changed : undefined}
                title={props.problems?.get(field)}
              >
                {requested[field]}
                {changed ? ' (changed)' : ''}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** Storage before and after, the monthly cost of the change, and what it is based on. */
export function CostEstimateView(props: { estimate: RetentionCostEstimate }) {
  const classes = useStyles();
  const { estimate } = props;
  return (
    <Box mt={1}>
      <Typography variant="body2">
        Estimated storage: {gb(estimate.currentGb)} → {gb(estimate.requestedGb)}{' '}
        ({signed(estimate.deltaGb, gb(estimate.deltaGb))}),{' '}
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
  );
}

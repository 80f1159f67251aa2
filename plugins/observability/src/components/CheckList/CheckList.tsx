import { Link } from '@backstage/core-components';
import {
  Box,
  Chip,
  List,
  ListItem,
  Typography,
  makeStyles,
} from '@material-ui/core';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { HealthStatusLabel } from '../HealthStatusLabel';

const useStyles = makeStyles(theme => ({
  item: {
    display: 'block',
    borderBottom: `1px solid ${theme.palette.divider}`,
    paddingTop: theme.spacing(1.5),
    paddingBottom: theme.spacing(1.5),
  },
  query: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    background: theme.palette.background.default,
    padding: theme.spacing(0.5, 1),
    borderRadius: 4,
    margin: theme.spacing(0.5, 0),
  },
  label: { fontWeight: 600, marginRight: theme.spacing(0.5) },
  chip: { marginRight: theme.spacing(0.5), marginTop: theme.spacing(0.5) },
}));

function formatValue(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
  return String(value);
}

/** One check: status, what it saw (numbers and query), what it means and what to do. */
export function CheckItem(props: { check: CheckResult }) {
  const classes = useStyles();
  const { check } = props;
  const values = Object.entries(check.evidence.values ?? {});
  return (
    <ListItem className={classes.item} data-testid={`check-${check.id}`}>
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="subtitle2">{check.title ?? check.id}</Typography>
        <HealthStatusLabel status={check.status} />
      </Box>
      <Typography variant="body2">{check.summary}</Typography>
      {check.evidence.error && (
        <Typography variant="body2" color="error">
          <span className={classes.label}>Could not check:</span>
          {check.evidence.error}
        </Typography>
      )}
      {values.length > 0 && (
        <Box>
          {values.map(([key, value]) => (
            <Chip
              key={key}
              size="small"
              variant="outlined"
              className={classes.chip}
              label={`${key}: ${formatValue(value)}`}
            />
          ))}
        </Box>
      )}
      {check.evidence.query && (
        <div className={classes.query} title={`Asked ${check.evidence.source}`}>
          {check.evidence.query}
        </div>
      )}
      {check.status !== 'ok' && check.failureMode && (
        <Typography variant="body2">
          <span className={classes.label}>Failure mode:</span>
          {check.failureMode}
        </Typography>
      )}
      {check.status !== 'ok' && check.mitigation && (
        <Typography variant="body2">
          <span className={classes.label}>What to do:</span>
          {check.mitigation}
        </Typography>
      )}
      {check.links.length > 0 && (
        <Box mt={0.5}>
          {check.links.map(link => (
            <Box key={link.url} component="span" mr={2}>
              <Link to={link.url} target="_blank" rel="noopener noreferrer">
                {link.title}
                <OpenInNewIcon style={{ fontSize: 12, marginLeft: 2 }} />
              </Link>
            </Box>
          ))}
        </Box>
      )}
      <Typography variant="caption" color="textSecondary">
        Source: {check.evidence.source} · observed{' '}
        {new Date(check.observedAt).toLocaleTimeString()}
      </Typography>
    </ListItem>
  );
}

/** The checks behind a status, worst first. */
export function CheckList(props: { checks: CheckResult[] }) {
  const order = { critical: 0, unknown: 1, warn: 2, ok: 3 };
  const sorted = [...props.checks].sort(
    (a, b) => order[a.status] - order[b.status],
  );
  if (sorted.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No checks ran for this part: its upstream is not configured.
      </Typography>
    );
  }
  return (
    <List dense disablePadding>
      {sorted.map(check => (
        <CheckItem key={check.id} check={check} />
      ))}
    </List>
  );
}

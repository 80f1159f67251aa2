import { Link } from '@backstage/core-components';
import { useApi, alertApiRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  alertSilencePermission,
  FiringAlert,
} from '@fleetobs/plugin-observability-common';
import {
  Box,
  Button,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { ToggleButton, ToggleButtonGroup } from '@material-ui/lab';
import { useId, useState } from 'react';
import { errorText, observabilityApiRef } from '../../api';
import { durationSince } from '../HealthStatusLabel';
import {
  AlertFilter,
  filterAlerts,
  SEVERITIES,
  silenceResourceRef,
  sortAlerts,
  STATES,
} from './alertFilters';
import { SilenceDialog } from './SilenceDialog';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  filter: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
  // In the narrow cluster drawer the table scrolls rather than squeezing its columns.
  scroll: { overflowX: 'auto' },
  table: { minWidth: 560 },
  nowrap: { whiteSpace: 'nowrap' },
  toggle: { textTransform: 'none', padding: theme.spacing(0.25, 1.25) },
  links: { display: 'flex', gap: theme.spacing(1.5), flexWrap: 'wrap' },
  critical: { color: theme.palette.error.main, fontWeight: 600 },
  warning: { color: theme.palette.warning.dark, fontWeight: 600 },
}));

function AlertLinks(props: { alert: FiringAlert }) {
  const classes = useStyles();
  const { alert } = props;
  const links = [
    alert.runbookUrl && { title: 'Runbook', url: alert.runbookUrl },
    alert.alertmanagerUrl && {
      title: 'Alertmanager',
      url: alert.alertmanagerUrl,
    },
    alert.grafanaUrl && { title: 'Grafana', url: alert.grafanaUrl },
  ].filter((l): l is { title: string; url: string } => Boolean(l));
  return (
    <span className={classes.links}>
      {links.map(l => (
        <Link key={l.title} to={l.url} target="_blank" rel="noopener">
          {l.title}
        </Link>
      ))}
    </span>
  );
}

/** A labelled group of toggles; none selected means no filter. */
function FilterGroup<T extends string>(props: {
  label: string;
  options: readonly T[];
  value: T[];
  onChange: (value: T[]) => void;
}) {
  const classes = useStyles();
  const labelId = useId();
  return (
    <Box className={classes.filter}>
      <Typography variant="caption" color="textSecondary" id={labelId}>
        {props.label}
      </Typography>
      <ToggleButtonGroup
        size="small"
        aria-labelledby={labelId}
        value={props.value}
        onChange={(_, value: T[]) => props.onChange(value)}
      >
        {props.options.map(option => (
          <ToggleButton key={option} value={option} className={classes.toggle}>
            {option}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
    </Box>
  );
}

/**
 * Firing alerts with the cluster named on each, filters by severity and state, and
 * "Silence…" (or "Unsilence") for those allowed on `entityRef` (else on the cluster).
 */
export function AlertsTable(props: {
  alerts: FiringAlert[];
  entityRef?: string;
  cluster?: string;
  onChanged: () => void;
}) {
  const { alerts, entityRef, cluster, onChanged } = props;
  const classes = useStyles();
  const api = useApi(observabilityApiRef);
  const alertApi = useApi(alertApiRef);
  const [filter, setFilter] = useState<AlertFilter>({
    severities: [],
    states: [],
  });
  const [silencing, setSilencing] = useState<FiringAlert>();
  const resourceRef = silenceResourceRef(entityRef, cluster);
  const { allowed: canSilence } = usePermission({
    permission: alertSilencePermission,
    resourceRef,
  });
  const severities = [
    ...new Set([...SEVERITIES, ...alerts.map(a => a.severity)]),
  ].filter(s => alerts.some(a => a.severity === s));
  const shown = sortAlerts(filterAlerts(alerts, filter));

  async function unsilence(alert: FiringAlert) {
    try {
      for (const silenceId of alert.silencedBy) {
        await api.expireSilence({
          cluster: alert.cluster,
          silenceId,
          ...(entityRef ? { entityRef } : {}),
        });
      }
      onChanged();
    } catch (e) {
      alertApi.post({
        message: `Could not expire the silence: ${errorText(e)}`,
        severity: 'error',
      });
    }
  }

  return (
    <Box>
      <Box className={classes.filters}>
        <FilterGroup
          label="Severity"
          options={severities}
          value={filter.severities}
          onChange={severitiesShown =>
            setFilter(f => ({ ...f, severities: severitiesShown }))
          }
        />
        <FilterGroup
          label="State"
          options={STATES}
          value={filter.states}
          onChange={statesShown =>
            setFilter(f => ({ ...f, states: statesShown }))
          }
        />
        <Typography variant="caption" color="textSecondary">
          {filter.severities.length || filter.states.length
            ? `${shown.length} of ${alerts.length} shown`
            : 'None selected: all shown'}
        </Typography>
      </Box>
      <Box className={classes.scroll}>
        <Table
          size="small"
          aria-label="Firing alerts"
          className={classes.table}
        >
          <TableHead>
            <TableRow>
              {/* One cluster's alerts (its tab, its drawer) need no cluster column. */}
              {!cluster && <TableCell>Cluster</TableCell>}
              <TableCell>Severity</TableCell>
              <TableCell>Alert</TableCell>
              <TableCell>State</TableCell>
              <TableCell className={classes.nowrap}>Since</TableCell>
              <TableCell>Links</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map(alert => (
              <TableRow
                key={`${alert.cluster}/${alert.fingerprint}`}
                data-testid={`alert-${alert.cluster}-${alert.name}`}
              >
                {!cluster && <TableCell>{alert.cluster}</TableCell>}
                <TableCell>
                  <span
                    className={
                      (classes as Record<string, string>)[alert.severity]
                    }
                  >
                    {alert.severity}
                  </span>
                </TableCell>
                <TableCell>
                  <Typography variant="body2">{alert.name}</Typography>
                  {alert.summary && (
                    <Typography variant="caption" color="textSecondary">
                      {alert.summary}
                    </Typography>
                  )}
                </TableCell>
                <TableCell data-testid="alert-state">{alert.state}</TableCell>
                <TableCell title={alert.since} className={classes.nowrap}>
                  {durationSince(alert.since)}
                </TableCell>
                <TableCell>
                  <AlertLinks alert={alert} />
                </TableCell>
                <TableCell align="right">
                  {canSilence && alert.state === 'active' && (
                    <Button size="small" onClick={() => setSilencing(alert)}>
                      Silence…
                    </Button>
                  )}
                  {canSilence &&
                    alert.state === 'silenced' &&
                    alert.silencedBy.length > 0 && (
                      <Button size="small" onClick={() => unsilence(alert)}>
                        Unsilence
                      </Button>
                    )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
      {shown.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No alert matches these filters.
        </Typography>
      )}
      {silencing && (
        <SilenceDialog
          alert={silencing}
          entityRef={entityRef}
          onClose={() => setSilencing(undefined)}
          onSilenced={() => {
            setSilencing(undefined);
            onChanged();
          }}
        />
      )}
    </Box>
  );
}

import { Link, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Grid,
  LinearProgress,
  makeStyles,
  Paper,
  Typography,
} from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import { Skeleton, ToggleButton, ToggleButtonGroup } from '@material-ui/lab';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { errorText, observabilityApiRef } from '../../api';
import { AlertsSection, useCurrentEntityRef } from '../Alerts';
import { ArgoCdSection } from '../ArgoCd';
import { formatTime } from './format';
import { hasNoData } from './hasNoData';
import { LogsSection, TraceLogsFilter } from './LogsSection';
import { CHART_HEIGHT, MetricsSection } from './MetricsSection';
import { NoDataPanel } from './NoDataPanel';
import { rangeOf, TIME_RANGES, TimeRangeId } from './ranges';
import { TraceDialog } from './TraceDialog';
import { TracesSection } from './TracesSection';
import { useEntitySignals } from './useEntitySignals';
import { useEntityTabLink } from './useEntityTabLink';

const useStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  titles: { flex: 1, minWidth: 240 },
  // "15m" upper-cased reads as 15 months: keep the case of the labels.
  rangeButton: { textTransform: 'none', padding: theme.spacing(0.5, 1.5) },
  // Reserves the progress bar's height so nothing moves when it appears.
  progress: { height: 4, marginBottom: theme.spacing(1) },
}));

// How the tab says where the clusters came from.
const CLUSTER_SOURCES: Record<string, string> = {
  kubernetes: 'where the Kubernetes plugin finds its pods',
  annotation: 'from the observability.fleetobs.io/clusters annotation',
  all: 'every cluster with data',
};

function SectionSkeleton(props: { height: number; label: string }) {
  return (
    <Paper>
      <Box p={2} aria-hidden>
        <Skeleton variant="text" width={180} height={32} />
        <Skeleton variant="text" width="50%" />
        <Skeleton variant="rect" height={props.height} />
      </Box>
      <span className="MuiTypography-srOnly">Loading {props.label}…</span>
    </Paper>
  );
}

function LoadingSections() {
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <SectionSkeleton height={CHART_HEIGHT + 40} label="metrics" />
      </Grid>
      <Grid item xs={12}>
        <SectionSkeleton height={240} label="error logs" />
      </Grid>
      <Grid item xs={12}>
        <SectionSkeleton height={240} label="traces" />
      </Grid>
    </Grid>
  );
}

/**
 * The Observability tab of a service: RED metrics, error logs and traces over a
 * shared time range, with the drilldown log line → trace → its logs.
 */
export function EntityObservabilityContent() {
  const classes = useStyles();
  const api = useApi(observabilityApiRef);
  const [range, setRange] = useState<TimeRangeId>('1h');
  // `?cluster=prod-01` (e.g. from a pod in the Kubernetes tab) scopes the tab.
  const [searchParams, setSearchParams] = useSearchParams();
  const onlyCluster = searchParams.get('cluster') ?? undefined;
  const { value, loading, error, retry, entityRef } = useEntitySignals(
    range,
    onlyCluster ? [onlyCluster] : undefined,
  );
  const kubernetesTab = useEntityTabLink('kubernetes');
  const alertsEntityRef = useCurrentEntityRef();
  const rangeLabel = rangeOf(range).label;
  const withDate = rangeOf(range).ms > 24 * 3600_000;

  // Drilldown: the trace shown in the dialog, and the trace whose logs fill the Logs section.
  const [openTraceId, setOpenTraceId] = useState<string>();
  const [logsTraceId, setLogsTraceId] = useState<string>();
  const trace = useAsync(async () => {
    if (!openTraceId) return undefined;
    return api.getEntityTrace(entityRef, openTraceId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, openTraceId, entityRef.kind, entityRef.namespace, entityRef.name]);
  const traceLogs = useAsync(async () => {
    if (!logsTraceId) return undefined;
    return api.getEntityTrace(entityRef, logsTraceId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, logsTraceId, entityRef.kind, entityRef.namespace, entityRef.name]);
  const traceFilter: TraceLogsFilter | undefined = logsTraceId
    ? {
        traceId: logsTraceId,
        loading: traceLogs.loading,
        error: traceLogs.error,
        logs: traceLogs.value?.logs,
      }
    : undefined;

  const showLogsOf = useCallback((traceId: string) => {
    setOpenTraceId(undefined);
    setLogsTraceId(traceId);
    document
      .getElementById('observability-logs')
      ?.scrollIntoView?.({ behavior: 'smooth', block: 'start' });
  }, []);

  const header = (
    <Box className={classes.header}>
      <Box className={classes.titles}>
        <Typography variant="h5" component="h1">
          Observability of {value?.target.service ?? entityRef.name}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {value
            ? `Clusters: ${
                value.target.clusters?.join(', ') ?? 'all with data'
              } (${
                CLUSTER_SOURCES[value.target.clustersSource] ?? 'annotation'
              }) · updated ${formatTime(value.generatedAt)}`
            : '\u00a0'}
          {onlyCluster && (
            <>
              {' · '}
              <Link
                to="?"
                onClick={(e: React.MouseEvent) => {
                  e.preventDefault();
                  setSearchParams({});
                }}
              >
                Show all clusters
              </Link>
            </>
          )}
          {value?.target.clustersSource === 'kubernetes' && kubernetesTab && (
            <>
              {' · '}
              <Link to={kubernetesTab}>Pods in the Kubernetes tab</Link>
            </>
          )}
        </Typography>
      </Box>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={range}
        onChange={(_, next: TimeRangeId | null) => next && setRange(next)}
        aria-label="Time range of all three sections"
      >
        {TIME_RANGES.map(r => (
          <ToggleButton
            key={r.id}
            value={r.id}
            aria-label={`Last ${r.label}`}
            className={classes.rangeButton}
          >
            {r.short}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <Button
        size="small"
        startIcon={<RefreshIcon />}
        onClick={retry}
        disabled={loading}
      >
        Refresh
      </Button>
    </Box>
  );

  let body;
  if (error && !value) {
    body = (
      <WarningPanel
        severity="error"
        defaultExpanded
        title={`Could not load the observability signals of ${entityRef.name}`}
        message={errorText(error)}
      >
        <Button variant="outlined" onClick={retry}>
          Try again
        </Button>
      </WarningPanel>
    );
  } else if (!value) {
    body = <LoadingSections />;
  } else if (hasNoData(value)) {
    body = <NoDataPanel target={value.target} rangeLabel={rangeLabel} />;
  } else {
    body = (
      <Grid container spacing={2}>
        <Grid item xs={12}>
          <MetricsSection
            metrics={value.metrics}
            service={value.target.service}
            range={value.range}
          />
        </Grid>
        <Grid item xs={12}>
          <LogsSection
            logs={value.logs}
            service={value.target.service}
            rangeLabel={rangeLabel}
            withDate={withDate}
            onTraceClick={setOpenTraceId}
            traceFilter={traceFilter}
            onClearTraceFilter={() => setLogsTraceId(undefined)}
          />
        </Grid>
        <Grid item xs={12}>
          <TracesSection
            traces={value.traces}
            rangeLabel={rangeLabel}
            withDate={withDate}
            onOpen={t => setOpenTraceId(t.traceId)}
            onLogs={t => showLogsOf(t.traceId)}
          />
        </Grid>
      </Grid>
    );
  }

  return (
    <Box>
      {header}
      <Box className={classes.progress}>
        {loading && value && (
          <LinearProgress aria-label="Loading the new time range" />
        )}
      </Box>
      {error && value && (
        <Box mb={2}>
          <WarningPanel
            severity="warning"
            defaultExpanded
            title="Could not refresh; showing the previous answer"
            message={errorText(error)}
          />
        </Box>
      )}
      {/* Alerts come from Alertmanager: shown even when the signals have no data. */}
      <Box mb={2}>
        <AlertsSection entityRef={alertsEntityRef} />
      </Box>
      {/* Argo CD too: what is deployed matters most when there is no data. */}
      <Box mb={2}>
        <ArgoCdSection />
      </Box>
      {body}
      <TraceDialog
        traceId={openTraceId}
        loading={trace.loading}
        error={trace.error}
        value={trace.value}
        onClose={() => setOpenTraceId(undefined)}
        onShowLogs={showLogsOf}
      />
    </Box>
  );
}

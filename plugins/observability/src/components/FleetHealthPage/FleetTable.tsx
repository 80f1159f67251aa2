import { Table, TableColumn } from '@backstage/core-components';
import {
  CheckResult,
  CheckSummary,
  ClusterHealth,
  FleetSortField,
  SignalHealth,
  SignalName,
  statusSeverity,
} from '@fleetobs/plugin-observability-common';
import { Box, IconButton, LinearProgress, Typography } from '@material-ui/core';
import { memo } from 'react';
import ChevronLeft from '@material-ui/icons/ChevronLeft';
import ChevronRight from '@material-ui/icons/ChevronRight';
import { HealthStatusLabel, durationSince } from '../HealthStatusLabel';

/** A cluster of the fleet summary: statuses and summaries are all the table needs. */
export type FleetClusterRow = ClusterHealth<CheckResult | CheckSummary>;

const SUMMARY_CHARS = 60;

function signalText(signal: SignalHealth<CheckResult | CheckSummary>) {
  if (signal.checks.length === 0) {
    return 'Not checked';
  }
  const failing = signal.checks.filter(c => c.status !== 'ok');
  if (failing.length === 0) {
    return `OK (${signal.checks.length} checks)`;
  }
  const since = durationSince(signal.since);
  // A row stays a row: the cell shows the start of the first problem, the drawer (and
  // the cell's tooltip) all of it.
  const summary = failing[0].summary;
  const first =
    summary.length > SUMMARY_CHARS
      ? `${summary.slice(0, SUMMARY_CHARS - 1).trimEnd()}…`
      : summary;
  return `${first}${
    failing.length > 1 ? ` (+${failing.length - 1} more)` : ''
  }${since ? ` · for ${since}` : ''}`;
}

const signalColumn = (
  title: string,
  signal: SignalName,
): TableColumn<FleetClusterRow> => ({
  title,
  field: `signals.${signal}.status`,
  width: '14%',
  customSort: (a, b) =>
    statusSeverity(a.signals[signal].status) -
    statusSeverity(b.signals[signal].status),
  render: row => (
    <Box
      title={row.signals[signal].checks.find(c => c.status !== 'ok')?.summary}
    >
      <HealthStatusLabel
        status={row.signals[signal].status}
        text={signalText(row.signals[signal])}
      />
    </Box>
  ),
});

/**
 * Critical alerts first, then warnings, as the server sorts them; a cluster whose
 * Alertmanager could not be asked below one without alerts.
 */
function byAlerts(a: FleetClusterRow, b: FleetClusterRow): number {
  if (!a.alerts || !b.alerts) return (a.alerts ? 1 : 0) - (b.alerts ? 1 : 0);
  return (
    a.alerts.critical - b.alerts.critical || a.alerts.warning - b.alerts.warning
  );
}

/** Firing alerts of a cluster: critical and warning counts, or why there are none. */
function AlertsCell(props: { row: FleetClusterRow }) {
  const { name, alerts } = props.row;
  const testId = `fleet-alerts-${name}`;
  if (!alerts) {
    return (
      <Typography variant="body2" color="textSecondary" data-testid={testId}>
        Unknown
      </Typography>
    );
  }
  if (alerts.critical === 0 && alerts.warning === 0) {
    return (
      <Typography variant="body2" color="textSecondary" data-testid={testId}>
        None
      </Typography>
    );
  }
  return (
    <Box display="flex" flexDirection="column" data-testid={testId}>
      {alerts.critical > 0 && (
        <HealthStatusLabel
          status="critical"
          text={`${alerts.critical} critical`}
        />
      )}
      {alerts.warning > 0 && (
        <HealthStatusLabel status="warn" text={`${alerts.warning} warning`} />
      )}
    </Box>
  );
}

function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

// Each column sorts as the server does, so a page keeps the server's order.
const columns: TableColumn<FleetClusterRow>[] = [
  {
    title: 'Cluster',
    field: 'name',
    highlight: true,
    width: '12%',
    customSort: (a, b) => byCodeUnits(a.name, b.name),
  },
  {
    title: 'Environment',
    field: 'environment',
    width: '8%',
    customSort: (a, b) => byCodeUnits(a.environment, b.environment),
  },
  {
    title: 'Overall',
    field: 'status',
    width: '9%',
    customSort: (a, b) => statusSeverity(a.status) - statusSeverity(b.status),
    render: row => <HealthStatusLabel status={row.status} />,
  },
  signalColumn('Metrics', 'metrics'),
  signalColumn('Logs', 'logs'),
  signalColumn('Traces', 'traces'),
  signalColumn('GitOps', 'gitops'),
  {
    title: 'Alerts',
    field: 'alerts',
    width: '10%',
    customSort: byAlerts,
    render: row => <AlertsCell row={row} />,
  },
];

/** Clusters per page, asked of the server one page at a time. */
export const FLEET_PAGE_SIZE = 50;

/** The server's sort field of each column, in the order of `columns`. */
const SORT_FIELDS: FleetSortField[] = [
  'name',
  'environment',
  'status',
  'metrics',
  'logs',
  'traces',
  'gitops',
  'alerts',
];

export interface FleetSort {
  sort?: FleetSortField;
  order?: 'asc' | 'desc';
}

// A constant: the Backstage Table memoizes its body on `emptyContent`, so a new
// element per render would remount every row (a keystroke cost 200-400 ms at 50 rows).
const EMPTY_CONTENT = (
  <div style={{ padding: 16 }}>
    No clusters match. Clusters come from <code>observability.clusters</code> in
    app-config and from catalog Resources of{' '}
    <code>spec.type: kubernetes-cluster</code>.
  </div>
);

/**
 * The rows of one page, re-rendered only when the answer changes: typing in the
 * filter box, or a request on its way, leaves them alone.
 */
const ClusterRows = memo(function ClusterRowsTable(props: {
  clusters: FleetClusterRow[];
  matched: number;
  onSort: (sort: FleetSort) => void;
  onSelect: (cluster: FleetClusterRow) => void;
}) {
  const { onSort, onSelect } = props;
  return (
    <Table<FleetClusterRow>
      title={`Clusters (${props.matched})`}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
      }}
      columns={columns}
      data={props.clusters}
      onOrderChange={(column, direction) =>
        onSort(
          column >= 0 && SORT_FIELDS[column]
            ? { sort: SORT_FIELDS[column], order: direction }
            : {},
        )
      }
      onRowClick={(_event, row) => row && onSelect(row)}
      emptyContent={EMPTY_CONTENT}
    />
  );
});

/**
 * One page of the fleet as the server sorted and filtered it. A click on a column
 * heading asks the server for that order (the rows of one page are not all there is).
 * While the next answer is on its way the rows stay, with a bar above them.
 */
export function FleetTable(props: {
  clusters: FleetClusterRow[];
  /** Clusters of the whole listing, over all pages. */
  matched: number;
  /** Index of the first row in the listing. */
  offset: number;
  loading: boolean;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  onSort: (sort: FleetSort) => void;
  onSelect: (cluster: FleetClusterRow) => void;
}) {
  const { clusters, matched, offset } = props;
  const range =
    clusters.length > 0
      ? `${offset + 1}-${offset + clusters.length} of ${matched}`
      : `0 of ${matched}`;
  return (
    <>
      <Box height={4}>
        {props.loading && <LinearProgress aria-label="Loading clusters" />}
      </Box>
      <ClusterRows
        clusters={clusters}
        matched={matched}
        onSort={props.onSort}
        onSelect={props.onSelect}
      />
      <Box display="flex" alignItems="center" justifyContent="flex-end">
        <Typography variant="body2">{range}</Typography>
        <IconButton
          aria-label="Previous page"
          disabled={!props.hasPrevious}
          onClick={props.onPrevious}
        >
          <ChevronLeft />
        </IconButton>
        <IconButton
          aria-label="Next page"
          disabled={!props.hasNext}
          onClick={props.onNext}
        >
          <ChevronRight />
        </IconButton>
      </Box>
    </>
  );
}

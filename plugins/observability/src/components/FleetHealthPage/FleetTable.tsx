import { Table, TableColumn } from '@backstage/core-components';
import {
  CheckResult,
  CheckSummary,
  ClusterHealth,
  SignalHealth,
  SignalName,
  statusSeverity,
} from '@fleetobs/plugin-observability-common';
import { useMemo } from 'react';
import { HealthStatusLabel, durationSince } from '../HealthStatusLabel';

/** A cluster of the fleet summary: statuses and summaries are all the table needs. */
export type FleetClusterRow = ClusterHealth<CheckResult | CheckSummary>;

function signalText(signal: SignalHealth<CheckResult | CheckSummary>) {
  if (signal.checks.length === 0) {
    return 'Not checked';
  }
  const failing = signal.checks.filter(c => c.status !== 'ok');
  if (failing.length === 0) {
    return `OK (${signal.checks.length} checks)`;
  }
  const since = durationSince(signal.since);
  const first = failing[0].summary;
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
  width: '22%',
  render: row => (
    <HealthStatusLabel
      status={row.signals[signal].status}
      text={signalText(row.signals[signal])}
    />
  ),
});

const columns: TableColumn<FleetClusterRow>[] = [
  { title: 'Cluster', field: 'name', highlight: true, width: '12%' },
  { title: 'Environment', field: 'environment', width: '10%' },
  {
    title: 'Overall',
    field: 'status',
    width: '12%',
    customSort: (a, b) => statusSeverity(a.status) - statusSeverity(b.status),
    render: row => <HealthStatusLabel status={row.status} />,
  },
  signalColumn('Metrics', 'metrics'),
  signalColumn('Logs', 'logs'),
  signalColumn('Traces', 'traces'),
];

/** Beyond this many clusters the table pages. */
export const FLEET_PAGE_SIZE = 50;

/** Worst first, then by name: what needs attention is at the top of a large fleet. */
const worstFirst = (a: FleetClusterRow, b: FleetClusterRow) =>
  statusSeverity(b.status) - statusSeverity(a.status) ||
  a.name.localeCompare(b.name);

export function FleetTable(props: {
  clusters: FleetClusterRow[];
  onSelect: (cluster: FleetClusterRow) => void;
}) {
  const rows = useMemo(
    () => [...props.clusters].sort(worstFirst),
    [props.clusters],
  );
  return (
    <Table<FleetClusterRow>
      title={`Clusters (${rows.length})`}
      options={{
        paging: rows.length > FLEET_PAGE_SIZE,
        pageSize: FLEET_PAGE_SIZE,
        pageSizeOptions: [FLEET_PAGE_SIZE, 100, 200],
        search: true,
        padding: 'dense',
      }}
      columns={columns}
      data={rows}
      onRowClick={(_event, row) => row && props.onSelect(row)}
      emptyContent={
        <div style={{ padding: 16 }}>
          No clusters match. Clusters come from{' '}
          <code>observability.clusters</code> in app-config and from catalog
          Resources of <code>spec.type: kubernetes-cluster</code>.
        </div>
      }
    />
  );
}

import { Table, TableColumn } from '@backstage/core-components';
import {
  CheckResult,
  CheckSummary,
  ClusterHealth,
  SignalHealth,
  SignalName,
} from '@fleetobs/plugin-observability-common';
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
    render: row => <HealthStatusLabel status={row.status} />,
  },
  signalColumn('Metrics', 'metrics'),
  signalColumn('Logs', 'logs'),
  signalColumn('Traces', 'traces'),
];

export function FleetTable(props: {
  clusters: FleetClusterRow[];
  onSelect: (cluster: FleetClusterRow) => void;
}) {
  return (
    <Table<FleetClusterRow>
      title={`Clusters (${props.clusters.length})`}
      options={{ paging: false, search: true, padding: 'dense' }}
      columns={columns}
      data={props.clusters}
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

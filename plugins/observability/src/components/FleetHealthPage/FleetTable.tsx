import { Table, TableColumn } from '@backstage/core-components';
import {
  ClusterHealth,
  SignalHealth,
} from '@fleetobs/plugin-observability-common';
import { HealthStatusLabel } from '../HealthStatusLabel';

function signalText(signal: SignalHealth) {
  if (signal.checks.length === 0) {
    return 'Not checked';
  }
  const failing = signal.checks.filter(c => c.status !== 'ok').length;
  return failing === 0
    ? `OK (${signal.checks.length} checks)`
    : `${failing} of ${signal.checks.length} checks not OK`;
}

const signalColumn = (
  title: string,
  signal: keyof ClusterHealth['signals'],
): TableColumn<ClusterHealth> => ({
  title,
  field: `signals.${signal}.status`,
  render: row => (
    <HealthStatusLabel
      status={row.signals[signal].status}
      text={signalText(row.signals[signal])}
    />
  ),
});

const columns: TableColumn<ClusterHealth>[] = [
  { title: 'Cluster', field: 'name', highlight: true },
  { title: 'Environment', field: 'environment' },
  {
    title: 'Overall',
    field: 'status',
    render: row => <HealthStatusLabel status={row.status} />,
  },
  signalColumn('Metrics', 'metrics'),
  signalColumn('Logs', 'logs'),
  signalColumn('Traces', 'traces'),
];

export function FleetTable(props: { clusters: ClusterHealth[] }) {
  return (
    <Table<ClusterHealth>
      title={`Clusters (${props.clusters.length})`}
      options={{ paging: false, search: true, padding: 'dense' }}
      columns={columns}
      data={props.clusters}
      emptyContent={
        <div style={{ padding: 16 }}>
          No clusters yet. Add them under <code>observability.clusters</code> in
          app-config, or register catalog Resources of{' '}
          <code>spec.type: kubernetes-cluster</code>.
        </div>
      }
    />
  );
}

import { Table, TableColumn } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import {
  ClusterRetention,
  RetentionSignal,
} from '@fleetobs/plugin-observability-common';
import { RETENTION_FIELDS, SIGNAL_LABELS } from './fields';

function SignalCell(props: { row: ClusterRetention; signal: RetentionSignal }) {
  const retention = props.row.signals[props.signal];
  // A fleet-wide setting (traces) is shown once, on its owner's row; the other rows say
  // where it is set, so nobody asks to change it per cluster.
  const owner = retention.fleetWideOwner;
  if (owner && owner !== props.row.cluster) {
    return (
      <Typography variant="body2" color="textSecondary">
        Fleet-wide: set on {owner}
      </Typography>
    );
  }
  if (retention.error) {
    return (
      <Typography variant="body2" color="textSecondary">
        Unknown: {retention.error}
      </Typography>
    );
  }
  const settings = retention.settings as Record<string, string>;
  const { minDays, maxDays } = retention.bounds;
  return (
    <div title={retention.source ? `From ${retention.source}` : undefined}>
      {RETENTION_FIELDS[props.signal].map(({ field, label }) => (
        <Typography variant="body2" key={field}>
          {label}: <b>{settings[field] ?? 'not set'}</b>
        </Typography>
      ))}
      {(minDays !== undefined || maxDays !== undefined) && (
        <Typography variant="caption" color="textSecondary" display="block">
          Allowed: {minDays ?? 0}–{maxDays ?? '∞'} days
        </Typography>
      )}
      {owner && (
        <Typography variant="caption" color="textSecondary" display="block">
          One policy for every cluster's spans
        </Typography>
      )}
    </div>
  );
}

const column = (signal: RetentionSignal): TableColumn<ClusterRetention> => ({
  title: SIGNAL_LABELS[signal],
  render: row => <SignalCell row={row} signal={signal} />,
});

/** The retention of every cluster and signal today, from the GitOps values. */
export function EffectiveRetentionTable(props: {
  clusters: ClusterRetention[];
}) {
  return (
    <Table<ClusterRetention>
      title="Retention today"
      subtitle="From each cluster's values file in the GitOps repository (hover a cell for the source)"
      options={{ paging: false, search: false, padding: 'dense' }}
      data={props.clusters}
      columns={[
        { title: 'Cluster', field: 'cluster', highlight: true },
        { title: 'Environment', field: 'environment' },
        column('metrics'),
        column('logs'),
        column('traces'),
      ]}
    />
  );
}

import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { errorText, isNotFound, observabilityApiRef } from '../../api';
import { AlertsSection } from '../Alerts';
import { ClusterDetails } from '../ClusterDrawer';
import { HealthStatusLabel, durationSince } from '../HealthStatusLabel';

/** The Observability tab of a cluster Resource: its checks and onboarding checklist. */
export function EntityClusterObservabilityContent() {
  const { entity } = useEntity();
  const api = useApi(observabilityApiRef);
  const name = entity.metadata.name;
  const { value, loading, error } = useAsync(
    () => api.getCluster(name),
    [api, name],
  );
  if (loading) {
    return <Progress />;
  }
  if (error) {
    const notFound = isNotFound(error);
    return (
      <WarningPanel
        severity={notFound ? 'info' : 'error'}
        title={
          notFound
            ? `${name} is not in the fleet yet`
            : `Could not load the health of ${name}`
        }
        message={errorText(error)}
      />
    );
  }
  const { cluster, checklist } = value!;
  return (
    <Box>
      <Box display="flex" alignItems="center">
        <Typography variant="h5" style={{ marginRight: 16 }}>
          {cluster.name} ({cluster.environment})
        </Typography>
        <HealthStatusLabel
          status={cluster.status}
          text={
            cluster.since
              ? `${cluster.status} for ${durationSince(cluster.since)}`
              : undefined
          }
        />
      </Box>
      <Box my={2}>
        <AlertsSection cluster={cluster.name} />
      </Box>
      <ClusterDetails cluster={cluster} checklist={checklist} />
    </Box>
  );
}

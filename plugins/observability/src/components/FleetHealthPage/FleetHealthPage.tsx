import {
  Content,
  ContentHeader,
  Header,
  Page,
  Progress,
  SupportButton,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Typography } from '@material-ui/core';
import {
  FleetRound,
  HEALTH_STATUSES,
} from '@fleetobs/plugin-observability-common';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { errorText, observabilityApiRef } from '../../api';
import { ClusterDrawer } from '../ClusterDrawer';
import { HealthStatusLabel, STATUS_LABELS } from '../HealthStatusLabel';

import { FleetFilters, FleetFilterValue, matchesFilter } from './FleetFilters';
import { FleetClusterRow, FleetTable } from './FleetTable';
import { PlatformPanel } from './PlatformPanel';

/** How the round went, e.g. ` with 15 upstream requests in 0.3 s`. */
function roundText(round: FleetRound | undefined): string {
  if (!round) return '';
  return ` with ${round.upstreamRequests} upstream requests in ${(
    round.durationMs / 1000
  ).toFixed(1)} s`;
}

const REFRESH_MS = 30_000;

/**
 * The fleet health page content: every cluster's metrics, logs and traces at a glance.
 * It polls the fleet summary (`ok` checks without their evidence); the drawer of a
 * cluster asks for its checks in full.
 */
export function FleetHealthContent() {
  const api = useApi(observabilityApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getFleetSummary(),
    [api],
  );
  useInterval(retry, REFRESH_MS);
  const [filter, setFilter] = useState<FleetFilterValue>({
    environment: '',
    status: '',
  });
  const [selected, setSelected] = useState<string>();

  const environments = useMemo(
    () => [...new Set(value?.clusters.map(c => c.environment))].sort(),
    [value],
  );

  if (!value) {
    if (error) {
      return (
        <WarningPanel
          severity="error"
          title="Could not load the fleet health"
          message={errorText(error)}
        />
      );
    }
    return loading ? <Progress /> : null;
  }

  const counts = HEALTH_STATUSES.map(status => ({
    status,
    count: value.clusters.filter(c => c.status === status).length,
  })).filter(c => c.count > 0);
  const visible = value.clusters.filter(c => matchesFilter(c, filter));
  const selectedCluster: FleetClusterRow | undefined = value.clusters.find(
    c => c.name === selected,
  );

  return (
    <>
      <ContentHeader
        title="Clusters"
        description={`Checked ${new Date(
          value.generatedAt,
        ).toLocaleString()}${roundText(value.round)}; refreshes every ${
          REFRESH_MS / 1000
        } s`}
      >
        <SupportButton>
          Per cluster, whether metrics (Prometheus + Thanos), logs
          (Elasticsearch) and traces (Jaeger) work. Click a cluster for the
          evidence, the failure mode and what to do.
        </SupportButton>
      </ContentHeader>
      {error && (
        <WarningPanel
          title="The last refresh failed; showing the previous answer"
          message={errorText(error)}
        />
      )}
      <Box display="flex" alignItems="center" mb={2} flexWrap="wrap">
        <Box mr={3} display="flex" aria-label="Clusters by status">
          {counts.map(c => (
            <Box key={c.status} mr={2}>
              <HealthStatusLabel
                status={c.status}
                text={`${c.count} ${STATUS_LABELS[c.status]}`}
              />
            </Box>
          ))}
        </Box>
        <FleetFilters
          environments={environments}
          value={filter}
          onChange={setFilter}
        />
      </Box>
      <FleetTable clusters={visible} onSelect={c => setSelected(c.name)} />
      <Box mt={4} mb={1}>
        <Typography variant="h5">Shared platform (ops cluster)</Typography>
      </Box>
      <PlatformPanel platform={value.platform} />
      <ClusterDrawer
        cluster={selectedCluster}
        onClose={() => setSelected(undefined)}
      />
    </>
  );
}

/** @public */
export function FleetHealthPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Fleet health"
        subtitle="Metrics, logs and traces of every cluster, with evidence and what to do"
      />
      <Content>
        <FleetHealthContent />
      </Content>
    </Page>
  );
}

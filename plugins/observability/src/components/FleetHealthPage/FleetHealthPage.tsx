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
import { useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import useInterval from 'react-use/esm/useInterval';
import { errorText, observabilityApiRef } from '../../api';
import { ClusterDrawer } from '../ClusterDrawer';
import { HealthStatusLabel, STATUS_LABELS } from '../HealthStatusLabel';

import { FleetFilters, FleetFilterValue } from './FleetFilters';
import {
  FLEET_PAGE_SIZE,
  FleetClusterRow,
  FleetSort,
  FleetTable,
} from './FleetTable';
import { FleetListing, useFleetPage } from './useFleetPage';
import { PlatformPanel } from './PlatformPanel';

/** How the round went, e.g. ` with 15 upstream requests in 0.3 s`. */
function roundText(round: FleetRound | undefined): string {
  if (!round) return '';
  return ` with ${round.upstreamRequests} upstream requests in ${(
    round.durationMs / 1000
  ).toFixed(1)} s`;
}

const REFRESH_MS = 30_000;
/** Typing pauses this long before the filter box asks the server. */
export const FILTER_DEBOUNCE_MS = 300;

/**
 * The fleet health page content: every cluster's metrics, logs and traces at a glance.
 * It shows one page of the fleet summary (`ok` checks without their evidence),
 * filtered, sorted and paged on the server, with the whole fleet's counts; the drawer
 * of a cluster asks for its checks in full.
 */
export function FleetHealthContent() {
  const api = useApi(observabilityApiRef);
  const [filter, setFilter] = useState<FleetFilterValue>({
    environment: '',
    status: '',
    text: '',
  });
  const [q, setQ] = useState('');
  useDebounce(() => setQ(filter.text.trim()), FILTER_DEBOUNCE_MS, [
    filter.text,
  ]);
  const [sort, setSort] = useState<FleetSort>({});
  const listing: FleetListing = {
    status: (filter.status || undefined) as FleetListing['status'],
    environment: filter.environment || undefined,
    q: q || undefined,
    ...sort,
  };
  const fleet = useFleetPage(api, listing, FLEET_PAGE_SIZE);
  const { value, loading, error, retry } = fleet;
  useInterval(retry, REFRESH_MS);
  const [selected, setSelected] = useState<FleetClusterRow>();

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

  const { page, index } = value;
  const counts = HEALTH_STATUSES.map(status => ({
    status,
    count: page.counts[status] ?? 0,
  })).filter(c => c.count > 0);
  // The latest answer about the selected cluster, when its page has it.
  const selectedCluster =
    selected && (page.clusters.find(c => c.name === selected.name) ?? selected);

  return (
    <>
      <ContentHeader
        title="Clusters"
        description={`Checked ${new Date(
          page.generatedAt,
        ).toLocaleString()}${roundText(page.round)}; refreshes every ${
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
          environments={page.environments}
          value={filter}
          onChange={setFilter}
        />
      </Box>
      <FleetTable
        clusters={page.clusters}
        matched={page.matched}
        offset={index * FLEET_PAGE_SIZE}
        loading={loading}
        hasPrevious={fleet.hasPrevious}
        hasNext={fleet.hasNext}
        onPrevious={fleet.previous}
        onNext={fleet.next}
        onSort={setSort}
        onSelect={setSelected}
      />
      <Box mt={4} mb={1}>
        <Typography variant="h5">Shared platform (ops cluster)</Typography>
      </Box>
      <PlatformPanel platform={page.platform} />
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

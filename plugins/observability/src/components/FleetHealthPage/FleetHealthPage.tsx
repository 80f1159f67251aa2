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
import useAsync from 'react-use/esm/useAsync';
import { observabilityApiRef } from '../../api';
import { FleetTable } from './FleetTable';

/** The fleet health page: every cluster's metrics, logs and traces at a glance. */
export function FleetHealthContent() {
  const api = useApi(observabilityApiRef);
  const { value, loading, error } = useAsync(() => api.getFleet(), [api]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not load the fleet health"
        message={error.message}
      />
    );
  }
  return (
    <>
      <ContentHeader
        title="Fleet health"
        description={`Checked ${new Date(value!.generatedAt).toLocaleString()}`}
      >
        <SupportButton>
          Per cluster, whether metrics (Prometheus + Thanos), logs
          (Elasticsearch) and traces (Jaeger) work, with the evidence behind
          each status.
        </SupportButton>
      </ContentHeader>
      <FleetTable clusters={value!.clusters} />
    </>
  );
}

/** @public */
export function FleetHealthPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Fleet health"
        subtitle="Metrics, logs and traces of every cluster"
      />
      <Content>
        <FleetHealthContent />
      </Content>
    </Page>
  );
}

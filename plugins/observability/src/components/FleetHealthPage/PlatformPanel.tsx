import { InfoCard } from '@backstage/core-components';
import { Grid } from '@material-ui/core';
import {
  FleetHealthSummary,
  PlatformPart,
} from '@fleetobs/plugin-observability-common';
import { CheckList } from '../CheckList';
import { HealthStatusLabel, durationSince } from '../HealthStatusLabel';

const TITLES: Record<PlatformPart, string> = {
  thanos: 'Global Thanos Query',
  elasticsearch: 'Elasticsearch',
  jaeger: 'Jaeger Query',
  kibana: 'Kibana',
  grafana: 'Grafana',
};

/**
 * The shared platform parts in ops-01: Global Query, Elasticsearch, Jaeger Query, and
 * the drilldown's UIs, Kibana and Grafana. The fleet summary carries them with every
 * check in full; a part the answer lacks (a back end older than it) is not shown.
 */
export function PlatformPanel(props: {
  platform: FleetHealthSummary['platform'];
}) {
  return (
    <Grid container spacing={2}>
      {(Object.keys(TITLES) as PlatformPart[]).map(part => {
        const health = props.platform[part];
        if (!health) return null;
        const since = durationSince(health.since);
        return (
          <Grid item xs={12} md={4} key={part} data-testid={`platform-${part}`}>
            <InfoCard
              title={TITLES[part]}
              subheader={
                <HealthStatusLabel
                  status={health.status}
                  text={since ? `${health.status} for ${since}` : undefined}
                />
              }
            >
              <CheckList checks={health.checks} />
            </InfoCard>
          </Grid>
        );
      })}
    </Grid>
  );
}

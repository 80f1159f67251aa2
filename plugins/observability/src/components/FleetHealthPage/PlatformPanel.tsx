import { InfoCard } from '@backstage/core-components';
import { Grid } from '@material-ui/core';
import {
  FleetHealthSummary,
  PlatformComponent,
} from '@fleetobs/plugin-observability-common';
import { CheckList } from '../CheckList';
import { HealthStatusLabel, durationSince } from '../HealthStatusLabel';

const TITLES: Record<PlatformComponent, string> = {
  thanos: 'Global Thanos Query',
  elasticsearch: 'Elasticsearch',
  jaeger: 'Jaeger Query',
};

/**
 * The shared platform parts in ops-01: Global Query, Elasticsearch, Jaeger Query. The
 * fleet summary carries them with every check in full.
 */
export function PlatformPanel(props: {
  platform: FleetHealthSummary['platform'];
}) {
  return (
    <Grid container spacing={2}>
      {(Object.keys(TITLES) as PlatformComponent[]).map(part => {
        const health = props.platform[part];
        const since = durationSince(health.since);
        return (
          <Grid item xs={12} md={4} key={part}>
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

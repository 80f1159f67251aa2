import { Box, Typography } from '@material-ui/core';
import { errorText } from '../../api';
import { HealthStatusLabel } from '../HealthStatusLabel';
import { alertsSummary } from './alertsSummary';
import { useAlerts } from './useAlerts';

/** The overview card's Alerts line: a status badge and the counts by severity and cluster. */
export function AlertsSummaryLine(props: { entityRef: string }) {
  const { value, error } = useAlerts({ entityRef: props.entityRef });
  let badge;
  let text;
  if (error) {
    badge = <HealthStatusLabel status="unknown" text="Unknown" />;
    text = `Could not load the alerts: ${errorText(error)}`;
  } else if (value) {
    const summary = alertsSummary(value);
    badge = (
      <HealthStatusLabel status={summary.status} text={summary.statusText} />
    );
    text = summary.text;
  } else {
    text = 'Loading the alerts…';
  }
  return (
    <Box display="flex" alignItems="center" data-testid="alerts-line">
      <Typography variant="subtitle2" style={{ width: 72, flexShrink: 0 }}>
        Alerts
      </Typography>
      <Box style={{ width: 110, flexShrink: 0 }}>{badge}</Box>
      <Typography variant="body2">{text}</Typography>
    </Box>
  );
}

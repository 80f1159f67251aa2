import { Box, Typography } from '@material-ui/core';
import { errorText } from '../../api';
import { HealthStatusLabel } from '../HealthStatusLabel';
import { gitopsSummary } from './argoStatus';
import { useEntityGitops } from './useEntityGitops';

/** The overview card's Argo CD line: a status badge and the applications not fine. */
export function ArgoCdSummaryLine() {
  const { value, error } = useEntityGitops();
  let badge;
  let text;
  if (error) {
    badge = <HealthStatusLabel status="unknown" text="Unknown" />;
    text = `Could not load the Argo CD applications: ${errorText(error)}`;
  } else if (value) {
    const summary = gitopsSummary(value);
    badge = (
      <HealthStatusLabel status={summary.status} text={summary.statusText} />
    );
    text = summary.text;
  } else {
    text = 'Loading the Argo CD applications…';
  }
  return (
    <Box display="flex" alignItems="center" data-testid="argocd-line">
      <Typography variant="subtitle2" style={{ width: 72, flexShrink: 0 }}>
        Argo CD
      </Typography>
      <Box style={{ width: 110, flexShrink: 0 }}>{badge}</Box>
      <Typography variant="body2">{text}</Typography>
    </Box>
  );
}

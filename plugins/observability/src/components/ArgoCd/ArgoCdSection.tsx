import { WarningPanel } from '@backstage/core-components';
import {
  ANNOTATION_ARGOCD_APP_NAME,
  ANNOTATION_ARGOCD_APP_SELECTOR,
  ANNOTATION_ARGOCD_INSTANCE_NAME,
  EntityGitopsResponse,
} from '@fleetobs/plugin-observability-common';
import { Box, Paper, Typography } from '@material-ui/core';
import { Skeleton } from '@material-ui/lab';
import { errorText } from '../../api';
import { ApplicationsTable } from './ApplicationsTable';
import { useEntityGitops } from './useEntityGitops';

function ruleText(answer: EntityGitopsResponse): string {
  const { rule } = answer;
  if (rule.source === 'default') {
    return `Default: the applications labelled app.kubernetes.io/name=${rule.service} or named <cluster>-${rule.service}`;
  }
  const parts = [
    rule.names && `${ANNOTATION_ARGOCD_APP_NAME}: ${rule.names.join(', ')}`,
    rule.selector && `${ANNOTATION_ARGOCD_APP_SELECTOR}: ${rule.selector}`,
  ].filter(Boolean);
  return `From the annotations (${parts.join('; ')})`;
}

/** No application: which rule looked where, and the annotations to add. */
function EmptyState(props: { answer: EntityGitopsResponse }) {
  const { answer } = props;
  const service =
    answer.rule.source === 'default' ? answer.rule.service : 'my-service';
  return (
    <Box data-testid="argocd-empty">
      <Typography>No Argo CD application found. {ruleText(answer)}.</Typography>
      <Typography variant="body2" color="textSecondary">
        To name this service's applications, add to catalog-info.yaml{' '}
        <code>
          {ANNOTATION_ARGOCD_APP_NAME}: prod-01-{service},stag-01-{service}
        </code>{' '}
        or a label selector{' '}
        <code>
          {ANNOTATION_ARGOCD_APP_SELECTOR}: app.kubernetes.io/name={service}
        </code>
        , and <code>{ANNOTATION_ARGOCD_INSTANCE_NAME}</code> to ask only some
        Argo CD instances
        {answer.instances.length
          ? ` (${answer.instances.map(i => i.name).join(', ')})`
          : ''}
        .
      </Typography>
    </Box>
  );
}

/**
 * The Deployments (Argo CD) section of the service tab: the service's applications
 * per cluster with sync, health, revision, last sync and a link to Argo CD.
 */
export function ArgoCdSection() {
  const { value, loading, error } = useEntityGitops();

  let content;
  if (error) {
    content = (
      <WarningPanel
        severity="error"
        title="Could not load the Argo CD applications"
        message={errorText(error)}
      />
    );
  } else if (loading && !value) {
    content = <Skeleton variant="rect" height={96} aria-hidden />;
  } else if (value) {
    const failed = value.instances.filter(i => i.error);
    const shown = value.clusters.filter(c => c.applications.length > 0);
    content = (
      <>
        {failed.length > 0 && (
          <WarningPanel
            severity="warning"
            title={`Argo CD could not be asked: ${failed
              .map(i => i.name)
              .join(', ')}`}
          >
            {failed.map(i => (
              <Typography key={i.name} variant="body2">
                {i.name} ({i.clusters.join(', ')}): {i.error}
              </Typography>
            ))}
          </WarningPanel>
        )}
        {shown.length === 0 ? (
          <EmptyState answer={value} />
        ) : (
          <>
            <Typography variant="body2" color="textSecondary">
              {ruleText(value)}.
            </Typography>
            {shown.map(c => (
              <Box
                key={c.cluster}
                mt={2}
                data-testid={`argocd-cluster-${c.cluster}`}
              >
                <Typography variant="subtitle1">
                  {c.cluster}{' '}
                  <Typography
                    component="span"
                    variant="body2"
                    color="textSecondary"
                  >
                    {c.environment}
                    {c.instance ? `, Argo CD ${c.instance}` : ''}
                  </Typography>
                </Typography>
                <ApplicationsTable
                  cluster={c.cluster}
                  applications={c.applications}
                />
              </Box>
            ))}
          </>
        )}
      </>
    );
  }

  return (
    <Paper>
      <Box p={2} data-testid="argocd-section">
        <Typography variant="h6" component="h2" id="observability-deployments">
          Deployments (Argo CD)
        </Typography>
        {content}
      </Box>
    </Paper>
  );
}

import { WarningPanel } from '@backstage/core-components';
import { ANNOTATION_ALERT_SELECTOR } from '@fleetobs/plugin-observability-common';
import { Box, Paper, Typography } from '@material-ui/core';
import { Skeleton } from '@material-ui/lab';
import { errorText } from '../../api';
import { AlertsTable } from './AlertsTable';
import { useAlerts } from './useAlerts';

/** What the section says when nothing fires: the selector in use and how to change it. */
function EmptyState(props: {
  cluster?: string;
  selector?: string;
  source?: string;
}) {
  const { cluster, selector, source } = props;
  if (!selector) {
    return (
      <Typography data-testid="alerts-empty">
        No alerts firing{cluster ? ` in ${cluster}` : ''}.
      </Typography>
    );
  }
  return (
    <Box data-testid="alerts-empty">
      <Typography>
        No alerts firing for <code>{selector}</code> (
        {source === 'annotation'
          ? `from the ${ANNOTATION_ALERT_SELECTOR} annotation`
          : 'the default: the service label of the RED metrics'}
        ).
      </Typography>
      <Typography variant="body2" color="textSecondary">
        To choose other alerts, set the annotation in catalog-info.yaml, in
        Alertmanager matcher syntax:{' '}
        <code>
          {ANNOTATION_ALERT_SELECTOR}:{' '}
          {'\'{service="checkout", namespace="shop"}\''}
        </code>
      </Typography>
    </Box>
  );
}

/**
 * The Alerts section of the service and cluster tabs: firing alerts of the entity's
 * selector in every cluster (or of one cluster), clusters whose Alertmanager did not
 * answer, and silences for those allowed.
 */
export function AlertsSection(props: { entityRef?: string; cluster?: string }) {
  const { entityRef, cluster } = props;
  const { value, loading, error, retry } = useAlerts({ entityRef, cluster });

  let content;
  if (error) {
    content = (
      <WarningPanel
        severity="error"
        title="Could not load the alerts"
        message={errorText(error)}
      />
    );
  } else if (loading && !value) {
    content = <Skeleton variant="rect" height={96} aria-hidden />;
  } else if (value) {
    content = (
      <>
        {value.unavailable.length > 0 && (
          <WarningPanel
            severity="warning"
            title={`Alerts unknown in ${value.unavailable
              .map(u => u.cluster)
              .join(', ')}`}
          >
            {value.unavailable.map(u => (
              <Typography key={u.cluster} variant="body2">
                {u.cluster}: {u.error}
              </Typography>
            ))}
          </WarningPanel>
        )}
        {value.alerts.length === 0 ? (
          <EmptyState
            cluster={cluster}
            selector={value.selector}
            source={value.selectorSource}
          />
        ) : (
          <AlertsTable
            alerts={value.alerts}
            entityRef={entityRef}
            cluster={cluster}
            onChanged={retry}
          />
        )}
      </>
    );
  }

  return (
    <Paper data-testid="alerts-section">
      <Box p={2}>
        <Typography variant="h6">Alerts</Typography>
        {value?.selector && value.alerts.length > 0 && (
          <Typography variant="body2" color="textSecondary" gutterBottom>
            Alerts matching <code>{value.selector}</code>, in every cluster
          </Typography>
        )}
        {content}
      </Box>
    </Paper>
  );
}

import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Drawer,
  IconButton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import {
  CheckResult,
  CheckSummary,
  ChecklistItem,
  ClusterHealth,
  SIGNAL_NAMES,
} from '@fleetobs/plugin-observability-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { errorText, observabilityApiRef } from '../../api';
import { AlertsSection } from '../Alerts';
import { CheckList } from '../CheckList';
import { HealthStatusLabel, durationSince } from '../HealthStatusLabel';

const useStyles = makeStyles(theme => ({
  paper: { width: 640, maxWidth: '100vw', padding: theme.spacing(2, 3) },
  section: { marginTop: theme.spacing(3) },
}));

const SIGNAL_TITLES = {
  metrics: 'Metrics (Prometheus + Thanos)',
  logs: 'Logs (Elasticsearch)',
  traces: 'Traces (Jaeger)',
  gitops: 'GitOps (Argo CD)',
};

function Checklist(props: { checklist?: ChecklistItem[] }) {
  const { checklist } = props;
  if (!checklist) {
    return (
      <Typography variant="body2" color="textSecondary">
        The onboarding checklist is not available.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Onboarding checklist">
      <TableHead>
        <TableRow>
          <TableCell>Check</TableCell>
          <TableCell>Pass criteria</TableCell>
          <TableCell>Status</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {checklist.map(item => (
          <TableRow key={item.id}>
            <TableCell>
              {item.title}
              <Typography
                variant="caption"
                display="block"
                color="textSecondary"
              >
                {item.target}
              </Typography>
            </TableCell>
            <TableCell>
              {item.passCriteria}
              <Typography
                variant="caption"
                display="block"
                color="textSecondary"
              >
                {item.detail}
              </Typography>
            </TableCell>
            <TableCell>
              <HealthStatusLabel status={item.status} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * Every check of one cluster with its evidence, failure mode and mitigation, and its
 * onboarding checklist: both from one `GET /v1/clusters/:name` answer.
 */
export function ClusterDetails(props: {
  cluster: ClusterHealth;
  checklist?: ChecklistItem[];
}) {
  const classes = useStyles();
  const { cluster, checklist } = props;
  return (
    <>
      {SIGNAL_NAMES.map(signal => {
        const health = cluster.signals[signal];
        const since = durationSince(health.since);
        return (
          <section
            key={signal}
            className={classes.section}
            aria-label={SIGNAL_TITLES[signal]}
          >
            <Box
              display="flex"
              justifyContent="space-between"
              alignItems="center"
            >
              <Typography variant="h6">{SIGNAL_TITLES[signal]}</Typography>
              <HealthStatusLabel
                status={health.status}
                text={since ? `${health.status} for ${since}` : undefined}
              />
            </Box>
            <CheckList checks={health.checks} />
          </section>
        );
      })}
      <section className={classes.section} aria-label="Onboarding checklist">
        <Typography variant="h6">Onboarding checklist (10.11)</Typography>
        <Checklist checklist={checklist} />
      </section>
    </>
  );
}

/** The full checks of a cluster, asked for when its drawer opens. */
function ClusterDrawerDetails(props: { name: string }) {
  const api = useApi(observabilityApiRef);
  const { name } = props;
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getCluster(name),
    [api, name],
  );
  if (loading) {
    return <Progress aria-label={`Loading the checks of ${name}`} />;
  }
  if (error || !value) {
    return (
      <Box mt={3}>
        <WarningPanel
          severity="error"
          defaultExpanded
          title={`Could not load the checks of ${name}`}
          message={error ? errorText(error) : 'The back end sent no answer.'}
        >
          <Button variant="outlined" size="small" onClick={retry}>
            Try again
          </Button>
        </WarningPanel>
      </Box>
    );
  }
  return <ClusterDetails cluster={value.cluster} checklist={value.checklist} />;
}

/**
 * A cluster of the fleet summary: its name and status at once, then its firing alerts
 * (`GET /v1/alerts?cluster=`), its checks in full (evidence, failure mode, mitigation,
 * links) and its onboarding checklist from `GET /v1/clusters/:name`.
 */
export function ClusterDrawer(props: {
  cluster?: ClusterHealth<CheckResult | CheckSummary>;
  onClose: () => void;
}) {
  const classes = useStyles();
  const { cluster, onClose } = props;
  return (
    <Drawer
      anchor="right"
      open={!!cluster}
      onClose={onClose}
      classes={{ paper: classes.paper }}
    >
      {cluster && (
        <div role="dialog" aria-label={`Cluster ${cluster.name}`}>
          <Box
            display="flex"
            justifyContent="space-between"
            alignItems="center"
          >
            <Typography variant="h5">
              {cluster.name}{' '}
              <Typography component="span" color="textSecondary">
                {cluster.environment}
              </Typography>
            </Typography>
            <IconButton aria-label="Close" onClick={onClose}>
              <CloseIcon />
            </IconButton>
          </Box>
          <HealthStatusLabel
            status={cluster.status}
            text={
              cluster.since
                ? `Overall ${cluster.status} for ${durationSince(
                    cluster.since,
                  )}`
                : undefined
            }
          />
          {/* The firing alerts of the cluster's Alertmanager, asked for on opening. */}
          <Box mt={2}>
            <AlertsSection key={cluster.name} cluster={cluster.name} />
          </Box>
          <ClusterDrawerDetails key={cluster.name} name={cluster.name} />
        </div>
      )}
    </Drawer>
  );
}

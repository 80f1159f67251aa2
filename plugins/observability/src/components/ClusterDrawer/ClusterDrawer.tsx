import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
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
  ClusterHealth,
  SIGNAL_NAMES,
} from '@fleetobs/plugin-observability-common';
import useAsync from 'react-use/esm/useAsync';
import { observabilityApiRef } from '../../api';
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
};

function Checklist(props: { name: string }) {
  const api = useApi(observabilityApiRef);
  const { value, loading, error } = useAsync(
    () => api.getCluster(props.name),
    [api, props.name],
  );
  if (loading) return <Progress />;
  if (error || !value?.checklist) {
    return (
      <Typography variant="body2" color="textSecondary">
        The onboarding checklist is not available
        {error ? `: ${error.message}` : '.'}
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
        {value.checklist.map(item => (
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

/** Every check of one cluster with its evidence, failure mode and mitigation. */
export function ClusterDetails(props: { cluster: ClusterHealth }) {
  const classes = useStyles();
  const { cluster } = props;
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
        <Checklist name={cluster.name} />
      </section>
    </>
  );
}

export function ClusterDrawer(props: {
  cluster?: ClusterHealth;
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
          <ClusterDetails cluster={cluster} />
        </div>
      )}
    </Drawer>
  );
}

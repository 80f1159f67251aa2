import { Box, Button, makeStyles, Paper, Typography } from '@material-ui/core';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import { Alert, AlertTitle } from '@material-ui/lab';
import {
  DeepLink,
  SignalConfigError,
  SignalPart,
} from '@fleetobs/plugin-observability-common';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  paper: { padding: theme.spacing(2), height: '100%' },
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1.5),
  },
  titles: { flex: 1, minWidth: 200 },
  links: { display: 'flex', gap: theme.spacing(1), flexWrap: 'wrap' },
}));

/** A link to Grafana / Kibana / Jaeger, opened in a new tab. */
export function ToolLink(props: {
  link: DeepLink;
  label?: string;
  variant?: 'outlined' | 'text';
}) {
  return (
    <Button
      size="small"
      variant={props.variant ?? 'outlined'}
      color="primary"
      href={props.link.url}
      target="_blank"
      rel="noopener noreferrer"
      endIcon={<OpenInNewIcon fontSize="small" aria-hidden />}
      title={props.link.title}
    >
      {props.label ?? props.link.title}
    </Button>
  );
}

/**
 * A part the back end did not ask its upstream for because of the entity's own
 * configuration: which annotation, why, what is allowed and what to change.
 */
export function ConfigErrorAlert(props: {
  title: string;
  error: SignalConfigError;
}) {
  const { error } = props;
  return (
    <Alert severity="error" role="alert">
      <AlertTitle>Configuration error: {props.title} not loaded</AlertTitle>
      <Typography variant="body2" component="p" paragraph>
        The entity&apos;s annotation <code>{error.annotation}</code> is{' '}
        <code>{error.value}</code>, which {error.reason}. The portal only
        searches the index patterns its operators allow (
        <code>{error.allowedBy}</code>):{' '}
        {error.allowed.map((pattern, i) => (
          <span key={pattern}>
            {i > 0 && ', '}
            <code>{pattern}</code>
          </span>
        ))}{' '}
        and narrower ones.
      </Typography>
      <Typography variant="body2" component="p">
        <strong>What to change:</strong> {error.fix}
      </Typography>
    </Alert>
  );
}

/** Titled block of the tab with its deep links; says why when its upstream could not be asked. */
export function SectionFrame(props: {
  id: string;
  title: string;
  subtitle: ReactNode;
  part?: SignalPart;
  /** Which upstream the part comes from, for the `unknown` message. */
  upstream: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const classes = useStyles();
  const headingId = `${props.id}-heading`;
  return (
    <Paper
      component="section"
      aria-labelledby={headingId}
      className={classes.paper}
      id={props.id}
    >
      <Box className={classes.header}>
        <Box className={classes.titles}>
          <Typography variant="h6" component="h2" id={headingId}>
            {props.title}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {props.subtitle}
          </Typography>
        </Box>
        <Box className={classes.links}>
          {props.actions}
          {props.part?.links.map(link => (
            <ToolLink key={link.url} link={link} />
          ))}
        </Box>
      </Box>
      {props.part?.configError && (
        <Box mb={1.5}>
          <ConfigErrorAlert
            title={props.title}
            error={props.part.configError}
          />
        </Box>
      )}
      {props.part?.status === 'unknown' && !props.part.configError && (
        <Box mb={1.5}>
          <Alert severity="warning" role="status">
            <strong>{props.title}: unknown.</strong> {props.upstream} could not
            be asked, so this section cannot say anything about the service
            right now. {props.part.error ? `Reason: ${props.part.error}` : ''}
          </Alert>
        </Box>
      )}
      {props.children}
    </Paper>
  );
}

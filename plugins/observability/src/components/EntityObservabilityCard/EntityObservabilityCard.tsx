import { InfoCard, Link } from '@backstage/core-components';
import { useLocation } from 'react-router-dom';
import {
  DeepLink,
  EntitySignals,
  HealthStatus,
  SignalPart,
} from '@fleetobs/plugin-observability-common';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  makeStyles,
  Typography,
} from '@material-ui/core';
import { Skeleton } from '@material-ui/lab';
import { errorText } from '../../api';
import { AlertsSummaryLine, useCurrentEntityRef } from '../Alerts';
import { ArgoCdSummaryLine } from '../ArgoCd';
import {
  formatDurationMs,
  formatMetric,
  hasNoData,
  useEntitySignals,
  useEntityTabLink,
} from '../EntityObservabilityContent';
import { HealthStatusLabel } from '../HealthStatusLabel';

const useStyles = makeStyles(theme => ({
  item: { alignItems: 'flex-start', paddingLeft: 0, paddingRight: 0 },
  name: { width: 72, flexShrink: 0, paddingTop: 6 },
  status: { width: 110, flexShrink: 0, paddingTop: 6 },
  links: {
    display: 'flex',
    gap: theme.spacing(1.5),
    flexWrap: 'wrap',
  },
}));

interface SignalLine {
  name: string;
  status: HealthStatus;
  statusText: string;
  text: string;
  links: DeepLink[];
}

const maxLatest = (
  series: Array<{ points: Array<[number, number]> }>,
): number | undefined => {
  const values = series
    .filter(s => s.points.length > 0)
    .map(s => s.points[s.points.length - 1][1]);
  return values.length > 0 ? Math.max(...values) : undefined;
};

const sumLatest = (series: Array<{ points: Array<[number, number]> }>) =>
  series
    .filter(s => s.points.length > 0)
    .reduce((n, s) => n + s.points[s.points.length - 1][1], 0);

function unknownLine(name: string, part: SignalPart, upstream: string) {
  if (part.configError) {
    // Not the upstream's fault: the entity asks for something the portal refuses.
    const e = part.configError;
    return {
      name,
      status: 'unknown' as const,
      statusText: 'Config error',
      text: `Configuration error: ${e.annotation} "${e.value}" ${e.reason}. ${e.fix}`,
      links: part.links,
    };
  }
  return {
    name,
    status: 'unknown' as const,
    statusText: 'Unknown',
    text: `${upstream} could not be asked: ${part.error ?? 'no reason given'}`,
    links: part.links,
  };
}

/** One line per signal: whether there is data, the headline numbers, and the links. */
export function signalLines(signals: EntitySignals): SignalLine[] {
  const { metrics, logs, traces } = signals;
  const lines: SignalLine[] = [];

  if (metrics.status === 'unknown') {
    lines.push(unknownLine('Metrics', metrics, 'Thanos'));
  } else {
    const rate = metrics.metrics.rate.series;
    const errorRatio = maxLatest(metrics.metrics.errorRatio.series);
    const p99 = maxLatest(metrics.metrics.p99.series);
    lines.push(
      rate.length === 0
        ? {
            name: 'Metrics',
            status: 'unknown',
            statusText: 'No data',
            text: 'No request metrics in the last hour',
            links: metrics.links,
          }
        : {
            name: 'Metrics',
            status: 'ok',
            statusText: 'Reporting',
            text: [
              formatMetric(sumLatest(rate), 'req/s'),
              errorRatio !== undefined
                ? `${formatMetric(errorRatio, 'ratio')} errors (worst cluster)`
                : undefined,
              p99 !== undefined
                ? `p99 ${formatDurationMs(p99 * 1000)} (worst cluster)`
                : undefined,
            ]
              .filter(Boolean)
              .join(' · '),
            links: metrics.links,
          },
    );
  }

  if (logs.status === 'unknown') {
    lines.push(unknownLine('Logs', logs, 'Elasticsearch'));
  } else {
    lines.push({
      name: 'Logs',
      status: logs.total > 0 ? 'warn' : 'ok',
      statusText: logs.total > 0 ? 'Errors' : 'No errors',
      text:
        logs.total > 0
          ? `${logs.total}${
              logs.totalRelation === 'gte' ? '+' : ''
            } error lines in the last hour${
              logs.byCluster.length > 0
                ? ` (${logs.byCluster
                    .map(b => `${b.cluster}: ${b.count}`)
                    .join(', ')})`
                : ''
            }`
          : 'No error lines in the last hour',
      links: logs.links,
    });
  }

  if (traces.status === 'unknown') {
    lines.push(unknownLine('Traces', traces, 'Jaeger Query'));
  } else {
    const errors = traces.traces.filter(t => t.error).length;
    lines.push({
      name: 'Traces',
      status: traces.traces.length === 0 ? 'unknown' : 'ok',
      statusText: traces.traces.length === 0 ? 'No data' : 'Reporting',
      text:
        traces.traces.length === 0
          ? 'No traces in the last hour'
          : `${traces.traces.length}${
              traces.truncated ? '+' : ''
            } traces in the last hour, ${errors} with errors`,
      links: traces.links.slice(0, 1),
    });
  }
  return lines;
}

/**
 * The entity's Observability tab: below its entity page when the app binds the
 * catalog's entity route, else below the page the card is on (the overview).
 */
function useObservabilityTabLink(): string {
  const location = useLocation();
  return (
    useEntityTabLink('observability') ??
    `${location.pathname.replace(/\/+$/, '')}/observability`
  );
}

/** The overview card: one line per signal with its status and links. */
export function EntityObservabilityCard() {
  const classes = useStyles();
  const tabLink = useObservabilityTabLink();
  const { value, loading, error } = useEntitySignals('1h');
  const entityRef = useCurrentEntityRef();

  let content;
  if (error) {
    content = (
      <Typography color="error" role="alert">
        Could not load the signals: {errorText(error)}
      </Typography>
    );
  } else if (loading && !value) {
    content = (
      <Box aria-hidden>
        {[0, 1, 2].map(i => (
          <Skeleton key={i} variant="text" height={44} />
        ))}
      </Box>
    );
  } else if (value && hasNoData(value)) {
    content = (
      <Typography>
        This service has no metrics, error logs or traces yet.{' '}
        <Link to={tabLink}>See which annotations to add</Link>.
      </Typography>
    );
  } else if (value) {
    content = (
      <List dense disablePadding>
        {signalLines(value).map(line => (
          <ListItem key={line.name} className={classes.item} disableGutters>
            <Typography className={classes.name} variant="subtitle2">
              {line.name}
            </Typography>
            <Box className={classes.status}>
              <HealthStatusLabel status={line.status} text={line.statusText} />
            </Box>
            <ListItemText
              primary={line.text}
              secondary={
                <span className={classes.links}>
                  {line.links.map(link => (
                    <Link key={link.url} to={link.url} target="_blank">
                      {link.title}
                    </Link>
                  ))}
                </span>
              }
              secondaryTypographyProps={{ component: 'span' }}
            />
          </ListItem>
        ))}
      </List>
    );
  }

  return (
    <InfoCard
      title="Observability"
      subheader="Last hour, all clusters of the service"
      deepLink={{ title: 'Metrics, logs and traces', link: tabLink }}
    >
      {content}
      <Box mt={1}>
        <AlertsSummaryLine entityRef={entityRef} />
      </Box>
      <Box mt={1}>
        <ArgoCdSummaryLine />
      </Box>
    </InfoCard>
  );
}

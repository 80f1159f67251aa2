import { Progress } from '@backstage/core-components';
import {
  LogSample,
  LogsSignal,
  TraceLogs,
} from '@fleetobs/plugin-observability-common';
import {
  Box,
  Button,
  Chip,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { errorText } from '../../api';
import { formatTime, shortTraceId } from './format';
import { SectionFrame, ToolLink } from './SectionFrame';

const useStyles = makeStyles(theme => ({
  table: { tableLayout: 'fixed' },
  time: { width: 150, whiteSpace: 'nowrap' },
  level: { width: 70, whiteSpace: 'nowrap' },
  cluster: { width: 90, whiteSpace: 'nowrap' },
  trace: { width: 150 },
  message: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    wordBreak: 'break-word',
  },
  levelError: { color: theme.palette.error.main, fontWeight: 600 },
  traceButton: {
    fontFamily: 'monospace',
    textTransform: 'none',
    padding: '0 4px',
    minWidth: 0,
  },
  counts: {
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
    alignItems: 'center',
    marginBottom: theme.spacing(1),
  },
  scroll: { maxHeight: 420, overflowY: 'auto' },
}));

/** The log lines of one trace, shown in place of the latest error lines. */
export interface TraceLogsFilter {
  traceId: string;
  loading: boolean;
  logs?: TraceLogs;
  error?: Error;
}

export function LogLines(props: {
  lines: LogSample[];
  onTraceClick?: (traceId: string) => void;
  withDate?: boolean;
  caption: string;
}) {
  const classes = useStyles();
  return (
    <Box className={classes.scroll}>
      <Table size="small" className={classes.table} aria-label={props.caption}>
        <TableHead>
          <TableRow>
            <TableCell className={classes.time}>Time</TableCell>
            <TableCell className={classes.level}>Level</TableCell>
            <TableCell className={classes.cluster}>Cluster</TableCell>
            <TableCell>Message</TableCell>
            <TableCell className={classes.trace}>Trace ID</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.lines.map(line => (
            <TableRow key={`${line.index}/${line.id}`}>
              <TableCell className={classes.time}>
                {line.timestamp
                  ? formatTime(line.timestamp, props.withDate)
                  : '–'}
              </TableCell>
              <TableCell
                className={
                  /error|fatal|crit/i.test(line.level ?? '')
                    ? `${classes.level} ${classes.levelError}`
                    : classes.level
                }
              >
                {line.level ?? '–'}
              </TableCell>
              <TableCell className={classes.cluster}>
                {line.cluster ?? '–'}
              </TableCell>
              <TableCell className={classes.message}>{line.message}</TableCell>
              <TableCell>
                {line.traceId && props.onTraceClick ? (
                  <Button
                    size="small"
                    color="primary"
                    className={classes.traceButton}
                    onClick={() => props.onTraceClick!(line.traceId!)}
                    aria-label={`Show trace ${line.traceId}`}
                    title={`Show trace ${line.traceId}`}
                  >
                    {shortTraceId(line.traceId)}…
                  </Button>
                ) : (
                  <Typography variant="body2" color="textSecondary">
                    {line.traceId ? `${shortTraceId(line.traceId)}…` : 'none'}
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** Error count per cluster and the latest error lines; or the lines of one trace. */
export function LogsSection(props: {
  logs: LogsSignal;
  service: string;
  rangeLabel: string;
  withDate: boolean;
  onTraceClick: (traceId: string) => void;
  traceFilter?: TraceLogsFilter;
  onClearTraceFilter: () => void;
}) {
  const classes = useStyles();
  const { logs, traceFilter } = props;
  const count = `${logs.total}${logs.totalRelation === 'gte' ? '+' : ''}`;
  return (
    <SectionFrame
      id="observability-logs"
      title="Error logs"
      subtitle={
        logs.configError
          ? `Error and fatal log lines of ${props.service} from Elasticsearch`
          : `Error and fatal log lines of ${props.service} from Elasticsearch (${logs.indexPattern})`
      }
      part={logs}
      upstream="Elasticsearch"
      actions={
        traceFilter?.logs?.links[0] && (
          <ToolLink
            link={traceFilter.logs.links[0]}
            label="Logs of this trace in Kibana"
          />
        )
      }
    >
      {traceFilter ? (
        <Box>
          <Box className={classes.counts}>
            <Chip
              color="primary"
              label={`Logs of trace ${shortTraceId(traceFilter.traceId)}…`}
              onDelete={props.onClearTraceFilter}
              aria-label={`Showing the logs of trace ${traceFilter.traceId}; remove to show the latest errors again`}
            />
            <Button size="small" onClick={props.onClearTraceFilter}>
              Back to the latest errors
            </Button>
          </Box>
          {traceFilter.loading && <Progress />}
          {traceFilter.error && (
            <Typography color="error">
              Could not load the logs of this trace:{' '}
              {errorText(traceFilter.error)}
            </Typography>
          )}
          {traceFilter.logs?.status === 'unknown' &&
            !traceFilter.logs.configError && (
              <Typography color="textSecondary">
                Unknown: {traceFilter.logs.error}
              </Typography>
            )}
          {traceFilter.logs?.status === 'ok' &&
            (traceFilter.logs.samples.length === 0 ? (
              <Typography color="textSecondary">
                No log line carries this trace ID.
              </Typography>
            ) : (
              <LogLines
                lines={traceFilter.logs.samples}
                caption={`Log lines of trace ${traceFilter.traceId}`}
                withDate={props.withDate}
              />
            ))}
        </Box>
      ) : (
        logs.status === 'ok' && (
          <Box>
            <Box className={classes.counts}>
              <Typography variant="body1" component="p">
                <strong>{count}</strong> error{logs.total === 1 ? '' : 's'} in
                the last {props.rangeLabel}
                {logs.byCluster.length > 0 ? ':' : '.'}
              </Typography>
              {logs.byCluster.map(b => (
                <Chip
                  key={b.cluster}
                  size="small"
                  variant="outlined"
                  label={`${b.cluster}: ${b.count}`}
                />
              ))}
            </Box>
            {logs.samples.length === 0 ? (
              <Typography color="textSecondary">
                No error logs in this range.
              </Typography>
            ) : (
              <>
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="p"
                >
                  The latest {logs.samples.length} lines, newest first. Click a
                  trace ID to see that request&apos;s trace.
                </Typography>
                <LogLines
                  lines={logs.samples}
                  onTraceClick={props.onTraceClick}
                  caption="Latest error log lines"
                  withDate={props.withDate}
                />
              </>
            )}
          </Box>
        )
      )}
    </SectionFrame>
  );
}

import { Progress } from '@backstage/core-components';
import { EntityTrace } from '@fleetobs/plugin-observability-common';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import ErrorIcon from '@material-ui/icons/Error';
import { errorText } from '../../api';
import { formatDurationMs, formatTime } from './format';
import { LogLines } from './LogsSection';
import { ConfigErrorAlert, ToolLink } from './SectionFrame';
import { TraceStatus } from './TracesSection';

const useStyles = makeStyles(theme => ({
  id: { fontFamily: 'monospace', wordBreak: 'break-all' },
  facts: {
    display: 'flex',
    gap: theme.spacing(3),
    flexWrap: 'wrap',
    alignItems: 'center',
    margin: theme.spacing(1, 0, 2),
  },
  barCell: { width: '35%' },
  track: { position: 'relative', height: 10 },
  bar: {
    position: 'absolute',
    top: 0,
    height: 10,
    minWidth: 2,
    borderRadius: 2,
    background: theme.palette.primary.main,
  },
  errorBar: {
    background: theme.palette.error.main,
    // A hatch, so an error span differs by more than its colour.
    backgroundImage:
      'repeating-linear-gradient(45deg, transparent, transparent 3px, rgba(255,255,255,0.6) 3px, rgba(255,255,255,0.6) 5px)',
  },
  errorIcon: {
    color: theme.palette.error.main,
    fontSize: '1rem',
    verticalAlign: 'text-bottom',
    marginRight: 4,
  },
}));

/** Spans drawn in the dialog; a bigger trace is for Jaeger's own view. */
export const MAX_SPAN_ROWS = 1000;

/** One trace in place: its spans as a small waterfall, its log lines, and the links. */
export function TraceDialog(props: {
  traceId?: string;
  loading: boolean;
  error?: Error;
  value?: EntityTrace;
  onClose: () => void;
  onShowLogs: (traceId: string) => void;
}) {
  const classes = useStyles();
  const trace = props.value?.trace;
  const open = props.traceId !== undefined;
  const total = trace?.durationMs || 1;
  return (
    <Dialog
      open={open}
      onClose={props.onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby="trace-dialog-title"
    >
      <DialogTitle id="trace-dialog-title">
        Trace <span className={classes.id}>{props.traceId}</span>
        {trace && ` — ${trace.rootOperation}`}
      </DialogTitle>
      <DialogContent dividers>
        {props.loading && <Progress />}
        {props.error && (
          <Typography color="error" role="alert">
            Could not load this trace: {errorText(props.error)}
          </Typography>
        )}
        {trace && (
          <>
            <Box className={classes.facts}>
              <TraceStatus trace={trace} />
              <Typography variant="body2">
                Cluster <strong>{trace.cluster ?? 'unknown'}</strong>
              </Typography>
              <Typography variant="body2">
                Started <strong>{formatTime(trace.startTime, true)}</strong>
              </Typography>
              <Typography variant="body2">
                Duration <strong>{formatDurationMs(trace.durationMs)}</strong>
              </Typography>
              <Typography variant="body2">
                <strong>{trace.spanCount}</strong> spans across{' '}
                {trace.services.join(', ')}
              </Typography>
            </Box>
            <Typography variant="subtitle2" component="h3">
              Spans
            </Typography>
            <Table size="small" aria-label="Spans of the trace">
              <TableHead>
                <TableRow>
                  <TableCell>Service</TableCell>
                  <TableCell>Operation</TableCell>
                  <TableCell align="right">Starts at</TableCell>
                  <TableCell align="right">Duration</TableCell>
                  <TableCell className={classes.barCell}>Timeline</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {trace.spans?.slice(0, MAX_SPAN_ROWS).map(span => (
                  <TableRow key={span.spanId}>
                    <TableCell>{span.service}</TableCell>
                    <TableCell style={{ paddingLeft: 16 + span.depth * 16 }}>
                      {span.error && (
                        <ErrorIcon
                          className={classes.errorIcon}
                          titleAccess="error"
                        />
                      )}
                      {span.operation}
                      {span.error && (
                        <Typography
                          variant="caption"
                          color="error"
                          component="span"
                        >
                          {' '}
                          (error)
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell align="right">
                      +{formatDurationMs(span.offsetMs)}
                    </TableCell>
                    <TableCell align="right">
                      {formatDurationMs(span.durationMs)}
                    </TableCell>
                    <TableCell className={classes.barCell}>
                      <Box className={classes.track} aria-hidden>
                        <Box
                          className={`${classes.bar} ${
                            span.error ? classes.errorBar : ''
                          }`}
                          style={{
                            left: `${(span.offsetMs / total) * 100}%`,
                            width: `${Math.min(
                              100,
                              (span.durationMs / total) * 100,
                            )}%`,
                          }}
                        />
                      </Box>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {(trace.spans?.length ?? 0) > MAX_SPAN_ROWS && (
              <Typography variant="body2" color="textSecondary">
                Showing the first {MAX_SPAN_ROWS} of {trace.spans!.length}{' '}
                spans; open the trace in Jaeger to see all of them.
              </Typography>
            )}
            <Box mt={2}>
              <Typography variant="subtitle2" component="h3">
                Log lines of this trace
              </Typography>
              {props.value!.logs.configError && (
                <ConfigErrorAlert
                  title="Log lines of this trace"
                  error={props.value!.logs.configError}
                />
              )}
              {props.value!.logs.status === 'unknown' &&
                !props.value!.logs.configError && (
                  <Typography variant="body2" color="textSecondary">
                    Unknown: {props.value!.logs.error}
                  </Typography>
                )}
              {props.value!.logs.status === 'ok' &&
                (props.value!.logs.samples.length === 0 ? (
                  <Typography variant="body2" color="textSecondary">
                    No log line carries this trace ID.
                  </Typography>
                ) : (
                  <LogLines
                    lines={props.value!.logs.samples}
                    caption="Log lines of the trace"
                    withDate
                  />
                ))}
            </Box>
          </>
        )}
      </DialogContent>
      <DialogActions>
        {trace?.links.map(link => (
          <ToolLink key={link.url} link={link} />
        ))}
        {trace && (
          <Button
            color="primary"
            onClick={() => props.onShowLogs(trace.traceId)}
          >
            Show its logs in the Logs section
          </Button>
        )}
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

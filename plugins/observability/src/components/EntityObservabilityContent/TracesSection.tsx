import { StatusError, StatusOK } from '@backstage/core-components';
import {
  TracesSignal,
  TraceSummary,
} from '@fleetobs/plugin-observability-common';
import {
  Box,
  Button,
  makeStyles,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tabs,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { formatDurationMs, formatTime, shortTraceId } from './format';
import { SectionFrame } from './SectionFrame';

const SHOWN = 10;

const useStyles = makeStyles(theme => ({
  id: { fontFamily: 'monospace', fontSize: '0.8rem' },
  actions: { whiteSpace: 'nowrap' },
  errorRow: { background: theme.palette.action.hover },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** Trace status as an icon and a word, never colour alone. */
export function TraceStatus(props: { trace: TraceSummary }) {
  const { trace } = props;
  return trace.error ? (
    <StatusError>
      Error
      {trace.errorSpanCount > 1 ? ` (${trace.errorSpanCount} spans)` : ''}
    </StatusError>
  ) : (
    <StatusOK>OK</StatusOK>
  );
}

function TraceTable(props: {
  traces: TraceSummary[];
  service: string;
  caption: string;
  withDate: boolean;
  onOpen: (trace: TraceSummary) => void;
  onLogs: (trace: TraceSummary) => void;
}) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label={props.caption}>
      <TableHead>
        <TableRow>
          <TableCell>Start</TableCell>
          <TableCell>Root operation</TableCell>
          <TableCell>Cluster</TableCell>
          <TableCell align="right">Duration</TableCell>
          <TableCell align="right">Spans</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Trace ID</TableCell>
          <TableCell>
            <span className="MuiTypography-srOnly">Actions</span>
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.traces.map(trace => (
          <TableRow
            key={trace.traceId}
            className={trace.error ? classes.errorRow : undefined}
          >
            <TableCell className={classes.nowrap}>
              {formatTime(trace.startTime, props.withDate)}
            </TableCell>
            <TableCell>
              {trace.rootOperation}
              {trace.rootService !== props.service && (
                <Typography variant="caption" color="textSecondary">
                  {' '}
                  (from {trace.rootService})
                </Typography>
              )}
            </TableCell>
            <TableCell>{trace.cluster ?? '–'}</TableCell>
            <TableCell align="right" className={classes.nowrap}>
              {formatDurationMs(trace.durationMs)}
            </TableCell>
            <TableCell align="right">{trace.spanCount}</TableCell>
            <TableCell className={classes.nowrap}>
              <TraceStatus trace={trace} />
            </TableCell>
            <TableCell className={classes.id}>
              {shortTraceId(trace.traceId)}…
            </TableCell>
            <TableCell className={classes.actions}>
              <Button
                size="small"
                color="primary"
                onClick={() => props.onOpen(trace)}
                aria-label={`Spans of trace ${trace.traceId}`}
              >
                Spans
              </Button>
              <Button
                size="small"
                color="primary"
                onClick={() => props.onLogs(trace)}
                aria-label={`Logs of trace ${trace.traceId}`}
              >
                Logs
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Recent and slowest traces of the service, errors marked. */
export function TracesSection(props: {
  traces: TracesSignal;
  rangeLabel: string;
  withDate: boolean;
  onOpen: (trace: TraceSummary) => void;
  onLogs: (trace: TraceSummary) => void;
}) {
  const [tab, setTab] = useState<'recent' | 'slowest'>('recent');
  const { traces } = props;
  const list = traces.traces;
  const errors = list.filter(t => t.error).length;
  const shown =
    tab === 'recent'
      ? list.slice(0, SHOWN)
      : [...list].sort((a, b) => b.durationMs - a.durationMs).slice(0, SHOWN);
  return (
    <SectionFrame
      id="observability-traces"
      title="Traces"
      subtitle={`Traces of ${traces.service} from Jaeger`}
      part={traces}
      upstream="Jaeger Query"
    >
      {traces.status === 'ok' &&
        (list.length === 0 ? (
          <Typography color="textSecondary">
            No traces of {traces.service} in the last {props.rangeLabel}.
          </Typography>
        ) : (
          <Box>
            <Typography variant="body1" component="p">
              <strong>{list.length}</strong>
              {traces.truncated ? ' most recent' : ''} traces in the last{' '}
              {props.rangeLabel}, <strong>{errors}</strong> with errors.
            </Typography>
            <Tabs
              value={tab}
              onChange={(_, value) => setTab(value)}
              indicatorColor="primary"
              textColor="primary"
              aria-label="Which traces"
            >
              <Tab value="recent" label="Most recent" />
              <Tab
                value="slowest"
                label={traces.truncated ? 'Slowest of these' : 'Slowest'}
              />
            </Tabs>
            <TraceTable
              traces={shown}
              service={traces.service}
              caption={
                tab === 'recent' ? 'Most recent traces' : 'Slowest traces'
              }
              withDate={props.withDate}
              onOpen={props.onOpen}
              onLogs={props.onLogs}
            />
          </Box>
        ))}
    </SectionFrame>
  );
}

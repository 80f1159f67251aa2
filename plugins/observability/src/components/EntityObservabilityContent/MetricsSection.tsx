import {
  MetricsSignal,
  RED_METRIC_NAMES,
  RedMetric,
  RedMetricName,
} from '@fleetobs/plugin-observability-common';
import { Box, Grid, Link, makeStyles, Typography } from '@material-ui/core';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { clusterStyle } from './clusterStyles';
import { formatMetric, formatTime } from './format';
import { SectionFrame } from './SectionFrame';

const TITLES: Record<RedMetricName, string> = {
  rate: 'Request rate',
  errorRatio: 'Error ratio',
  p99: 'p99 latency',
};

export const CHART_HEIGHT = 200;

const useStyles = makeStyles(theme => ({
  chart: { height: CHART_HEIGHT },
  empty: {
    height: CHART_HEIGHT,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    border: `1px dashed ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(2),
    textAlign: 'center',
  },
  latest: { marginTop: theme.spacing(0.5), minHeight: '2.5em' },
}));

function chartRows(metric: RedMetric) {
  const rows = new Map<number, Record<string, number>>();
  for (const series of metric.series) {
    for (const [t, v] of series.points) {
      const row = rows.get(t) ?? { t };
      row[series.cluster] = v;
      rows.set(t, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

function latestText(metric: RedMetric): string {
  return metric.series
    .filter(s => s.points.length > 0)
    .map(
      s =>
        `${s.cluster} ${formatMetric(
          s.points[s.points.length - 1][1],
          metric.unit,
        )}`,
    )
    .join(' · ');
}

function MetricChart(props: {
  name: RedMetricName;
  metric: RedMetric;
  clusters: string[];
  range: { from: number; to: number };
  unknown: boolean;
}) {
  const classes = useStyles();
  const theme = useTheme();
  const { metric, name } = props;
  const withDate = props.range.to - props.range.from > 24 * 3600_000;
  const titleId = `metric-${name}-title`;
  const latest = latestText(metric);
  return (
    <Box role="figure" aria-labelledby={titleId}>
      <Typography variant="subtitle2" component="h3" id={titleId}>
        {TITLES[name]}{' '}
        {metric.link && (
          <Link
            href={metric.link.url}
            target="_blank"
            rel="noopener noreferrer"
            variant="caption"
          >
            (query in Grafana)
          </Link>
        )}
      </Typography>
      {metric.error && (
        <Box className={classes.empty}>
          <Typography variant="body2" color="textSecondary">
            {TITLES[name]} could not be read: {metric.error}
          </Typography>
        </Box>
      )}
      {!metric.error && props.unknown && (
        <Box className={classes.empty}>
          <Typography variant="body2" color="textSecondary">
            Unknown: Thanos could not be asked.
          </Typography>
        </Box>
      )}
      {!metric.error && !props.unknown && metric.series.length === 0 && (
        <Box className={classes.empty}>
          <Typography variant="body2" color="textSecondary">
            No {TITLES[name].toLowerCase()} recorded in this range.
          </Typography>
        </Box>
      )}
      {!metric.error && metric.series.length > 0 && (
        <Box className={classes.chart}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart
              data={chartRows(metric)}
              margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            >
              <CartesianGrid
                strokeDasharray="3 3"
                stroke={theme.palette.divider}
              />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={[props.range.from, props.range.to]}
                tickFormatter={t => formatTime(t, withDate).slice(0, 12)}
                stroke={theme.palette.text.secondary}
                fontSize={11}
                minTickGap={24}
              />
              <YAxis
                width={64}
                stroke={theme.palette.text.secondary}
                fontSize={11}
                tickFormatter={v => formatMetric(Number(v), metric.unit)}
              />
              <Tooltip
                labelFormatter={t => formatTime(Number(t), true)}
                formatter={(v: unknown) => formatMetric(Number(v), metric.unit)}
                contentStyle={{
                  background: theme.palette.background.paper,
                  borderColor: theme.palette.divider,
                }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {props.clusters
                .filter(c => metric.series.some(s => s.cluster === c))
                .map(cluster => (
                  <Line
                    key={cluster}
                    type="monotone"
                    dataKey={cluster}
                    name={cluster}
                    dot={false}
                    isAnimationActive={false}
                    strokeWidth={2}
                    {...clusterStyle(props.clusters.indexOf(cluster))}
                  />
                ))}
            </LineChart>
          </ResponsiveContainer>
        </Box>
      )}
      <Typography
        variant="caption"
        color="textSecondary"
        component="p"
        className={classes.latest}
      >
        {latest ? `Latest: ${latest}` : '\u00a0'}
      </Typography>
    </Box>
  );
}

/** Rate, error ratio and p99 per cluster, as line charts. */
export function MetricsSection(props: {
  metrics: MetricsSignal;
  service: string;
  range: { from: string; to: string };
}) {
  const { metrics } = props;
  const clusters = [
    ...new Set(
      RED_METRIC_NAMES.flatMap(n => metrics.metrics[n].series).map(
        s => s.cluster,
      ),
    ),
  ].sort();
  const range = {
    from: Date.parse(props.range.from),
    to: Date.parse(props.range.to),
  };
  return (
    <SectionFrame
      id="observability-metrics"
      title="Metrics"
      subtitle={`Requests, errors and p99 latency of ${props.service} per cluster, from Thanos (one point every ${metrics.stepSeconds} s)`}
      part={metrics}
      upstream="Thanos"
    >
      <Grid container spacing={2}>
        {RED_METRIC_NAMES.map(name => (
          <Grid item xs={12} md={4} key={name}>
            <MetricChart
              name={name}
              metric={metrics.metrics[name]}
              clusters={clusters}
              range={range}
              unknown={metrics.status === 'unknown'}
            />
          </Grid>
        ))}
      </Grid>
    </SectionFrame>
  );
}

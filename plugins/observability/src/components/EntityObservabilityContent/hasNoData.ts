import {
  EntitySignals,
  RED_METRIC_NAMES,
} from '@fleetobs/plugin-observability-common';

/** Whether none of the three upstreams has anything of the service. */
export function hasNoData(signals: EntitySignals): boolean {
  const { metrics, logs, traces } = signals;
  return (
    metrics.status === 'ok' &&
    logs.status === 'ok' &&
    traces.status === 'ok' &&
    RED_METRIC_NAMES.every(n => metrics.metrics[n].series.length === 0) &&
    logs.total === 0 &&
    traces.traces.length === 0
  );
}

import { RedMetric } from '@fleetobs/plugin-observability-common';

/** A value of a RED measure with its unit, e.g. `41.2 req/s`, `2.10 %`, `380 ms`. */
export function formatMetric(value: number, unit: RedMetric['unit']): string {
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(value < 0.1 ? 2 : 1)} %`;
    case 's':
      return formatDurationMs(value * 1000);
    default:
      return `${value.toFixed(value < 10 ? 2 : 1)} req/s`;
  }
}

/** `0.8 ms`, `380 ms`, `1.25 s`. */
export function formatDurationMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A time of the range: the clock time, with the date when the range spans days. */
export function formatTime(value: string | number, withDate = false): string {
  const date = new Date(value);
  return withDate
    ? date.toLocaleString(undefined, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      })
    : date.toLocaleTimeString(undefined, {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
}

/** The first characters of a trace id, enough to tell traces apart. */
export const shortTraceId = (id: string) => id.slice(0, 12);

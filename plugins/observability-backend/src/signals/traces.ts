import {
  DeepLink,
  jaegerSearchUrl,
  jaegerTraceUrl,
  SignalsTarget,
  SpanSummary,
  TracesSignal,
  TraceSummary,
} from '@fleetobs/plugin-observability-common';
import {
  JaegerClient,
  JaegerSpan,
  JaegerTrace,
} from '../upstream/JaegerClient';
import { describeError } from '../upstream/UpstreamError';
import { SignalsConfig } from './config';
import { traceLogsLink } from './logs';
import { SignalsRange } from './range';

type KeyValue = { key: string; value?: unknown };

const tag = (tags: KeyValue[] | null | undefined, key: string) =>
  tags?.find(t => t.key === key)?.value;

/** A span is an error when tagged so (OpenTracing or OpenTelemetry) or it answered 5xx. */
export function isErrorSpan(span: JaegerSpan): boolean {
  const error = tag(span.tags, 'error');
  if (error === true || error === 'true') return true;
  if (tag(span.tags, 'otel.status_code') === 'ERROR') return true;
  const status = Number(tag(span.tags, 'http.status_code'));
  return Number.isFinite(status) && status >= 500;
}

function parentOf(span: JaegerSpan): string | undefined {
  return span.references?.find(r => r.refType === 'CHILD_OF')?.spanID;
}

/** Summary of a Jaeger trace; with `withSpans`, its span tree flattened in start order. */
export function summarizeTrace(
  trace: JaegerTrace,
  options: {
    clusterTag: string;
    withSpans?: boolean;
    links: (traceId: string, start: Date, end: Date) => DeepLink[];
  },
): TraceSummary {
  const spans = [...trace.spans].sort((a, b) => a.startTime - b.startTime);
  const ids = new Set(spans.map(s => s.spanID));
  const root =
    spans.find(s => {
      const parent = parentOf(s);
      return !parent || !ids.has(parent);
    }) ?? spans[0];
  const start = Math.min(...spans.map(s => s.startTime));
  const end = Math.max(...spans.map(s => s.startTime + s.duration));
  const processOf = (s: JaegerSpan) => trace.processes[s.processID];
  const errorSpans = spans.filter(isErrorSpan);
  const cluster = root
    ? tag(processOf(root)?.tags, options.clusterTag)
    : undefined;
  const summary: TraceSummary = {
    traceId: trace.traceID,
    rootService: (root && processOf(root)?.serviceName) ?? 'unknown',
    rootOperation: root?.operationName ?? 'unknown',
    startTime: new Date(start / 1000).toISOString(),
    // Jaeger times are microseconds.
    durationMs: Math.round((root ? root.duration : end - start) / 10) / 100,
    spanCount: spans.length,
    error: errorSpans.length > 0,
    errorSpanCount: errorSpans.length,
    ...(cluster !== undefined ? { cluster: String(cluster) } : {}),
    services: [
      ...new Set(spans.map(s => processOf(s)?.serviceName ?? 'unknown')),
    ],
    // A little slack around the trace for the logs written just before / after it.
    links: options.links(
      trace.traceID,
      new Date(start / 1000 - 60_000),
      new Date(end / 1000 + 60_000),
    ),
  };
  if (options.withSpans) {
    const depth = new Map<string, number>();
    const depthOf = (s: JaegerSpan): number => {
      const known = depth.get(s.spanID);
      if (known !== undefined) return known;
      depth.set(s.spanID, 0); // guards against reference cycles
      const parent = parentOf(s);
      const p = parent ? spans.find(x => x.spanID === parent) : undefined;
      const d = p ? depthOf(p) + 1 : 0;
      depth.set(s.spanID, d);
      return d;
    };
    summary.spans = spans.map(
      (s): SpanSummary => ({
        spanId: s.spanID,
        ...(parentOf(s) ? { parentSpanId: parentOf(s) } : {}),
        service: processOf(s)?.serviceName ?? 'unknown',
        operation: s.operationName,
        offsetMs: Math.round((s.startTime - start) / 10) / 100,
        durationMs: Math.round(s.duration / 10) / 100,
        error: isErrorSpan(s),
        depth: depthOf(s),
      }),
    );
  }
  return summary;
}

/** Jaeger UI and Kibana links of one trace. */
export function traceLinks(
  target: SignalsTarget,
  config: SignalsConfig,
): (traceId: string, start: Date, end: Date) => DeepLink[] {
  return (traceId, start, end) => {
    const links: DeepLink[] = [];
    if (config.ui.jaegerUrl) {
      links.push({
        title: 'Open trace in Jaeger',
        url: jaegerTraceUrl({ baseUrl: config.ui.jaegerUrl, traceId }),
      });
    }
    const logs = traceLogsLink(traceId, target, config, {
      from: start,
      to: end,
    });
    if (logs) links.push(logs);
    return links;
  };
}

/** Recent traces of the service from Jaeger Query: one search over the range. */
export async function fetchTraces(
  jaeger: JaegerClient | undefined,
  target: SignalsTarget,
  config: SignalsConfig,
  range: SignalsRange,
): Promise<TracesSignal> {
  const { jaegerUrl } = config.ui;
  const links: DeepLink[] = jaegerUrl
    ? [
        {
          title: 'Open in Jaeger',
          url: jaegerSearchUrl({
            baseUrl: jaegerUrl,
            service: target.jaegerService,
            range: { from: range.from, to: range.to },
            limit: 20,
          }),
        },
        {
          title: 'Error traces in Jaeger',
          url: jaegerSearchUrl({
            baseUrl: jaegerUrl,
            service: target.jaegerService,
            tags: { error: 'true' },
            range: { from: range.from, to: range.to },
            limit: 20,
          }),
        },
      ]
    : [];
  const base = {
    links,
    service: target.jaegerService,
    traces: [],
    truncated: false,
  };
  if (!jaeger) {
    return {
      ...base,
      status: 'unknown',
      error: 'Jaeger is not configured (observability.jaeger.url)',
    };
  }
  try {
    const limit = config.traces.limit;
    const found = await jaeger.traces({
      service: target.jaegerService,
      start: range.from,
      end: range.to,
      limit,
    });
    const summaries = found
      .filter(t => t.spans.length > 0)
      .map(t =>
        summarizeTrace(t, {
          clusterTag: config.traces.clusterTag,
          links: traceLinks(target, config),
        }),
      )
      // Jaeger cannot OR tag values: narrow to the service's clusters here.
      .filter(
        t =>
          !target.clusters ||
          t.cluster === undefined ||
          target.clusters.includes(t.cluster),
      )
      .sort((a, b) => b.startTime.localeCompare(a.startTime));
    return {
      ...base,
      status: 'ok',
      traces: summaries,
      truncated: found.length >= limit,
    };
  } catch (error) {
    return { ...base, status: 'unknown', error: describeError(error) };
  }
}

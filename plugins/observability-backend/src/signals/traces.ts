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
import { SignalsConfig } from '../config';
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

/**
 * Depth of every span in its trace's tree (0 for a root: no parent, or a parent that
 * is not in the trace), in linear time and without recursion: each span's depth is
 * computed once, by walking up to the nearest span whose depth is known and then
 * back down. A reference cycle is broken where it is found (the span whose parent
 * closes the cycle counts as a root), so a malformed trace still gets an answer.
 */
export function spanDepths(
  spans: ReadonlyArray<JaegerSpan>,
): Map<string, number> {
  const n = spans.length;
  const indexOf = new Map<string, number>();
  spans.forEach((span, i) => indexOf.set(span.spanID, i));
  // Parent of each span as an index (-1: none, or not in the trace).
  const parents = new Int32Array(n).fill(-1);
  spans.forEach((span, i) => {
    const parent = parentOf(span);
    const p = parent === undefined ? undefined : indexOf.get(parent);
    if (p !== undefined) parents[i] = p;
  });
  const UNKNOWN = -1;
  const ON_PATH = -2;
  const depths = new Int32Array(n).fill(UNKNOWN);
  const path: number[] = [];
  for (let i = 0; i < n; i++) {
    // Walk up until a span with a known depth, a root, or a cycle.
    let base = -1;
    for (let at = i; at >= 0; at = parents[at]) {
      if (depths[at] >= 0) {
        base = depths[at];
        break;
      }
      if (depths[at] === ON_PATH) break; // a cycle: the last span on the path is a root
      depths[at] = ON_PATH;
      path.push(at);
    }
    // Back down: each span is one deeper than its parent.
    while (path.length > 0) {
      base += 1;
      depths[path.pop()!] = base;
    }
  }
  const out = new Map<string, number>();
  spans.forEach((span, i) => out.set(span.spanID, depths[i]));
  return out;
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
  // Loops, not Math.min(...spans): a spread of 100,000s of arguments overflows the stack.
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.startTime);
    end = Math.max(end, s.startTime + s.duration);
  }
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
    const depth = spanDepths(spans);
    const errors = new Set(errorSpans);
    summary.spans = spans.map((s): SpanSummary => {
      const parent = parentOf(s);
      return {
        spanId: s.spanID,
        ...(parent ? { parentSpanId: parent } : {}),
        service: processOf(s)?.serviceName ?? 'unknown',
        operation: s.operationName,
        offsetMs: Math.round((s.startTime - start) / 10) / 100,
        durationMs: Math.round(s.duration / 10) / 100,
        error: errors.has(s),
        depth: depth.get(s.spanID) ?? 0,
      };
    });
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

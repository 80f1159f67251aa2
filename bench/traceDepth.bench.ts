/*
 * Trace view benchmark (issue 14, finding 9; not a test: it prints figures and never
 * fails on them). Run with `yarn bench`, or only this file with
 * `bash bench/run.sh --testPathPattern traceDepth`.
 *
 * Times `summarizeTrace(…, { withSpans: true })` of plugins/observability-backend
 * (what `GET /v1/entity/:kind/:namespace/:name/traces/:traceId` runs on Jaeger's
 * answer: the span tree flattened with each span's depth) for traces of
 * BENCH_TRACE_SPANS spans (default 50,000) of four shapes:
 * - chain: every span the child of the one before (depth 0 … N-1), in start order;
 * - chain, leaf first: the same tree, the spans listed deepest first with one start
 *   time (the worst order for a depth computed by walking up to the root);
 * - wide: one root with N-1 children;
 * - random: each span the child of a random earlier span.
 * Prints the median of BENCH_TRACE_RUNS runs (default 5) and the spans per second,
 * and the depth computation alone (`spanDepths`).
 */
import {
  spanDepths,
  summarizeTrace,
} from '../plugins/observability-backend/src/signals/traces';
import { JaegerTrace } from '../plugins/observability-backend/src/upstream/JaegerClient';

const SPANS = Number(process.env.BENCH_TRACE_SPANS ?? 50_000);
const RUNS = Number(process.env.BENCH_TRACE_RUNS ?? 5);

jest.setTimeout(30 * 60_000);

type Shape = 'chain' | 'chain, leaf first' | 'wide' | 'random';

function trace(n: number, shape: Shape): JaegerTrace {
  const id = (i: number) => i.toString(16).padStart(16, '0');
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const spans = Array.from({ length: n }, (_, i) => {
    let parent: number | undefined;
    if (i > 0) {
      if (shape === 'wide') parent = 0;
      else if (shape === 'random') parent = Math.floor(random() * i);
      else parent = i - 1;
    }
    return {
      traceID: 'f'.repeat(32),
      spanID: id(i),
      operationName: `op-${i % 50}`,
      references:
        parent === undefined
          ? []
          : [
              {
                refType: 'CHILD_OF',
                traceID: 'f'.repeat(32),
                spanID: id(parent),
              },
            ],
      startTime:
        shape === 'chain, leaf first'
          ? 1_700_000_000_000_000
          : 1_700_000_000_000_000 + i,
      duration: n - i,
      tags: [],
      processID: 'p1',
    };
  });
  if (shape === 'chain, leaf first') spans.reverse();
  return {
    traceID: 'f'.repeat(32),
    spans,
    processes: { p1: { serviceName: 'checkout', tags: [] } },
  };
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('trace view benchmark', () => {
  it(`prints the time to summarize a ${SPANS}-span trace with its span depths`, () => {
    const rows: string[] = [];
    for (const shape of [
      'chain',
      'chain, leaf first',
      'wide',
      'random',
    ] as Shape[]) {
      const input = trace(SPANS, shape);
      const times: number[] = [];
      const depthTimes: number[] = [];
      let outcome = '';
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        let summary;
        try {
          summary = summarizeTrace(input, {
            clusterTag: 'cluster',
            withSpans: true,
            links: () => [],
          });
        } catch (error) {
          times.push(performance.now() - started);
          outcome = `failed: ${(error as Error).name}: ${
            (error as Error).message
          }`;
          break;
        }
        times.push(performance.now() - started);
        const depthStarted = performance.now();
        spanDepths(input.spans);
        depthTimes.push(performance.now() - depthStarted);
        let deepest = 0;
        for (const span of summary.spans!) {
          deepest = Math.max(deepest, span.depth);
        }
        outcome = `deepest span at depth ${deepest}`;
      }
      const ms = median(times);
      rows.push(
        `| ${shape} | ${SPANS} | ${ms.toFixed(1)} ms | ${Math.round(
          SPANS / (ms / 1000),
        ).toLocaleString('en-US')} spans/s | ${
          depthTimes.length ? `${median(depthTimes).toFixed(1)} ms` : '–'
        } | ${outcome} |`,
      );
    }
    // eslint-disable-next-line no-console
    console.log(
      [
        `summarizeTrace withSpans, median of ${RUNS} runs (Node ${process.version})`,
        '| shape | spans | summarizeTrace | throughput | spanDepths alone | result |',
        '| ----- | ----- | -------------- | ---------- | ---------------- | ------ |',
        ...rows,
      ].join('\n'),
    );
  });
});

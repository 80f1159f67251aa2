import { JaegerSpan, JaegerTrace } from '../upstream/JaegerClient';
import { spanDepths, summarizeTrace } from './traces';

const TRACE = 'f'.repeat(32);
const id = (i: number) => i.toString(16).padStart(16, '0');

function span(
  i: number,
  parent?: number,
  startTime = 1_000_000 + i,
): JaegerSpan {
  return {
    traceID: TRACE,
    spanID: id(i),
    operationName: `op-${i}`,
    references:
      parent === undefined
        ? []
        : [{ refType: 'CHILD_OF', traceID: TRACE, spanID: id(parent) }],
    startTime,
    duration: 10,
    tags: [],
    processID: 'p1',
  };
}

const traceOf = (spans: JaegerSpan[]): JaegerTrace => ({
  traceID: TRACE,
  spans,
  processes: { p1: { serviceName: 'checkout', tags: [] } },
});

const summarize = (spans: JaegerSpan[]) =>
  summarizeTrace(traceOf(spans), {
    clusterTag: 'cluster',
    withSpans: true,
    links: () => [],
  });

describe('summarizeTrace span depths', () => {
  it('gives every span of a 50,000-deep chain its depth, listed leaf first', () => {
    const n = 50_000;
    // One start time for all, listed deepest first: walking up from the first span
    // crosses the whole chain (a recursive walk overflows the stack here).
    const spans = Array.from({ length: n }, (_, i) =>
      span(i, i ? i - 1 : undefined, 5),
    );
    spans.reverse();
    const summary = summarize(spans);
    expect(summary.spans).toHaveLength(n);
    const wrong = summary.spans!.filter(
      s => s.depth !== parseInt(s.spanId, 16),
    );
    expect(wrong).toEqual([]);
    expect(summary.rootOperation).toBe('op-0');
  });

  it('gives the depths of a random 50,000-span tree', () => {
    const n = 50_000;
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const expected: number[] = [0];
    const spans = [span(0)];
    for (let i = 1; i < n; i++) {
      const parent = Math.floor(random() * i);
      expected.push(expected[parent] + 1);
      spans.push(span(i, parent));
    }
    // Shuffled: the order Jaeger lists spans in is not the tree's.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [spans[i], spans[j]] = [spans[j], spans[i]];
    }
    const depths = spanDepths(spans);
    expect(depths.size).toBe(n);
    const actual = expected.map((_, i) => depths.get(id(i)));
    expect(actual).toEqual(expected);
  });

  it('counts spans whose parent is missing as roots, and survives reference cycles', () => {
    const depths = spanDepths([
      span(1, 99), // parent not in the trace
      span(2, 1),
      span(3, 4), // 3 → 4 → 3
      span(4, 3),
      span(5, 3),
    ]);
    expect(depths.get(id(1))).toBe(0);
    expect(depths.get(id(2))).toBe(1);
    expect([depths.get(id(3)), depths.get(id(4))].sort()).toEqual([0, 1]);
    expect(depths.get(id(5))).toBe(depths.get(id(3))! + 1);
  });
});

/**
 * recharts' ResponsiveContainer measures its box with a ResizeObserver, which jsdom
 * lacks: call this in `beforeAll` of tests that render the charts.
 */
export function polyfillResizeObserver() {
  (globalThis as any).ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

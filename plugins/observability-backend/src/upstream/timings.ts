import { AsyncLocalStorage } from 'node:async_hooks';

/** One upstream request: from sending it to its last byte (or its failure). */
export interface UpstreamTiming {
  upstream: string;
  path: string;
  ms: number;
}

const recorder = new AsyncLocalStorage<UpstreamTiming[]>();

/**
 * Runs `fn` and collects the timing of every upstream request sent on its behalf,
 * however deep and concurrent: the clients are shared, the round's requests are not.
 */
export async function withUpstreamTimings<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; timings: UpstreamTiming[] }> {
  const timings: UpstreamTiming[] = [];
  const result = await recorder.run(timings, fn);
  return { result, timings };
}

/** Called by the HTTP layer once per request. */
export function reportUpstreamTiming(timing: UpstreamTiming): void {
  recorder.getStore()?.push(timing);
}

import { setImmediate as nextTurn } from 'node:timers/promises';

/** Requests started between two turns of the event loop. */
const DEFAULT_PER_TURN = 100;

/**
 * `Promise.all(items.map(start))`, but started a slice at a time with the event loop
 * let run in between: starting a request costs a fraction of a millisecond, which
 * for one Argo CD or Alertmanager per cluster (4,000) is seconds in one stretch.
 * Every item is started without waiting for earlier ones to finish, so the fan-out
 * still takes one upstream latency, not one per slice.
 */
export async function mapInTurns<T, R>(
  items: readonly T[],
  start: (item: T) => Promise<R>,
  perTurn = DEFAULT_PER_TURN,
): Promise<R[]> {
  const started: Promise<R>[] = [];
  for (let i = 0; i < items.length; i += perTurn) {
    if (i > 0) await nextTurn();
    for (const item of items.slice(i, i + perTurn)) {
      const promise = start(item);
      // Settled by the caller's Promise.all; meanwhile a rejection is not unhandled.
      promise.catch(() => {});
      started.push(promise);
    }
  }
  return Promise.all(started);
}

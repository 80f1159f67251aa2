/*
 * What the benchmark records inside the page (page.addInitScript, before any of the
 * app's scripts), all in the page's clock (performance.now(), 0 = navigation start):
 * - the first cluster row: when it entered the DOM (a MutationObserver) and the frame
 *   after (painted), with a performance mark each;
 * - long tasks (PerformanceObserver 'longtask') and long animation frames
 *   ('long-animation-frame', with the scripts that ran in them);
 * - Event Timing entries of 16 ms and more (keydown to the next paint);
 * - every keydown: its time stamp, the end of the frame after it, and how many of the
 *   rows' elements on screen at keydown were no longer in the document then (React
 *   mounted new ones: the keystroke re-created rows whose data had not changed);
 * - the fleet requests of the page (window.fetch, which the app's FetchApi wraps):
 *   their `q`, when they were sent, when their JSON was parsed, and the rows they hold.
 */

/** A cluster row of the fleet table (FleetTable's alerts cell, one per row). */
export const ROW_SELECTOR = '[data-testid^="fleet-alerts-"]';
export const ROW_PREFIX = 'fleet-alerts-';

export interface FleetRequest {
  q: string;
  start: number;
  parsed?: number;
  status?: number;
  matched?: number;
  names?: string[];
}

export interface ProbeState {
  firstRow?: { inDom: number; painted?: number; name: string };
  longTasks: Array<{ start: number; duration: number }>;
  frames: Array<{
    start: number;
    duration: number;
    blocking: number;
    /** Tasks and callbacks / rendering (rAF, observers) / style and layout, ms. */
    split: [number, number, number];
    scripts: Array<{ what: string; duration: number }>;
  }>;
  events: Array<{ name: string; start: number; duration: number }>;
  keys: Array<{
    key: string;
    at: number;
    painted?: number;
    /** Rows on screen at keydown, and how many of their elements the keystroke's own render replaced. */
    rows?: number;
    replaced?: number;
  }>;
  fleet: FleetRequest[];
}

declare global {
  interface Window {
    fleetBench: ProbeState;
  }
}

/** Runs in the page: keep it self-contained (Playwright sends its source). */
export function installProbe(options: {
  rowSelector: string;
  rowPrefix: string;
}) {
  const keep = 300; // entries per list, so that the probe does not grow the heap
  const push = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > keep) list.splice(0, list.length - keep);
  };
  const state: ProbeState = {
    longTasks: [],
    frames: [],
    events: [],
    keys: [],
    fleet: [],
  };
  window.fleetBench = state;
  const afterNextPaint = (done: (at: number) => void) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(performance.now());
      channel.port2.postMessage(0);
    });

  const observe = (type: string, init: object, fn: (e: any) => void) => {
    try {
      new PerformanceObserver(list => list.getEntries().forEach(fn)).observe({
        type,
        buffered: true,
        ...init,
      });
    } catch {
      // an entry type this browser lacks
    }
  };
  observe('longtask', {}, e =>
    push(state.longTasks, { start: e.startTime, duration: e.duration }),
  );
  observe('long-animation-frame', {}, e => {
    const end = e.startTime + e.duration;
    const render = e.renderStart || end;
    const layout = e.styleAndLayoutStart || end;
    push(state.frames, {
      start: e.startTime,
      duration: e.duration,
      blocking: e.blockingDuration,
      split: [render - e.startTime, layout - render, end - layout],
      scripts: (e.scripts ?? []).map((s: any) => ({
        what: `${s.invokerType} ${s.invoker} ${s.sourceFunctionName || '?'} ${(
          s.sourceURL || ''
        )
          .split('/')
          .pop()}:${s.sourceCharPosition}`,
        duration: s.duration,
      })),
    });
  });
  observe('event', { durationThreshold: 16 }, e =>
    push(state.events, {
      name: e.name,
      start: e.startTime,
      duration: e.duration,
    }),
  );

  window.addEventListener(
    'keydown',
    event => {
      const key = {
        key: event.key,
        at: event.timeStamp,
      } as ProbeState['keys'][0];
      push(state.keys, key);
      const rowEls = Array.from(document.querySelectorAll(options.rowSelector));
      afterNextPaint(at => {
        key.painted = at;
        key.rows = rowEls.length;
        key.replaced = rowEls.filter(e => !e.isConnected).length;
      });
    },
    true,
  );

  const fetch = window.fetch;
  window.fetch = async function benchFetch(input, init) {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.includes('/api/observability/v1/fleet?')) {
      return fetch.call(window, input, init);
    }
    const record: FleetRequest = {
      q: new URL(url).searchParams.get('q') ?? '',
      start: performance.now(),
    };
    push(state.fleet, record);
    // Only the last answers' rows are compared: older ones need not stay in the heap.
    state.fleet.slice(0, -5).forEach(r => delete r.names);
    const response = await fetch.call(window, input, init);
    record.status = response.status;
    const json = response.json;
    // The app's own parse of the answer (no second parse here).
    response.json = async function parsed() {
      const body = await json.call(response);
      record.parsed = performance.now();
      record.matched = body?.matched;
      record.names = (body?.clusters ?? []).map((c: any) => c.name);
      return body;
    };
    return response;
  };

  const rows = new MutationObserver(() => {
    const row = document.querySelector(options.rowSelector);
    if (!row) return;
    rows.disconnect();
    const first = {
      inDom: performance.now(),
      name: row.getAttribute('data-testid')!.slice(options.rowPrefix.length),
    } as NonNullable<ProbeState['firstRow']>;
    state.firstRow = first;
    performance.mark('fleet-bench:first-row-in-dom');
    afterNextPaint(at => {
      first.painted = at;
      performance.mark('fleet-bench:first-row-painted');
    });
  });
  rows.observe(document, { childList: true, subtree: true });
}

/**
 * Runs in the page (waitForFunction, polled every frame): the performance.now() of
 * the first frame whose rows are those of the answer for `q` sent after `since`, with
 * the table no longer loading; false before.
 */
export function rowsShown(options: {
  since: number;
  q: string;
  rowSelector: string;
  rowPrefix: string;
}) {
  const request = window.fleetBench.fleet.find(
    r => r.start >= options.since && r.q === options.q && r.names,
  );
  if (!request) return false;
  const rowEls = Array.from(document.querySelectorAll(options.rowSelector));
  const names = rowEls.map(e =>
    e.getAttribute('data-testid')!.slice(options.rowPrefix.length),
  );
  if (names.join(',') !== request.names!.join(',')) return false;
  // The table's loading overlay (a progress indicator next to the rows).
  const table = rowEls[0]?.closest('table')?.parentElement?.parentElement;
  if (table?.querySelector('[role="progressbar"]')) return false;
  return { at: performance.now(), request };
}

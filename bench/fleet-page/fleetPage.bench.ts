/*
 * The fleet health page in Chromium at 4 and 2,000 clusters (issue 19): a benchmark,
 * not a test. It prints figures and ratios and never fails on a time; it fails only
 * when the page is wrong (rows that are not the fleet's, a filter that does not narrow
 * them) or the demo does not start.
 *
 * Per fleet size, on the demo stack of ./stack.ts (one size after the other):
 * - first rows: navigation start to the first cluster row in the DOM and painted,
 *   `BENCH_FLEET_PAGE_LOADS` loads after a first one;
 * - the filter box: each keystroke of `BENCH_FLEET_PAGE_QUERY` and as many Backspaces,
 *   one at a time (each waits for its rows): keydown to the next paint, keydown to
 *   the rows of its answer, long tasks and long animation frames in between; then the
 *   query typed at `BENCH_FLEET_PAGE_KEY_DELAY_MS` per key (one request, debounced);
 * - at the largest size only: the JS heap after garbage collection (CDP) after every
 *   auto-refresh for `BENCH_FLEET_PAGE_MINUTES`.
 *
 * `yarn bench fleet-page` (bench/run.sh); bench/README.md explains the figures.
 */
import { Browser, expect, Page, test } from '@playwright/test';
import fs from 'node:fs';
import {
  FleetRequest,
  ProbeState,
  ROW_PREFIX,
  ROW_SELECTOR,
  installProbe,
  rowsShown,
} from './probe';
import { ProfileSummary, profileOf } from './profile';
import { DemoStack, freePorts } from './stack';

const SIZES = (process.env.BENCH_FLEET_PAGE_SIZES ?? '4,2000')
  .split(',')
  .map(Number);
const MINUTES = Number(process.env.BENCH_FLEET_PAGE_MINUTES ?? 10);
const LOADS = Number(process.env.BENCH_FLEET_PAGE_LOADS ?? 5);
const QUERY = process.env.BENCH_FLEET_PAGE_QUERY ?? 'prod-01';
const KEY_DELAY_MS = Number(process.env.BENCH_FLEET_PAGE_KEY_DELAY_MS ?? 100);
const PROFILE = process.env.BENCH_FLEET_PAGE_PROFILE !== '0';
/** FILTER_DEBOUNCE_MS and REFRESH_MS of FleetHealthPage.tsx (not imported: the front end's module). */
const DEBOUNCE_MS = 300;
const REFRESH_MS = 30_000;
/** Long tasks and frames this long after the rows are still the keystroke's. */
const TRAILING_MS = 250;

const probeOptions = { rowSelector: ROW_SELECTOR, rowPrefix: ROW_PREFIX };

interface Load {
  /** Navigation start to the first row in the DOM / to the frame after. */
  inDom: number;
  painted: number;
  /** When the page asked for the fleet and how long the answer took (to parsed JSON). */
  requestAt: number;
  requestMs: number;
  longestTask: number;
}

interface Keystroke {
  key: string;
  text: string;
  /** keydown to the end of the next frame. */
  paint: number;
  /** Rows at keydown / of those, replaced by new elements in that frame. */
  rowsBefore: number;
  replaced: number;
  /** keydown to the frame with the rows of its answer. */
  rows: number;
  /** keydown to the request (debounce + React), the request to parsed JSON, parsed JSON to the rows. */
  request: number;
  server: number;
  render: number;
  matched: number;
  shown: number;
  /** Longest long task and longest animation frame from keydown to the rows (+250 ms). */
  longestTask: number;
  longestFrame: number;
  frameScripts: string;
  /** The longest Event Timing entry of the keystroke (keydown / input / keyup), 0 under 16 ms. */
  event: number;
}

interface Burst {
  keys: number;
  paints: number[];
  /** Last keydown to the rows of the one request. */
  rows: number;
  requests: number;
  longestTask: number;
  longTasks: number;
  longestFrame: number;
  frameScripts: string;
}

interface HeapSample {
  minutes: number;
  usedMb: number;
  nodes: number;
  listeners: number;
  /** Longest long task of the refresh before the sample (its answer to its rows). */
  longestTask: number;
  requestMs: number;
  /** Row elements the refresh replaced (rows whose data may not have changed). */
  replaced: number;
}

interface SizeResult {
  size: number;
  matched: number;
  firstRoundS: number;
  coldLoad: Load;
  loads: Load[];
  keystrokes: Keystroke[];
  burst: Burst;
  profile?: ProfileSummary & { file: string };
  heap?: HeapSample[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};
const max = (values: number[]) => (values.length ? Math.max(...values) : 0);
const ms = (v: number) => `${Math.round(v)} ms`;
const out = (line = '') => process.stdout.write(`${line}\n`);
/** Rows of a full page: FLEET_PAGE_SIZE of FleetTable.tsx. */
const pageRows = (size: number) => Math.min(size, 50);

const probe = (page: Page) => page.evaluate(() => window.fleetBench);

const frameSplit = ([tasks, rendering, layout]: number[]) =>
  `tasks ${Math.round(tasks)} + rAF/observers ${Math.round(
    rendering,
  )} + style/layout ${Math.round(layout)} ms`;

/** The longest long task and animation frame overlapping [from, to], with the frame's scripts. */
function longest(state: ProbeState, from: number, to: number) {
  const overlaps = (e: { start: number; duration: number }) =>
    e.start <= to && e.start + e.duration >= from;
  const tasks = state.longTasks.filter(overlaps);
  const frames = state.frames.filter(overlaps);
  const frame = frames.sort((a, b) => b.duration - a.duration)[0];
  return {
    longestTask: max(tasks.map(t => t.duration)),
    longTasks: tasks.length,
    longestFrame: frame?.duration ?? 0,
    frameScripts: frame
      ? [
          frameSplit(frame.split),
          ...[...frame.scripts]
            .sort((a, b) => b.duration - a.duration)
            .slice(0, 2)
            .map(s => `${s.what} ${Math.round(s.duration)} ms`),
        ].join('; ')
      : '',
  };
}

async function waitForRows(page: Page, since: number, q: string) {
  const handle = await page.waitForFunction(
    rowsShown,
    { since, q, ...probeOptions },
    { polling: 'raf', timeout: 120_000 },
  );
  const shown = (await handle.jsonValue()) as {
    at: number;
    request: FleetRequest;
  };
  await handle.dispose();
  return shown;
}

const now = (page: Page) => page.evaluate(() => performance.now());
const pause = (page: Page, msToWait: number) => page.waitForTimeout(msToWait);

async function load(page: Page, names: Set<string>): Promise<Load> {
  await page.goto('/observability');
  await page.waitForFunction(
    () => window.fleetBench?.firstRow?.painted !== undefined,
    undefined,
    { timeout: 120_000 },
  );
  await pause(page, TRAILING_MS);
  const state = await probe(page);
  const first = state.firstRow!;
  const request = state.fleet[0];
  // The rows are the fleet's, and the first of them is on screen.
  expect(names.has(first.name), `${first.name} is a cluster of the fleet`).toBe(
    true,
  );
  for (const name of request.names ?? []) expect(names.has(name)).toBe(true);
  await expect(page.locator(ROW_SELECTOR).first()).toBeInViewport();
  return {
    inDom: first.inDom,
    painted: first.painted!,
    requestAt: request.start,
    requestMs: (request.parsed ?? NaN) - request.start,
    longestTask: longest(state, 0, first.painted!).longestTask,
  };
}

/** One key, then its rows: what the keystroke cost. */
async function keystroke(
  page: Page,
  key: string,
  text: string,
): Promise<Keystroke> {
  const since = await now(page);
  await page.keyboard.press(key);
  const q = text.trim();
  const { at, request } = await waitForRows(page, since, q);
  await pause(page, TRAILING_MS);
  const state = await probe(page);
  const down = state.keys.find(k => k.at >= since)!;
  const events = state.events.filter(
    e => e.start >= down.at - 1 && e.start < down.at + DEBOUNCE_MS / 2,
  );
  const shown = await page.locator(ROW_SELECTOR).count();
  return {
    key,
    text,
    paint: (down.painted ?? NaN) - down.at,
    rowsBefore: down.rows ?? NaN,
    replaced: down.replaced ?? NaN,
    rows: at - down.at,
    request: request.start - down.at,
    server: request.parsed! - request.start,
    render: at - request.parsed!,
    matched: request.matched ?? NaN,
    shown,
    event: max(events.map(e => e.duration)),
    ...longest(state, down.at, at + TRAILING_MS),
  };
}

async function rowNames(page: Page) {
  return (
    await page
      .locator(ROW_SELECTOR)
      .evaluateAll(els => els.map(e => e.getAttribute('data-testid')!))
  ).map(id => id.slice(ROW_PREFIX.length));
}

async function measureFilter(page: Page, size: number) {
  const input = page.getByRole('textbox', { name: 'Filter clusters' });
  await input.click();
  await pause(page, 500);
  const keystrokes: Keystroke[] = [];
  let text = '';
  for (const char of QUERY) {
    text += char;
    keystrokes.push(await keystroke(page, char, text));
  }
  // The filter narrowed the rows to those that match (prod-01: that one cluster).
  const narrowed = await rowNames(page);
  expect(narrowed.length).toBeGreaterThan(0);
  expect(narrowed.length).toBeLessThan(pageRows(size) + 1);
  expect(keystrokes[keystrokes.length - 1].matched).toBeLessThan(size);
  if (QUERY === 'prod-01') expect(narrowed).toEqual(['prod-01']);
  else for (const name of narrowed) expect(name).toContain(QUERY);
  while (text) {
    text = text.slice(0, -1);
    keystrokes.push(await keystroke(page, 'Backspace', text));
  }
  expect(await page.locator(ROW_SELECTOR).count()).toBe(pageRows(size));

  // Typed as a person types: one request after the last key.
  await pause(page, 500);
  const since = await now(page);
  await page.keyboard.type(QUERY, { delay: KEY_DELAY_MS });
  const { at } = await waitForRows(page, since, QUERY);
  await pause(page, TRAILING_MS);
  const state = await probe(page);
  const keys = state.keys.filter(k => k.at >= since);
  const lastKey = keys[keys.length - 1];
  expect(await rowNames(page)).toEqual(narrowed);
  const burst: Burst = {
    keys: keys.length,
    paints: keys.map(k => (k.painted ?? NaN) - k.at),
    rows: at - lastKey.at,
    requests: state.fleet.filter(r => r.start >= since).length,
    ...longest(state, keys[0].at, at + TRAILING_MS),
  };
  // Clearing the box at once: from the narrowed rows back to a full page.
  await page.keyboard.press('Control+A');
  keystrokes.push(await keystroke(page, 'Backspace', ''));
  keystrokes[keystrokes.length - 1].key = 'Ctrl+A Backspace';
  return { keystrokes, burst };
}

/** The keystrokes once more with the CPU profiler on (not timed: the profiler slows them). */
async function profileFilter(page: Page, size: number) {
  const cdp = await page.context().newCDPSession(page);
  const { profile, summary } = await profileOf(cdp, async () => {
    let text = '';
    for (const char of QUERY) {
      text += char;
      await keystroke(page, char, text);
    }
    while (text) {
      text = text.slice(0, -1);
      await keystroke(page, 'Backspace', text);
    }
  });
  await cdp.detach();
  const file = test.info().outputPath(`keystrokes-${size}.cpuprofile`);
  fs.writeFileSync(file, JSON.stringify(profile));
  return { ...summary, file };
}

/** The JS heap after a garbage collection after each auto-refresh, for `minutes`. */
async function measureHeap(page: Page, minutes: number) {
  await page.goto('/observability');
  await (
    await page.waitForFunction(
      () => window.fleetBench?.firstRow?.painted,
      undefined,
      { timeout: 120_000 },
    )
  ).dispose();
  const cdp = await page.context().newCDPSession(page);
  const started = Date.now();
  const samples: HeapSample[] = [];
  const sample = async (
    longestTask: number,
    requestMs: number,
    replaced: number,
  ) => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const dom = (await cdp.send('Memory.getDOMCounters')) as {
      nodes: number;
      jsEventListeners: number;
    };
    samples.push({
      minutes: (Date.now() - started) / 60_000,
      usedMb: heap.usedSize / 2 ** 20,
      nodes: dom.nodes,
      listeners: dom.jsEventListeners,
      longestTask,
      requestMs,
      replaced,
    });
  };
  await pause(page, 1000);
  await sample(0, NaN, 0);
  while (Date.now() - started < minutes * 60_000) {
    const since = await now(page);
    await page.evaluate(selector => {
      (window as any).fleetBenchRows = Array.from(
        document.querySelectorAll(selector),
      );
    }, ROW_SELECTOR);
    const handle = await page.waitForFunction(
      rowsShown,
      { since, q: '', ...probeOptions },
      { polling: 1000, timeout: REFRESH_MS + 120_000 },
    );
    const { at, request } = (await handle.jsonValue()) as {
      at: number;
      request: FleetRequest;
    };
    await handle.dispose();
    await pause(page, 1000);
    // Let go of the old elements before the heap is measured.
    const replaced = await page.evaluate(() => {
      const rows: Element[] = (window as any).fleetBenchRows;
      (window as any).fleetBenchRows = undefined;
      return rows.filter(e => !e.isConnected).length;
    });
    const state = await probe(page);
    await sample(
      longest(state, request.parsed!, at + 1000).longestTask,
      request.parsed! - request.start,
      replaced,
    );
  }
  await cdp.detach();
  return samples;
}

async function measureSize(
  browser: Browser,
  stack: DemoStack,
  fleet: Awaited<ReturnType<DemoStack['startFleet']>>,
  size: number,
  heapMinutes: number,
): Promise<SizeResult> {
  const { clusters, first, firstRoundMs } = fleet;
  const names = new Set(clusters.map(c => c.name));
  // The fleet is the simulator's: every cluster of its first answer is one of them.
  expect(first.matched).toBe(size);
  for (const c of first.clusters) expect(names.has(c.name)).toBe(true);

  const context = await browser.newContext({ baseURL: stack.appUrl });
  try {
    await context.addInitScript(installProbe, probeOptions);
    // The dev server's live reload (its WebSocket) stays silent: a file changed in the
    // checkout during the run must not reload the page under measurement.
    await context.routeWebSocket(/\/ws$/, () => {});
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(
      page.getByRole('link', { name: 'Fleet health' }),
    ).toBeVisible();

    out();
    out(
      `── ${size.toLocaleString('en')} clusters (fleet: ${
        first.matched
      }; first round answered ${(firstRoundMs / 1000).toFixed(
        1,
      )} s after the back end was ready)`,
    );
    const coldLoad = await load(page, names);
    const loads: Load[] = [];
    for (let i = 0; i < LOADS; i++) loads.push(await load(page, names));
    printLoads(coldLoad, loads);
    const { keystrokes, burst } = await measureFilter(page, size);
    printKeystrokes(keystrokes, burst);
    const profile = PROFILE ? await profileFilter(page, size) : undefined;
    if (profile) printProfile(profile);
    const heap =
      heapMinutes > 0 ? await measureHeap(page, heapMinutes) : undefined;
    if (heap) printHeap(heap);
    return {
      size,
      matched: first.matched,
      firstRoundS: firstRoundMs / 1000,
      coldLoad,
      loads,
      keystrokes,
      burst,
      profile,
      heap,
    };
  } finally {
    await context.close();
  }
}

function printLoads(coldLoad: Load, loads: Load[]) {
  const loadLine = (l: Load) =>
    `rows in DOM ${ms(l.inDom)}, painted ${ms(
      l.painted,
    )}; fleet request sent at ${ms(l.requestAt)}, answered in ${ms(
      l.requestMs,
    )}; longest task ${ms(l.longestTask)}`;
  out(`first load of the page:  ${loadLine(coldLoad)}`);
  loads.forEach((l, i) =>
    out(`load ${i + 1}:                  ${loadLine(l)}`),
  );
}

function printKeystrokes(keystrokes: Keystroke[], b: Burst) {
  out(
    `keystrokes, one at a time (keydown → next paint, rows replaced in that frame | → rows: request after / answer / render | matched, rows | longest task, frame, event):`,
  );
  for (const k of keystrokes) {
    const label = `  ${k.key.padEnd(16)} "${k.text}"`.padEnd(30);
    const paint = `${ms(k.paint).padStart(7)}, ${k.replaced}/${k.rowsBefore}`;
    const rows = `${ms(k.rows).padStart(7)}: ${ms(k.request)} / ${ms(
      k.server,
    )} / ${ms(k.render)}`;
    const tasks = `${ms(k.longestTask)}, ${ms(k.longestFrame)}, ${ms(k.event)}`;
    const frame = k.longestFrame > 50 ? `  [${k.frameScripts}]` : '';
    out(
      `${label}${paint} | ${rows} | ${k.matched}, ${k.shown} | ${tasks}${frame}`,
    );
  }
  out(
    `"${QUERY}" typed at ${KEY_DELAY_MS} ms a key: ${
      b.keys
    } keys, keydown → next paint median ${ms(median(b.paints))}, max ${ms(
      max(b.paints),
    )}; ${b.requests} request(s); last key → rows ${ms(b.rows)}; ${
      b.longTasks
    } long task(s), longest ${ms(b.longestTask)}; longest frame ${ms(
      b.longestFrame,
    )}${b.longestFrame > 50 ? ` [${b.frameScripts}]` : ''}`,
  );
}

function printProfile(p: ProfileSummary & { file?: string }) {
  const list = (entries: Array<[string, number]>) =>
    entries.map(([name, v]) => `${name} ${Math.round(v)}`).join(', ');
  out(
    `CPU profile of the same keystrokes once more (profiler on): main thread busy ${ms(
      p.busyMs,
    )} of ${(p.wallMs / 1000).toFixed(1)} s${p.file ? ` (${p.file})` : ''}`,
  );
  out(`  self, ms: ${list(p.self)}`);
  out(
    `  components with what they render (inclusive), ms: ${list(p.components)}`,
  );
}

function slope(samples: HeapSample[]) {
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.minutes, 0) / n;
  const my = samples.reduce((a, s) => a + s.usedMb, 0) / n;
  const sxy = samples.reduce(
    (a, s) => a + (s.minutes - mx) * (s.usedMb - my),
    0,
  );
  const sxx = samples.reduce((a, s) => a + (s.minutes - mx) ** 2, 0);
  return sxx ? sxy / sxx : NaN;
}

function printHeap(samples: HeapSample[]) {
  out(
    `JS heap after GC, after each auto-refresh (minute: MB used, DOM nodes, listeners; refresh answer ms, longest task ms, rows replaced):`,
  );
  for (const s of samples) {
    out(
      `  ${s.minutes.toFixed(1).padStart(5)}: ${s.usedMb.toFixed(2)} MB, ${
        s.nodes
      } nodes, ${s.listeners} listeners; ${
        Number.isNaN(s.requestMs) ? '-' : Math.round(s.requestMs)
      }, ${Math.round(s.longestTask)}, ${s.replaced}`,
    );
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  const perMinute = slope(samples);
  out(
    `  first ${first.usedMb.toFixed(2)} MB, last ${last.usedMb.toFixed(
      2,
    )} MB (${
      (last.usedMb - first.usedMb >= 0 ? '+' : '') +
      (last.usedMb - first.usedMb).toFixed(2)
    } MB over ${last.minutes.toFixed(1)} min, ${
      samples.length - 1
    } refreshes); slope ${(perMinute * 1024).toFixed(1)} KB/min; DOM nodes ${
      first.nodes
    } → ${last.nodes}`,
  );
}

function printSummary(results: SizeResult[]) {
  const [base] = results;
  const firstRows = (r: SizeResult) => median(r.loads.map(l => l.painted));
  const paints = (r: SizeResult) => r.keystrokes.map(k => k.paint);
  const longestWhileFiltering = (r: SizeResult) =>
    max([...r.keystrokes.map(k => k.longestTask), r.burst.longestTask]);
  out();
  out('── Summary (figures, not assertions)');
  for (const r of results) {
    const replaced = r.keystrokes.filter(k => k.replaced > 0);
    out(
      `${String(r.size).padStart(5)} clusters: first rows median ${ms(
        firstRows(r),
      )} = ${(firstRows(r) / firstRows(base)).toFixed(2)} × ${
        base.size
      } (fleet request sent at ${ms(
        median(r.loads.map(l => l.requestAt)),
      )}, from it to the rows painted ${ms(
        median(r.loads.map(l => l.painted - l.requestAt)),
      )}); ` +
        `keydown → next paint median ${ms(median(paints(r)))}, max ${ms(
          max(paints(r)),
        )} (${replaced.length} of ${
          r.keystrokes.length
        } keystrokes replaced the rows on screen in that frame); ` +
        `keydown → rows after the ${DEBOUNCE_MS} ms debounce median ${ms(
          median(r.keystrokes.map(k => k.rows - DEBOUNCE_MS)),
        )} (answer ${ms(
          median(r.keystrokes.map(k => k.server)),
        )}, its render ${ms(
          median(r.keystrokes.map(k => k.render)),
        )}); longest task while filtering ${ms(longestWhileFiltering(r))}`,
    );
  }
  const largest = results[results.length - 1];
  const ratio = firstRows(largest) / firstRows(base);
  const verdict = (holds: boolean) => (holds ? 'holds' : 'does not hold');
  out(
    `target first rows at ${largest.size} ≤ 2 × at ${
      base.size
    }: ${ratio.toFixed(2)} ×, ${verdict(ratio <= 2)}`,
  );
  for (const r of results) {
    const worst = max(paints(r));
    const task = longestWhileFiltering(r);
    out(
      `target each keystroke's work ≤ 50 ms, no long task over 50 ms, at ${
        r.size
      }: keydown → next paint max ${ms(worst)}, longest task ${ms(
        task,
      )}: ${verdict(worst <= 50 && task <= 50)}`,
    );
  }
  for (const r of results.filter(x => x.heap)) {
    const h = r.heap!;
    const first = h[0].usedMb;
    const last = h[h.length - 1].usedMb;
    const minutes = h[h.length - 1].minutes;
    const all = slope(h);
    // The second half's own slope once it has a few samples (a short run: the whole).
    const late = h.length >= 6 ? slope(h.slice(Math.floor(h.length / 2))) : all;
    // Flat: neither the whole run's slope nor its second half's adds 1 % of the
    // heap over the run's minutes (a drop, e.g. V8 flushing unused code, is no growth).
    const flat = Math.max(all, late, 0) * minutes < 0.01 * first;
    out(
      `target heap flat across refreshes at ${r.size}: ${first.toFixed(
        2,
      )} → ${last.toFixed(2)} MB after GC over ${minutes.toFixed(1)} min (${
        h.length - 1
      } refreshes), slope ${(all * 1024).toFixed(1)} KB/min, second half ${(
        late * 1024
      ).toFixed(1)} KB/min (${((late * 1024 * REFRESH_MS) / 60_000).toFixed(
        1,
      )} KB a refresh); DOM nodes ${h[0].nodes} → ${
        h[h.length - 1].nodes
      }: ${verdict(flat)}`,
    );
    out(
      `auto-refresh at ${
        r.size
      }: longest task of a refresh (its answer to its rows) median ${ms(
        median(h.slice(1).map(x => x.longestTask)),
      )}, max ${ms(
        max(h.map(x => x.longestTask)),
      )}; rows replaced by a refresh median ${median(
        h.slice(1).map(x => x.replaced),
      )} of ${pageRows(r.size)}`,
    );
  }
}

test(`fleet page at ${SIZES.join(' and ')} clusters`, async ({ browser }) => {
  const stack = new DemoStack(await freePorts());
  const results: SizeResult[] = [];
  let failed = true;
  try {
    out(`demo stack in ${stack.dir}: ${JSON.stringify(stack.ports)}`);
    for (const size of SIZES) {
      // The front end (once for every size) starts with the first fleet.
      const [fleet] = await Promise.all([
        stack.startFleet(size),
        size === SIZES[0] ? stack.startFrontEnd() : undefined,
      ]);
      const heapMinutes = size === max(SIZES) ? MINUTES : 0;
      const result = await measureSize(
        browser,
        stack,
        fleet,
        size,
        heapMinutes,
      );
      results.push(result);
      await stack.stopFleet();
    }
    printSummary(results);
    const compiles = stack.frontEndCompiles();
    if (compiles > 1) {
      out(
        `note: the front end was compiled ${compiles} times (files changed during the run); its page loads may have used different bundles`,
      );
    }
    failed = false;
  } finally {
    if (failed) out(`logs of the demo stack kept in ${stack.dir}`);
    await stack.stopAll({ keepLogs: failed });
  }
});

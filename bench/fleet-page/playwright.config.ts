import { defineConfig } from '@playwright/test';
import path from 'node:path';
import browserTests from '../../playwright.config';

// The fleet page benchmark (issue 19): `yarn bench fleet-page` (bench/run.sh). It
// starts its own demo stack on free ports (./stack.ts), so no webServer here; the
// browser is Debian's Chromium, as in the browser tests (playwright.config.ts).
const minutes = Number(process.env.BENCH_FLEET_PAGE_MINUTES ?? 10);
const sizes = (process.env.BENCH_FLEET_PAGE_SIZES ?? '4,2000').split(',');

export default defineConfig({
  testDir: __dirname,
  testMatch: '*.bench.ts',
  // A bound for a slow, loaded machine, not a measurement: starting the front end and
  // each fleet (up to 10 min each), the loads and keystrokes, and the heap's minutes.
  timeout: (15 + 15 * sizes.length + 1.5 * minutes) * 60_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: path.join(__dirname, 'test-results'),
  use: {
    viewport: browserTests.use?.viewport,
    // Debian's Chromium with the browser tests' flags.
    launchOptions: browserTests.use?.launchOptions,
  },
});

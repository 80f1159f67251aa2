import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinkBuilder } from '../checks/links';
import { CheckContext, FleetClusterRef, UiLinks } from '../checks/types';
import { DEFAULT_LABELS, DEFAULT_THRESHOLDS } from '../config';

/** The instant the recorded answers were taken at. */
export const FIXTURE_NOW = new Date('2026-11-25T12:00:00Z');

/** The demo fleet the fixtures describe. */
export const FIXTURE_CLUSTERS: FleetClusterRef[] = [
  { name: 'dev-01', environment: 'dev' },
  { name: 'stag-01', environment: 'stag' },
  { name: 'prod-01', environment: 'prod' },
  { name: 'ops-01', environment: 'ops' },
];

export const FIXTURE_UI: UiLinks = {
  grafanaUrl: 'https://grafana.ops-01.fleet.example',
  grafanaDatasource: 'thanos-global',
  kibanaUrl: 'https://kibana.ops-01.fleet.example',
  jaegerUrl: 'https://jaeger.ops-01.fleet.example',
};

/** A recorded upstream answer, e.g. `fixture('thanos/stores.json')`. */
export function fixture<T = any>(path: string): T {
  // Test-only: fixtures are read from the source tree, never from a build.
  // eslint-disable-next-line no-restricted-syntax
  return JSON.parse(readFileSync(join(__dirname, path), 'utf8'));
}

/** A check context at FIXTURE_NOW with default labels and thresholds. */
export function fixtureContext(
  overrides: Partial<CheckContext> = {},
): CheckContext {
  return {
    now: FIXTURE_NOW,
    labels: DEFAULT_LABELS,
    thresholds: DEFAULT_THRESHOLDS,
    links: createLinkBuilder(FIXTURE_UI),
    ...overrides,
  };
}

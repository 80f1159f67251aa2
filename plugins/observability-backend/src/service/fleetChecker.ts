import { Config } from '@backstage/config';
import { createUpstreamClients, UpstreamClients } from '../upstream';
import {
  CheckThresholds,
  EsCheckOptions,
  runFleetChecks,
  UiLinks,
} from '../checks';
import { FleetChecker } from './FleetHealthService';

const THRESHOLD_KEYS: Array<keyof CheckThresholds> = [
  'shippingWarnSeconds',
  'shippingCriticalSeconds',
  'freshnessWarnSeconds',
  'freshnessCriticalSeconds',
  'certWarnDays',
  'certCriticalDays',
  'hotNodeHeapPercent',
  'hotNodeDiskWarnPercent',
  'hotNodeDiskCriticalPercent',
  'prometheusReplicas',
];

const ES_KEYS: Array<keyof EsCheckOptions> = [
  'logIndexPattern',
  'spanIndexPattern',
  'clusterField',
  'spanClusterField',
  'logTimeField',
  'spanTimeField',
];

function pick<K extends string, T>(
  keys: K[],
  read: (key: K) => T | undefined,
): Partial<Record<K, T>> {
  const out: Partial<Record<K, T>> = {};
  for (const key of keys) {
    const value = read(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The check options that config sets (`observability.labels|thresholds|ui|elasticsearch`). */
export function readCheckOptions(config: Config) {
  const o = config.getOptionalConfig('observability');
  const labels = {
    cluster: o?.getOptionalString('labels.cluster') ?? 'cluster',
    environment: o?.getOptionalString('labels.environment') ?? 'environment',
    replica: o?.getOptionalString('labels.replica') ?? 'replica',
  };
  const thresholds = pick(THRESHOLD_KEYS, k =>
    o?.getOptionalNumber(`thresholds.${k}`),
  );
  const elasticsearch = pick(ES_KEYS, k =>
    o?.getOptionalString(`elasticsearch.${k}`),
  );
  const ui: UiLinks = pick(
    ['grafanaUrl', 'grafanaDatasource', 'kibanaUrl', 'jaegerUrl'] as const,
    k => o?.getOptionalString(`ui.${k}`),
  );
  const watchdogAlertName = o?.getOptionalString(
    'alertmanager.watchdogAlertName',
  );
  return { labels, thresholds, elasticsearch, ui, watchdogAlertName };
}

/** The fleet checker over the upstream clients that config points at. */
export function createFleetChecker(
  config: Config,
  options: { timeoutMs: number; clients?: UpstreamClients },
): { checker: FleetChecker; clients: UpstreamClients } {
  const clients =
    options.clients ??
    createUpstreamClients(config, { timeoutMs: options.timeoutMs });
  const checkOptions = readCheckOptions(config);
  const checker: FleetChecker = clusters =>
    runFleetChecks(clients, {
      ...checkOptions,
      clusters: clusters.map(c => ({
        name: c.name,
        environment: c.environment,
      })),
      now: new Date(),
    });
  return { checker, clients };
}

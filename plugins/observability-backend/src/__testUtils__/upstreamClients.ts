import { Config } from '@backstage/config';
import { readObservabilityConfig } from '../config';
import { RequestHook } from '../upstream/httpJson';
import {
  createUpstreamClients,
  UpstreamClients,
} from '../upstream/createUpstreamClients';

/**
 * The upstream clients that app-config (`observability.<upstream>`) describes, made
 * as the plugin makes them: config read by ../config.ts, then createUpstreamClients.
 */
export function upstreamClientsFromConfig(
  config: Config,
  options: { timeoutMs: number; onRequest?: RequestHook },
): UpstreamClients {
  return createUpstreamClients(
    readObservabilityConfig(config).upstreams,
    options,
  );
}

import { Config } from '@backstage/config';
import { readObservabilityConfig } from '../config';
import { RequestHook, UpstreamHttp } from '../upstream/httpJson';
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

/**
 * An UpstreamHttp whose `get` answers from `get` (a fixture read through the real
 * schema), the rest of it real: a client over it parses as in production.
 */
export function answeringHttp(
  get: (path: string, schema: any, query?: any) => Promise<unknown>,
): UpstreamHttp {
  return Object.assign(
    new UpstreamHttp({
      name: 'thanos',
      baseUrl: 'http://upstream.test',
      timeoutMs: 1000,
    }),
    { get },
  );
}

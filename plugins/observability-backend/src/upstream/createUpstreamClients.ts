import { Config } from '@backstage/config';
import {
  AlertmanagerClient,
  FetchAlertmanagerClient,
} from './AlertmanagerClient';
import {
  ElasticsearchClient,
  FetchElasticsearchClient,
} from './ElasticsearchClient';
import {
  RequestHook,
  UpstreamAuth,
  UpstreamHttp,
  UpstreamTls,
} from './httpJson';
import { FetchJaegerClient, JaegerClient } from './JaegerClient';
import { FetchThanosClient, ThanosClient } from './ThanosClient';
import { UpstreamName } from './UpstreamError';

/** A PEM certificate from config (never a key), for the `cert-expiry` check. */
export interface ConfiguredCertificate {
  upstream: UpstreamName;
  /** `ca` or `cert` */
  field: 'ca' | 'cert';
  /** Config key it was read from, e.g. `observability.thanos.tls.cert`. */
  configKey: string;
  pem: string;
}

/** The configured upstream clients; an upstream without `url` has no client. */
export interface UpstreamClients {
  thanos?: ThanosClient;
  elasticsearch?: ElasticsearchClient;
  jaeger?: JaegerClient;
  alertmanager?: AlertmanagerClient;
  /** PEM certificates (CA bundles and client certificates) found in the upstreams' `tls`. */
  certificates?: ConfiguredCertificate[];
  /** Total requests sent by all clients so far. */
  requestCount?(): number;
  /** Closes mTLS connection pools. */
  close?(): Promise<void>;
}

export const UPSTREAM_NAMES: readonly UpstreamName[] = [
  'thanos',
  'elasticsearch',
  'jaeger',
  'alertmanager',
];

function readTls(config: Config | undefined): UpstreamTls | undefined {
  if (!config) return undefined;
  return {
    ca: config.getOptionalString('ca'),
    cert: config.getOptionalString('cert'),
    key: config.getOptionalString('key'),
  };
}

function readAuth(config: Config | undefined): UpstreamAuth | undefined {
  if (!config) return undefined;
  return {
    bearerToken: config.getOptionalString('bearerToken'),
    username: config.getOptionalString('username'),
    password: config.getOptionalString('password'),
    apiKey: config.getOptionalString('apiKey'),
  };
}

/** PEM certificates under `observability.<upstream>.tls.{ca,cert}`. */
export function readConfiguredCertificates(
  config: Config,
): ConfiguredCertificate[] {
  const out: ConfiguredCertificate[] = [];
  for (const upstream of UPSTREAM_NAMES) {
    for (const field of ['ca', 'cert'] as const) {
      const key = `observability.${upstream}.tls.${field}`;
      const pem = config.getOptionalString(key);
      if (pem) out.push({ upstream, field, configKey: key, pem });
    }
  }
  return out;
}

/**
 * Creates a client for each upstream whose `observability.<name>.url` is set. URLs
 * come from config only; every request has `timeoutMs` and is sent once, and its
 * answer is read up to `observability.<name>.maxResponseBytes` (default 32 MiB).
 */
export function createUpstreamClients(
  config: Config,
  options: { timeoutMs: number; onRequest?: RequestHook },
): UpstreamClients {
  const transports: UpstreamHttp[] = [];
  const transport = (name: UpstreamName): UpstreamHttp | undefined => {
    const block = config.getOptionalConfig(`observability.${name}`);
    const url = block?.getOptionalString('url');
    if (!block || !url) return undefined;
    const http = new UpstreamHttp({
      name,
      baseUrl: url,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: block.getOptionalNumber('maxResponseBytes'),
      tls: readTls(block.getOptionalConfig('tls')),
      auth: readAuth(block.getOptionalConfig('auth')),
      onRequest: options.onRequest,
    });
    transports.push(http);
    return http;
  };

  const thanos = transport('thanos');
  const elasticsearch = transport('elasticsearch');
  const jaeger = transport('jaeger');
  const alertmanager = transport('alertmanager');

  return {
    thanos: thanos && new FetchThanosClient(thanos),
    elasticsearch: elasticsearch && new FetchElasticsearchClient(elasticsearch),
    jaeger: jaeger && new FetchJaegerClient(jaeger),
    alertmanager: alertmanager && new FetchAlertmanagerClient(alertmanager),
    certificates: readConfiguredCertificates(config),
    requestCount: () => transports.reduce((n, t) => n + t.requestCount, 0),
    close: async () => {
      await Promise.all(transports.map(t => t.close()));
    },
  };
}

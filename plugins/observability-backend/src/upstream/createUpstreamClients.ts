import type { UpstreamsOptions } from '../config';
import {
  AlertmanagerClient,
  FetchAlertmanagerClient,
} from './AlertmanagerClient';
import {
  ElasticsearchClient,
  FetchElasticsearchClient,
} from './ElasticsearchClient';
import { RequestHook, UpstreamHttp } from './httpJson';
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

/** PEM certificates under `observability.<upstream>.tls.{ca,cert}`. */
export function configuredCertificates(
  upstreams: UpstreamsOptions,
): ConfiguredCertificate[] {
  const out: ConfiguredCertificate[] = [];
  for (const upstream of UPSTREAM_NAMES) {
    for (const field of ['ca', 'cert'] as const) {
      const pem = upstreams[upstream]?.tls?.[field];
      if (pem) {
        const configKey = `observability.${upstream}.tls.${field}`;
        out.push({ upstream, field, configKey, pem });
      }
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
  upstreams: UpstreamsOptions,
  options: { timeoutMs: number; onRequest?: RequestHook },
): UpstreamClients {
  const transports: UpstreamHttp[] = [];
  const transport = (name: UpstreamName): UpstreamHttp | undefined => {
    const block = upstreams[name];
    if (!block?.url) return undefined;
    const http = new UpstreamHttp({
      name,
      baseUrl: block.url,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: block.maxResponseBytes,
      tls: block.tls,
      auth: block.auth,
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
    certificates: configuredCertificates(upstreams),
    requestCount: () => transports.reduce((n, t) => n + t.requestCount, 0),
    close: async () => {
      await Promise.all(transports.map(t => t.close()));
    },
  };
}

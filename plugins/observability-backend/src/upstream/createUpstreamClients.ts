import type { UpstreamsOptions } from '../config';
import {
  AlertmanagerClient,
  FetchAlertmanagerClient,
} from './AlertmanagerClient';
import {
  ElasticsearchClient,
  FetchElasticsearchClient,
} from './ElasticsearchClient';
import type { GitopsValuesSource } from '../retention/GitopsValuesSource';
import { ArgoCdClient, createArgoCdClient } from './ArgoCdClient';
import { RequestHook, UpstreamHttp } from './httpJson';
import { FetchGrafanaClient, GrafanaClient } from './GrafanaClient';
import { FetchJaegerClient, JaegerClient } from './JaegerClient';
import { FetchKibanaClient, KibanaClient } from './KibanaClient';
import { FetchThanosClient, ThanosClient } from './ThanosClient';
import { UpstreamName } from './UpstreamError';
import {
  AlertmanagerPool,
  createAlertmanagerPool,
} from '../alerts/AlertmanagerPool';

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
  /** Each cluster's Alertmanager (`url`, `urlTemplate` or `clusters`). */
  alertmanagers?: AlertmanagerPool;
  kibana?: KibanaClient;
  grafana?: GrafanaClient;
  /** The fleet's Argo CD instances (one, or one per cluster). */
  argocd?: ArgoCdClient;
  /** The GitOps repository's values files (`revision-drift`); set by the plugin. */
  gitopsValues?: GitopsValuesSource;
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
  'kibana',
  'grafana',
  'argocd',
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
  const transport = (
    name: UpstreamName,
    url = upstreams[name]?.url,
  ): UpstreamHttp | undefined => {
    const block = upstreams[name];
    if (!block || !url) return undefined;
    const http = new UpstreamHttp({
      name,
      baseUrl: url,
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
  const alertmanagerClient =
    alertmanager && new FetchAlertmanagerClient(alertmanager);
  const alertmanagerBlock = upstreams.alertmanager;
  const kibana = transport('kibana');
  const grafana = transport('grafana');
  // Argo CD may be one per cluster: its client makes its own transports.
  const argocd = createArgoCdClient(upstreams.argocd, options);

  return {
    thanos: thanos && new FetchThanosClient(thanos),
    elasticsearch: elasticsearch && new FetchElasticsearchClient(elasticsearch),
    jaeger: jaeger && new FetchJaegerClient(jaeger),
    alertmanager: alertmanagerClient,
    alertmanagers:
      alertmanagerBlock &&
      createAlertmanagerPool(alertmanagerBlock, url =>
        url === alertmanagerBlock.url && alertmanagerClient
          ? alertmanagerClient
          : new FetchAlertmanagerClient(transport('alertmanager', url)!),
      ),
    kibana: kibana && new FetchKibanaClient(kibana),
    grafana: grafana && new FetchGrafanaClient(grafana),
    argocd,
    certificates: configuredCertificates(upstreams),
    requestCount: () =>
      transports.reduce((n, t) => n + t.requestCount, 0) +
      (argocd?.requestCount ?? 0),
    close: async () => {
      await Promise.all([...transports.map(t => t.close()), argocd?.close()]);
    },
  };
}

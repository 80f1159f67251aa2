import { z } from 'zod';
import { alertmanagerUrlFor } from '../alerts/AlertmanagerPool';
import type { UpstreamOptions } from '../config';
import { RequestHook, UpstreamHttp } from './httpJson';
import { mapInTurns } from '../lib/mapInTurns';
import { describeError } from './UpstreamError';

// Argo CD `GET /api/v1/applications` (v1alpha1.ApplicationList). Only the fields the
// checks read are declared; everything else passes through. Argo CD omits empty
// fields (`omitempty`) and a list without items may come as `"items": null`.
const timeSchema = z.string().nullable().optional();

const sourceSchema = z
  .object({
    repoURL: z.string().optional(),
    path: z.string().optional(),
    chart: z.string().optional(),
    targetRevision: z.string().optional(),
  })
  .passthrough();

const applicationSchema = z
  .object({
    metadata: z
      .object({
        name: z.string(),
        namespace: z.string().optional(),
        labels: z.record(z.string()).nullable().optional(),
      })
      .passthrough(),
    spec: z
      .object({
        project: z.string().optional(),
        source: sourceSchema.nullable().optional(),
        sources: z.array(sourceSchema).nullable().optional(),
      })
      .passthrough(),
    status: z
      .object({
        sync: z
          .object({
            status: z.string().optional(),
            revision: z.string().optional(),
            revisions: z.array(z.string()).nullable().optional(),
          })
          .passthrough()
          .optional(),
        health: z
          .object({
            status: z.string().optional(),
            message: z.string().optional(),
            lastTransitionTime: timeSchema,
          })
          .passthrough()
          .optional(),
        operationState: z
          .object({
            phase: z.string(),
            message: z.string().optional(),
            startedAt: timeSchema,
            finishedAt: timeSchema,
            syncResult: z
              .object({ revision: z.string().optional() })
              .passthrough()
              .nullable()
              .optional(),
          })
          .passthrough()
          .nullable()
          .optional(),
        conditions: z
          .array(
            z
              .object({
                type: z.string(),
                message: z.string().optional(),
                lastTransitionTime: timeSchema,
              })
              .passthrough(),
          )
          .nullable()
          .optional(),
        reconciledAt: timeSchema,
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

const applicationListSchema = z
  .object({
    items: z.array(applicationSchema).nullable().optional(),
  })
  .passthrough();

/** An Argo CD Application as the API answers it (the fields the checks read). */
export type ArgoCdApplication = z.infer<typeof applicationSchema>;

/**
 * The parts of an Application the checks read, asked with `fields` (Argo CD's server
 * filters its answer by it; `status.resources` alone is most of an answer's bytes).
 */
export const ARGOCD_LIST_FIELDS = [
  'items.metadata.name',
  'items.metadata.namespace',
  'items.metadata.labels',
  'items.spec.project',
  'items.spec.source',
  'items.spec.sources',
  'items.status.sync',
  'items.status.health',
  'items.status.operationState',
  'items.status.conditions',
  'items.status.reconciledAt',
];

/** One Argo CD: `GET /api/v1/applications?selector=…`. */
export class ArgoCdInstanceClient {
  constructor(private readonly http: UpstreamHttp) {}

  get requestCount() {
    return this.http.requestCount;
  }

  async applications(selector?: string): Promise<ArgoCdApplication[]> {
    const list = await this.http.get(
      '/api/v1/applications',
      applicationListSchema,
      { selector: selector || undefined, fields: ARGOCD_LIST_FIELDS.join(',') },
    );
    return list.items ?? [];
  }

  close() {
    return this.http.close();
  }
}

/**
 * `observability.argocd`, as read by ../config.ts: one Argo CD for the fleet (`url`),
 * or one per cluster (`urlTemplate` with `{cluster}`, or `clusters`: a URL per
 * cluster name), resolved as the Alertmanagers are.
 */
export interface ArgoCdOptions extends UpstreamOptions {
  urlTemplate?: string;
  clusterUrls?: Record<string, string>;
  /** Base URL of the Argo CD UI for links, `{cluster}` allowed; default the API URL. */
  uiUrl?: string;
  /** Label selector of the fleet's Applications. Default `cluster` (has the label). */
  selector?: string;
  /** Label naming an Application's cluster; without it, the `<cluster>-` name prefix. */
  clusterLabel?: string;
}

export const DEFAULT_ARGOCD_SELECTOR = 'cluster';
export const DEFAULT_ARGOCD_CLUSTER_LABEL = 'cluster';

/** What one Argo CD answered, for the clusters it serves. */
export interface ArgoCdInstanceAnswer {
  /** The API base URL asked (no credentials). */
  apiUrl: string;
  /** The UI base URL links point to. */
  uiUrl: string;
  clusters: string[];
  /** The Applications, or why there are none. */
  answer:
    | { ok: true; value: ArgoCdApplication[] }
    | { ok: false; error: string };
}

/** The fleet's Argo CD instances. */
export interface ArgoCdClient {
  readonly requestCount: number;
  /** The API and UI base URLs of the Argo CD serving `cluster`, if any. */
  instanceOf(cluster: string): { apiUrl: string; uiUrl: string } | undefined;
  /**
   * The Applications of the fleet: one request per Argo CD serving any of `clusters`
   * (never one per cluster or application), all in parallel; a failing Argo CD only
   * fails its own answer. `options.selector` replaces the configured selector (the
   * entity route narrows it: the configured one and the entity's, joined).
   */
  applications(
    clusters: string[],
    options?: { selector?: string },
  ): Promise<ArgoCdInstanceAnswer[]>;
  readonly selector: string;
  readonly clusterLabel: string;
  close(): Promise<void>;
}

const fill = (template: string, cluster: string) =>
  template.split('{cluster}').join(cluster);

/** A URL for evidence and links: credentials (which belong in `auth`) dropped. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/+$/, '');
}

/** Creates the Argo CD client of `observability.argocd`; undefined without a URL. */
export function createArgoCdClient(
  options: ArgoCdOptions | undefined,
  transport: { timeoutMs: number; onRequest?: RequestHook },
): ArgoCdClient | undefined {
  if (
    !options ||
    (!options.url &&
      !options.urlTemplate &&
      !Object.keys(options.clusterUrls ?? {}).length)
  ) {
    return undefined;
  }
  const instances = new Map<string, ArgoCdInstanceClient>();
  const clientFor = (apiUrl: string) => {
    let client = instances.get(apiUrl);
    if (!client) {
      client = new ArgoCdInstanceClient(
        new UpstreamHttp({
          name: 'argocd',
          baseUrl: apiUrl,
          timeoutMs: transport.timeoutMs,
          maxResponseBytes: options.maxResponseBytes,
          tls: options.tls,
          auth: options.auth,
          onRequest: transport.onRequest,
        }),
      );
      instances.set(apiUrl, client);
    }
    return client;
  };
  // Fails at start-up on a bad URL rather than at the first refresh.
  if (options.url) clientFor(options.url);
  for (const url of Object.values(options.clusterUrls ?? {})) clientFor(url);

  const instanceOf = (cluster: string) => {
    // Same precedence as the Alertmanagers: the cluster's own entry, the template, `url`.
    const apiUrl = alertmanagerUrlFor(options, cluster)?.url;
    if (!apiUrl) return undefined;
    return {
      apiUrl: withoutCredentials(apiUrl),
      uiUrl: withoutCredentials(
        options.uiUrl ? fill(options.uiUrl, cluster) : apiUrl,
      ),
    };
  };

  const selector = options.selector ?? DEFAULT_ARGOCD_SELECTOR;
  return {
    selector,
    clusterLabel: options.clusterLabel ?? DEFAULT_ARGOCD_CLUSTER_LABEL,
    get requestCount() {
      let n = 0;
      for (const c of instances.values()) n += c.requestCount;
      return n;
    },
    instanceOf,
    async applications(clusters, request) {
      const byApi = new Map<string, { uiUrl: string; clusters: string[] }>();
      for (const cluster of clusters) {
        const instance = instanceOf(cluster);
        if (!instance) continue;
        const entry = byApi.get(instance.apiUrl) ?? {
          uiUrl: instance.uiUrl,
          clusters: [],
        };
        entry.clusters.push(cluster);
        byApi.set(instance.apiUrl, entry);
      }
      return mapInTurns(
        [...byApi],
        async ([apiUrl, { uiUrl, clusters: served }]) => {
          let answer: ArgoCdInstanceAnswer['answer'];
          try {
            answer = {
              ok: true,
              value: await clientFor(apiUrl).applications(
                request?.selector ?? selector,
              ),
            };
          } catch (error) {
            answer = { ok: false, error: describeError(error) };
          }
          return { apiUrl, uiUrl, clusters: served, answer };
        },
      );
    },
    async close() {
      await Promise.all([...instances.values()].map(c => c.close()));
    },
  };
}

import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { SimAlertmanagers } from './alertmanager';
import { AlertmanagerError } from './alertmanagerSilences';
import { ARGOCD_FAULTS, ArgoCdFaults, ArgoCdModel } from './argocd';
import * as es from './elasticsearch';
import { EsError, filterPath } from './esQuery';
import { exposition } from './exporters';
import * as jaeger from './jaeger';
import { JaegerError } from './jaeger';
import { KubernetesError, kubernetesApi } from './kubernetes';
import {
  BadRequest,
  buildClusters,
  CLUSTER_FAULTS,
  FleetModel,
  UpstreamName,
  UPSTREAMS,
} from './model';
import {
  getAllFaults,
  PLATFORM_CLUSTER_FAULTS,
  PLATFORM_FAULTS,
  setAllFaults,
  SimulatorFaults,
} from './platformFaults';
import { NEW_CLUSTER_NAME, serviceProxy } from './sealingController';
import * as ui from './ui';
import * as thanos from './thanos';
import { rules } from './rules';
import { PromError } from './thanos';

export interface FleetSimulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A number of clusters (the 4 demo clusters first, then `edge-NNN`) or names. Default: the 4 demo clusters. */
  clusters?: number | string[] | Array<{ name: string; environment?: string }>;
  /** Latency added to every upstream answer (benchmarks). */
  latencyMs?: number;
  faults?: SimulatorFaults & { argocd?: ArgoCdFaults };
  /** `source.targetRevision` by cluster name for the Argo CD API (default by environment). */
  argocdRevisions?: Record<string, string>;
  /** Clock, for tests. */
  now?: () => number;
}

export type RequestCounts = Record<
  | UpstreamName
  | 'kibana'
  | 'grafana'
  | 'exporters'
  | 'admin'
  | 'kubernetes'
  | 'argocd',
  number
>;

export interface FleetSimulator {
  /** Base URL, e.g. `http://127.0.0.1:7011`; upstreams are under `/thanos`, `/es`, `/jaeger`, `/alertmanager`. */
  url: string;
  port: number;
  clusters: Array<{ name: string; environment: string }>;
  close(): Promise<void>;
  setFaults(faults: SimulatorFaults & { argocd?: ArgoCdFaults }): void;
  getFaults(): Required<SimulatorFaults> & { argocd: ArgoCdFaults };
  /** Requests received per upstream since start (or the last reset). */
  requestCounts(): RequestCounts;
  resetRequestCounts(): void;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
) {
  const text =
    typeof body === 'string' && contentType !== 'application/json'
      ? body
      : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function jsonBody(text: string): any {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EsError(
      400,
      'x_content_parse_exception',
      `[1:1] Unexpected character: ${(error as Error).message}`,
    );
  }
}

/** Upstream-flavoured error body for an injected 5xx. */
function faultBody(upstream: UpstreamName, status: number) {
  switch (upstream) {
    case 'thanos':
      return {
        status: 'error',
        errorType: 'internal',
        error: 'simulated fault: query failed: rpc error: code = Unavailable',
      };
    case 'elasticsearch':
      return {
        error: {
          root_cause: [
            {
              type: 'master_not_discovered_exception',
              reason: 'simulated fault',
            },
          ],
          type: 'master_not_discovered_exception',
          reason: 'simulated fault',
        },
        status,
      };
    case 'jaeger':
      return {
        data: null,
        total: 0,
        limit: 0,
        offset: 0,
        errors: [
          { code: status, msg: 'simulated fault: elasticsearch unavailable' },
        ],
      };
    default:
      return { code: status, message: 'simulated fault' };
  }
}

/** The error answer of a failed request, in the wire format of the API it came from. */
function sendError(res: ServerResponse, error: unknown) {
  if (error instanceof PromError)
    return send(res, error.status, {
      status: 'error',
      errorType: error.errorType,
      error: error.message,
    });
  if (error instanceof EsError) return send(res, error.status, error.body());
  if (error instanceof JaegerError)
    return send(res, error.status, error.body());
  if (error instanceof HttpError) return send(res, error.status, error.body);
  if (error instanceof AlertmanagerError)
    return send(res, error.status, error.payload);
  if (error instanceof KubernetesError)
    return send(res, error.status, error.body());
  if (error instanceof BadRequest)
    return send(res, 400, { error: error.message });
  return send(res, 500, {
    error: `simulator bug: ${(error as Error).message}`,
  });
}

/** Starts the simulator; see the package README for the URL layout. */
export async function startFleetSimulator(
  options: FleetSimulatorOptions = {},
): Promise<FleetSimulator> {
  const model = new FleetModel(
    buildClusters(options.clusters),
    options.now ?? Date.now,
  );
  const argocd = new ArgoCdModel(model, options.argocdRevisions);
  /** All faults, Argo CD's under `argocd`: checked first, so a bad body changes nothing. */
  const setFaults = (input: unknown) => {
    const { argocd: argocdFaults, ...rest } = (input ?? {}) as {
      argocd?: unknown;
    };
    argocd.validate(argocdFaults);
    setAllFaults(model, input && typeof input === 'object' ? rest : input);
    argocd.setFaults(argocdFaults);
  };
  const getFaults = () => ({
    ...getAllFaults(model),
    argocd: argocd.getFaults(),
  });
  if (options.faults) setFaults(options.faults);
  const latencyMs = options.latencyMs ?? 0;
  const counts: RequestCounts = {
    thanos: 0,
    elasticsearch: 0,
    jaeger: 0,
    alertmanager: 0,
    kibana: 0,
    grafana: 0,
    exporters: 0,
    admin: 0,
    kubernetes: 0,
    argocd: 0,
  };

  const slowestMs = new Map<UpstreamName, number>();

  const prefixes: Array<[string, UpstreamName]> = [
    ['/thanos', 'thanos'],
    ['/es', 'elasticsearch'],
    ['/jaeger', 'jaeger'],
    ['/alertmanager', 'alertmanager'],
  ];

  async function handleThanos(
    path: string,
    method: string,
    params: URLSearchParams,
  ) {
    if (path === '/api/v1/query') return thanos.instantQuery(model, params);
    if (path === '/api/v1/query_range') return thanos.rangeQuery(model, params);
    if (path === '/api/v1/labels') return thanos.labelNames(model);
    const lv = /^\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
    if (lv) return thanos.labelValues(model, decodeURIComponent(lv[1]));
    if (path === '/api/v1/stores') return thanos.stores(model);
    if (path === '/api/v1/rules') return rules(model);
    if (path === '/-/healthy' || path === '/-/ready') return 'OK';
    throw new HttpError(404, {
      status: 'error',
      errorType: 'not_found',
      error: `${method} ${path} not found`,
    });
  }

  async function handleEs(
    path: string,
    method: string,
    params: URLSearchParams,
    body: string,
  ) {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments.length === 0) {
      return {
        name: 'fleet-logs-es-master-0',
        cluster_name: 'fleet-logs',
        cluster_uuid: 'pA9Xz2QdS8e1m3fK4yR7Tw',
        version: {
          number: '8.15.3',
          build_flavor: 'default',
          build_type: 'docker',
          lucene_version: '9.11.1',
          minimum_wire_compatibility_version: '7.17.0',
          minimum_index_compatibility_version: '7.0.0',
        },
        tagline: 'You Know, for Search',
      };
    }
    const [a, b, c] = segments;
    if (a === '_cluster' && b === 'health') return es.clusterHealth(model);
    if (a === '_nodes' && b === 'stats')
      return es.nodesStats(model, c ? c.split(',') : undefined);
    if (a === '_alias' && !b) return es.aliases(model, undefined);
    if (a === '_cat' && b === 'indices') {
      const rows = es.catIndices(model, c, params.get('h'));
      if (params.get('format') === 'json') return rows;
      const lines = rows.map(r => Object.values(r).join(' '));
      return `${lines.join('\n')}\n`;
    }
    if (a === '_search') return es.esSearch(model, '*', jsonBody(body));
    if (b === '_search' && (method === 'POST' || method === 'GET'))
      return es.esSearch(model, a, jsonBody(body));
    if (b === '_ilm' && c === 'explain') return es.ilmExplain(model, a);
    if (b === '_alias') return es.aliases(model, a);
    throw new EsError(
      400,
      'illegal_argument_exception',
      `request [${method} /${segments.join(
        '/',
      )}] contains unrecognized parameters or path`,
    );
  }

  async function handleJaeger(path: string, params: URLSearchParams) {
    if (path === '/api/services') return jaeger.services(model);
    const ops = /^\/api\/services\/([^/]+)\/operations$/.exec(path);
    if (ops) return jaeger.operations(decodeURIComponent(ops[1]));
    if (path === '/api/traces') return jaeger.findTraces(model, params);
    const trace = /^\/api\/traces\/([^/]+)$/.exec(path);
    if (trace) return jaeger.getTrace(model, decodeURIComponent(trace[1]));
    throw new JaegerError(404, `404 page not found`);
  }

  const alertmanagers = new SimAlertmanagers(model);

  async function handleAdmin(
    path: string,
    method: string,
    body: string,
    res: ServerResponse,
  ) {
    if (path === '/faults') {
      if (method === 'PUT' || method === 'POST') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body || '{}');
        } catch {
          throw new HttpError(400, { error: 'body must be JSON' });
        }
        setFaults(parsed);
      }
      return send(res, 200, {
        ...getFaults(),
        available: {
          clusters: [...CLUSTER_FAULTS, ...PLATFORM_CLUSTER_FAULTS],
          upstreams: { slowMs: 'number', status: '5xx', badJson: 'boolean' },
          platform: PLATFORM_FAULTS,
          argocd: ARGOCD_FAULTS,
        },
      });
    }
    if (path === '/requests') {
      if (method === 'DELETE')
        Object.keys(counts).forEach(
          k => (counts[k as keyof RequestCounts] = 0),
        );
      return send(res, 200, counts);
    }
    if (path === '/timings') {
      if (method === 'DELETE') slowestMs.clear();
      return send(res, 200, { slowestMs: Object.fromEntries(slowestMs) });
    }
    if (path === '/clusters')
      return send(
        res,
        200,
        model.clusters.map(({ name, environment }) => ({ name, environment })),
      );
    throw new HttpError(404, { error: `no admin endpoint ${path}` });
  }

  /** `GET /` and `/healthz`: what the simulator serves, and where. */
  function describeSelf() {
    return {
      name: '@fleetobs/fleet-simulator',
      clusters: model.clusters.map(c => c.name),
      upstreams: {
        thanos: '/thanos',
        elasticsearch: '/es',
        jaeger: '/jaeger',
        alertmanager: '/alertmanager (or /alertmanager/<cluster>)',
        kibana: '/kibana',
        grafana: '/grafana',
        kubernetes: '/k8s/<cluster>',
        argocd: '/argocd (or /argocd/clusters/<cluster>)',
      },
      exporters: model.clusters
        .slice(0, 10)
        .map(c => `/exporters/${c.name}/metrics`),
      admin: [
        '/__admin/faults',
        '/__admin/requests',
        '/__admin/timings',
        '/__admin/clusters',
      ],
    };
  }

  /** `/exporters/<cluster>/metrics`: one cluster's Prometheus exposition. */
  function handleExporter(clusterName: string, res: ServerResponse) {
    counts.exporters += 1;
    const cluster = model.cluster(decodeURIComponent(clusterName));
    if (!cluster)
      throw new HttpError(404, { error: `unknown cluster ${clusterName}` });
    return send(
      res,
      200,
      exposition(model, cluster),
      'text/plain; version=0.0.4; charset=utf-8',
    );
  }

  /**
   * `/k8s/<cluster>/...`: one Kubernetes API server per cluster (what the Kubernetes
   * plugin reads), with the service proxy to the cluster's sealed-secrets controller
   * (also for a new cluster the simulator does not model yet).
   */
  async function handleKubernetes(
    clusterName: string,
    path: string,
    method: string,
    params: URLSearchParams,
    res: ServerResponse,
  ) {
    counts.kubernetes += 1;
    if (latencyMs > 0) await sleep(latencyMs);
    const name = decodeURIComponent(clusterName);
    if (model.cluster(name) || NEW_CLUSTER_NAME.test(name)) {
      const proxied = await serviceProxy(name, path, method);
      if (proxied) {
        return send(res, proxied.status, proxied.body, proxied.contentType);
      }
    }
    const answer = kubernetesApi(model, name, path, method, params);
    return typeof answer === 'string'
      ? send(res, 200, answer, 'text/plain; charset=utf-8')
      : send(res, 200, answer);
  }

  /** The answer of one upstream API to a request (`path` below its prefix). */
  async function answerUpstream(
    upstream: UpstreamName,
    path: string,
    method: string,
    params: URLSearchParams,
    body: string,
  ): Promise<unknown> {
    if (upstream === 'thanos') return handleThanos(path, method, params);
    if (upstream === 'jaeger') return handleJaeger(path, params);
    if (upstream === 'alertmanager')
      return alertmanagers.answer(path, method, params, body);
    const answer = await handleEs(path, method, params, body);
    const fp = params.get('filter_path');
    if (fp && typeof answer === 'object') {
      return filterPath(
        answer,
        fp.split(',').map(part => part.trim().split('.')),
      );
    }
    return answer;
  }

  /**
   * `/thanos`, `/es`, `/jaeger`, `/alertmanager`: the upstream's answer, after the
   * configured latency and the injected faults (slow, 5xx, broken JSON).
   */
  async function handleUpstream(
    upstream: UpstreamName,
    path: string,
    req: IncomingMessage,
    url: URL,
    body: string,
    res: ServerResponse,
  ) {
    counts[upstream] += 1;
    // How long the upstream took to answer in full, as its server saw it: what a
    // benchmark divides the back end's latency by.
    const arrived = performance.now();
    res.on('finish', () => {
      const ms = performance.now() - arrived;
      if (ms > (slowestMs.get(upstream) ?? 0)) slowestMs.set(upstream, ms);
    });
    const fault = model.upstreamFaults[upstream] ?? {};
    const delay = latencyMs + (fault.slowMs ?? 0);
    if (delay > 0) await sleep(delay);
    if (fault.status)
      return send(res, fault.status, faultBody(upstream, fault.status));
    const params = new URLSearchParams(url.search);
    const isForm = (req.headers['content-type'] ?? '').includes(
      'application/x-www-form-urlencoded',
    );
    if (isForm)
      new URLSearchParams(body).forEach((v, k) => params.append(k, v));
    const answer = await answerUpstream(
      upstream,
      path,
      req.method ?? 'GET',
      params,
      body,
    );
    if (fault.badJson) {
      const text = JSON.stringify(answer);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
    }
    if (typeof answer === 'string')
      return send(res, 200, answer, 'text/plain; charset=utf-8');
    return send(res, 200, answer);
  }

  /** Routes one request to its group: self-description, admin, exporters, Kubernetes, upstreams. */
  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (url.pathname === '/' || url.pathname === '/healthz') {
      return send(res, 200, describeSelf());
    }
    if (url.pathname.startsWith('/__admin/')) {
      counts.admin += 1;
      return await handleAdmin(
        url.pathname.slice('/__admin'.length),
        method,
        body,
        res,
      );
    }
    const uiPart = /^\/(kibana|grafana)(\/.*)?$/.exec(url.pathname);
    if (uiPart) {
      const part = uiPart[1] as 'kibana' | 'grafana';
      counts[part] += 1;
      if (latencyMs > 0) await sleep(latencyMs);
      const answer = ui.answer(model, part, uiPart[2] ?? '/');
      return send(res, answer.status, answer.body);
    }
    // Argo CD: one for the fleet, or one per cluster under /argocd/clusters/<cluster>.
    const argo =
      /^\/argocd(?:\/clusters\/([^/]+))?\/api\/v1\/applications$/.exec(
        url.pathname,
      );
    if (argo) {
      counts.argocd += 1;
      if (latencyMs > 0) await sleep(latencyMs);
      const only = argo[1] && decodeURIComponent(argo[1]);
      if (only !== undefined && !model.cluster(only)) {
        throw new HttpError(404, { error: `unknown cluster ${only}` });
      }
      return send(res, 200, argocd.list(url.searchParams, only));
    }
    const exporter = /^\/exporters\/([^/]+)\/metrics$/.exec(url.pathname);
    if (exporter) return handleExporter(exporter[1], res);
    const k8s = /^\/k8s\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (k8s) {
      return await handleKubernetes(
        k8s[1],
        k8s[2] ?? '/',
        method,
        url.searchParams,
        res,
      );
    }
    const prefix = prefixes.find(
      ([p]) => url.pathname === p || url.pathname.startsWith(`${p}/`),
    );
    if (!prefix)
      throw new HttpError(404, { error: `nothing at ${url.pathname}` });
    const [p, upstream] = prefix;
    const path = url.pathname.slice(p.length) || '/';
    return await handleUpstream(upstream, path, req, url, body, res);
  }

  const server = createServer(async (req, res) => {
    try {
      await route(req, res);
    } catch (error) {
      sendError(res, error);
    }
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () =>
      resolve(),
    );
  });
  const address = server.address() as AddressInfo;
  const host =
    options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    clusters: model.clusters.map(({ name, environment }) => ({
      name,
      environment,
    })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close(err => (err ? reject(err) : resolve()));
      }),
    setFaults,
    getFaults,
    requestCounts: () => ({ ...counts }),
    resetRequestCounts: () => {
      for (const key of Object.keys(counts))
        counts[key as keyof RequestCounts] = 0;
    },
  };
}

export { UPSTREAMS };

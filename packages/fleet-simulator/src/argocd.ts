import { createHash } from 'node:crypto';
import {
  BadRequest,
  FAULT_BACKDATE_MS,
  FleetModel,
  SERVICES,
  SimCluster,
} from './model';

// Argo CD's `GET /api/v1/applications` for the simulated fleet: the Applications that
// charts/app-of-apps of the example GitOps repository renders, `<cluster>-<component>`
// labelled `cluster`, `environment` and `team`, in the shape of Argo CD's
// v1alpha1.ApplicationList. Faults are per cluster under `argocd` in `/__admin/faults`.

/** What can go wrong with a cluster's Application (`monitoring` unless `fault:component`). */
export const ARGOCD_FAULTS = [
  /** OutOfSync since the fault started; the last sync (before it) succeeded. */
  'out-of-sync',
  /** Health Degraded since the fault started. */
  'degraded',
  /** The last sync operation failed (OutOfSync, SyncError condition). */
  'sync-failed',
  /** The Application targets another revision than the cluster's values file. */
  'revision-drift',
] as const;
export type ArgoCdFault = (typeof ARGOCD_FAULTS)[number];

/** `{ "stag-01": ["degraded", "out-of-sync:logging"] }`. */
export type ArgoCdFaults = Record<string, string[]>;

/** Components of every cluster, as the example values files enable them. */
const COMPONENTS = [
  'config',
  'cert-manager',
  'sealed-secrets',
  'envoy-gateway',
  'external-dns',
  'monitoring',
  'logging',
  'jaeger',
];
/** Only the ops cluster runs these (Global Query, Elasticsearch, Grafana). */
const OPS_COMPONENTS = ['elastic-stack', 'global-query', 'grafana'];
const DEFAULT_FAULT_COMPONENT = 'monitoring';

/**
 * The demo services' own Applications (`<cluster>-<service>`, in the clusters they run
 * in), labelled `app.kubernetes.io/name=<service>` as Argo CD's common labelling does:
 * what the service Observability tab finds without `argocd/*` annotations.
 */
const SERVICE_LABEL = 'app.kubernetes.io/name';
const SERVICE_TEAM = 'shop';

/** `source.targetRevision` of the example values files, by environment. */
export const DEFAULT_REVISIONS: Record<string, string> = {
  dev: 'HEAD',
  stag: 'v1.4.0',
  prod: 'v1.3.2',
  ops: 'v1.3.2',
};

const REPO_URL = 'https://git.example.com/platform/gitops.git';

/** The components the example chart renders for a cluster. */
export function componentsOf(cluster: SimCluster): string[] {
  return cluster.environment === 'ops'
    ? [...COMPONENTS, ...OPS_COMPONENTS]
    : COMPONENTS;
}

const sha = (text: string) => createHash('sha1').update(text).digest('hex');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** Argo CD state of the fleet: each cluster's target revision and injected faults. */
export class ArgoCdModel {
  private faults = new Map<string, Map<string, number>>();

  constructor(
    private readonly model: FleetModel,
    private readonly revisions: Record<string, string> = {},
  ) {}

  /** Checks `input` without applying it (so `/__admin/faults` applies all or nothing). */
  validate(input: unknown): ArgoCdFaults {
    if (input === undefined) return {};
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new BadRequest('argocd must be an object {<cluster>: [fault]}');
    }
    const out: ArgoCdFaults = {};
    for (const [name, list] of Object.entries(input)) {
      const cluster = this.model.cluster(name);
      if (!cluster) throw new BadRequest(`argocd: unknown cluster ${name}`);
      if (!Array.isArray(list)) {
        throw new BadRequest(`argocd.${name} must be a list of faults`);
      }
      for (const entry of list) {
        const [fault, component = DEFAULT_FAULT_COMPONENT] =
          String(entry).split(':');
        if (!(ARGOCD_FAULTS as readonly string[]).includes(fault)) {
          throw new BadRequest(
            `argocd.${name}: ${fault} is not one of ${ARGOCD_FAULTS.join(
              ', ',
            )}`,
          );
        }
        if (!this.applicationsOf(cluster).includes(component)) {
          throw new BadRequest(
            `argocd.${name}: ${name} has no component ${component}`,
          );
        }
      }
      out[name] = list.map(String);
    }
    return out;
  }

  /** Replaces the faults; one already on keeps its start. */
  setFaults(input: unknown): void {
    const valid = this.validate(input);
    const injectedAt = this.model.now() - FAULT_BACKDATE_MS;
    const next = new Map<string, Map<string, number>>();
    for (const [cluster, list] of Object.entries(valid)) {
      const previous = this.faults.get(cluster);
      next.set(
        cluster,
        new Map(list.map(f => [f, previous?.get(f) ?? injectedAt])),
      );
    }
    this.faults = next;
  }

  getFaults(): ArgoCdFaults {
    const out: ArgoCdFaults = {};
    for (const [cluster, faults] of this.faults) {
      if (faults.size) out[cluster] = [...faults.keys()];
    }
    return out;
  }

  /** The platform components of a cluster, then the demo services running there. */
  private applicationsOf(cluster: SimCluster): string[] {
    const services = this.model.serviceClusters().includes(cluster)
      ? SERVICES
      : [];
    return [...componentsOf(cluster), ...services];
  }

  revisionOf(cluster: SimCluster): string {
    return (
      this.revisions[cluster.name] ??
      DEFAULT_REVISIONS[cluster.environment] ??
      'HEAD'
    );
  }

  /**
   * `GET /api/v1/applications?selector=`: the Applications that match, of every
   * cluster or (an Argo CD per cluster) of `only`.
   */
  list(params: URLSearchParams, only?: string): unknown {
    const selector = parseSelector(params.get('selector') ?? '');
    const clusters =
      only === undefined
        ? this.model.clusters
        : this.model.clusters.filter(c => c.name === only);
    const items = clusters.flatMap(cluster =>
      this.applicationsOf(cluster)
        .map(component => this.application(cluster, component))
        .filter(app => selector(app.metadata.labels)),
    );
    return {
      metadata: {
        resourceVersion: String(Math.floor(this.model.now() / 1000)),
      },
      // Argo CD sends null, not [], when nothing matches.
      items: items.length ? items : null,
    };
  }

  private faultSince(
    cluster: string,
    component: string,
    fault: ArgoCdFault,
  ): number | undefined {
    const faults = this.faults.get(cluster);
    if (!faults) return undefined;
    return (
      faults.get(`${fault}:${component}`) ??
      (component === DEFAULT_FAULT_COMPONENT ? faults.get(fault) : undefined)
    );
  }

  private application(cluster: SimCluster, component: string) {
    const now = this.model.now();
    const since = (fault: ArgoCdFault) =>
      this.faultSince(cluster.name, component, fault);
    const wanted = component === 'config' ? 'HEAD' : this.revisionOf(cluster);
    const drift = since('revision-drift');
    const target = drift !== undefined ? `${wanted}-drift` : wanted;
    const revision = sha(`${target}`);
    const namespace = component === 'config' ? 'default' : component;
    const service = (SERVICES as readonly string[]).includes(component);
    const source = {
      repoURL: REPO_URL,
      path:
        (component === 'config' && `clusters/${cluster.name}`) ||
        (service && `apps/${component}`) ||
        `charts/${component}`,
      targetRevision: target,
    };
    const destination = {
      server: `https://${cluster.name}-k8s.endpoint.kubernetes`,
      namespace,
    };

    // A healthy application last synced an hour ago.
    let sync = 'Synced';
    let health = 'Healthy';
    let healthSince = now - 3600_000;
    let phase = 'Succeeded';
    let message = 'successfully synced (all tasks run)';
    let finishedAt = now - 3600_000;
    const conditions: Array<Record<string, string>> = [];
    const outOfSync = since('out-of-sync');
    if (outOfSync !== undefined) {
      sync = 'OutOfSync';
      finishedAt = Math.min(finishedAt, outOfSync);
    }
    const degraded = since('degraded');
    if (degraded !== undefined) {
      health = 'Degraded';
      healthSince = degraded;
    }
    const failed = since('sync-failed');
    if (failed !== undefined) {
      sync = 'OutOfSync';
      phase = 'Failed';
      message = `one or more objects failed to apply, reason: Deployment.apps "${component}" is invalid: spec.template.spec.containers[0].image: Required value`;
      finishedAt = failed;
      conditions.push({
        type: 'SyncError',
        message: `Failed sync attempt to ${target}: one or more objects failed to apply (retried 5 times).`,
        lastTransitionTime: iso(failed),
      });
    }
    return {
      metadata: {
        name: `${cluster.name}-${component}`,
        namespace: 'argocd',
        uid: sha(`${cluster.name}-${component}-uid`).slice(0, 32),
        labels: {
          cluster: cluster.name,
          environment: cluster.environment,
          ...(service
            ? { team: SERVICE_TEAM, [SERVICE_LABEL]: component }
            : { team: 'ops' }),
        },
        annotations: { 'argocd.argoproj.io/sync-wave': '0' },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: service ? SERVICE_TEAM : 'platform',
        source,
        destination,
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
        },
      },
      status: {
        sync: { status: sync, comparedTo: { source, destination }, revision },
        health: { status: health, lastTransitionTime: iso(healthSince) },
        ...(conditions.length ? { conditions } : {}),
        reconciledAt: iso(now - 60_000),
        operationState: {
          operation: {
            sync: { revision },
            initiatedBy: { automated: true },
            retry: { limit: 5 },
          },
          phase,
          message,
          syncResult: { revision, source },
          startedAt: iso(finishedAt - 20_000),
          finishedAt: iso(finishedAt),
          ...(phase === 'Failed' ? { retryCount: 5 } : {}),
        },
        sourceType: component === 'config' ? 'Directory' : 'Helm',
        controllerNamespace: 'argocd',
      },
    };
  }
}

/**
 * A Kubernetes label selector as Argo CD takes it: comma-separated `key`, `!key`,
 * `key=value`, `key==value`, `key!=value` (set-based `in` / `notin` are refused).
 */
export function parseSelector(
  text: string,
): (labels: Record<string, string>) => boolean {
  const terms = text
    .split(',')
    .map(t => t.trim())
    .filter(Boolean)
    .map(term => {
      const m =
        /^(!)?([A-Za-z0-9._/-]+)(?:\s*(==|=|!=)\s*([A-Za-z0-9._-]*))?$/.exec(
          term,
        );
      if (!m || (m[1] && m[3])) {
        throw new BadRequest(`unsupported label selector term "${term}"`);
      }
      const [, not, key, op, value] = m;
      if (!op) {
        return (l: Record<string, string>) => key in l !== Boolean(not);
      }
      return op === '!='
        ? (l: Record<string, string>) => l[key] !== value
        : (l: Record<string, string>) => l[key] === value;
    });
  return labels => terms.every(t => t(labels));
}

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import type {
  FiringAlert,
  GitopsApplication,
  GitopsApplicationsResponse,
  HealthTransition,
} from '@fleetobs/plugin-observability-common';
import type { PromotionGateBackend } from './clusterPromoteGate';

/** What a fake back end answers for one cluster; the default is all green. */
export interface FakeCluster {
  environment: string;
  revision: string;
  /** Application overrides by component, e.g. `{ monitoring: { health: 'Degraded' } }`. */
  apps?: Record<string, Partial<GitopsApplication>>;
  /** Newest overall transition; default `ok` two hours ago. */
  health?: Partial<HealthTransition> | 'none';
  error?: string;
  /** Firing alerts (default none); `'down'`: its Alertmanager did not answer. */
  alerts?: Array<Partial<FiringAlert>> | 'down';
}

/** The demo clusters at the example values files' revisions, all green. */
export const DEMO_GATE_CLUSTERS: Record<string, FakeCluster> = {
  'dev-01': { environment: 'dev', revision: 'HEAD' },
  'stag-01': { environment: 'stag', revision: 'v1.4.0' },
  'prod-01': { environment: 'prod', revision: 'v1.3.2' },
  'ops-01': { environment: 'ops', revision: 'v1.3.2' },
};

/**
 * A stand-in for the observability back end's gate routes (tests only): each cluster
 * runs `<cluster>-config` (HEAD) and `<cluster>-monitoring` at its revision.
 */
export function fakeGateBackend(
  clusters: Record<string, FakeCluster> = DEMO_GATE_CLUSTERS,
  options: { soakSeconds?: number; now?: Date; failWith?: Error } = {},
): PromotionGateBackend & { asked: string[] } {
  const now = options.now ?? new Date();
  const asked: string[] = [];
  const app = (
    cluster: string,
    component: string,
    revision: string,
    override?: Partial<GitopsApplication>,
  ): GitopsApplication => ({
    name: `${cluster}-${component}`,
    cluster,
    sync: 'Synced',
    health: 'Healthy',
    targetRevision: revision,
    revision: '0123456789abcdef0123456789abcdef01234567',
    operation: { phase: 'Succeeded' },
    conditions: [],
    url: `https://argocd.example.com/applications/argocd/${cluster}-${component}`,
    ...override,
  });
  return {
    asked,
    async gitopsApplications(environment): Promise<GitopsApplicationsResponse> {
      asked.push(`applications:${environment}`);
      if (options.failWith) throw options.failWith;
      return {
        generatedAt: now.toISOString(),
        promotion: { soakSeconds: options.soakSeconds ?? 3600 },
        clusters: Object.entries(clusters)
          .filter(([, c]) => c.environment === environment)
          .map(([name, c]) => ({
            cluster: name,
            environment,
            applications: c.error
              ? []
              : [
                  app(name, 'config', 'HEAD', c.apps?.config),
                  app(name, 'monitoring', c.revision, c.apps?.monitoring),
                ],
            ...(c.error ? { error: c.error } : {}),
          })),
      };
    },
    async firingAlerts(cluster) {
      asked.push(`alerts:${cluster}`);
      const alerts = clusters[cluster]?.alerts ?? [];
      if (alerts === 'down') {
        return {
          alerts: [],
          unavailable: [{ cluster, error: 'alertmanager: connection refused' }],
        };
      }
      return {
        alerts: alerts.map(a => ({
          cluster,
          name: 'SomeAlert',
          severity: 'critical',
          state: 'active',
          since: now.toISOString(),
          labels: {},
          fingerprint: 'f',
          silencedBy: [],
          inhibitedBy: [],
          ...a,
        })),
        unavailable: [],
      };
    },
    async clusterHistory(cluster) {
      asked.push(`history:${cluster}`);
      const health = clusters[cluster]?.health;
      const transitions: HealthTransition[] =
        health === 'none'
          ? []
          : [
              {
                scope: 'overall',
                from: 'warn',
                to: 'ok',
                summary: null,
                at: new Date(now.getTime() - 2 * 3600_000).toISOString(),
                ...health,
              },
            ];
      return { cluster, transitions };
    },
  };
}

/**
 * An `observability` back-end plugin serving the gate's three routes from `backend`
 * (tests only), for a test back end that runs the scaffolder without the real one.
 */
export function fakeObservabilityGatePlugin(
  backend: PromotionGateBackend = fakeGateBackend(),
) {
  return createBackendPlugin({
    pluginId: 'observability',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.use(async (req: any, res: any, next: any) => {
            const url = new URL(req.url, 'http://localhost');
            const history = /^\/v1\/clusters\/([^/]+)\/history$/.exec(
              url.pathname,
            );
            try {
              if (url.pathname === '/v1/gitops/applications') {
                res.json(
                  await backend.gitopsApplications(
                    url.searchParams.get('environment') ?? '',
                  ),
                );
              } else if (url.pathname === '/v1/alerts') {
                res.json(
                  await backend.firingAlerts(
                    url.searchParams.get('cluster') ?? '',
                  ),
                );
              } else if (history) {
                res.json(
                  await backend.clusterHistory(decodeURIComponent(history[1]), {
                    scope: 'overall',
                    limit: 1,
                  }),
                );
              } else {
                next();
              }
            } catch (error) {
              next(error);
            }
          });
        },
      });
    },
  });
}

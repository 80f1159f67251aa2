import {
  AuthService,
  BackstageCredentials,
  CacheService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { createHash } from 'crypto';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import {
  KubernetesClusterSource,
  resolveServiceClusters,
  ServiceClusters,
} from '../kubernetes';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseOrThrow } from '../lib/parseOrThrow';
import { isValidClusterName } from '../lib/clusters';
import { UpstreamClients } from '../upstream/createUpstreamClients';
import type { KubernetesCallOptions, SignalsConfig } from '../config';
import { EntitySignalsService } from './EntitySignalsService';

export interface EntitySignalsRouterOptions {
  httpAuth: HttpAuthService;
  /** Reserved for upstreams that take Backstage tokens; the catalog gets the caller's credentials. */
  auth?: AuthService;
  catalog: CatalogService;
  /** `observability.signals` and the keys it builds on. */
  signals: SignalsConfig;
  /** Timeout and answer cap of the call to the Kubernetes back end. */
  kubernetesCall: KubernetesCallOptions;
  /** Asks the Kubernetes plugin where a service runs; optional. */
  kubernetes?: KubernetesClusterSource;
  cache: CacheService;
  clients: UpstreamClients;
  logger: LoggerService;
  /** For tests: the clock. */
  now?: () => number;
}

const signalsQuery = z
  .object({
    from: z.string().min(1).max(40).optional(),
    to: z.string().min(1).max(40).optional(),
    clusters: z
      .string()
      .max(2000)
      .optional()
      .transform(v =>
        v
          ?.split(',')
          .map(s => s.trim())
          .filter(Boolean),
      )
      .refine(v => !v || v.every(isValidClusterName), {
        message:
          'must be a comma-separated list of cluster names (lowercase letters, digits and dashes)',
      }),
  })
  .strict();

/**
 * Who is asking, for cache keys of answers that depend on the caller's permissions:
 * the user entity ref of a user, the subject of a service.
 */
export function callerKey(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal?.type === 'user') return `user:${principal.userEntityRef}`;
  if (principal?.type === 'service') return `service:${principal.subject}`;
  return `${principal?.type ?? 'unknown'}:`;
}

/**
 * The service Observability tab's endpoints:
 * - `GET /v1/entity/:kind/:namespace/:name/signals?from=&to=&clusters=`: RED metrics,
 *   error logs and recent traces of the entity's service, each part with its own
 *   `unknown` state and deep links;
 * - `GET /v1/entity/:kind/:namespace/:name/traces/:traceId`: one trace of the service
 *   with its spans (the drilldown from a log line).
 *
 * The entity is read from the catalog with the caller's credentials, so a caller
 * sees the signals of the entities they may see.
 */
export async function createEntitySignalsRouter(
  options: EntitySignalsRouterOptions,
): Promise<express.Router> {
  const { httpAuth, catalog } = options;
  const service = new EntitySignalsService({
    clients: options.clients,
    config: options.signals,
    cache: options.cache,
    logger: options.logger,
    now: options.now,
  });
  const { kubernetesCall } = options;
  const router = Router();

  async function entityOf(req: express.Request) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { kind, namespace, name } = req.params;
    const ref = stringifyEntityRef({ kind, namespace, name });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${ref} in the catalog`);
    }
    return { entity, credentials };
  }

  router.get('/v1/entity/:kind/:namespace/:name/signals', async (req, res) => {
    const { entity, credentials } = await entityOf(req);
    const query = parseOrThrow(signalsQuery, req.query, 'query');
    // Where a service runs changes with deployments, not per request: ask the
    // Kubernetes plugin at most every 30 s per entity and caller. Per caller: the
    // Kubernetes backend answers with the caller's permissions (its own permission
    // rules, the catalog's visibility, per-cluster access), so one caller's answer
    // must not be served to another.
    const runsInKey = `service-clusters:v2:${createHash('sha256')
      .update(
        JSON.stringify([callerKey(credentials), stringifyEntityRef(entity)]),
      )
      .digest('hex')}`;
    let runsIn = (await options.cache.get(runsInKey).catch(() => undefined)) as
      | ServiceClusters
      | undefined;
    if (!runsIn) {
      runsIn = await resolveServiceClusters(entity, {
        kubernetes: options.kubernetes,
        credentials,
        logger: options.logger,
        ...kubernetesCall,
      });
      await options.cache
        .set(runsInKey, runsIn as any, { ttl: 30_000 })
        .catch(() => undefined);
    }
    res.json(await service.getSignals(entity, { ...query, runsIn }));
  });

  router.get(
    '/v1/entity/:kind/:namespace/:name/traces/:traceId',
    async (req, res) => {
      const { entity } = await entityOf(req);
      res.json(await service.getTrace(entity, req.params.traceId));
    },
  );

  return router;
}

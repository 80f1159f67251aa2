import {
  CacheService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { createHash } from 'crypto';
import { z } from 'zod';
import type { KubernetesCallOptions } from '../config';
import {
  KubernetesClusterSource,
  resolveServiceClusters,
  ServiceClusters,
} from '../kubernetes';
import type { ClusterRegistry } from '../lib/ClusterRegistry';
import { parseOrThrow } from '../lib/parseOrThrow';
import { callerKey } from '../signals/router';
import type { ArgoCdClient } from '../upstream/ArgoCdClient';
import { EntityGitopsService } from './EntityGitopsService';

export interface EntityGitopsRouterOptions {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  registry: ClusterRegistry;
  argocd?: ArgoCdClient;
  cache: CacheService;
  logger: LoggerService;
  /** How long an answer is reused (`observability.signals.cacheTtl`). */
  cacheTtlMs: number;
  kubernetesCall: KubernetesCallOptions;
  kubernetes?: KubernetesClusterSource;
  now?: () => number;
}

const noQuery = z.object({}).strict();

/**
 * `GET /v1/entity/:kind/:namespace/:name/gitops`: the Argo CD applications of the
 * entity per cluster and Argo CD instance (`argocd/app-name`, `argocd/app-selector`,
 * `argocd/instance-name`; without them, the service's applications in its clusters).
 * The entity is read with the caller's credentials: who may not see it gets 404.
 */
export function createEntityGitopsRouter(
  options: EntityGitopsRouterOptions,
): express.Router {
  const { httpAuth, catalog, cache } = options;
  const service = new EntityGitopsService({
    argocd: options.argocd,
    registry: options.registry,
    cache,
    logger: options.logger,
    cacheTtlMs: options.cacheTtlMs,
    now: options.now,
  });
  const router = Router();

  router.get('/v1/entity/:kind/:namespace/:name/gitops', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    parseOrThrow(noQuery, req.query, 'query');
    const { kind, namespace, name } = req.params;
    const ref = stringifyEntityRef({ kind, namespace, name });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref} in the catalog`);

    // The same key as the signals route: both reuse one answer of the Kubernetes
    // plugin per caller and entity for 30 s (it answers with the caller's rights).
    const runsInKey = `service-clusters:v2:${createHash('sha256')
      .update(
        JSON.stringify([callerKey(credentials), stringifyEntityRef(entity)]),
      )
      .digest('hex')}`;
    let runsIn = (await cache.get(runsInKey).catch(() => undefined)) as
      | ServiceClusters
      | undefined;
    if (!runsIn) {
      runsIn = await resolveServiceClusters(entity, {
        kubernetes: options.kubernetes,
        credentials,
        logger: options.logger,
        ...options.kubernetesCall,
      });
      await cache
        .set(runsInKey, runsIn as any, { ttl: 30_000 })
        .catch(() => undefined);
    }
    res.json(await service.getApplications(entity, runsIn));
  });
  return router;
}

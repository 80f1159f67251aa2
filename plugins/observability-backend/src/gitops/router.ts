import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { GitopsApplicationsResponse } from '@fleetobs/plugin-observability-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { ClusterRegistry } from '../lib/ClusterRegistry';
import { parseOrThrow } from '../lib/parseOrThrow';
import type { ArgoCdClient } from '../upstream/ArgoCdClient';
import { applicationsByCluster, toClusterApplications } from './applications';

const query = z
  .object({
    environment: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be an environment name')
      .optional(),
  })
  .strict();

/**
 * `GET /v1/gitops/applications?environment=`: the Argo CD applications of the fleet's
 * clusters (of one environment), asked now: one request per Argo CD. The promotion
 * gate of `obs:cluster:promote` reads it, so the scaffolder needs no Argo CD token.
 */
export function createGitopsRouter(options: {
  httpAuth: HttpAuthService;
  registry: ClusterRegistry;
  argocd?: ArgoCdClient;
  /** `observability.gitops.promotionSoak`, told to the promotion gate. */
  promotionSoakMs: number;
}): express.Router {
  const { httpAuth, registry, argocd } = options;
  const router = Router();
  router.get('/v1/gitops/applications', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { environment } = parseOrThrow(query, req.query, 'query');
    if (!argocd) {
      throw new ServiceUnavailableError(
        'Argo CD is not configured (observability.argocd)',
      );
    }
    const clusters = (await registry.list()).filter(
      c => environment === undefined || c.environment === environment,
    );
    if (environment !== undefined && clusters.length === 0) {
      throw new NotFoundError(`No cluster of environment "${environment}"`);
    }
    const names = clusters.map(c => c.name);
    const byCluster = applicationsByCluster(
      await argocd.applications(names),
      names,
      argocd.clusterLabel,
    );
    const body: GitopsApplicationsResponse = {
      generatedAt: new Date().toISOString(),
      clusters: toClusterApplications(byCluster, clusters),
      promotion: { soakSeconds: Math.round(options.promotionSoakMs / 1000) },
    };
    res.json(body);
  });
  return router;
}

import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { checklistForCluster } from '../checks';
import { sealedSecretsItem } from '../checks/secretsChecklistItem';
import type { GitopsValuesSource } from '../retention/GitopsValuesSource';
import { isValidClusterName } from '../lib/clusters';
import { FleetHealthService } from './FleetHealthService';
import { parseFleetQuery } from './fleetQuery';
import { parseOrThrow } from '../lib/parseOrThrow';
import { HealthHistoryStore } from './HealthHistoryStore';

const historyQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    since: z
      .string()
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
      .optional(),
    scope: z
      .string()
      .regex(/^(overall|metrics|logs|traces|gitops)(\/[a-z-]+)?$/, {
        message: 'must be overall, a signal, or signal/check-id',
      })
      .optional(),
  })
  .strict();

function clusterName(name: string): string {
  if (!isValidClusterName(name)) {
    throw new InputError(
      `Invalid cluster name "${name}": use lowercase letters, digits and dashes`,
    );
  }
  return name;
}

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  fleet: FleetHealthService;
  history: HealthHistoryStore;
  /** The GitOps repository, for the onboarding checklist's sealed secrets. */
  gitops?: GitopsValuesSource;
}): Promise<express.Router> {
  const { httpAuth, fleet, history } = options;
  const router = Router();
  router.use(express.json());

  router.get('/v1/fleet', async (req, res) => {
    const start = performance.now();
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { view, page } = parseFleetQuery(req.query);
    const snapshot = await fleet.getSnapshot();
    const answer = page ? snapshot.page(view, page) : await snapshot.view(view);
    // The back end's own time for this answer (browsers show it; the benchmark reads it).
    res.setHeader(
      'Server-Timing',
      `fleet;dur=${(performance.now() - start).toFixed(2)}`,
    );
    res.setHeader('ETag', answer.etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    // req.fresh compares weakly: compression middleware may have made the ETag W/"…".
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json').setHeader('Vary', 'Accept-Encoding');
    // Plain unless the client prefers gzip (identity first: no header means plain).
    if (req.acceptsEncodings('identity', 'gzip') === 'gzip') {
      const gzipped = await answer.gzipped();
      res.setHeader('Content-Encoding', 'gzip');
      res.send(gzipped);
    } else {
      res.send(answer.body);
    }
  });

  router.get('/v1/clusters/:name', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const name = clusterName(req.params.name);
    const health = await fleet.getFleet();
    const cluster = health.clusters.find(c => c.name === name);
    if (!cluster) {
      throw new NotFoundError(`No cluster named "${name}" in the fleet`);
    }
    res.json({
      generatedAt: health.generatedAt,
      cluster,
      // Step 2 of onboarding first: nothing syncs its secrets before it is done.
      checklist: [
        await sealedSecretsItem(name, options.gitops),
        ...(checklistForCluster(health, name) ?? []),
      ],
    });
  });

  router.get('/v1/clusters/:name/history', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const name = clusterName(req.params.name);
    const { limit, since, scope } = parseOrThrow(
      historyQuery,
      req.query,
      'query',
    );
    const health = await fleet.getFleet();
    if (!health.clusters.some(c => c.name === name)) {
      throw new NotFoundError(`No cluster named "${name}" in the fleet`);
    }
    // Read-your-writes: the round this replica answered with is in the history.
    await fleet.flush();
    res.json({
      cluster: name,
      transitions: await history.transitions(name, {
        limit,
        scope,
        since: since ? new Date(since) : undefined,
      }),
    });
  });

  return router;
}

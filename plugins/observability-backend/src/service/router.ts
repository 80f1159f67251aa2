import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { isValidClusterName } from './clusters';
import { FleetHealthService } from './FleetHealthService';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  fleet: FleetHealthService;
}): Promise<express.Router> {
  const { httpAuth, fleet } = options;
  const router = Router();
  router.use(express.json());

  router.get('/v1/fleet', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await fleet.getFleet());
  });

  router.get('/v1/clusters/:name', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { name } = req.params;
    if (!isValidClusterName(name)) {
      throw new InputError(
        `Invalid cluster name "${name}": use lowercase letters, digits and dashes`,
      );
    }
    const health = await fleet.getFleet();
    const cluster = health.clusters.find(c => c.name === name);
    if (!cluster) {
      throw new NotFoundError(`No cluster named "${name}" in the fleet`);
    }
    res.json({ generatedAt: health.generatedAt, cluster });
  });

  return router;
}

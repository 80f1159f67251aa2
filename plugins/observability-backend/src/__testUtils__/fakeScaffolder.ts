import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';

/**
 * A stand-in scaffolder plugin that accepts task creations (what the retention
 * applier does after an approval) and records them.
 */
export function fakeScaffolder() {
  const tasks: Array<{ templateRef: string; values: any }> = [];
  const plugin = createBackendPlugin({
    pluginId: 'scaffolder',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          const router = Router();
          router.use(express.json());
          router.post('/v2/tasks', (req, res) => {
            tasks.push(req.body);
            res.status(201).json({ id: `task-${tasks.length}` });
          });
          httpRouter.use(router);
        },
      });
    },
  });
  return { plugin, tasks };
}

import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import http from 'node:http';
import { AddressInfo } from 'node:net';

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

/** A task the stand-alone fake scaffolder created. */
export interface FakeScaffolderTask {
  id: string;
  templateRef: string;
  values: any;
}

/**
 * A stand-alone stand-in for the scaffolder's task API on its own port, for back ends
 * in other processes (point their discovery of `scaffolder` at `baseUrl`). Every task
 * it creates is `completed` at once, with a branch and a pull request link as output.
 * With `hangFirstStart`, the first POST /v2/tasks is received and never answered, and
 * creates no task: the caller is inside that call for as long as it lives
 * (`waitForHangingStart`), like a replica that dies before the task starts.
 */
export async function startFakeScaffolderServer(
  options: { hangFirstStart?: boolean } = {},
) {
  const tasks: FakeScaffolderTask[] = [];
  /** Every POST /v2/tasks received, answered or not. */
  const received: Array<{ templateRef: string; values: any }> = [];
  let hung = false;
  let hanging: ((values: any) => void) | undefined;
  const hangingStart = new Promise<any>(resolve => {
    hanging = resolve;
  });

  const app = express();
  app.use(express.json());
  app.post('/api/scaffolder/v2/tasks', (req, res) => {
    received.push(req.body);
    if (options.hangFirstStart && !hung) {
      hung = true;
      hanging?.(req.body.values);
      return; // never answered
    }
    const task = {
      id: `task-${tasks.length + 1}`,
      templateRef: req.body.templateRef,
      values: req.body.values,
    };
    tasks.push(task);
    res.status(201).json({ id: task.id });
  });
  const taskOf = (id: string) => tasks.find(t => t.id === id);
  app.get('/api/scaffolder/v2/tasks/:id', (req, res) => {
    const task = taskOf(req.params.id);
    if (!task) {
      res.status(404).json({
        error: { name: 'NotFoundError', message: `no task ${req.params.id}` },
      });
      return;
    }
    res.json({ id: task.id, status: 'completed' });
  });
  app.get('/api/scaffolder/v2/tasks/:id/events', (req, res) => {
    const task = taskOf(req.params.id);
    const branch = `retention/${task?.values?.requestId}`;
    res.json([
      {
        id: 1,
        type: 'completion',
        body: {
          message: 'Run completed with status: completed',
          output: {
            branch,
            pullRequestUrl: `https://git.example.com/gitops/pull/${req.params.id}`,
          },
        },
      },
    ]);
  });

  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    tasks,
    received,
    /** Resolves with the values of the first start that was left hanging. */
    waitForHangingStart: () => hangingStart,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  RetentionApplySpec,
  RetentionRequest,
  RetentionRequestState,
  retentionRequestApprovePermission,
  retentionRequestCreatePermission,
  retentionOwner,
  validateRetention,
} from '@fleetobs/plugin-observability-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseOrThrow } from '../lib/parseOrThrow';
import { ClusterRegistry } from '../lib/ClusterRegistry';
import { RetentionApplyLauncher } from './ApplyLauncher';
import { RetentionBoundsLookup, signalBounds } from './bounds';
import { RetentionRequestStore } from './RetentionRequestStore';
import { retentionChangeTitle } from './ScaffolderApplier';
import { readEffectiveRetention } from './effectiveRetention';
import { GitopsValuesSource } from './GitopsValuesSource';
import { RetentionPlan, RetentionPlanner } from './planner';

const STATES = [
  'pending',
  'approved',
  'applied',
  'failed',
  'rejected',
  'cancelled',
] as const;

const metricsSettings = z
  .object({
    raw: z.string(),
    fiveMinutes: z.string(),
    oneHour: z.string(),
    bucketLifecycle: z.string(),
  })
  .strict();
const ilmSettings = z
  .object({
    rolloverMaxAge: z.string(),
    rolloverMaxSize: z.string(),
    warmAfter: z.string(),
    deleteAfter: z.string(),
  })
  .strict();

const createBody = z.discriminatedUnion('signal', [
  z.object({
    cluster: z.string().min(1),
    signal: z.literal('metrics'),
    requested: metricsSettings,
    justification: z.string().trim().min(1, 'must not be empty'),
  }),
  z.object({
    cluster: z.string().min(1),
    signal: z.enum(['logs', 'traces']),
    requested: ilmSettings,
    justification: z.string().trim().min(1, 'must not be empty'),
  }),
]);

const planBody = z.discriminatedUnion('signal', [
  z.object({
    cluster: z.string().min(1),
    signal: z.literal('metrics'),
    requested: metricsSettings,
  }),
  z.object({
    cluster: z.string().min(1),
    signal: z.enum(['logs', 'traces']),
    requested: ilmSettings,
  }),
]);

const decisionBody = z.object({ comment: z.string().trim().optional() });
const rejectBody = z.object({
  comment: z.string().trim().min(1, 'a rejection needs a reason'),
});
const listQuery = z
  .object({
    cluster: z.string().optional(),
    state: z.enum(STATES).optional(),
    requestedBy: z.string().optional(),
  })
  .strict();

export function createRetentionRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  store: RetentionRequestStore;
  registry: ClusterRegistry;
  bounds: RetentionBoundsLookup;
  planner: RetentionPlanner;
  /** Starts the apply task of an approved change (opens the pull request); optional. */
  launcher?: RetentionApplyLauncher;
  logger?: LoggerService;
  values?: GitopsValuesSource;
}): express.Router {
  const { httpAuth, permissions, auditor, store, registry } = options;
  const router = Router();
  router.use(express.json());

  async function user(req: Request) {
    return httpAuth.credentials(req, { allow: ['user'] });
  }

  async function requirePermission(
    credentials: BackstageCredentials,
    permission:
      | typeof retentionRequestCreatePermission
      | typeof retentionRequestApprovePermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  }

  // Every state change goes through here: permission, audit event, compare-and-set.
  async function decide(
    req: Request,
    to: RetentionRequestState,
    comment: string | undefined,
    check: (request: RetentionRequest, actor: string) => Promise<void>,
  ) {
    const credentials = await user(req);
    const actor = credentials.principal.userEntityRef;
    const event = await auditor.createEvent({
      eventId: 'retention-request-transition',
      severityLevel: 'medium',
      request: req,
      meta: { requestId: req.params.id, to, actor },
    });
    try {
      const request = await store.get(req.params.id);
      if (!request) {
        throw new NotFoundError(`No retention request ${req.params.id}`);
      }
      await check(request, actor);
      let result = await store.transition({
        id: request.id,
        to,
        actor,
        comment,
      });
      if (to === 'approved' && options.launcher) {
        result = await startApply(result);
      }
      await event.success({
        meta: {
          from: request.state,
          ...(result.pullRequest?.taskId
            ? { taskId: result.pullRequest.taskId }
            : {}),
        },
      });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  // An approved change is applied right away, by a task started with the plugin's own
  // credentials (the approver is in the audit trail). A start the scaffolder refuses
  // makes the request `failed` with the reason; anything else (a crash of this replica
  // included) leaves it `approved` for the poller, which starts it once.
  async function startApply(request: RetentionRequest) {
    try {
      await options.launcher!.launch(request.id);
    } catch (error) {
      options.logger?.warn(
        `Could not start the apply task of retention request ${
          request.id
        }; the poller retries: ${(error as Error).message}`,
      );
    }
    return (await store.get(request.id)) ?? request;
  }

  async function planFor(
    body: z.infer<typeof createBody> | z.infer<typeof planBody>,
  ) {
    const fleet = await registry.list();
    const cluster = fleet.find(c => c.name === body.cluster);
    if (!cluster) {
      throw new InputError(
        `Invalid retention request: cluster "${body.cluster}" is not in the fleet`,
      );
    }
    return options.planner.plan(cluster, body.signal, body.requested, fleet);
  }

  const problemsError = (plan: RetentionPlan) =>
    new InputError(
      `Invalid retention request: ${plan.problems
        .map(p => `requested.${p.field} ${p.message}`)
        .join('; ')}`,
    );

  // Validation, diff and cost of a change, with no side effects (the template's form
  // and obs:retention:plan show it before anything is submitted).
  router.post('/v1/retention/plan', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body = parseOrThrow(planBody, req.body, 'retention plan');
    res.json(await planFor(body));
  });

  router.post('/v1/retention-requests', async (req, res) => {
    const credentials = await user(req);
    await requirePermission(credentials, retentionRequestCreatePermission);
    const body = parseOrThrow(createBody, req.body, 'retention request');
    const plan = await planFor(body);
    if (plan.problems.length > 0) {
      throw problemsError(plan);
    }
    const event = await auditor.createEvent({
      eventId: 'retention-request-transition',
      severityLevel: 'medium',
      request: req,
      meta: { to: 'pending', cluster: body.cluster, signal: body.signal },
    });
    const created = await store.create({
      ...body,
      current: plan.current,
      estimate: plan.estimate,
      requestedBy: credentials.principal.userEntityRef,
    });
    await event.success({ meta: { requestId: created.id } });
    res.status(201).json(created);
  });

  router.get('/v1/retention', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({
      clusters: await readEffectiveRetention({
        clusters: await registry.list(),
        source: options.values,
        bounds: options.bounds,
      }),
    });
  });

  router.get('/v1/retention-requests', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const filter = parseOrThrow(listQuery, req.query, 'query');
    res.json({ items: await store.list(filter) });
  });

  router.get('/v1/retention-requests/:id', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const request = await store.get(req.params.id);
    if (!request) {
      throw new NotFoundError(`No retention request ${req.params.id}`);
    }
    res.json(request);
  });

  // What the apply task of a request may apply: the approved settings, the environment's
  // bounds from config now and the problems against them, and the task recorded for it.
  // For services only (the scaffolder's obs:retention:apply, with its own credentials),
  // which decides from it whether the task it runs in may apply anything.
  router.get('/v1/retention-requests/:id/apply', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const request = await store.get(req.params.id);
    if (!request) {
      throw new NotFoundError(`No retention request ${req.params.id}`);
    }
    const fleet = await registry.list();
    const cluster = fleet.find(c => c.name === request.cluster);
    const bounds = cluster
      ? signalBounds(options.bounds, request.signal, cluster.environment, fleet)
      : {};
    // A fleet-wide signal is applied only to its owner's values file (the ops cluster
    // today, even if the fleet changed since the request was filed).
    const ownerProblem = cluster
      ? retentionOwner(request.signal, cluster.name, fleet).problem
      : undefined;
    const problems = cluster
      ? [
          ...(ownerProblem
            ? [{ field: 'cluster', message: ownerProblem }]
            : []),
          ...validateRetention(request.signal, request.requested, bounds),
        ]
      : [
          {
            field: 'cluster',
            message: `"${request.cluster}" is no longer in the fleet`,
          },
        ];
    const spec: RetentionApplySpec = {
      requestId: request.id,
      state: request.state,
      ...(request.pullRequest?.taskId
        ? { taskId: request.pullRequest.taskId }
        : {}),
      cluster: request.cluster,
      ...(cluster ? { environment: cluster.environment } : {}),
      signal: request.signal,
      requested: request.requested,
      bounds,
      problems,
      approvedBy: [...request.audit].reverse().find(a => a.to === 'approved')
        ?.actor,
      title: retentionChangeTitle(request),
    };
    res.json(spec);
  });

  router.post('/v1/retention-requests/:id/approve', async (req, res) => {
    const { comment } = parseOrThrow(decisionBody, req.body ?? {}, 'body');
    res.json(
      await decide(req, 'approved', comment, async (request, actor) => {
        await requirePermission(
          await user(req),
          retentionRequestApprovePermission,
        );
        if (request.requestedBy === actor) {
          throw new NotAllowedError(
            'You cannot approve your own retention request',
          );
        }
      }),
    );
  });

  router.post('/v1/retention-requests/:id/reject', async (req, res) => {
    const { comment } = parseOrThrow(rejectBody, req.body ?? {}, 'body');
    res.json(
      await decide(req, 'rejected', comment, async () => {
        await requirePermission(
          await user(req),
          retentionRequestApprovePermission,
        );
      }),
    );
  });

  router.post('/v1/retention-requests/:id/cancel', async (req, res) => {
    const { comment } = parseOrThrow(decisionBody, req.body ?? {}, 'body');
    res.json(
      await decide(req, 'cancelled', comment, async (request, actor) => {
        if (request.requestedBy !== actor) {
          await requirePermission(
            await user(req),
            retentionRequestApprovePermission,
          );
        }
      }),
    );
  });

  return router;
}

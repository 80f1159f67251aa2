import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AlertsAnswer,
  alertSilencePermission,
  formatMatcher,
} from '@fleetobs/plugin-observability-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { SignalsConfig } from '../config';
import type { ClusterRegistry } from '../lib/ClusterRegistry';
import { isValidClusterName } from '../lib/clusters';
import { parseOrThrow } from '../lib/parseOrThrow';
import { AlertsService } from './AlertsService';
import { alertSelectorOf, parseOrInputError, withinSelector } from './selector';

export interface AlertsRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  registry: ClusterRegistry;
  alerts: AlertsService;
  signals: Pick<SignalsConfig, 'logs' | 'metrics'>;
}

const clusterName = z
  .string()
  .max(63)
  .refine(isValidClusterName, 'must be a cluster name');
const entityRef = z
  .string()
  .max(400)
  .transform((ref, ctx) => {
    try {
      return stringifyEntityRef(parseEntityRef(ref));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an entity ref' });
      return z.NEVER;
    }
  });

const alertsQuery = z
  .object({ cluster: clusterName.optional(), entity: entityRef.optional() })
  .strict();

const matcher = z
  .object({
    name: z.string().min(1).max(200),
    value: z.string().max(1000),
    isRegex: z.boolean(),
    isEqual: z.boolean().default(true),
  })
  .strict();

const silenceBody = z
  .object({
    cluster: clusterName,
    entityRef: entityRef.optional(),
    matchers: z.array(matcher).min(1).max(20),
    durationMinutes: z.number().int().positive(),
    comment: z.string().trim().min(1).max(1000),
  })
  .strict();

// Alertmanager's silence ids are UUIDs.
const silenceId = z
  .string()
  .regex(/^[0-9a-fA-F-]{1,64}$/, 'must be a silence id');

const expireQuery = z
  .object({ cluster: clusterName, entity: entityRef.optional() })
  .strict();

/**
 * - `GET /v1/alerts?cluster=&entity=`: firing alerts of a cluster, of a service (its
 *   selector) or of the fleet; clusters whose Alertmanager failed in `unavailable`;
 * - `POST /v1/silences`, `DELETE /v1/silences/:id?cluster=&entity=`: silences in the
 *   cluster's Alertmanager, behind `observability.alert.silence` on the entity (or on
 *   the cluster's Resource entity for cluster alerts), audit-logged.
 */
export function createAlertsRouter(options: AlertsRouterOptions) {
  const { httpAuth, permissions, auditor, catalog, registry, alerts } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  async function fleetClusters() {
    return (await registry.list()).map(c => c.name);
  }

  async function knownCluster(cluster: string) {
    if (!(await fleetClusters()).includes(cluster)) {
      throw new NotFoundError(`No cluster ${cluster} in the fleet`);
    }
  }

  async function selectorOf(ref: string, credentials: BackstageCredentials) {
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref} in the catalog`);
    return alertSelectorOf(entity, options.signals);
  }

  /** The entity (or, for a cluster alert, the cluster's Resource entity) must allow it. */
  async function requireSilence(
    credentials: BackstageCredentials,
    cluster: string,
    ref: string | undefined,
  ) {
    const resourceRef =
      ref ??
      stringifyEntityRef({
        kind: 'Resource',
        namespace: 'default',
        name: cluster,
      });
    const [decision] = await permissions.authorize(
      [{ permission: alertSilencePermission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Missing permission ${alertSilencePermission.name} on ${resourceRef}`,
      );
    }
  }

  router.get('/v1/alerts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const query = parseOrThrow(alertsQuery, req.query, 'query');
    let clusters = await fleetClusters();
    if (query.cluster) {
      if (!clusters.includes(query.cluster)) {
        throw new NotFoundError(`No cluster ${query.cluster} in the fleet`);
      }
      clusters = [query.cluster];
    }
    if (!query.entity) {
      const answer: AlertsAnswer = await alerts.firing(clusters);
      res.json(answer);
      return;
    }
    const selector = await selectorOf(query.entity, credentials);
    if (selector.clusters) {
      clusters = clusters.filter(c => selector.clusters!.includes(c));
    }
    const found = await alerts.firing(clusters, selector.matchers);
    const answer: AlertsAnswer = {
      selector: selector.selector,
      selectorSource: selector.source,
      ...found,
    };
    res.json(answer);
  });

  async function audited<T>(
    req: Request,
    eventId: string,
    meta: JsonObject,
    run: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const result = await run();
      await event.success({ meta: { result: result as any } });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.post('/v1/silences', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const actor = credentials.principal.userEntityRef;
    const body = parseOrThrow(silenceBody, req.body, 'body');
    // Parsing the formatted matchers validates names and regular expressions.
    const matchers = parseOrInputError(
      body.matchers.map(formatMatcher).join(','),
      'matchers',
    );
    const created = await audited(
      req,
      'alert-silence',
      {
        actor,
        cluster: body.cluster,
        ...(body.entityRef ? { entityRef: body.entityRef } : {}),
        matchers: matchers.map(formatMatcher),
        durationMinutes: body.durationMinutes,
      },
      async () => {
        await knownCluster(body.cluster);
        await requireSilence(credentials, body.cluster, body.entityRef);
        if (body.entityRef) {
          const selector = await selectorOf(body.entityRef, credentials);
          if (!withinSelector(matchers, selector.matchers)) {
            throw new InputError(
              `The silence must keep to the alerts of ${body.entityRef} (${selector.selector})`,
            );
          }
        }
        return alerts.silence({
          cluster: body.cluster,
          matchers,
          durationMinutes: body.durationMinutes,
          comment: body.comment,
          createdBy: actor,
        });
      },
    );
    res.status(201).json(created);
  });

  router.delete('/v1/silences/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const actor = credentials.principal.userEntityRef;
    const query = parseOrThrow(expireQuery, req.query, 'query');
    const id = parseOrThrow(silenceId, req.params.id, 'silence id');
    await audited(
      req,
      'alert-silence-expire',
      {
        actor,
        cluster: query.cluster,
        ...(query.entity ? { entityRef: query.entity } : {}),
        silenceId: id,
      },
      async () => {
        await knownCluster(query.cluster);
        await requireSilence(credentials, query.cluster, query.entity);
        if (query.entity) {
          // An owner expires only silences of their service's alerts.
          const selector = await selectorOf(query.entity, credentials);
          const silence = await alerts.get(query.cluster, id);
          if (!withinSelector(silence.matchers, selector.matchers)) {
            throw new NotAllowedError(
              `Silence ${id} is not one of ${query.entity}'s alerts`,
            );
          }
        }
        await alerts.expire(query.cluster, id);
      },
    );
    res.status(204).end();
  });

  return router;
}

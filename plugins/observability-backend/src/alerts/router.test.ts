import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { fixture } from '../__fixtures__';
import type {
  AlertmanagerClient,
  NewSilence,
} from '../upstream/AlertmanagerClient';
import { UpstreamError } from '../upstream/UpstreamError';
import { createAlertmanagerPool } from './AlertmanagerPool';
import { AlertsService } from './AlertsService';
import { createAlertsRouter } from './router';

const alice = 'user:default/alice';
const mallory = 'user:default/mallory';
const checkout = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'observability.fleetobs.io/clusters': 'prod-01,dev-01' },
  },
  spec: { owner: 'group:default/shop' },
};
const annotated = (selector: string) => ({
  ...checkout,
  metadata: {
    ...checkout.metadata,
    name: 'annotated',
    annotations: { 'observability.fleetobs.io/alert-selector': selector },
  },
});

/** An Alertmanager stand-in: canned alerts, recorded silences, or down. */
function fakeAlertmanager(alerts: unknown[]) {
  const silences: (NewSilence & { id: string; expired?: boolean })[] = [];
  const state = { down: false, refuse: undefined as string | undefined };
  const calls: { filter?: string[] }[] = [];
  const fail = (path: string) => {
    throw new UpstreamError({
      kind: 'network',
      upstream: 'alertmanager',
      path,
      message: `alertmanager at ${path}: connection refused`,
    });
  };
  const client: AlertmanagerClient = {
    requestCount: 0,
    alerts: async query => {
      calls.push({ filter: query?.filter });
      if (state.down) fail('/api/v2/alerts');
      return alerts as any;
    },
    status: async () => ({} as any),
    createSilence: async silence => {
      if (state.refuse) {
        throw new UpstreamError({
          kind: 'http',
          upstream: 'alertmanager',
          path: '/api/v2/silences',
          status: 400,
          message: `alertmanager at /api/v2/silences answered HTTP 400: ${state.refuse}`,
        });
      }
      const id = `0000000${silences.length}-0000-0000-0000-000000000000`;
      silences.push({ ...silence, id });
      return id;
    },
    silence: async id => {
      const s = silences.find(x => x.id === id);
      if (!s) {
        throw new UpstreamError({
          kind: 'http',
          upstream: 'alertmanager',
          path: '/api/v2/silence',
          status: 404,
          message: 'alertmanager answered HTTP 404',
        });
      }
      return { ...s, status: { state: 'active' } } as any;
    },
    expireSilence: async id => {
      silences.find(x => x.id === id)!.expired = true;
    },
  };
  return { client, silences, state, calls };
}

function setup(options: { allowed?: string[] } = {}) {
  const allowed = options.allowed ?? [alice];
  const prod = fakeAlertmanager(fixture('alertmanager/alerts-service.json'));
  const dev = fakeAlertmanager([]);
  const byUrl: Record<string, AlertmanagerClient> = {
    'https://am.prod-01.test': prod.client,
    'https://am.dev-01.test': dev.client,
  };
  const pool = createAlertmanagerPool(
    {
      clusterUrls: {
        'prod-01': 'https://am.prod-01.test',
        'dev-01': 'https://am.dev-01.test',
      },
    },
    url => byUrl[url],
  );
  const auditor = mockServices.auditor.mock();
  const authorize = jest.fn(async (requests: any[], opts: any) =>
    requests.map(() => ({
      result: allowed.includes(opts.credentials.principal.userEntityRef)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    })),
  );
  const app = express();
  app.use(
    createAlertsRouter({
      httpAuth: mockServices.httpAuth({ pluginId: 'observability' }),
      permissions: mockServices.permissions.mock({ authorize } as any),
      auditor,
      catalog: catalogServiceMock({
        entities: [
          checkout,
          annotated('{service=~"check.*"'),
          annotated('{service="payments"}'),
        ].map((e, i) =>
          i === 2 ? { ...e, metadata: { ...e.metadata, name: 'payments' } } : e,
        ) as any,
      }),
      registry: {
        list: async () =>
          ['prod-01', 'dev-01', 'ops-01'].map(name => ({
            name,
            environment: 'prod',
            sources: ['config'],
          })) as any,
      },
      signals: {
        logs: { indexPattern: 'logs-*', allowedIndexPatterns: ['logs-*'] },
        metrics: { serviceLabel: 'service' },
      } as any,
      alerts: new AlertsService({
        pool,
        clusterLabel: 'cluster',
        ui: { grafanaUrl: 'https://grafana.test' },
        silenceMaxMs: 24 * 3600_000,
        now: () => Date.parse('2026-11-25T12:00:00Z'),
      }),
    }),
  );
  app.use(mockErrorHandler());
  return { app, prod, dev, auditor, authorize };
}

const as = (user: string) => mockCredentials.user.header(user);

describe('alerts router', () => {
  it("answers a service's alerts from each of its clusters' Alertmanagers", async () => {
    const { app, prod, dev } = setup();
    const res = await request(app)
      .get('/v1/alerts?entity=component:default/checkout')
      .set('Authorization', as(alice));
    expect(res.status).toBe(200);
    expect(res.body.selector).toBe('{service="checkout"}');
    expect(res.body.selectorSource).toBe('default');
    expect(res.body.unavailable).toEqual([]);
    // One request per Alertmanager, with the selector as filter.
    expect(prod.calls).toEqual([{ filter: ['service="checkout"'] }]);
    expect(dev.calls).toHaveLength(1);
    const [errors, latency, down] = res.body.alerts;
    expect(errors).toMatchObject({
      cluster: 'prod-01',
      name: 'HighErrorRate',
      severity: 'critical',
      state: 'active',
      runbookUrl:
        'https://portal.fleet.example/docs/default/component/checkout/runbooks#error-rate',
    });
    expect(errors.alertmanagerUrl).toMatch(
      /^https:\/\/am\.prod-01\.test\/#\/alerts\?silenced=true&inhibited=true&filter=/,
    );
    expect(errors.grafanaUrl).toMatch(/^https:\/\/grafana\.test\/explore/);
    // A runbook link that is not http(s) is dropped.
    expect(latency).toMatchObject({ state: 'silenced' });
    expect(latency.runbookUrl).toBeUndefined();
    // The fake does not filter: the answer is what the Alertmanager sent.
    expect(down).toMatchObject({ state: 'inhibited' });
  });

  it("names a down Alertmanager's clusters as unavailable, the others still answer", async () => {
    const { app, dev } = setup();
    dev.state.down = true;
    const res = await request(app)
      .get('/v1/alerts')
      .set('Authorization', as(alice));
    expect(res.status).toBe(200);
    expect(res.body.unavailable).toEqual([
      { cluster: 'dev-01', error: expect.stringMatching(/connection refused/) },
      // ops-01 has no Alertmanager in config.
      {
        cluster: 'ops-01',
        error: expect.stringMatching(/no Alertmanager configured/),
      },
    ]);
    expect(res.body.alerts.map((a: any) => a.cluster)).toEqual([
      'prod-01',
      'prod-01',
      'prod-01',
    ]);
  });

  it('rejects a bad selector annotation and bad queries with a 400 and the reason', async () => {
    const { app } = setup();
    const bad = await request(app)
      .get('/v1/alerts?entity=component:default/annotated')
      .set('Authorization', as(alice));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/alert-selector: missing "}"/);
    const cluster = await request(app)
      .get('/v1/alerts?cluster=Prod_01')
      .set('Authorization', as(alice));
    expect(cluster.status).toBe(400);
    const unknown = await request(app)
      .get('/v1/alerts?cluster=nope-01')
      .set('Authorization', as(alice));
    expect(unknown.status).toBe(404);
  });

  const silence = {
    cluster: 'prod-01',
    entityRef: 'component:default/checkout',
    matchers: [
      {
        name: 'alertname',
        value: 'HighErrorRate',
        isRegex: false,
        isEqual: true,
      },
      { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
    ],
    durationMinutes: 60,
    comment: 'deploying the fix',
  };

  it('creates a silence as the signed-in user, audited, and expires it', async () => {
    const { app, prod, auditor, authorize } = setup();
    const res = await request(app)
      .post('/v1/silences')
      .set('Authorization', as(alice))
      .send(silence);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      cluster: 'prod-01',
      silenceId: prod.silences[0].id,
      endsAt: '2026-11-25T13:00:00.000Z',
    });
    expect(prod.silences[0]).toMatchObject({
      createdBy: alice,
      comment: 'deploying the fix',
      startsAt: '2026-11-25T12:00:00.000Z',
      matchers: silence.matchers,
    });
    expect(authorize.mock.calls[0][0]).toEqual([
      {
        permission: expect.objectContaining({
          name: 'observability.alert.silence',
        }),
        resourceRef: 'component:default/checkout',
      },
    ]);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ eventId: 'alert-silence' }),
    );
    const expire = await request(app)
      .delete(
        `/v1/silences/${prod.silences[0].id}?cluster=prod-01&entity=component:default/checkout`,
      )
      .set('Authorization', as(alice));
    expect(expire.status).toBe(204);
    expect(prod.silences[0].expired).toBe(true);
  });

  it('refuses a user without the permission, and a silence outside the service', async () => {
    const { app, prod } = setup();
    const denied = await request(app)
      .post('/v1/silences')
      .set('Authorization', as(mallory))
      .send(silence);
    expect(denied.status).toBe(403);
    const cluster = await request(app)
      .post('/v1/silences')
      .set('Authorization', as(mallory))
      .send({ ...silence, entityRef: undefined });
    expect(cluster.status).toBe(403);
    const outside = await request(app)
      .post('/v1/silences')
      .set('Authorization', as(alice))
      .send({
        ...silence,
        matchers: [
          { name: 'service', value: 'payments', isRegex: false, isEqual: true },
        ],
      });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(/keep to the alerts of/);
    expect(prod.silences).toHaveLength(0);
  });

  it('gives a 4xx with the reason for bad matchers, long silences and Alertmanager refusals', async () => {
    const { app, prod } = setup();
    const post = (body: object) =>
      request(app)
        .post('/v1/silences')
        .set('Authorization', as(alice))
        .send({ ...silence, ...body });
    const badName = await post({
      matchers: [{ name: 'a-b', value: 'x', isRegex: false, isEqual: true }],
    });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/invalid label name/);
    const badRegex = await post({
      matchers: [
        ...silence.matchers,
        { name: 'pod', value: '(', isRegex: true, isEqual: true },
      ],
    });
    expect(badRegex.status).toBe(400);
    expect(badRegex.body.error.message).toMatch(/invalid regular expression/);
    const long = await post({ durationMinutes: 24 * 60 + 1 });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/at most 1440 minutes/);
    const noComment = await post({ comment: '  ' });
    expect(noComment.status).toBe(400);
    const otherCluster = await post({
      entityRef: undefined,
      matchers: [
        { name: 'cluster', value: 'dev-01', isRegex: false, isEqual: true },
      ],
    });
    expect(otherCluster.status).toBe(400);
    prod.state.refuse = 'silence invalid: start time must be before end time';
    const refused = await post({});
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /start time must be before end time/,
    );
    const badId = await request(app)
      .delete('/v1/silences/..%2F..%2Fstatus?cluster=prod-01')
      .set('Authorization', as(alice));
    expect(badId.status).toBe(400);
  });
});

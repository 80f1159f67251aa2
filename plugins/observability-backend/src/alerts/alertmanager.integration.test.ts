import { ConfigReader } from '@backstage/config';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { alertRoutingCheck } from '../checks/alertRouting';
import { answerOf, runFleetChecks } from '../checks/runFleetChecks';
import { AlertsService } from './AlertsService';
import { fleetAlertsRequest } from './fleetAlerts';
import { createAlertsRouter } from './router';
import { freePort } from '../__testUtils__/realServers';

/**
 * Two real Alertmanagers (Debian `prometheus-alertmanager`), one per cluster, asked
 * through the plugin's config, clients, check and API. Without the binary this test
 * FAILS (CI installs it) unless OBS_SKIP_ALERTMANAGER=1.
 */
const ALERTMANAGER =
  process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
const installed = existsSync(ALERTMANAGER);
const skip = !installed && process.env.OBS_SKIP_ALERTMANAGER === '1';

jest.setTimeout(60_000);

/** Polls until the process answers (start-up), never as a timed assertion. */
async function waitReady(url: string, log: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/-/ready`)
      .then(r => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`Alertmanager at ${url} did not start:\n${log()}`);
}

const CONFIG = `route:
  receiver: default
  group_wait: 1h
  routes:
    - matchers: ['alertname="Watchdog"']
      receiver: heartbeat-prod
receivers:
  - name: default
  - name: heartbeat-prod
`;

interface RealAlertmanager {
  url: string;
  process: ChildProcess;
  log: string;
}

async function startAlertmanager(dir: string, name: string) {
  const port = await freePort();
  const config = join(dir, `${name}.yml`);
  writeFileSync(config, CONFIG);
  const am: RealAlertmanager = {
    url: `http://127.0.0.1:${port}`,
    log: '',
    process: spawn(
      ALERTMANAGER,
      [
        `--config.file=${config}`,
        `--storage.path=${join(dir, name)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // No gossip: each cluster's Alertmanager stands alone.
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  };
  am.process.stdout!.on('data', d => (am.log += d));
  am.process.stderr!.on('data', d => (am.log += d));
  await waitReady(am.url, () => am.log);
  return am;
}

async function stop(am: RealAlertmanager | undefined) {
  if (!am || am.process.exitCode !== null) return;
  const exited = new Promise(r => am.process.once('exit', r));
  am.process.kill('SIGTERM');
  await exited;
}

async function postAlerts(am: RealAlertmanager, cluster: string) {
  const res = await fetch(`${am.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        labels: { alertname: 'Watchdog', cluster, environment: 'prod' },
        annotations: { summary: 'heartbeat' },
      },
      {
        labels: {
          alertname: 'HighErrorRate',
          severity: 'critical',
          service: 'checkout',
          cluster,
        },
        annotations: {
          summary: 'checkout fails',
          runbook_url: 'https://portal.test/runbooks/high-error-rate',
        },
        generatorURL: 'http://prometheus.test/graph?g0.expr=up',
      },
    ]),
  });
  expect(res.status).toBe(200);
}

const alice = 'user:default/alice';
const checkout = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { owner: 'group:default/shop' },
};

(skip ? describe.skip : describe)('two real Alertmanagers', () => {
  let dir: string;
  let prod: RealAlertmanager | undefined;
  let dev: RealAlertmanager | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'obs-alertmanager-'));
    [prod, dev] = await Promise.all([
      startAlertmanager(dir, 'prod-01'),
      startAlertmanager(dir, 'dev-01'),
    ]);
    await postAlerts(prod, 'prod-01');
    await postAlerts(dev, 'dev-01');
  });

  afterAll(async () => {
    await Promise.all([stop(prod), stop(dev)]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('asks each cluster its own Alertmanager, silences through the API, and survives one going down', async () => {
    const clients = upstreamClientsFromConfig(
      new ConfigReader({
        observability: {
          alertmanager: {
            clusters: { 'prod-01': prod!.url, 'dev-01': dev!.url },
          },
        },
      }),
      { timeoutMs: 5_000 },
    );
    const clusters = [
      { name: 'prod-01', environment: 'prod' },
      { name: 'dev-01', environment: 'prod' },
    ];
    const alertsService = new AlertsService({
      pool: clients.alertmanagers,
      clusterLabel: 'cluster',
      ui: {},
      silenceMaxMs: 3600_000,
    });
    // A fleet round of alert-routing; the fleet's alert counts come from its answer.
    const round = async () => {
      const run = await runFleetChecks(
        clients,
        {
          clusters,
          labels: { cluster: 'cluster', environment: 'environment' },
          now: new Date(),
        },
        [alertRoutingCheck],
      );
      const result = (name: string) =>
        run.clusters[name].metrics.find(c => c.id === 'alert-routing')!;
      return {
        routing: { 'prod-01': result('prod-01'), 'dev-01': result('dev-01') },
        counts: alertsService.countsOf(
          answerOf(run, fleetAlertsRequest),
          clusters.map(c => c.name),
        ),
      };
    };

    // One request per Alertmanager per refresh, for the check and the counts.
    const before = clients.requestCount!();
    const { routing: healthy, counts } = await round();
    expect(clients.requestCount!() - before).toBe(2);
    expect(healthy['prod-01'].status).toBe('ok');
    expect(healthy['prod-01'].summary).toMatch(/heartbeat-prod/);
    expect(healthy['dev-01'].status).toBe('ok');
    expect(counts).toEqual({
      'prod-01': { critical: 1, warning: 0, other: 0 },
      'dev-01': { critical: 1, warning: 0, other: 0 },
    });

    const app = express();
    app.use(
      createAlertsRouter({
        httpAuth: mockServices.httpAuth({ pluginId: 'observability' }),
        permissions: mockServices.permissions(),
        auditor: mockServices.auditor.mock(),
        catalog: catalogServiceMock({ entities: [checkout] }),
        registry: { list: async () => clusters as any },
        signals: {
          logs: { indexPattern: 'logs-*', allowedIndexPatterns: ['logs-*'] },
          metrics: { serviceLabel: 'service' },
        } as any,
        alerts: alertsService,
      }),
    );
    app.use(mockErrorHandler());
    const as = mockCredentials.user.header(alice);
    const serviceAlerts = async () =>
      (
        await request(app)
          .get('/v1/alerts?entity=component:default/checkout')
          .set('Authorization', as)
      ).body;

    const firing = await serviceAlerts();
    expect(firing.unavailable).toEqual([]);
    expect(firing.alerts.map((a: any) => [a.cluster, a.name, a.state])).toEqual(
      [
        ['dev-01', 'HighErrorRate', 'active'],
        ['prod-01', 'HighErrorRate', 'active'],
      ],
    );
    expect(firing.alerts[1].runbookUrl).toBe(
      'https://portal.test/runbooks/high-error-rate',
    );
    expect(firing.alerts[1].alertmanagerUrl).toContain(prod!.url);

    // A silence through our API, read back from Alertmanager itself.
    const prodAlert = firing.alerts[1];
    const created = await request(app)
      .post('/v1/silences')
      .set('Authorization', as)
      .send({
        cluster: 'prod-01',
        entityRef: 'component:default/checkout',
        matchers: Object.entries(prodAlert.labels).map(([name, value]) => ({
          name,
          value,
          isRegex: false,
          isEqual: true,
        })),
        durationMinutes: 30,
        comment: 'deploying the fix',
      });
    expect(created.status).toBe(201);
    const id = created.body.silenceId;
    const stored = await (
      await fetch(`${prod!.url}/api/v2/silence/${id}`)
    ).json();
    expect(stored).toMatchObject({
      createdBy: alice,
      comment: 'deploying the fix',
      status: { state: 'active' },
    });
    expect(
      (await serviceAlerts()).alerts.map((a: any) => [a.cluster, a.state]),
    ).toEqual([
      ['dev-01', 'active'],
      ['prod-01', 'silenced'],
    ]);

    // Too long for the configured maximum; Alertmanager never sees it.
    const tooLong = await request(app)
      .post('/v1/silences')
      .set('Authorization', as)
      .send({
        cluster: 'prod-01',
        entityRef: 'component:default/checkout',
        matchers: [
          { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
        ],
        durationMinutes: 61,
        comment: 'x',
      });
    expect(tooLong.status).toBe(400);

    const expired = await request(app)
      .delete(
        `/v1/silences/${id}?cluster=prod-01&entity=component:default/checkout`,
      )
      .set('Authorization', as);
    expect(expired.status).toBe(204);
    const after = await (
      await fetch(`${prod!.url}/api/v2/silence/${id}`)
    ).json();
    expect(after.status.state).toBe('expired');

    // dev-01's Alertmanager goes down: only dev-01 becomes unknown.
    await stop(dev);
    const { routing: degraded, counts: left } = await round();
    expect(degraded['dev-01'].status).toBe('unknown');
    expect(degraded['dev-01'].evidence.error).toMatch(/alertmanager/);
    expect(degraded['prod-01'].status).toBe('ok');
    expect(left).toEqual({ 'prod-01': { critical: 1, warning: 0, other: 0 } });
    const partial = await serviceAlerts();
    expect(partial.unavailable.map((u: any) => u.cluster)).toEqual(['dev-01']);
    expect(partial.alerts.map((a: any) => [a.cluster, a.state])).toEqual([
      ['prod-01', 'active'],
    ]);
    await clients.close!();
  });
});

import { ConfigReader } from '@backstage/config';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FleetSimulator, startFleetSimulator } from '@fleetobs/fleet-simulator';
import { ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { UpstreamClients } from '../upstream/createUpstreamClients';
import { PLATFORM_RULE_GROUPS } from '../checks/alertRules';
import { AlertsService } from './AlertsService';
import { createAlertsRouter } from './router';
import { freePort, waitFor } from '../__testUtils__/realServers';

/**
 * End to end with real parts: a real Prometheus (Debian `prometheus`) scrapes the
 * simulator's exporters, evaluates the shipped platform rules file and fires to a
 * real Alertmanager (Debian `prometheus-alertmanager`), whose alert our API answers
 * with its runbook link. Without the binaries this test FAILS (CI installs them)
 * unless OBS_SKIP_PROMETHEUS=1 / OBS_SKIP_ALERTMANAGER=1.
 */
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const ALERTMANAGER =
  process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
const RULES_FILE = join(
  __dirname,
  '../../../../examples/gitops-repo/charts/monitoring/rules/fleetobs-platform.rules.yaml',
);
const installed = existsSync(PROMETHEUS) && existsSync(ALERTMANAGER);
const skip =
  !installed &&
  (process.env.OBS_SKIP_PROMETHEUS === '1' ||
    process.env.OBS_SKIP_ALERTMANAGER === '1');

jest.setTimeout(180_000);

/** Each wait of this test: rule evaluation and notification take a while. */
const LIMIT_MS = 120_000;

interface Running {
  url: string;
  process: ChildProcess;
  log: string;
}

async function start(binary: string, args: (port: number) => string[]) {
  const port = await freePort();
  const running: Running = {
    url: `http://127.0.0.1:${port}`,
    log: '',
    process: spawn(binary, args(port), { stdio: ['ignore', 'pipe', 'pipe'] }),
  };
  running.process.stdout!.on('data', d => (running.log += d));
  running.process.stderr!.on('data', d => (running.log += d));
  await waitFor(
    `${binary} to be ready`,
    async () => {
      if (running.process.exitCode !== null) {
        throw new Error(`${binary} exited: ${running.log.slice(-2000)}`);
      }
      return (await fetch(`${running.url}/-/ready`)).ok ? true : undefined;
    },
    LIMIT_MS,
  );
  return running;
}

async function stop(running: Running | undefined) {
  if (!running || running.process.exitCode !== null) return;
  const exited = new Promise(r => running.process.once('exit', r));
  running.process.kill('SIGTERM');
  await exited;
}

/**
 * The shipped rules with their `for` holds shortened to one evaluation, so an alert
 * fires within seconds; expressions, labels and annotations are the shipped ones.
 */
function shippedRulesWithShortHolds(): string {
  // Test-only: reads the example GitOps repository of the source tree.
  // eslint-disable-next-line no-restricted-syntax
  const file = parse(readFileSync(RULES_FILE, 'utf8'));
  for (const group of file.groups) {
    for (const rule of group.rules) {
      if (rule.for) rule.for = '1s';
    }
  }
  return stringify(file);
}

/** Every alert to one receiver; nothing is notified, the API lists them. */
const AM_CONFIG = {
  route: { receiver: 'default', group_wait: '1h' },
  receivers: [{ name: 'default' }],
};

const alice = 'user:default/alice';
const CLUSTERS = ['prod-01', 'dev-01'];

(skip ? describe.skip : describe)(
  'platform rules → real Prometheus → real Alertmanager → our API',
  () => {
    let dir: string | undefined;
    let sim: FleetSimulator | undefined;
    let prometheus: Running | undefined;
    let alertmanager: Running | undefined;
    let clients: UpstreamClients | undefined;

    beforeAll(async () => {
      if (!installed) return;
      dir = mkdtempSync(join(tmpdir(), 'obs-rules-to-alerts-'));
      // prod-01's sidecars are down: ThanosSidecarIsDown's condition holds there.
      sim = await startFleetSimulator({
        port: 0,
        faults: { clusters: { 'prod-01': ['sidecar-down'] } },
      });
      writeFileSync(join(dir, 'alertmanager.yml'), stringify(AM_CONFIG));
      alertmanager = await start(ALERTMANAGER, port => [
        `--config.file=${join(dir!, 'alertmanager.yml')}`,
        `--storage.path=${join(dir!, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ]);
      writeFileSync(
        join(dir, 'fleetobs-platform.rules.yaml'),
        shippedRulesWithShortHolds(),
      );
      writeFileSync(
        join(dir, 'prometheus.yml'),
        stringify({
          global: { scrape_interval: '1s', evaluation_interval: '1s' },
          rule_files: [join(dir, 'fleetobs-platform.rules.yaml')],
          alerting: {
            alertmanagers: [
              {
                static_configs: [{ targets: [new URL(alertmanager.url).host] }],
              },
            ],
          },
          scrape_configs: CLUSTERS.map(name => ({
            job_name: `fleet-${name}`,
            // The exposition carries cluster, environment, job and instance.
            honor_labels: true,
            scrape_interval: '1s',
            scrape_timeout: '900ms',
            metrics_path: `/exporters/${name}/metrics`,
            static_configs: [{ targets: [new URL(sim!.url).host] }],
          })),
        }),
      );
      prometheus = await start(PROMETHEUS, port => [
        `--config.file=${join(dir!, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir!, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // The base of the alerts' generatorURL (else the host name).
        `--web.external-url=http://127.0.0.1:${port}`,
        '--log.level=warn',
      ]);
    });

    afterAll(async () => {
      await Promise.all([stop(prometheus), stop(alertmanager)]);
      await clients?.close?.();
      await sim?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('fires the shipped ThanosSidecarIsDown for prod-01 only, and our API answers it with its runbook link', async () => {
      if (!installed) {
        throw new Error(
          `Prometheus (${PROMETHEUS}) or Alertmanager (${ALERTMANAGER}) is not installed: apt-get install -y prometheus prometheus-alertmanager, or set OBS_SKIP_PROMETHEUS=1 to skip this integration test`,
        );
      }
      // Prometheus loaded every shipped group, healthy.
      const groups = await waitFor(
        'the rule groups to be evaluated',
        async () => {
          const body = await (
            await fetch(`${prometheus!.url}/api/v1/rules`)
          ).json();
          const all = body.data.groups as any[];
          return all.length > 0 &&
            all.every(g => g.rules.every((r: any) => r.health === 'ok'))
            ? all
            : undefined;
        },
        LIMIT_MS,
      );
      // Prometheus lists them by file and name.
      expect(groups.map(g => g.name)).toEqual([...PLATFORM_RULE_GROUPS].sort());

      clients = upstreamClientsFromConfig(
        new ConfigReader({
          // One Alertmanager for the clusters: alerts told apart by `cluster`.
          observability: { alertmanager: { url: alertmanager!.url } },
        }),
        { timeoutMs: 5_000 },
      );
      const app = express();
      app.use(
        createAlertsRouter({
          httpAuth: mockServices.httpAuth({ pluginId: 'observability' }),
          permissions: mockServices.permissions(),
          auditor: mockServices.auditor.mock(),
          catalog: catalogServiceMock({ entities: [] }),
          registry: {
            list: async () =>
              sim!.clusters.filter(c => CLUSTERS.includes(c.name)) as any,
          },
          signals: {
            logs: { indexPattern: 'logs-*', allowedIndexPatterns: ['logs-*'] },
            metrics: { serviceLabel: 'service' },
          } as any,
          alerts: new AlertsService({
            pool: clients.alertmanagers,
            clusterLabel: 'cluster',
            ui: { grafanaUrl: 'https://grafana.test' },
            silenceMaxMs: 3600_000,
          }),
        }),
      );
      app.use(mockErrorHandler());
      const alertsOf = async (cluster: string) => {
        const res = await request(app)
          .get(`/v1/alerts?cluster=${cluster}`)
          .set('Authorization', mockCredentials.user.header(alice));
        expect(res.status).toBe(200);
        return res.body;
      };

      // Prometheus → Alertmanager → our API, polled through our API only.
      const firing = await waitFor(
        'ThanosSidecarIsDown in our API',
        async () => {
          const body = await alertsOf('prod-01');
          const mine = body.alerts.filter(
            (a: any) => a.name === 'ThanosSidecarIsDown',
          );
          return mine.length === 2 ? { body, mine } : undefined; // both replicas' sidecars
        },
        LIMIT_MS,
      );
      expect(firing.body.unavailable).toEqual([]);
      const alert = firing.mine[0];
      expect(alert).toMatchObject({
        cluster: 'prod-01',
        name: 'ThanosSidecarIsDown',
        severity: 'critical',
        state: 'active',
        runbookUrl:
          'https://portal.example.com/catalog/default/resource/prod-01/observability#check-sidecar-shipping',
        labels: {
          alertname: 'ThanosSidecarIsDown',
          cluster: 'prod-01',
          environment: 'prod',
          job: 'thanos-sidecar',
          severity: 'critical',
        },
      });
      expect(alert.summary).toMatch(
        /^Thanos Sidecar prometheus-k8s-[01]:10902 in prod-01 is down\.$/,
      );
      expect(alert.alertmanagerUrl).toContain(alertmanager!.url);
      // generatorURL points at the evaluating Prometheus; Grafana gets its expression.
      expect(alert.generatorUrl).toContain(new URL(prometheus!.url).host);
      expect(decodeURIComponent(alert.grafanaUrl)).toContain(
        'up{job=\\"thanos-sidecar\\"} == 0',
      );

      // The healthy cluster shares the Alertmanager but not the alert.
      const dev = await alertsOf('dev-01');
      expect(
        dev.alerts.filter((a: any) => a.name === 'ThanosSidecarIsDown'),
      ).toEqual([]);
      expect(dev.alerts.every((a: any) => a.labels.cluster === 'dev-01')).toBe(
        true,
      );
    });
  },
);

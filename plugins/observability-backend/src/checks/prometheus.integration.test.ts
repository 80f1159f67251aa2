import { ConfigReader } from '@backstage/config';
import { FleetSimulator, startFleetSimulator } from '@fleetobs/fleet-simulator';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { runFleetChecks } from './runFleetChecks';
import { freePort, waitFor } from '../__testUtils__/realServers';

/**
 * The metrics checks' PromQL evaluated by a real Prometheus (Debian package
 * `prometheus`) that scrapes the simulator's exporters with `honor_labels: true`.
 * Without Prometheus this test FAILS (CI installs it) unless OBS_SKIP_PROMETHEUS=1.
 */
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const installed = existsSync(PROMETHEUS);
const skip = !installed && process.env.OBS_SKIP_PROMETHEUS === '1';

jest.setTimeout(90_000);

(skip ? describe.skip : describe)(
  'metrics checks against a real Prometheus',
  () => {
    let sim: FleetSimulator | undefined;
    let prometheus: ChildProcess | undefined;
    let dir: string | undefined;
    let promUrl = '';
    let promLog = '';

    beforeAll(async () => {
      if (!installed) return;
      sim = await startFleetSimulator({
        port: 0,
        faults: {
          clusters: {
            'prod-01': ['sidecar-down'],
            'stag-01': ['bucket-mismatch', 'bucket-outage'],
          },
        },
      });
      const simHost = new URL(sim.url).host;
      dir = mkdtempSync(join(tmpdir(), 'obs-prometheus-'));
      const scrapeConfigs = sim.clusters
        .map(
          c => `  - job_name: fleet-${c.name}
    honor_labels: true
    scrape_interval: 1s
    scrape_timeout: 900ms
    metrics_path: /exporters/${c.name}/metrics
    static_configs:
      - targets: ['${simHost}']`,
        )
        .join('\n');
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapeConfigs}\n`,
      );
      const port = await freePort();
      promUrl = `http://127.0.0.1:${port}`;
      prometheus = spawn(
        PROMETHEUS,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stdout?.on('data', d => (promLog += d));
      prometheus.stderr?.on('data', d => (promLog += d));
      await waitFor('Prometheus to be ready', async () => {
        if (prometheus?.exitCode !== null)
          throw new Error(`prometheus exited: ${promLog.slice(-2000)}`);
        const res = await fetch(`${promUrl}/-/ready`);
        return res.ok ? true : undefined;
      });
      // wait until every cluster's sidecar series has been scraped at least twice
      await waitFor('samples from every cluster', async () => {
        const res = await fetch(
          `${promUrl}/api/v1/query?query=${encodeURIComponent(
            'count by (cluster) (count_over_time(up{job="thanos-sidecar"}[1m]) >= 4)',
          )}`,
        );
        const body = await res.json();
        return body.data?.result?.length === 4 ? true : undefined;
      });
    });

    afterAll(async () => {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise(r => prometheus!.once('exit', r));
        prometheus.kill('SIGTERM');
        await exited;
      }
      await sim?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('evaluates the metrics checks: sidecar-down vs healthy clusters', async () => {
      if (!installed) {
        throw new Error(
          `Prometheus is not installed at ${PROMETHEUS}: install the Debian package (apt-get install -y prometheus) or set OBS_SKIP_PROMETHEUS=1 to skip this integration test`,
        );
      }
      const clients = upstreamClientsFromConfig(
        new ConfigReader({ observability: { thanos: { url: promUrl } } }),
        { timeoutMs: 5000 },
      );
      const run = await runFleetChecks(clients, {
        clusters: sim!.clusters,
        labels: { cluster: 'cluster', environment: 'environment' },
        now: new Date(),
      });
      const metrics = (cluster: string) =>
        Object.fromEntries(run.clusters[cluster].metrics.map(c => [c.id, c]));

      const prod = metrics('prod-01');
      expect(prod['sidecar-shipping'].status).toBe('critical');
      expect(prod['sidecar-shipping'].evidence.values).toMatchObject({
        sidecars: 2,
        sidecars_up: 0,
      });
      expect(prod['sidecar-shipping'].summary).toMatch(
        /All 2 Thanos sidecars are down/,
      );

      for (const healthy of ['dev-01', 'ops-01']) {
        const m = metrics(healthy);
        for (const id of [
          'prometheus-ha',
          'sidecar-shipping',
          'bucket-prefix',
          'object-storage',
          'compactor',
          'store-gateway',
          'external-labels',
          'cert-expiry',
        ]) {
          expect(`${healthy} ${id} ${m[id].status} ${m[id].summary}`).toMatch(
            new RegExp(`^${healthy} ${id} ok `),
          );
        }
        expect(m['sidecar-shipping'].evidence.values).toMatchObject({
          sidecars: 2,
          sidecars_up: 2,
        });
        expect(m['prometheus-ha'].evidence.values).toMatchObject({
          replicas: 2,
        });
      }
      // the rest of prod-01's metrics are unaffected by its sidecars
      for (const id of [
        'prometheus-ha',
        'compactor',
        'store-gateway',
        'external-labels',
        'object-storage',
      ]) {
        expect(`${id} ${prod[id].status}`).toBe(`${id} ok`);
      }
      // the bucket label of the sidecars' objstore metrics, against thanos-{cluster}
      expect(metrics('dev-01')['bucket-prefix'].evidence.values).toMatchObject({
        expected_bucket: 'thanos-dev-01',
        sidecar_buckets: 'thanos-dev-01',
      });
      const stag = metrics('stag-01');
      expect(stag['bucket-prefix']).toMatchObject({
        status: 'critical',
        summary:
          "The sidecars write to thanos-stag, not to the cluster's bucket thanos-stag-01",
      });
      // every bucket operation of stag-01 fails: an object storage outage (§8)
      expect(stag['object-storage'].status).toBe('critical');
      expect(stag['object-storage'].summary).toMatch(
        /^Object storage outage: /,
      );
      expect(
        Number(stag['object-storage'].evidence.values?.failed_percent),
      ).toBeGreaterThan(90);
      expect(
        Number(
          metrics('dev-01')['object-storage'].evidence.values?.operations_15m,
        ),
      ).toBeGreaterThan(0);
      // no sidecar of prod-01 to say which bucket it writes to
      expect(prod['bucket-prefix'].status).toBe('warn');
      // plain Prometheus has no Thanos stores page: that check cannot be answered
      expect(prod['global-query-store'].status).toBe('unknown');
      expect(prod['global-query-store'].evidence.error).toMatch(
        /\/api\/v1\/stores answered HTTP 404/,
      );
      // plain Prometheus' Rules API, read through our client: no rule file loaded here
      expect(prod['alert-rules']).toMatchObject({
        status: 'critical',
        evidence: { values: { groups_loaded: 0 } },
      });
      // only Thanos is configured here: 8 queries + the stores page + the rules
      expect(run.upstreamRequests).toBe(10);
    });
  },
);

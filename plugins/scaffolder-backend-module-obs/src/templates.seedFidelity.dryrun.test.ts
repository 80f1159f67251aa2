import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  clusterLogIndexPattern,
  isIndexPatternWithin,
} from '@fleetobs/plugin-observability-common';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  decode,
  dryRunBody,
  failures,
  GitHost,
  startGitHost,
  startScaffolderWithObsActions,
} from './__testUtils__/dryRun';
import {
  VALUES_DIR,
  createTestCa,
  createTestController,
} from './__testUtils__/fixtures';
import { checkAlignment, factsOf, parseValuesFile } from './lib/valuesFiles';

// Issue 16 "Done when": the onboarding dry run of a new cluster produces values that
// pass every alignment rule and match the platform design (seed) point by point.

jest.setTimeout(120_000);

const labels = { cluster: 'cluster', environment: 'environment' };
const NEW = `${VALUES_DIR}/values.prod-07.yaml`;

describe('onboard-cluster dry run against the platform design', () => {
  const mockDir = createMockDirectory();
  let gitHost: GitHost;
  let server: any;

  beforeAll(async () => {
    gitHost = await startGitHost(path.join(mockDir.path, 'gitops.git'));
    const [controller, ca] = await Promise.all([
      createTestController(),
      createTestCa(),
    ]);
    server = await startScaffolderWithObsActions({
      gitHost,
      sealingCertificate: controller.certificatePem,
      ca,
      observability: {
        ui: { grafanaUrl: 'https://grafana.corp.example' },
        scaffolder: { clusterDomain: 'example.com' },
        retention: {
          defaults: { prod: { logs: { deleteAfter: '60d' } } },
          bounds: { prod: { logs: { minDays: 30, maxDays: 365 } } },
        },
      },
    });
  });
  afterAll(() => gitHost?.close());

  /** The dry run of onboarding prod-07 with the form's defaults. */
  async function onboard(values: Record<string, unknown> = {}) {
    return request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody('onboard-cluster', {
          name: 'prod-07',
          environment: 'prod',
          server: 'https://prod-07-k8s.endpoint.kubernetes',
          owner: 'group:default/platform-team',
          monitoring: true,
          logging: true,
          jaeger: true,
          certificateMode: 'cert-manager',
          gatewayHostnames: [],
          objstoreType: 'GCS',
          objstoreBucket: '',
          ...values,
        }),
      );
  }

  it('generates a values file with the seed’s keys, aligned with every sibling', async () => {
    const res = await onboard();
    expect(res.body.error ?? res.body.errors).toBeUndefined();
    const files = decode(res.body.directoryContents);
    const text = files[NEW];
    const v = YAML.parse(text);
    const siblings = Object.entries(files)
      .filter(([f]) => /\/values\.[a-z]+-[0-9]{2}\.yaml$/.test(f) && f !== NEW)
      .map(([f, t]) => factsOf(parseValuesFile(t, f), f, labels));
    expect(siblings.map(s => s.name).sort()).toEqual([
      'dev-01',
      'ops-01',
      'prod-01',
      'stag-01',
    ]);

    // Every alignment rule: no error, no warning.
    expect(
      checkAlignment(
        factsOf(parseValuesFile(text, NEW), NEW, labels),
        siblings,
        labels,
      ),
    ).toEqual({ errors: [], warnings: [] });

    // Seed step 4.1: prometheus.replicaCount=2, thanos.enabled=true (monitoring chart).
    expect(v.monitoring).toEqual({
      enable: true,
      prometheus: { replicaCount: 2 },
      thanos: { enabled: true },
    });
    // Seed step 5.1/5.2: jaeger.query.enabled, collectors only outside ops.
    expect(v.jaeger).toEqual({
      enable: true,
      collector: { enabled: true },
      query: { enabled: false },
    });
    // Seed step 5.3 and its sequence diagram: ES host, credentials, mTLS client
    // certificate, and the cluster tag stored as a field (process.tag.cluster).
    const ops = YAML.parse(files[`${VALUES_DIR}/values.ops-01.yaml`]);
    expect(v.observability.tracing.collector).toEqual({
      elasticsearch: {
        url: ops.observability.tracing.collector.elasticsearch.url,
        credentialsSecret: 'jaeger-es-credentials',
        clientCertSecret: 'jaeger-collector-client-tls',
      },
      tags: { cluster: 'prod-07' },
      tagsAsFields: true,
    });
    const collectorCert = YAML.parse(
      files['clusters/prod-07/pki/jaeger-collector-client.certificate.yaml'],
    );
    expect(collectorCert.spec).toMatchObject({
      secretName:
        v.observability.tracing.collector.elasticsearch.clientCertSecret,
      usages: expect.arrayContaining(['client auth']),
    });
    // Seed §0.2, §1, §8: a GCS bucket of the cluster's own.
    expect(v.observability.thanos.objstore).toMatchObject({
      type: 'GCS',
      bucket: 'thanos-prod-07',
      prefix: 'prod-07',
    });
    // Seed step 3.4: the cluster's logs are found by index name, logs-prod-07-*.
    expect(v.observability.logging.indexPrefix).toBe('logs-prod-07');
    expect(
      isIndexPatternWithin(
        `${v.observability.logging.indexPrefix}-000001`,
        clusterLogIndexPattern('prod-07'),
      ),
    ).toBe(true);
    expect(text).not.toMatch(/kubernetes\.cluster\.name|YYYY\.MM\.DD/);
    // Retention from the environment's configured defaults (prod built-ins elsewhere);
    // traces are the fleet's policy, in the ops file only.
    expect(v.observability.logging.ilm.delete.minAge).toBe('60d');
    expect(v.observability.thanos.compactor.retention).toEqual({
      raw: '30d',
      '5m': '180d',
      '1h': '730d',
    });
    expect(v.observability.tracing.ilm).toBeUndefined();
    expect(ops.observability.tracing.ilm).toBeDefined();

    // The Global Query store follows the cluster name (seed step 4.6 and its siblings).
    expect(ops.globalQuery.stores).toContain(
      'thanos-query.prod-07.example.com:443',
    );
    // The catalog entity's Grafana link from observability.ui.grafanaUrl.
    const entity = YAML.parse(files['clusters/prod-07/catalog-info.yaml']);
    expect(entity.metadata.links).toEqual([
      expect.objectContaining({
        url: 'https://grafana.corp.example/d/cluster-overview?var-cluster=prod-07',
      }),
    ]);
  });

  it('refuses a store host that does not name the cluster, unless confirmed', async () => {
    const refused = await onboard({
      gatewayHostnames: ['thanos-query.new-cluster.example.com'],
    });
    expect(failures(refused.body).join('\n')).toMatch(
      /gatewayHostnames: "thanos-query\.new-cluster\.example\.com" does not contain the cluster name prod-07/,
    );
    const confirmed = await onboard({
      gatewayHostnames: ['gw7.corp.example'],
      allowHostsWithoutClusterName: true,
    });
    expect(failures(confirmed.body)).toEqual([]);
    const ops = YAML.parse(
      decode(confirmed.body.directoryContents)[
        `${VALUES_DIR}/values.ops-01.yaml`
      ],
    );
    expect(ops.globalQuery.stores).toContain('gw7.corp.example:443');
  });

  it('writes an S3 values file with its endpoint when chosen', async () => {
    const res = await onboard({
      objstoreType: 'S3',
      objstoreEndpoint: 's3.eu-west-1.amazonaws.com',
      objstoreBucket: 'acme-metrics-prod-07',
    });
    expect(failures(res.body)).toEqual([]);
    const v = YAML.parse(decode(res.body.directoryContents)[NEW]);
    expect(v.observability.thanos.objstore).toMatchObject({
      type: 'S3',
      endpoint: 's3.eu-west-1.amazonaws.com',
      bucket: 'acme-metrics-prod-07',
    });
  });
});

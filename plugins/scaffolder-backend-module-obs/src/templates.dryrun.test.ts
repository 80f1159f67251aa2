import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  GITOPS_SEED,
  VALUES_DIR,
  controllerDecrypt,
  createTestCa,
  createTestController,
} from './__testUtils__/fixtures';
import {
  decode,
  dryRunBody,
  failures,
  GitHost,
  loggedInputs,
  startGitHost,
  startScaffolderWithObsActions,
} from './__testUtils__/dryRun';
import { fakeObservabilityGatePlugin } from './actions/clusterPromoteGate.testHelpers';

jest.setTimeout(120_000);

const OPS_VALUES = `${VALUES_DIR}/values.ops-01.yaml`;
/** The shape of a GCS service-account key file (its private key a stand-in). */
const SERVICE_ACCOUNT = JSON.stringify({
  type: 'service_account',
  project_id: 'fleetobs-demo',
  private_key_id: '0123456789abcdef',
  private_key: 'very-secret-key',
  client_email: 'thanos@fleetobs-demo.iam.gserviceaccount.com',
  client_id: '100000000000000000001',
});
const seedOpsValues = () =>
  fs.readFileSync(path.join(GITOPS_SEED, OPS_VALUES), 'utf8');

describe('templates through the scaffolder dry-run API', () => {
  const mockDir = createMockDirectory();
  let gitHost: GitHost;
  let server: any;
  let controller: Awaited<ReturnType<typeof createTestController>>;
  /** certificate-authority-data of a kubeconfig: base64 of a PEM certificate. */
  let caData: string;

  beforeAll(async () => {
    gitHost = await startGitHost(path.join(mockDir.path, 'gitops.git'));
    controller = await createTestController();
    const ca = await createTestCa();
    caData = Buffer.from(ca.certificatePem).toString('base64');
    server = await startScaffolderWithObsActions({
      gitHost,
      sealingCertificate: controller.certificatePem,
      ca,
      // The promotion gate's answers: every cluster green.
      features: [fakeObservabilityGatePlugin()],
    });
  });

  afterAll(() => gitHost?.close());

  const branches = () =>
    gitHost.git('branch', '--list', '--format=%(refname:short)').trim();

  it('onboard-cluster returns the files it would write, seals nothing, and creates no branch', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody('onboard-cluster', {
          name: 'dev-07',
          environment: 'dev',
          server: 'https://dev-07-k8s.endpoint.kubernetes',
          caData,
          authProvider: 'aws',
          owner: 'group:default/platform-team',
          monitoring: true,
          logging: true,
          jaeger: false,
          certificateMode: 'sealed',
          keyAlgorithm: 'ECDSA-P256',
          validityDays: 90,
          gatewayHostnames: ['thanos-query.dev-07.example.com'],
        }),
      );
    expect(res.status).toBe(200);
    expect(failures(res.body)).toEqual([]);
    const files = decode(res.body.directoryContents);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'charts/app-of-apps/values.dev-07.yaml',
        OPS_VALUES,
        'clusters/dev-07/catalog-info.yaml',
      ]),
    );
    // Sealed mode: nothing is issued or sealed before the cluster's controller answers.
    expect(
      Object.keys(files).filter(f => /pki|secrets|sealedsecret/.test(f)),
    ).toEqual([]);
    const values = YAML.parse(files['charts/app-of-apps/values.dev-07.yaml']);
    expect(values.jaeger.enable).toBe(false);
    expect(values.observability.externalLabels).toEqual({
      cluster: 'dev-07',
      environment: 'dev',
    });
    // Registered with the Global Thanos Query of ops-01: one line added, nothing else changed.
    const opsSeed = seedOpsValues();
    const lastStore = '    - thanos-query.ops-01.example.com:443\n';
    expect(opsSeed).toContain(lastStore);
    expect(files[OPS_VALUES]).toBe(
      opsSeed.replace(
        lastStore,
        `${lastStore}    - thanos-query.dev-07.example.com:443\n`,
      ),
    );
    expect(YAML.parse(files[OPS_VALUES]).globalQuery.stores).toContain(
      'thanos-query.dev-07.example.com:443',
    );
    const pr = loggedInputs(res.body, 'pr');
    expect(pr.description).toContain(
      '(aligned with dev-01, ops-01, prod-01, stag-01)\n- charts/app-of-apps/values.ops-01.yaml: Global Thanos Query store thanos-query.dev-07.example.com:443 added (5 stores)\n- clusters/dev-07/catalog-info.yaml',
    );
    expect(pr.description).toContain(
      '**Secrets pending.** Nothing is sealed yet: the Thanos object storage credentials (monitoring/thanos-objstore: the GCS service-account key for thanos-dev-07) and the mTLS keys (sealed certificate mode).',
    );
    expect(pr).toMatchObject({
      repoUrl: `${new URL(gitHost.repoUrl).host}?owner=fleetobs&repo=gitops`,
      branchName: 'onboard-dev-07',
      targetBranchName: 'main',
    });
    const entity = YAML.parse(files['clusters/dev-07/catalog-info.yaml']);
    expect(entity).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: 'dev-07',
        labels: { 'observability.fleetobs.io/environment': 'dev' },
        annotations: {
          'kubernetes.io/api-server': 'https://dev-07-k8s.endpoint.kubernetes',
          'kubernetes.io/api-server-certificate-authority': caData,
          'kubernetes.io/auth-provider': 'aws',
        },
      },
      spec: {
        type: 'kubernetes-cluster',
        owner: 'group:default/platform-team',
      },
    });
    expect(branches()).toBe('main');
  });

  it('onboard-cluster in cert-manager mode proposes the Certificates', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody('onboard-cluster', {
          name: 'dev-06',
          environment: 'dev',
          server: 'https://dev-06-k8s.endpoint.kubernetes',
          owner: 'group:default/platform-team',
          certificateMode: 'cert-manager',
          gatewayHostnames: ['thanos-query.dev-06.example.com'],
        }),
      );
    expect(failures(res.body)).toEqual([]);
    const files = decode(res.body.directoryContents);
    const pki = Object.keys(files).filter(f =>
      f.startsWith('clusters/dev-06/pki/'),
    );
    expect(pki.length).toBeGreaterThan(0);
    const certificatesLine = loggedInputs(res.body, 'pr')
      .description.split('\n')
      .find((l: string) => l.startsWith('- cert-manager Certificates: '));
    expect(certificatesLine?.split(': ')[1].split(', ').sort()).toEqual(
      pki.sort(),
    );
    expect(loggedInputs(res.body, 'pr').description).toContain(
      'Nothing is sealed yet: the Thanos object storage credentials (monitoring/thanos-objstore: the GCS service-account key for thanos-dev-06).',
    );
  });

  it('seal-cluster-secrets seals for the cluster, with its bucket and prefix, and leaks nothing', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody(
          'seal-cluster-secrets',
          {
            cluster: 'resource:default/stag-01',
            sealedCertificates: true,
            keyAlgorithm: 'ECDSA-P256',
            validityDays: 90,
            gatewayHostnames: ['thanos-query.stag-01.example.com'],
          },
          { objstoreServiceAccount: SERVICE_ACCOUNT },
        ),
      );
    expect([res.status, res.body.errors ?? failures(res.body)]).toEqual([
      200,
      [],
    ]);
    const log = JSON.stringify(res.body.log);
    const files = decode(res.body.directoryContents);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'clusters/stag-01/pki/gateway-server-tls.sealedsecret.yaml',
        'clusters/stag-01/pki/gateway-server.crt',
        'clusters/stag-01/secrets/thanos-objstore.sealedsecret.yaml',
      ]),
    );
    const objstore = YAML.parse(
      files['clusters/stag-01/secrets/thanos-objstore.sealedsecret.yaml'],
    );
    const plain = controllerDecrypt(
      controller,
      objstore.spec.encryptedData['objstore.yml'],
      'monitoring/thanos-objstore',
    ).toString();
    const stagValues = YAML.parse(
      fs.readFileSync(
        path.join(GITOPS_SEED, VALUES_DIR, 'values.stag-01.yaml'),
        'utf8',
      ),
    );
    // GCS, as the values file declares: the service-account key exactly, as one string.
    expect(YAML.parse(plain)).toEqual({
      type: 'GCS',
      config: {
        bucket: stagValues.observability.thanos.objstore.bucket,
        service_account: SERVICE_ACCOUNT,
      },
      prefix: stagValues.observability.thanos.objstore.prefix,
    });
    expect(stagValues.observability.thanos.objstore.bucket).toBe(
      'thanos-stag-01',
    );
    // The values file is read, not changed.
    expect(files['charts/app-of-apps/values.stag-01.yaml']).toBe(
      fs.readFileSync(
        path.join(GITOPS_SEED, VALUES_DIR, 'values.stag-01.yaml'),
        'utf8',
      ),
    );
    for (const content of Object.values(files)) {
      expect(content).not.toMatch(/PRIVATE KEY|very-secret-key/);
    }
    expect(log).not.toMatch(/PRIVATE KEY|very-secret-key/);
    expect(loggedInputs(res.body, 'pr').description).toContain(
      `- clusters/stag-01/secrets/thanos-objstore.sealedsecret.yaml: Thanos object storage credentials (monitoring/thanos-objstore, GCS bucket thanos-stag-01)`,
    );
    expect(loggedInputs(res.body, 'pr')).toMatchObject({
      branchName: 'seal-secrets-stag-01',
      title: 'Seal the secrets of cluster stag-01',
    });
    expect(branches()).toBe('main');
  });

  it('seal-cluster-secrets requires the service-account key: without it a dry run seals the placeholder, never an absent key', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody('seal-cluster-secrets', {
          cluster: 'resource:default/dev-01',
        }),
      );
    expect(failures(res.body)).toEqual([]);
    const sealed = YAML.parse(
      decode(res.body.directoryContents)[
        'clusters/dev-01/secrets/thanos-objstore.sealedsecret.yaml'
      ],
    );
    const plain = controllerDecrypt(
      controller,
      sealed.spec.encryptedData['objstore.yml'],
      'monitoring/thanos-objstore',
    ).toString();
    expect(YAML.parse(plain)).toEqual({
      type: 'GCS',
      config: { bucket: 'thanos-dev-01', service_account: '<dry-run>' },
      prefix: 'dev-01',
    });
  });

  it('seal-cluster-secrets fails for a cluster that has no values file yet', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody(
          'seal-cluster-secrets',
          { cluster: 'resource:default/dev-05' },
          { objstoreServiceAccount: SERVICE_ACCOUNT },
        ),
      );
    expect(failures(res.body).join('\n')).toMatch(/dev-05/);
    expect(JSON.stringify(res.body)).not.toContain(
      'Performing dry run of creating pull request',
    );
  });

  it('onboard-cluster without metrics leaves the Global Thanos Query alone', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody('onboard-cluster', {
          name: 'dev-08',
          environment: 'dev',
          server: 'https://dev-08-k8s.endpoint.kubernetes',
          owner: 'group:default/platform-team',
          monitoring: false,
          gatewayHostnames: ['thanos-query.dev-08.example.com'],
        }),
      );
    expect(res.status).toBe(200);
    expect(failures(res.body)).toEqual([]);
    const files = decode(res.body.directoryContents);
    expect(files['charts/app-of-apps/values.dev-08.yaml']).toBeDefined();
    expect(files[OPS_VALUES]).toBe(seedOpsValues());
    const { description } = loggedInputs(res.body, 'pr');
    expect(description).toContain(
      '(aligned with dev-01, ops-01, prod-01, stag-01)\n- cert-manager Certificates',
    );
    expect(description).not.toContain('Global Thanos Query');
  });

  it('onboard-cluster fails on an existing cluster, naming the field', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody('onboard-cluster', {
          name: 'stag-01',
          environment: 'stag',
          server: 'https://stag-09-k8s.endpoint.kubernetes',
          owner: 'group:default/platform-team',
          gatewayHostnames: ['thanos-query.stag-01.example.com'],
        }),
      );
    expect(failures(res.body).join('\n')).toMatch(
      /cluster: stag-01 already exists/,
    );
  });

  it('promote-revision proposes the next environment', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody('promote-revision', {
          revision: 'v1.5.0',
          targetEnvironment: 'next',
          force: false,
        }),
      );
    expect(res.status).toBe(200);
    expect(failures(res.body)).toEqual([]);
    const files = decode(res.body.directoryContents);
    expect(
      YAML.parse(files['charts/app-of-apps/values.stag-01.yaml']).source
        .targetRevision,
    ).toBe('v1.5.0');
    expect(
      YAML.parse(files['charts/app-of-apps/values.prod-01.yaml']).source
        .targetRevision,
    ).not.toBe('v1.5.0');
  });

  it('promote-revision refuses to skip stag without force', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(
        dryRunBody('promote-revision', {
          revision: 'v1.9.0',
          targetEnvironment: 'prod',
          force: false,
        }),
      );
    expect(failures(res.body).join('\n')).toMatch(/would skip stag/);
  });
});

import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  FleetSimulator,
  sealingControllerCertificate,
  sealingControllerKeys,
  startFleetSimulator,
} from '@fleetobs/fleet-simulator';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createDecipheriv } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { JsonObject } from '@backstage/types';
import {
  OPENSSL,
  TestController,
  controllerDecrypt,
  createTestController,
  emitted,
  forwardToFleetSimulator,
  listFiles,
  mockContext,
  settingsFrom,
  startKubernetesProxyStandIn,
  startProxyKnowingOnly,
} from '../__testUtils__/fixtures';
import { createSealSecretFilter } from '../filters/sealSecretFilter';
import { createSecretSealAction } from './secretSeal';

jest.setTimeout(60_000);

describe('obs:secret:seal', () => {
  const mockDir = createMockDirectory();
  let controller: TestController;
  let prodController: TestController;
  /** dev-02's own controller, served by its cluster through the Kubernetes plugin. */
  let dev02Controller: TestController;
  let proxy: Awaited<ReturnType<typeof startKubernetesProxyStandIn>>;

  beforeAll(async () => {
    controller = await createTestController();
    prodController = await createTestController();
    dev02Controller = await createTestController();
    // The kubernetes-backend's proxy: it knows dev-02 only.
    proxy = await startProxyKnowingOnly(
      'dev-02',
      dev02Controller.certificatePem,
    );
  });
  afterAll(() => proxy.close());
  beforeEach(() => {
    mockDir.clear();
    proxy.requests.length = 0;
  });

  // One controller key pair for the fleet (declared fleet-wide) and prod-01's own.
  const action = (extra: JsonObject = {}) =>
    createSecretSealAction({
      settings: settingsFrom({
        sealedSecrets: {
          certificate: controller.certificatePem,
          fleetWide: true,
          clusters: {
            'prod-01': { certificate: prodController.certificatePem },
          },
          ...extra,
        },
      }),
      auth: mockServices.auth(),
      discovery: proxy.discovery,
    });

  const run = async (input: Record<string, unknown>, dryRun = false) => {
    const ctx = mockContext(mockDir.path, input, { isDryRun: dryRun });
    await action().handler(ctx as any);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    return { ctx, outputs };
  };

  it('seals each value so that the controller decrypts it with the strict label', async () => {
    const { ctx, outputs } = await run({
      name: 'thanos-objstore',
      namespace: 'monitoring',
      data: {
        'objstore.yml': 'type: S3\nconfig: { bucket: thanos-dev }\n',
        token: 's3cr3t-Token',
      },
      targetPath: 'clusters/dev-02/secrets/thanos-objstore.sealedsecret.yaml',
    });
    const file = path.join(
      mockDir.path,
      'clusters/dev-02/secrets/thanos-objstore.sealedsecret.yaml',
    );
    const manifest = YAML.parse(fs.readFileSync(file, 'utf8'));
    expect(manifest.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(manifest.kind).toBe('SealedSecret');
    expect(manifest.metadata).toEqual({
      name: 'thanos-objstore',
      namespace: 'monitoring',
    });
    expect(manifest.spec.template.type).toBe('Opaque');
    expect(manifest.spec.template.metadata).toEqual({
      name: 'thanos-objstore',
      namespace: 'monitoring',
    });
    expect(Object.keys(manifest.spec.encryptedData).sort()).toEqual([
      'objstore.yml',
      'token',
    ]);
    expect(
      controllerDecrypt(
        controller,
        manifest.spec.encryptedData.token,
        'monitoring/thanos-objstore',
      ).toString(),
    ).toBe('s3cr3t-Token');
    expect(
      controllerDecrypt(
        controller,
        manifest.spec.encryptedData['objstore.yml'],
        'monitoring/thanos-objstore',
      ).toString(),
    ).toBe('type: S3\nconfig: { bucket: thanos-dev }\n');
    expect(outputs.path).toBe(
      'clusters/dev-02/secrets/thanos-objstore.sealedsecret.yaml',
    );
    expect(YAML.parse(outputs.manifest)).toEqual(manifest);
    expect(emitted(ctx)).not.toContain('s3cr3t-Token');
  });

  it('writes the hybrid format: uint16 RSA length, RSA-OAEP block, AES-GCM body and tag', async () => {
    const value = 'x'.repeat(37);
    const { outputs } = await run({
      name: 'a',
      namespace: 'b',
      data: { v: value },
    });
    const bytes = Buffer.from(outputs.encryptedData.v, 'base64');
    expect(bytes.readUInt16BE(0)).toBe(256); // 2048-bit key
    expect(bytes.length).toBe(2 + 256 + value.length + 16);
  });

  it('fails to decrypt under strict scope with another namespace or name', async () => {
    const { outputs } = await run({
      name: 'es-credentials',
      namespace: 'tracing',
      data: { password: 'pw' },
    });
    const value = outputs.encryptedData.password;
    expect(
      controllerDecrypt(controller, value, 'tracing/es-credentials').toString(),
    ).toBe('pw');
    expect(() =>
      controllerDecrypt(controller, value, 'logging/es-credentials'),
    ).toThrow();
    expect(() =>
      controllerDecrypt(controller, value, 'tracing/other'),
    ).toThrow();
    expect(() => controllerDecrypt(controller, value, 'tracing')).toThrow();
    expect(() => controllerDecrypt(controller, value, '')).toThrow();
    expect(() =>
      controllerDecrypt(prodController, value, 'tracing/es-credentials'),
    ).toThrow();
  });

  it('namespace-wide: label is the namespace and the scope is annotated', async () => {
    const { outputs } = await run({
      name: 'es-credentials',
      namespace: 'tracing',
      scope: 'namespace-wide',
      data: { password: 'pw' },
    });
    const manifest = YAML.parse(outputs.manifest);
    expect(manifest.metadata.annotations).toEqual({
      'sealedsecrets.bitnami.com/namespace-wide': 'true',
    });
    expect(manifest.spec.template.metadata.annotations).toEqual({
      'sealedsecrets.bitnami.com/namespace-wide': 'true',
    });
    const value = outputs.encryptedData.password;
    expect(controllerDecrypt(controller, value, 'tracing').toString()).toBe(
      'pw',
    );
    expect(() =>
      controllerDecrypt(controller, value, 'tracing/es-credentials'),
    ).toThrow();
    expect(() => controllerDecrypt(controller, value, 'logging')).toThrow();
  });

  it('cluster-wide: empty label, namespace optional', async () => {
    const { outputs } = await run({
      name: 'registry',
      scope: 'cluster-wide',
      data: { token: 't' },
    });
    const manifest = YAML.parse(outputs.manifest);
    expect(manifest.metadata).toEqual({
      name: 'registry',
      annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' },
    });
    expect(
      controllerDecrypt(controller, outputs.encryptedData.token, '').toString(),
    ).toBe('t');
    expect(() =>
      controllerDecrypt(controller, outputs.encryptedData.token, 'default'),
    ).toThrow();
  });

  it('decodes base64 input values', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const { outputs } = await run({
      name: 'bin',
      namespace: 'ns',
      encoding: 'base64',
      data: { blob: bytes.toString('base64') },
    });
    expect(
      controllerDecrypt(
        controller,
        outputs.encryptedData.blob,
        'ns/bin',
      ).equals(bytes),
    ).toBe(true);
  });

  it('uses the per-cluster controller certificate', async () => {
    const { outputs } = await run({
      cluster: 'prod-01',
      name: 's',
      namespace: 'n',
      data: { k: 'v' },
    });
    expect(
      controllerDecrypt(
        prodController,
        outputs.encryptedData.k,
        'n/s',
      ).toString(),
    ).toBe('v');
    expect(() =>
      controllerDecrypt(controller, outputs.encryptedData.k, 'n/s'),
    ).toThrow();
  });

  it('is decrypted by openssl (RSA-OAEP SHA-256 with the label)', async () => {
    if (!OPENSSL) return; // openssl is not installed here
    const { outputs } = await run({
      name: 'gw',
      namespace: 'ingress',
      data: { k: 'hello openssl' },
    });
    const bytes = Buffer.from(outputs.encryptedData.k, 'base64');
    const rsaLength = bytes.readUInt16BE(0);
    const keyFile = path.join(mockDir.path, 'controller.key');
    fs.writeFileSync(keyFile, controller.privateKeyPem);
    const sessionKey = execFileSync(
      OPENSSL!,
      [
        'pkeyutl',
        '-decrypt',
        '-inkey',
        keyFile,
        '-pkeyopt',
        'rsa_padding_mode:oaep',
        '-pkeyopt',
        'rsa_oaep_md:sha256',
        '-pkeyopt',
        'rsa_mgf1_md:sha256',
        '-pkeyopt',
        `rsa_oaep_label:${Buffer.from('ingress/gw').toString('hex')}`,
      ],
      { input: bytes.subarray(2, 2 + rsaLength) },
    );
    expect(sessionKey.length).toBe(32);
    // The same key decrypts the AES-GCM body.
    const body = bytes.subarray(2 + rsaLength);
    const decipher = createDecipheriv(
      'aes-256-gcm',
      sessionKey,
      Buffer.alloc(12),
    );
    decipher.setAuthTag(body.subarray(body.length - 16));
    expect(
      Buffer.concat([
        decipher.update(body.subarray(0, body.length - 16)),
        decipher.final(),
      ]).toString(),
    ).toBe('hello openssl');
  });

  it('seals a placeholder in dry runs, where the scaffolder withholds secrets', async () => {
    const { outputs } = await run(
      { name: 's', namespace: 'n', data: { k: undefined } },
      true,
    );
    expect(
      controllerDecrypt(controller, outputs.encryptedData.k, 'n/s').toString(),
    ).toBe('<dry-run>');
  });

  describe('bad input fails naming the field and writes nothing', () => {
    const target = 'out/secret.yaml';
    const cases: Array<[string, Record<string, unknown>, RegExp, JsonObject]> =
      [
        [
          'invalid name',
          { name: 'Bad_Name', namespace: 'n', data: { k: 'v' } },
          /name/,
          {},
        ],
        [
          'missing namespace in strict scope',
          { name: 's', data: { k: 'v' } },
          /namespace: required/,
          {},
        ],
        [
          'unknown scope',
          { name: 's', namespace: 'n', scope: 'global', data: { k: 'v' } },
          /scope/,
          {},
        ],
        [
          'empty value',
          { name: 's', namespace: 'n', data: { k: '' } },
          /data\.k: empty value/,
          {},
        ],
        [
          'bad base64',
          { name: 's', namespace: 'n', encoding: 'base64', data: { k: '%%%' } },
          /data\.k: not valid base64/,
          {},
        ],
        [
          'bad data key',
          { name: 's', namespace: 'n', data: { 'a/b': 'v' } },
          /data/,
          {},
        ],
        [
          'path escaping the workspace',
          {
            name: 's',
            namespace: 'n',
            data: { k: 'v' },
            targetPath: '../x.yaml',
          },
          /targetPath/,
          {},
        ],
        [
          'malformed certificate',
          {
            name: 's',
            namespace: 'n',
            data: { k: 'v' },
            certificate:
              '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----',
          },
          /^certificate: not a valid PEM certificate/,
          {},
        ],
        [
          'no certificate configured',
          { name: 's', namespace: 'n', data: { k: 'v' } },
          /observability\.sealedSecrets\.certificate: no sealed-secrets certificate/,
          { certificate: undefined },
        ],
        [
          'a cluster without a certificate, none fleet-wide, unknown to the Kubernetes plugin',
          { cluster: 'dev-07', name: 's', namespace: 'n', data: { k: 'v' } },
          /cluster: could not fetch the certificate of the sealed-secrets controller of cluster "dev-07" .*the Kubernetes plugin does not know cluster "dev-07" .*set observability\.sealedSecrets\.clusters\.dev-07\.certificate/,
          { fleetWide: false },
        ],
        [
          'no cluster, and the certificate is not declared fleet-wide',
          { name: 's', namespace: 'n', data: { k: 'v' } },
          /cluster: required to pick the sealed-secrets controller certificate/,
          { fleetWide: false },
        ],
        [
          'yamlData key also in data',
          {
            name: 's',
            namespace: 'n',
            data: { k: 'v' },
            yamlData: { k: { a: 1 } },
          },
          /yamlData\.k: also given in data/,
          {},
        ],
        [
          'a label that is not a Kubernetes label',
          {
            name: 's',
            namespace: 'n',
            data: { k: 'v' },
            labels: { team: 'a b' },
          },
          /labels\.team: is not a Kubernetes label value/,
          {},
        ],
        [
          'a Secret type with a newline',
          {
            name: 's',
            namespace: 'n',
            data: { k: 'v' },
            type: 'Opaque\nimmutable: true',
          },
          /type: must be a Secret type/,
          {},
        ],
      ];
    it.each(cases)('%s', async (_title, input, message, extra) => {
      const ctx = mockContext(mockDir.path, {
        ...input,
        targetPath: input.targetPath ?? target,
      });
      await expect(action(extra).handler(ctx as any)).rejects.toThrow(message);
      expect(listFiles(mockDir.path)).toEqual([]);
    });

    it('expired controller certificate', async () => {
      const expired = await createTestController({
        notBefore: new Date(Date.now() - 20 * 86400_000),
        notAfter: new Date(Date.now() - 86400_000),
      });
      const ctx = mockContext(mockDir.path, {
        name: 's',
        namespace: 'n',
        data: { k: 'v' },
        targetPath: target,
      });
      await expect(
        action({ certificate: expired.certificatePem }).handler(ctx as any),
      ).rejects.toThrow(
        /observability\.sealedSecrets\.certificate: the sealed-secrets certificate expired/,
      );
      expect(listFiles(mockDir.path)).toEqual([]);
    });
  });

  it('uses the certificate configured fleet-wide for a cluster without its own', async () => {
    const { outputs } = await run({
      cluster: 'dev-07',
      name: 's',
      namespace: 'n',
      data: { k: 'v' },
    });
    expect(
      controllerDecrypt(controller, outputs.encryptedData.k, 'n/s').toString(),
    ).toBe('v');
  });

  it('seals yamlData as YAML written by the yaml library', async () => {
    const { outputs } = await run({
      name: 'thanos-objstore',
      namespace: 'monitoring',
      yamlData: {
        'objstore.yml': {
          type: 'S3',
          config: { bucket: 'thanos-dev', access_key: 'a\nb: c' },
        },
      },
    });
    const plain = controllerDecrypt(
      controller,
      outputs.encryptedData['objstore.yml'],
      'monitoring/thanos-objstore',
    ).toString();
    expect(YAML.parse(plain)).toEqual({
      type: 'S3',
      config: { bucket: 'thanos-dev', access_key: 'a\nb: c' },
    });
  });

  it.each([
    ['an empty string', ''],
    ['null', null],
    ['a missing secret', undefined],
  ])(
    'never seals a credential left empty (%s) in yamlData: refused naming it, a dry run seals the placeholder',
    async (_title, empty) => {
      const input = {
        name: 'thanos-objstore',
        namespace: 'monitoring',
        yamlData: {
          'objstore.yml': {
            type: 'GCS',
            config: { bucket: 'thanos-dev-02', service_account: empty },
          },
        },
      };
      await expect(
        action().handler(mockContext(mockDir.path, input) as any),
      ).rejects.toThrow(
        'yamlData.objstore.yml.config.service_account: empty value',
      );
      const dry = mockContext(mockDir.path, input, { isDryRun: true });
      await action().handler(dry as any);
      const outputs = Object.fromEntries((dry.output as jest.Mock).mock.calls);
      expect(
        YAML.parse(
          controllerDecrypt(
            controller,
            outputs.encryptedData['objstore.yml'],
            'monitoring/thanos-objstore',
          ).toString(),
        ).config.service_account,
      ).toBe('<dry-run>');
    },
  );

  it('refuses a required yamlData path the scaffolder dropped (a secret not given), naming it', async () => {
    // What the scaffolder passes when `service_account: ${{ secrets.x }}` rendered empty.
    const input = {
      name: 'thanos-objstore',
      namespace: 'monitoring',
      yamlData: {
        'objstore.yml': { type: 'GCS', config: { bucket: 'thanos-dev-02' } },
      },
      requiredYamlPaths: [['objstore.yml', 'config', 'service_account']],
    };
    await expect(
      action().handler(mockContext(mockDir.path, input) as any),
    ).rejects.toThrow(
      'yamlData.objstore.yml.config.service_account: empty value',
    );
    await expect(
      action().handler(
        mockContext(mockDir.path, {
          ...input,
          requiredYamlPaths: [['objstore.yml', 'nope', 'service_account']],
        }) as any,
      ),
    ).rejects.toThrow(
      'yamlData.objstore.yml.nope.service_account: empty value',
    );
    const dry = mockContext(mockDir.path, input, { isDryRun: true });
    await action().handler(dry as any);
    const outputs = Object.fromEntries((dry.output as jest.Mock).mock.calls);
    expect(
      YAML.parse(
        controllerDecrypt(
          controller,
          outputs.encryptedData['objstore.yml'],
          'monitoring/thanos-objstore',
        ).toString(),
      ).config,
    ).toEqual({ bucket: 'thanos-dev-02', service_account: '<dry-run>' });
  });

  describe("a cluster without a configured certificate: its controller's, fetched", () => {
    const input = {
      cluster: 'dev-02',
      name: 'thanos-objstore',
      namespace: 'monitoring',
      data: { token: 's3cr3t' },
      targetPath: 'out/secret.yaml',
    };

    it('seals for the certificate fetched from the cluster, never the default one', async () => {
      const ctx = mockContext(mockDir.path, input);
      // A default certificate that is not declared fleet-wide.
      await action({ fleetWide: false }).handler(ctx as any);
      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(proxy.requests).toHaveLength(1);
      expect(outputs.certificateFingerprint).toBe(
        new X509Certificate(dev02Controller.certificatePem).fingerprint256,
      );
      const value = outputs.encryptedData.token;
      expect(
        controllerDecrypt(
          dev02Controller,
          value,
          'monitoring/thanos-objstore',
        ).toString(),
      ).toBe('s3cr3t');
      expect(() =>
        controllerDecrypt(controller, value, 'monitoring/thanos-objstore'),
      ).toThrow();
      expect(() =>
        controllerDecrypt(prodController, value, 'monitoring/thanos-objstore'),
      ).toThrow();
      expect(listFiles(mockDir.path)).toEqual(['out/secret.yaml']);
    });

    it('a fleet-wide certificate still comes first, without asking the cluster', async () => {
      const { outputs } = await run(input);
      expect(
        controllerDecrypt(
          controller,
          outputs.encryptedData.token,
          'monitoring/thanos-objstore',
        ).toString(),
      ).toBe('s3cr3t');
      expect(proxy.requests).toEqual([]);
    });

    it('a failed fetch writes nothing and uses no other key', async () => {
      const ctx = mockContext(mockDir.path, { ...input, cluster: 'dev-03' });
      await expect(
        action({ fleetWide: false }).handler(ctx as any),
      ).rejects.toThrow(/the Kubernetes plugin does not know cluster "dev-03"/);
      expect(listFiles(mockDir.path)).toEqual([]);
      expect(ctx.output).not.toHaveBeenCalled();
    });

    it('needs the auth and discovery services to fetch', async () => {
      const bare = createSecretSealAction({
        settings: settingsFrom({ sealedSecrets: {} }),
      });
      await expect(
        bare.handler(mockContext(mockDir.path, input) as any),
      ).rejects.toThrow(
        /cluster "dev-02", and it cannot be fetched from the cluster here/,
      );
      expect(listFiles(mockDir.path)).toEqual([]);
    });
  });

  describe("through the fleet simulator's clusters", () => {
    let sim: FleetSimulator;
    let simProxy: Awaited<ReturnType<typeof startKubernetesProxyStandIn>>;
    /** Each simulated cluster's controller key pair (the simulator hands it to tests). */
    const keysOf: Record<string, TestController> = {};

    beforeAll(async () => {
      sim = await startFleetSimulator({ port: 0 });
      for (const cluster of ['dev-01', 'dev-02', 'prod-01']) {
        keysOf[cluster] = await sealingControllerKeys(cluster);
      }
      // The Kubernetes plugin knows the demo clusters and the newly onboarded dev-02.
      simProxy = await startKubernetesProxyStandIn(
        forwardToFleetSimulator(sim.url, [
          ...sim.clusters.map(c => c.name),
          'dev-02',
        ]),
      );
    });
    afterAll(async () => {
      await simProxy.close();
      await sim.close();
    });

    const simAction = () =>
      createSecretSealAction({
        settings: settingsFrom({ sealedSecrets: {} }),
        auth: mockServices.auth(),
        discovery: simProxy.discovery,
      });
    const seal = async (cluster: string) => {
      const ctx = mockContext(mockDir.path, {
        cluster,
        name: 'thanos-objstore',
        namespace: 'monitoring',
        data: { token: `token of ${cluster}` },
      });
      await simAction().handler(ctx as any);
      return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    };

    it.each(['dev-02', 'prod-01'])(
      "seals for %s with that cluster's own controller key only",
      async cluster => {
        const outputs = await seal(cluster);
        expect(outputs.certificateFingerprint).toBe(
          new X509Certificate(await sealingControllerCertificate(cluster))
            .fingerprint256,
        );
        const value = outputs.encryptedData.token;
        const label = 'monitoring/thanos-objstore';
        expect(
          controllerDecrypt(keysOf[cluster], value, label).toString(),
        ).toBe(`token of ${cluster}`);
        const others = Object.keys(keysOf).filter(c => c !== cluster);
        expect(others).toHaveLength(2);
        for (const other of others) {
          expect(() =>
            controllerDecrypt(keysOf[other], value, label),
          ).toThrow();
        }
      },
    );

    it('a cluster the Kubernetes plugin does not know is refused', async () => {
      await expect(seal('dev-05')).rejects.toThrow(
        /cluster "dev-05".*the Kubernetes plugin does not know cluster "dev-05"/,
      );
    });
  });

  it('is offered as the obsSealSecret template filter', async () => {
    const filter = createSealSecretFilter({
      settings: settingsFrom({
        sealedSecrets: {
          certificate: controller.certificatePem,
          fleetWide: true,
        },
      }),
    });
    expect(filter.id).toBe('obsSealSecret');
    const sealed = filter.filter(
      'filter-value',
      'monitoring',
      'thanos-objstore',
    );
    expect(
      controllerDecrypt(
        controller,
        sealed,
        'monitoring/thanos-objstore',
      ).toString(),
    ).toBe('filter-value');
    const wide = filter.filter('v', 'monitoring', 'x', 'namespace-wide');
    expect(controllerDecrypt(controller, wide, 'monitoring').toString()).toBe(
      'v',
    );
    expect(() => filter.filter('v', 'monitoring', 'x', 'bogus')).toThrow(
      /scope/,
    );
  });

  it('the obsSealSecret filter refuses a cluster without a certificate when none is fleet-wide', () => {
    const filter = createSealSecretFilter({
      settings: settingsFrom({
        sealedSecrets: {
          certificate: controller.certificatePem,
          clusters: {
            'prod-01': { certificate: prodController.certificatePem },
          },
        },
      }),
    });
    expect(() =>
      filter.filter('v', 'monitoring', 'x', 'strict', 'dev-07'),
    ).toThrow(
      /cluster "dev-07"; set observability\.sealedSecrets\.clusters\.dev-07\.certificate/,
    );
    expect(() => filter.filter('v', 'monitoring', 'x')).toThrow(
      /cluster: required/,
    );
    const sealed = filter.filter('v', 'monitoring', 'x', 'strict', 'prod-01');
    expect(
      controllerDecrypt(prodController, sealed, 'monitoring/x').toString(),
    ).toBe('v');
  });
});

import 'reflect-metadata';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  webcrypto,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { JsonObject } from '@backstage/types';
import {
  OPENSSL,
  TestCa,
  TestController,
  controllerDecrypt,
  createTestCa,
  createTestController,
  emitted,
  listFiles,
  mockContext,
  settingsFrom,
  startKubernetesProxyStandIn,
  startProxyKnowingOnly,
} from '../__testUtils__/fixtures';
import { createPkiIssueAction } from './pkiIssue';

jest.setTimeout(120_000);
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const DAY = 86400_000;
const EKU_SERVER = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT = '1.3.6.1.5.5.7.3.2';

describe('obs:pki:issue', () => {
  const mockDir = createMockDirectory();
  let ca: TestCa;
  let rsaCa: TestCa;
  let controller: TestController;
  /** dev-02's own controller, as its cluster serves it through the Kubernetes plugin. */
  let dev02: TestController;
  let proxy: Awaited<ReturnType<typeof startKubernetesProxyStandIn>>;

  beforeAll(async () => {
    [ca, rsaCa, controller, dev02] = await Promise.all([
      createTestCa(),
      createTestCa({ algorithm: 'RSA' }),
      createTestController(),
      createTestController(),
    ]);
    // The kubernetes-backend's proxy: it knows dev-02 only.
    proxy = await startProxyKnowingOnly('dev-02', dev02.certificatePem);
  });
  afterAll(() => proxy.close());
  beforeEach(() => {
    mockDir.clear();
    proxy.requests.length = 0;
  });

  const action = (pki: JsonObject = {}, sealed: JsonObject = {}) =>
    createPkiIssueAction({
      settings: settingsFrom({
        sealedSecrets: {
          certificate: controller.certificatePem,
          fleetWide: true,
          ...sealed,
        },
        pki: {
          ca: { certificate: ca.certificatePem, privateKey: ca.privateKeyPem },
          issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer' },
          ...pki,
        },
      }),
      auth: mockServices.auth(),
      discovery: proxy.discovery,
    });

  const read = (rel: string) =>
    fs.readFileSync(path.join(mockDir.path, rel), 'utf8');

  async function runSealed(input: Record<string, unknown>, pki?: JsonObject) {
    const ctx = mockContext(mockDir.path, {
      cluster: 'dev-02',
      mode: 'sealed',
      gatewayHostnames: [
        'thanos-query.dev-02.example.com',
        'logs.dev-02.example.com',
      ],
      ...input,
    });
    const before = Date.now();
    await action(pki).handler(ctx as any);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    return { ctx, outputs, before };
  }

  function sanNames(cert: x509.X509Certificate): string[] {
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension)!;
    return san.names.items.map(n => `${n.type}:${n.value}`);
  }

  it('mode sealed: signs the certificate set with the CA, keys only inside SealedSecrets', async () => {
    const { ctx, outputs, before } = await runSealed({});
    const dir = 'clusters/dev-02/pki';
    expect(listFiles(mockDir.path)).toEqual(
      [
        'ca-bundle.yaml',
        'ca.crt',
        'filebeat-client-tls.sealedsecret.yaml',
        'filebeat-client.crt',
        'gateway-server-tls.sealedsecret.yaml',
        'gateway-server.crt',
        'jaeger-collector-client-tls.sealedsecret.yaml',
        'jaeger-collector-client.crt',
        'thanos-query-client-tls.sealedsecret.yaml',
        'thanos-query-client.crt',
      ].map(f => `${dir}/${f}`),
    );
    // No private key anywhere in plain: workspace, output, log.
    for (const f of listFiles(mockDir.path)) {
      expect(read(f)).not.toMatch(/PRIVATE KEY/);
    }
    expect(emitted(ctx)).not.toMatch(/PRIVATE KEY/);

    const caCert = new x509.X509Certificate(ca.certificatePem);
    const expected = {
      'gateway-server': {
        eku: EKU_SERVER,
        sans: [
          'dns:thanos-query.dev-02.example.com',
          'dns:logs.dev-02.example.com',
        ],
        cn: 'thanos-query.dev-02.example.com',
        secret: 'envoy-gateway-system/gateway-server-tls',
      },
      'filebeat-client': {
        eku: EKU_CLIENT,
        sans: ['dns:filebeat.dev-02'],
        cn: 'filebeat.dev-02',
        secret: 'logging/filebeat-client-tls',
      },
      'thanos-query-client': {
        eku: EKU_CLIENT,
        sans: ['dns:thanos-query.dev-02'],
        cn: 'thanos-query.dev-02',
        secret: 'monitoring/thanos-query-client-tls',
      },
      // The Jaeger collectors' client certificate to the shared Elasticsearch (seed 5.3).
      'jaeger-collector-client': {
        eku: EKU_CLIENT,
        sans: ['dns:jaeger-collector.dev-02'],
        cn: 'jaeger-collector.dev-02',
        secret: 'tracing/jaeger-collector-client-tls',
      },
    };
    const decrypts = (value: string, label: string) => {
      try {
        controllerDecrypt(controller, value, label);
        return true;
      } catch {
        return false;
      }
    };
    for (const [id, want] of Object.entries(expected)) {
      const pem = read(`${dir}/${id}.crt`);
      const cert = new x509.X509Certificate(pem);
      expect(cert.issuer).toBe(caCert.subject);
      expect(cert.subject).toBe(`CN=${want.cn}`);
      expect(
        await cert.verify({ publicKey: caCert.publicKey, signatureOnly: true }),
      ).toBe(true);
      const chain = await new x509.X509ChainBuilder({
        certificates: [caCert],
      }).build(cert);
      expect(chain.length).toBe(2);
      expect(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual(
        [want.eku],
      );
      expect(sanNames(cert)).toEqual(want.sans);
      expect(cert.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(false);
      const ku = cert.getExtension(x509.KeyUsagesExtension)!.usages;
      expect(ku & x509.KeyUsageFlags.digitalSignature).toBeTruthy();
      expect(ku & x509.KeyUsageFlags.keyCertSign).toBeFalsy();
      expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(90 * DAY);
      expect(cert.notBefore.getTime()).toBeLessThanOrEqual(before);
      expect(cert.notAfter.getTime()).toBeGreaterThan(before + 89 * DAY);
      expect(cert.publicKey.algorithm.name).toBe('ECDSA');

      // The SealedSecret holds the matching key, the same certificate and the CA.
      const [namespace, name] = want.secret.split('/');
      const sealed = YAML.parse(read(`${dir}/${name}.sealedsecret.yaml`));
      expect(sealed.spec.template.type).toBe('kubernetes.io/tls');
      expect(sealed.metadata).toEqual({ name, namespace });
      const label = `${namespace}/${name}`;
      const data = sealed.spec.encryptedData;
      const key = controllerDecrypt(
        controller,
        data['tls.key'],
        label,
      ).toString();
      expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(
        createPublicKey(createPrivateKey(key))
          .export({ type: 'spki', format: 'der' })
          .equals(Buffer.from(cert.publicKey.rawData)),
      ).toBe(true);
      expect(
        controllerDecrypt(controller, data['tls.crt'], label).toString(),
      ).toBe(pem);
      expect(
        controllerDecrypt(controller, data['ca.crt'], label).toString().trim(),
      ).toBe(read(`${dir}/ca.crt`).trim());
      expect(decrypts(data['tls.key'], `other/${name}`)).toBe(false);
    }
    expect(outputs.mode).toBe('sealed');
    expect(outputs.certificates.map((c: any) => c.id)).toEqual(
      Object.keys(expected),
    );
    const bundle = YAML.parseAllDocuments(read(`${dir}/ca-bundle.yaml`)).map(
      d => d.toJSON(),
    );
    expect(bundle.map(d => d.metadata.namespace)).toEqual([
      'envoy-gateway-system',
      'logging',
      'monitoring',
      'tracing',
    ]);
    expect(bundle[0].data['ca.crt'].trim()).toBe(caCert.toString('pem').trim());
  });

  it("mode sealed seals for the cluster's own controller certificate", async () => {
    const own = await createTestController();
    const ctx = mockContext(mockDir.path, {
      cluster: 'dev-02',
      mode: 'sealed',
      gatewayHostnames: ['thanos-query.dev-02.example.com'],
    });
    // No fleet-wide certificate: only dev-02's own.
    await action(
      {},
      {
        certificate: undefined,
        fleetWide: false,
        clusters: { 'dev-02': { certificate: own.certificatePem } },
      },
    ).handler(ctx as any);
    const sealed = YAML.parse(
      read('clusters/dev-02/pki/filebeat-client-tls.sealedsecret.yaml'),
    );
    const label = 'logging/filebeat-client-tls';
    expect(
      controllerDecrypt(own, sealed.spec.encryptedData['tls.key'], label)
        .toString()
        .startsWith('-----BEGIN PRIVATE KEY-----'),
    ).toBe(true);
    expect(() =>
      controllerDecrypt(
        controller,
        sealed.spec.encryptedData['tls.key'],
        label,
      ),
    ).toThrow();
  });

  it("mode sealed without a configured certificate seals for the one fetched from the cluster's controller", async () => {
    const ctx = mockContext(mockDir.path, {
      cluster: 'dev-02',
      mode: 'sealed',
      gatewayHostnames: ['thanos-query.dev-02.example.com'],
    });
    // A default certificate that is not fleet-wide is never used.
    await action({}, { fleetWide: false }).handler(ctx as any);
    expect(proxy.requests.map(r => [r.cluster, r.path])).toEqual([
      [
        'dev-02',
        '/api/v1/namespaces/kube-system/services/sealed-secrets-controller:8080/proxy/v1/cert.pem',
      ],
    ]);
    const label = 'logging/filebeat-client-tls';
    const value = YAML.parse(
      read('clusters/dev-02/pki/filebeat-client-tls.sealedsecret.yaml'),
    ).spec.encryptedData['tls.key'];
    expect(
      controllerDecrypt(dev02, value, label)
        .toString()
        .startsWith('-----BEGIN PRIVATE KEY-----'),
    ).toBe(true);
    expect(() => controllerDecrypt(controller, value, label)).toThrow();
    expect(emitted(ctx)).toContain(
      new X509Certificate(dev02.certificatePem).fingerprint256,
    );
  });

  it('openssl verifies the chain and the purposes', async () => {
    if (!OPENSSL) return; // openssl is not installed here
    await runSealed({});
    const dir = path.join(mockDir.path, 'clusters/dev-02/pki');
    const verify = (file: string, purpose: string) =>
      execFileSync(
        OPENSSL!,
        [
          'verify',
          '-CAfile',
          path.join(dir, 'ca.crt'),
          '-purpose',
          purpose,
          path.join(dir, file),
        ],
        {
          encoding: 'utf8',
          stdio: 'pipe',
        },
      );
    expect(verify('gateway-server.crt', 'sslserver')).toMatch(/: OK/);
    expect(verify('filebeat-client.crt', 'sslclient')).toMatch(/: OK/);
    expect(verify('thanos-query-client.crt', 'sslclient')).toMatch(/: OK/);
    // A client certificate is not a server certificate.
    expect(() => verify('filebeat-client.crt', 'sslserver')).toThrow();
    // An unrelated CA does not verify the chain.
    const other = await createTestCa();
    fs.writeFileSync(path.join(dir, 'other-ca.crt'), other.certificatePem);
    expect(() =>
      execFileSync(
        OPENSSL!,
        [
          'verify',
          '-CAfile',
          path.join(dir, 'other-ca.crt'),
          path.join(dir, 'gateway-server.crt'),
        ],
        {
          stdio: 'pipe',
        },
      ),
    ).toThrow();
  });

  it('RSA keys, RSA CA and a custom validity', async () => {
    await runSealed(
      { keyAlgorithm: 'RSA-2048', validityDays: 30 },
      {
        ca: {
          certificate: rsaCa.certificatePem,
          privateKey: rsaCa.privateKeyPem,
        },
      },
    );
    const cert = new x509.X509Certificate(
      read('clusters/dev-02/pki/gateway-server.crt'),
    );
    expect(cert.publicKey.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect(
      (cert.publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength,
    ).toBe(2048);
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(30 * DAY);
    expect(
      cert.getExtension(x509.KeyUsagesExtension)!.usages &
        x509.KeyUsageFlags.keyEncipherment,
    ).toBeTruthy();
    const rsaCaCert = new x509.X509Certificate(rsaCa.certificatePem);
    expect(
      await cert.verify({
        publicKey: rsaCaCert.publicKey,
        signatureOnly: true,
      }),
    ).toBe(true);
    const dir = path.join(mockDir.path, 'clusters/dev-02/pki');
    const verified = OPENSSL
      ? execFileSync(
          OPENSSL,
          [
            'verify',
            '-CAfile',
            path.join(dir, 'ca.crt'),
            '-purpose',
            'sslserver',
            path.join(dir, 'gateway-server.crt'),
          ],
          { encoding: 'utf8' },
        )
      : 'openssl is not installed here: OK';
    expect(verified).toMatch(/: OK/);
  });

  it('mode cert-manager: Certificate manifests for the configured issuer', async () => {
    const ctx = mockContext(mockDir.path, {
      cluster: 'stag-02',
      gatewayHostnames: ['thanos-query.stag-02.example.com'],
      validityDays: 60,
      renewBeforeDays: 20,
    });
    await action().handler(ctx as any);
    const dir = 'clusters/stag-02/pki';
    expect(listFiles(mockDir.path)).toEqual([
      `${dir}/ca-bundle.yaml`,
      `${dir}/filebeat-client.certificate.yaml`,
      `${dir}/gateway-server.certificate.yaml`,
      `${dir}/jaeger-collector-client.certificate.yaml`,
      `${dir}/thanos-query-client.certificate.yaml`,
    ]);
    const gw = YAML.parse(read(`${dir}/gateway-server.certificate.yaml`));
    expect(gw).toMatchObject({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'gateway-server', namespace: 'envoy-gateway-system' },
      spec: {
        secretName: 'gateway-server-tls',
        dnsNames: ['thanos-query.stag-02.example.com'],
        duration: '1440h',
        renewBefore: '480h',
        usages: ['server auth', 'digital signature'],
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: {
          name: 'platform-ca',
          kind: 'ClusterIssuer',
          group: 'cert-manager.io',
        },
      },
    });
    const fb = YAML.parse(read(`${dir}/filebeat-client.certificate.yaml`));
    expect(fb.spec.usages).toContain('client auth');
    expect(fb.metadata.namespace).toBe('logging');
    const jc = YAML.parse(
      read(`${dir}/jaeger-collector-client.certificate.yaml`),
    );
    expect(jc).toMatchObject({
      metadata: { name: 'jaeger-collector-client', namespace: 'tracing' },
      spec: {
        secretName: 'jaeger-collector-client-tls',
        commonName: 'jaeger-collector.stag-02',
        usages: expect.arrayContaining(['client auth']),
      },
    });
    expect(emitted(ctx)).not.toMatch(/PRIVATE KEY/);
  });

  describe('bad input fails naming the field and writes nothing', () => {
    const sealedInput = {
      cluster: 'dev-02',
      mode: 'sealed',
      gatewayHostnames: ['gw.dev-02.example.com'],
    };
    const expectNothingWritten = () =>
      expect(listFiles(mockDir.path)).toEqual([]);

    it('CA key that does not match its certificate', async () => {
      const other = await createTestCa();
      const ctx = mockContext(mockDir.path, sealedInput);
      await expect(
        action({
          ca: {
            certificate: ca.certificatePem,
            privateKey: other.privateKeyPem,
          },
        }).handler(ctx as any),
      ).rejects.toThrow(/observability\.pki\.ca\.privateKey: does not match/);
      expectNothingWritten();
    });

    it('expired CA certificate', async () => {
      const expired = await createTestCa({
        notBefore: new Date(Date.now() - 400 * DAY),
        notAfter: new Date(Date.now() - DAY),
      });
      const ctx = mockContext(mockDir.path, sealedInput);
      await expect(
        action({
          ca: {
            certificate: expired.certificatePem,
            privateKey: expired.privateKeyPem,
          },
        }).handler(ctx as any),
      ).rejects.toThrow(
        /observability\.pki\.ca\.certificate: the CA certificate expired/,
      );
      expectNothingWritten();
    });

    it('malformed CA certificate', async () => {
      const ctx = mockContext(mockDir.path, sealedInput);
      await expect(
        action({
          ca: {
            certificate:
              '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
            privateKey: ca.privateKeyPem,
          },
        }).handler(ctx as any),
      ).rejects.toThrow(
        /observability\.pki\.ca\.certificate: not a valid PEM certificate/,
      );
      expectNothingWritten();
    });

    it('a certificate that is not a CA', async () => {
      const leafish = await createTestCa({ isCa: false });
      const ctx = mockContext(mockDir.path, sealedInput);
      await expect(
        action({
          ca: {
            certificate: leafish.certificatePem,
            privateKey: leafish.privateKeyPem,
          },
        }).handler(ctx as any),
      ).rejects.toThrow(
        /observability\.pki\.ca\.certificate: not a CA certificate/,
      );
      expectNothingWritten();
    });

    it('no CA key configured for mode sealed', async () => {
      const ctx = mockContext(mockDir.path, sealedInput);
      await expect(
        action({ ca: { certificate: ca.certificatePem } }).handler(ctx as any),
      ).rejects.toThrow(
        /observability\.pki\.ca\.privateKey: no CA private key/,
      );
      expectNothingWritten();
    });

    it('validity beyond the CA expiry', async () => {
      const shortCa = await createTestCa({
        notAfter: new Date(Date.now() + 10 * DAY),
      });
      const ctx = mockContext(mockDir.path, sealedInput);
      await expect(
        action({
          ca: {
            certificate: shortCa.certificatePem,
            privateKey: shortCa.privateKeyPem,
          },
        }).handler(ctx as any),
      ).rejects.toThrow(/validityDays: 90 days would outlive the CA/);
      expectNothingWritten();
    });

    it('expired sealed-secrets certificate', async () => {
      const expired = await createTestController({
        notBefore: new Date(Date.now() - 20 * DAY),
        notAfter: new Date(Date.now() - DAY),
      });
      const ctx = mockContext(mockDir.path, sealedInput);
      await expect(
        action({}, { certificate: expired.certificatePem }).handler(ctx as any),
      ).rejects.toThrow(
        /observability\.sealedSecrets\.certificate: the sealed-secrets certificate expired/,
      );
      expectNothingWritten();
    });

    it('mode sealed for a cluster the Kubernetes plugin does not know, none configured or fleet-wide', async () => {
      const ctx = mockContext(mockDir.path, {
        ...sealedInput,
        cluster: 'dev-03',
        gatewayHostnames: ['gw.dev-03.example.com'],
      });
      await expect(
        action({}, { fleetWide: false }).handler(ctx as any),
      ).rejects.toThrow(
        /cluster: could not fetch the certificate of the sealed-secrets controller of cluster "dev-03" .*the Kubernetes plugin does not know cluster "dev-03".*observability\.sealedSecrets\.clusters\.dev-03\.certificate/,
      );
      expectNothingWritten();
    });

    it('mode sealed without the auth and discovery services to fetch with', async () => {
      const ctx = mockContext(mockDir.path, sealedInput);
      await expect(
        createPkiIssueAction({
          settings: settingsFrom({
            pki: {
              ca: {
                certificate: ca.certificatePem,
                privateKey: ca.privateKeyPem,
              },
            },
          }),
        }).handler(ctx as any),
      ).rejects.toThrow(
        /cluster: no sealed-secrets controller certificate is configured for cluster "dev-02", and it cannot be fetched/,
      );
      expectNothingWritten();
    });

    it.each([
      ['cluster', { ...sealedInput, cluster: 'Dev_02' }, /cluster/],
      [
        'gatewayHostnames',
        { ...sealedInput, gatewayHostnames: ['not a host'] },
        /gatewayHostnames\.0/,
      ],
      [
        'gatewayHostnames (empty)',
        { ...sealedInput, gatewayHostnames: [] },
        /gatewayHostnames/,
      ],
      ['validityDays', { ...sealedInput, validityDays: 0 }, /validityDays/],
      ['keyAlgorithm', { ...sealedInput, keyAlgorithm: 'DSA' }, /keyAlgorithm/],
      ['mode', { ...sealedInput, mode: 'vault' }, /mode/],
      ['outputDir', { ...sealedInput, outputDir: '../../etc' }, /outputDir/],
      [
        'renewBeforeDays',
        { ...sealedInput, mode: 'cert-manager', renewBeforeDays: 90 },
        /renewBeforeDays/,
      ],
    ])('%s', async (_field, input, message) => {
      const ctx = mockContext(mockDir.path, input);
      await expect(action().handler(ctx as any)).rejects.toThrow(message);
      expectNothingWritten();
    });
  });
});

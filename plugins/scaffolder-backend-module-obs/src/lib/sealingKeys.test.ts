import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { ServerResponse } from 'node:http';
import { X509Certificate } from 'node:crypto';
import {
  KUBERNETES_TOKEN_OF_MOCK_USER,
  KubernetesProxyRequest,
  TestController,
  createTestController,
  discoveryAt,
  sendBackstageError,
  settingsFrom,
  startKubernetesProxyStandIn,
} from '../__testUtils__/fixtures';
import {
  MAX_CERTIFICATE_BYTES,
  createSealingKeyResolver,
  sealingKeyFor,
} from './sealingKeys';

jest.setTimeout(60_000);

const CERT_PATH =
  '/api/v1/namespaces/kube-system/services/sealed-secrets-controller:8080/proxy/v1/cert.pem';

const fingerprint = (c: TestController) =>
  new X509Certificate(c.certificatePem).fingerprint256;

const sendPem = (res: ServerResponse, pem: string) => {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(pem);
};

const sendStatus = (
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    }),
  );
};

describe('sealingKeyFor (config only, for the obsSealSecret template filter)', () => {
  let fleet: TestController;
  let prod: TestController;
  let given: TestController;

  beforeAll(async () => {
    [fleet, prod, given] = await Promise.all([
      createTestController(),
      createTestController(),
      createTestController(),
    ]);
  });

  const settings = (sealedSecrets: JsonObject) =>
    settingsFrom({ sealedSecrets });
  const perCluster = () => ({
    clusters: { 'prod-01': { certificate: prod.certificatePem } },
  });

  it('refuses a cluster without a certificate, naming the cluster and the config key', () => {
    expect(() =>
      sealingKeyFor(settings(perCluster()), { cluster: 'dev-07' }),
    ).toThrow(
      /cluster: no sealed-secrets controller certificate is configured for cluster "dev-07"; set observability\.sealedSecrets\.clusters\.dev-07\.certificate/,
    );
  });

  it('refuses an unknown cluster even when a certificate is configured but not declared fleet-wide', () => {
    const s = settings({ certificate: fleet.certificatePem, ...perCluster() });
    expect(() => sealingKeyFor(s, { cluster: 'dev-07' })).toThrow(
      /cluster "dev-07"; set observability\.sealedSecrets\.clusters\.dev-07\.certificate .*observability\.sealedSecrets\.fleetWide: true/,
    );
  });

  it('refuses to seal without a cluster unless a fleet-wide certificate is configured', () => {
    expect(() =>
      sealingKeyFor(
        settings({ certificate: fleet.certificatePem, ...perCluster() }),
        {},
      ),
    ).toThrow(
      /cluster: required to pick the sealed-secrets controller certificate \(observability\.sealedSecrets\.clusters\.<cluster>\.certificate/,
    );
  });

  it('takes the input certificate, then the cluster certificate, then the fleet-wide one', () => {
    const s = settings({
      certificate: fleet.certificatePem,
      fleetWide: true,
      ...perCluster(),
    });
    expect(
      sealingKeyFor(s, {
        certificate: given.certificatePem,
        cluster: 'prod-01',
      }).fingerprint,
    ).toBe(fingerprint(given));
    expect(sealingKeyFor(s, { cluster: 'prod-01' }).fingerprint).toBe(
      fingerprint(prod),
    );
    expect(sealingKeyFor(s, { cluster: 'dev-07' }).fingerprint).toBe(
      fingerprint(fleet),
    );
    expect(sealingKeyFor(s, {}).fingerprint).toBe(fingerprint(fleet));
  });

  it('fleetWide without a certificate names the missing key', () => {
    expect(() =>
      sealingKeyFor(settings({ fleetWide: true }), { cluster: 'dev-07' }),
    ).toThrow(
      /observability\.sealedSecrets\.certificate: no sealed-secrets certificate is configured/,
    );
  });

  it('does not take inherited object keys for cluster names', () => {
    expect(() =>
      sealingKeyFor(settings(perCluster()), { cluster: 'constructor' }),
    ).toThrow(/cluster "constructor"/);
  });
});

describe("createSealingKeyResolver: config, else the cluster's controller through the Kubernetes plugin", () => {
  let fleet: TestController;
  let prod: TestController;
  let given: TestController;
  let dev02: TestController;
  let dev03: TestController;
  let expired: TestController;
  /** Each cluster's controller, as the stand-in proxy serves them. */
  let controllers: Record<string, TestController>;
  let proxy: Awaited<ReturnType<typeof startKubernetesProxyStandIn>>;
  let handler: (
    request: KubernetesProxyRequest,
    res: ServerResponse,
  ) => void | Promise<void>;

  /** The kubernetes-backend's proxy: known clusters answer with their own certificate. */
  const controllerOf = (
    request: KubernetesProxyRequest,
    res: ServerResponse,
  ) => {
    const controller = controllers[request.cluster ?? ''];
    if (!controller) {
      sendBackstageError(
        res,
        404,
        'NotFoundError',
        `Cluster '${request.cluster}' not found`,
      );
      return;
    }
    if (request.path !== CERT_PATH) {
      sendStatus(res, 404, 'NotFound', 'services "x" not found');
      return;
    }
    sendPem(res, controller.certificatePem);
  };

  beforeAll(async () => {
    [fleet, prod, given, dev02, dev03, expired] = await Promise.all([
      createTestController(),
      createTestController(),
      createTestController(),
      createTestController(),
      createTestController(),
      createTestController({
        notBefore: new Date(Date.now() - 20 * 86400_000),
        notAfter: new Date(Date.now() - 86400_000),
      }),
    ]);
    controllers = { 'dev-02': dev02, 'dev-03': dev03, 'prod-01': prod };
    proxy = await startKubernetesProxyStandIn((request, res) =>
      handler(request, res),
    );
  });
  afterAll(() => proxy.close());
  beforeEach(() => {
    proxy.requests.length = 0;
    handler = controllerOf;
  });

  const resolver = (sealedSecrets: JsonObject = {}) =>
    createSealingKeyResolver({
      settings: settingsFrom({
        sealedSecrets: {
          clusters: { 'prod-01': { certificate: prod.certificatePem } },
          ...sealedSecrets,
        },
      }),
      auth: mockServices.auth(),
      discovery: proxy.discovery,
    });
  const credentials = jest.fn(async () => mockCredentials.user());
  const keyFor = (
    target: { cluster?: string; certificate?: string },
    sealedSecrets?: JsonObject,
    now?: Date,
  ) => resolver(sealedSecrets).sealingKeyFor({ ...target, credentials }, now);

  describe('order of the sources', () => {
    it('1. a certificate given with the input, without asking any cluster', async () => {
      const key = await keyFor({
        certificate: given.certificatePem,
        cluster: 'dev-02',
      });
      expect(key.fingerprint).toBe(fingerprint(given));
      expect(proxy.requests).toEqual([]);
    });

    it("2. the cluster's configured certificate overrides its controller's", async () => {
      controllers['prod-01'] = dev02; // what the cluster would answer
      try {
        const key = await keyFor({ cluster: 'prod-01' });
        expect(key.fingerprint).toBe(fingerprint(prod));
        expect(proxy.requests).toEqual([]);
      } finally {
        controllers['prod-01'] = prod;
      }
    });

    it('3. the fleet-wide certificate, only when declared fleet-wide', async () => {
      const key = await keyFor(
        { cluster: 'dev-02' },
        { certificate: fleet.certificatePem, fleetWide: true },
      );
      expect(key.fingerprint).toBe(fingerprint(fleet));
      expect(proxy.requests).toEqual([]);
    });

    it("4. otherwise the cluster's own controller, even when a certificate is configured but not fleet-wide", async () => {
      for (const sealedSecrets of [
        {},
        { certificate: fleet.certificatePem },
        { certificate: fleet.certificatePem, fleetWide: false },
      ]) {
        const key = await keyFor({ cluster: 'dev-02' }, sealedSecrets);
        expect(key.fingerprint).toBe(fingerprint(dev02));
      }
      const key = await keyFor({ cluster: 'dev-03' });
      expect(key.fingerprint).toBe(fingerprint(dev03));
      expect(proxy.requests.map(r => r.cluster)).toEqual([
        'dev-02',
        'dev-02',
        'dev-02',
        'dev-03',
      ]);
    });

    it('no cluster and no fleet-wide certificate: refused before asking anyone', async () => {
      await expect(
        keyFor({}, { certificate: fleet.certificatePem }),
      ).rejects.toThrow(
        /cluster: required to pick the sealed-secrets controller certificate/,
      );
      expect(proxy.requests).toEqual([]);
    });

    it('asks for the credentials of the user who runs the task only when fetching', async () => {
      credentials.mockClear();
      await keyFor({ cluster: 'prod-01' });
      expect(credentials).not.toHaveBeenCalled();
      await keyFor({ cluster: 'dev-02' });
      expect(credentials).toHaveBeenCalledTimes(1);
    });
  });

  describe('the request, as kubeseal --fetch-cert through the Kubernetes plugin', () => {
    it("GETs cert.pem through the controller's service proxy, naming the cluster, on behalf of the user", async () => {
      await keyFor({ cluster: 'dev-02' });
      expect(proxy.requests).toEqual([
        {
          method: 'GET',
          path: CERT_PATH,
          cluster: 'dev-02',
          authorization: `Bearer ${KUBERNETES_TOKEN_OF_MOCK_USER}`,
        },
      ]);
      // The token is the user's (for the kubernetes plugin), not the scaffolder's own.
      expect(KUBERNETES_TOKEN_OF_MOCK_USER).toContain('user:default/mock');
    });

    it('uses the configured controller namespace, name and port', async () => {
      handler = (_request, res) => sendPem(res, dev02.certificatePem);
      await keyFor(
        { cluster: 'dev-02' },
        {
          controllerNamespace: 'sealed-secrets',
          controllerName: 'sealed-secrets',
          controllerPort: 'http',
        },
      );
      await keyFor({ cluster: 'dev-02' }, { controllerPort: 9443 });
      expect(proxy.requests.map(r => r.path)).toEqual([
        '/api/v1/namespaces/sealed-secrets/services/sealed-secrets:http/proxy/v1/cert.pem',
        '/api/v1/namespaces/kube-system/services/sealed-secrets-controller:9443/proxy/v1/cert.pem',
      ]);
    });

    it('is refused without the auth and discovery services, naming the config key', async () => {
      const bare = createSealingKeyResolver({ settings: settingsFrom({}) });
      await expect(
        bare.sealingKeyFor({ cluster: 'dev-02', credentials }),
      ).rejects.toThrow(
        /cluster: no sealed-secrets controller certificate is configured for cluster "dev-02", and it cannot be fetched .*observability\.sealedSecrets\.clusters\.dev-02\.certificate/,
      );
    });

    it('is refused when no token can be had on behalf of the initiator', async () => {
      await expect(
        resolver().sealingKeyFor({
          cluster: 'dev-02',
          credentials: async () => mockCredentials.none(),
        }),
      ).rejects.toThrow(
        /cluster: could not fetch the certificate of the sealed-secrets controller of cluster "dev-02" .*no token for the Kubernetes plugin on behalf of the user who runs the task/,
      );
      expect(proxy.requests).toEqual([]);
    });
  });

  describe('failures name the cluster and what failed, and never fall back to another key', () => {
    const prefix =
      'cluster: could not fetch the certificate of the sealed-secrets controller of cluster "dev-04" (service kube-system/sealed-secrets-controller:8080, through the Kubernetes plugin): ';
    const expectRefused = async (
      message: string | RegExp,
      sealedSecrets: JsonObject = {},
    ) => {
      // Another cluster's certificate and a (not fleet-wide) default are configured:
      // neither may be used for dev-04.
      const attempt = keyFor(
        { cluster: 'dev-04' },
        { certificate: fleet.certificatePem, ...sealedSecrets },
      );
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.toMatchObject({ name: 'InputError' });
    };

    it('a cluster the Kubernetes plugin does not know', async () => {
      await expectRefused(
        `${prefix}the Kubernetes plugin does not know cluster "dev-04" (404: Cluster 'dev-04' not found); register it with the Kubernetes plugin (a kubernetes-cluster Resource in the catalog, or kubernetes.clusterLocatorMethods), or set observability.sealedSecrets.clusters.dev-04.certificate to its certificate (kubeseal --fetch-cert) instead`,
      );
    });

    it('no controller there (404 Status of the API server)', async () => {
      handler = (_request, res) =>
        sendStatus(
          res,
          404,
          'NotFound',
          'services "sealed-secrets-controller" not found',
        );
      await expectRefused(
        `${prefix}the controller was not found (404: services "sealed-secrets-controller" not found); check observability.sealedSecrets.controllerNamespace, controllerName and controllerPort`,
      );
    });

    it('permission denied by the permission policy (kubernetes.proxy)', async () => {
      handler = (_request, res) =>
        sendBackstageError(res, 403, 'NotAllowedError', 'Unauthorized');
      await expectRefused(
        `${prefix}permission denied (403: Unauthorized): the permission policy does not let the user who runs the task use the Kubernetes plugin's proxy (kubernetes.proxy)`,
      );
    });

    it("permission denied by the cluster's API server (RBAC)", async () => {
      handler = (_request, res) =>
        sendStatus(
          res,
          403,
          'Forbidden',
          'services "sealed-secrets-controller:8080" is forbidden: User "backstage" cannot get resource "services/proxy"',
        );
      await expectRefused(
        /permission denied by the cluster's API server .*cannot get resource "services\/proxy".*get on services\/proxy in namespace kube-system/,
      );
    });

    it('the API server is not reachable from the plugin (its 500)', async () => {
      handler = (_request, res) =>
        sendBackstageError(
          res,
          500,
          'ForwardedError',
          "Cluster 'dev-04' request error",
        );
      await expectRefused(
        `${prefix}the cluster's API server or its controller is not reachable (500: Cluster 'dev-04' request error)`,
      );
    });

    it('the controller has no endpoints (503 Status)', async () => {
      handler = (_request, res) =>
        sendStatus(
          res,
          503,
          'ServiceUnavailable',
          'no endpoints available for service "sealed-secrets-controller:8080"',
        );
      await expectRefused(/not reachable \(503: no endpoints available/);
    });

    it('the Kubernetes plugin itself is not reachable', async () => {
      const gone = await startKubernetesProxyStandIn(() => undefined);
      await gone.close();
      const attempt = createSealingKeyResolver({
        settings: settingsFrom({}),
        auth: mockServices.auth(),
        discovery: discoveryAt(gone.url),
      }).sealingKeyFor({ cluster: 'dev-04', credentials });
      await expect(attempt).rejects.toThrow(
        `${prefix}the Kubernetes plugin is not reachable at ${gone.url}/api/kubernetes`,
      );
    });

    it('no answer in time, naming the setting', async () => {
      handler = () => undefined; // never answers
      await expectRefused(
        `${prefix}no answer within 100 ms (observability.sealedSecrets.fetchTimeout)`,
        { fetchTimeout: { milliseconds: 100 } },
      );
    });

    it('an answer whose body stalls times out too', async () => {
      handler = (_request, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('-----BEGIN CERTIFICATE-----\n');
      };
      await expectRefused(
        `${prefix}no answer within 100 ms (observability.sealedSecrets.fetchTimeout)`,
        { fetchTimeout: { milliseconds: 100 } },
      );
    });

    it('an oversized answer (declared or streamed)', async () => {
      const big = `${dev02.certificatePem}${'#'.repeat(MAX_CERTIFICATE_BYTES)}`;
      handler = (_request, res) => sendPem(res, big);
      await expectRefused(`${prefix}the answer is larger than 65536 bytes`);
      handler = (_request, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' }); // chunked, no length
        for (let i = 0; i < 20; i += 1) res.write('#'.repeat(8192));
        res.end();
      };
      await expectRefused(`${prefix}the answer is larger than 65536 bytes`);
    });

    it.each([
      ['an HTML page', '<html><body>Welcome to nginx!</body></html>'],
      ['empty', ''],
      [
        'a private key',
        '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n',
      ],
    ])('not a certificate: %s', async (_title, body) => {
      handler = (_request, res) => sendPem(res, body);
      await expectRefused(`${prefix}the answer is not a PEM certificate`);
    });

    it('a broken certificate', async () => {
      handler = (_request, res) =>
        sendPem(
          res,
          '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n',
        );
      await expectRefused(
        /^cluster: the certificate fetched from the sealed-secrets controller of cluster "dev-04" \(service kube-system\/sealed-secrets-controller:8080\): not a valid PEM certificate/,
      );
    });

    it('an expired certificate', async () => {
      handler = (_request, res) => sendPem(res, expired.certificatePem);
      await expectRefused(
        /^cluster: the certificate fetched from the sealed-secrets controller of cluster "dev-04" \(service kube-system\/sealed-secrets-controller:8080\): the sealed-secrets certificate expired on /,
      );
    });

    it('a certificate that is not valid yet (checked at the given time)', async () => {
      handler = (_request, res) => sendPem(res, dev02.certificatePem);
      await expect(
        keyFor(
          { cluster: 'dev-04' },
          {},
          new Date(Date.now() - 30 * 86400_000),
        ),
      ).rejects.toThrow(/is not valid before/);
    });
  });
});

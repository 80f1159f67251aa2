import {
  X509Certificate,
  constants,
  createPrivateKey,
  privateDecrypt,
  publicEncrypt,
} from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFrom } from './__testUtils__/getFrom';
import {
  FleetSimulator,
  sealingControllerCertificate,
  sealingControllerKeys,
  startFleetSimulator,
} from './index';

jest.setTimeout(60_000);

let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
});
afterAll(() => sim.close());

const CERT_PATH =
  '/api/v1/namespaces/kube-system/services/sealed-secrets-controller:8080/proxy/v1/cert.pem';
// What kubeseal --fetch-cert asks for: ProxyGet("http", name, "", "/v1/cert.pem").
const KUBESEAL_PATH =
  '/api/v1/namespaces/kube-system/services/http:sealed-secrets-controller:/proxy/v1/cert.pem';

const get = getFrom(() => sim.url);

describe("fleet simulator: each cluster's sealed-secrets controller", () => {
  it("serves the PEM certificate of the cluster's own controller", async () => {
    const r = await get(`/k8s/dev-01${CERT_PATH}`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
    expect(r.text).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/,
    );
    expect(r.text).toBe(await sealingControllerCertificate('dev-01'));
  });

  it('makes a certificate like the controller does: self-signed RSA 2048, CN/O sealed-secret, valid now', async () => {
    const cert = new X509Certificate(
      (await get(`/k8s/prod-01${CERT_PATH}`)).text,
    );
    expect(cert.subject.split('\n').sort()).toEqual([
      'CN=sealed-secret',
      'O=sealed-secret',
    ]);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    // CA:TRUE, but key usage encipher only (as the controller's): not a signing CA.
    expect(cert.ca).toBe(false);
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const now = Date.now();
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(now);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(
      now + 9 * 365 * 86400_000,
    );
  });

  it('is parsed by openssl as well', async () => {
    const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find(p =>
      fs.existsSync(p),
    );
    if (!openssl) return; // not installed here
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealing-'));
    try {
      const file = path.join(dir, 'cert.pem');
      fs.writeFileSync(file, await sealingControllerCertificate('stag-01'));
      const text = execFileSync(
        openssl,
        ['x509', '-in', file, '-noout', '-text'],
        {
          encoding: 'utf8',
        },
      );
      expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
      expect(text).toMatch(/Public-Key: \(2048 bit\)/);
      expect(text).toMatch(/Key Usage: critical\s+Encipher Only/);
      expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives each cluster its own key pair, the same on every request', async () => {
    const [dev, prod, devAgain, kubeseal] = await Promise.all([
      get(`/k8s/dev-01${CERT_PATH}`),
      get(`/k8s/prod-01${CERT_PATH}`),
      get(`/k8s/dev-01${CERT_PATH}`),
      get(`/k8s/dev-01${KUBESEAL_PATH}`),
    ]);
    expect(devAgain.text).toBe(dev.text);
    expect(kubeseal.status).toBe(200);
    expect(kubeseal.text).toBe(dev.text);
    const fingerprint = (pem: string) =>
      new X509Certificate(pem).fingerprint256;
    expect(fingerprint(prod.text)).not.toBe(fingerprint(dev.text));
  });

  it('hands tests the private key that matches the served certificate', async () => {
    const keys = await sealingControllerKeys('ops-01');
    const served = (await get(`/k8s/ops-01${CERT_PATH}`)).text;
    expect(served).toBe(keys.certificatePem);
    const secret = Buffer.from('session key');
    const oaep = {
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: Buffer.from('ns/name'),
    };
    const sealed = publicEncrypt(
      { key: new X509Certificate(served).publicKey, ...oaep },
      secret,
    );
    expect(
      privateDecrypt(
        { key: createPrivateKey(keys.privateKeyPem), ...oaep },
        sealed,
      ),
    ).toEqual(secret);
    const other = await sealingControllerKeys('dev-01');
    expect(() =>
      privateDecrypt(
        { key: createPrivateKey(other.privateKeyPem), ...oaep },
        sealed,
      ),
    ).toThrow();
  });

  it('answers for a new cluster the simulator does not model yet (dev-02)', async () => {
    expect(sim.clusters.map(c => c.name)).not.toContain('dev-02');
    const r = await get(`/k8s/dev-02${CERT_PATH}`);
    expect(r.status).toBe(200);
    expect(r.text).toBe(await sealingControllerCertificate('dev-02'));
    expect(r.text).not.toBe(await sealingControllerCertificate('dev-01'));
    // The rest of its API is a fresh API server's: no workloads yet.
    const pods = await get('/k8s/dev-02/api/v1/pods');
    expect(pods.status).toBe(200);
    expect(JSON.parse(pods.text)).toMatchObject({ kind: 'PodList', items: [] });
  });

  it('does not answer for names that are not cluster names', async () => {
    const r = await get(`/k8s/not_a_cluster${CERT_PATH}`);
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it.each([
    [
      'another service',
      '/api/v1/namespaces/kube-system/services/x:8080/proxy/v1/cert.pem',
      'x',
    ],
    [
      'another namespace',
      '/api/v1/namespaces/sealed-secrets/services/sealed-secrets-controller:8080/proxy/v1/cert.pem',
      'sealed-secrets-controller',
    ],
  ])('%s: 404 with a Kubernetes Status', async (_title, p, name) => {
    const r = await get(`/k8s/dev-01${p}`);
    expect(r.status).toBe(404);
    expect(r.type).toBe('application/json');
    expect(r.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `services "${name}" not found`,
      reason: 'NotFound',
      details: { name, kind: 'services' },
      code: 404,
    });
  });

  it('a port the controller does not listen on: 503, as the API server answers', async () => {
    const r = await get(
      '/k8s/dev-01/api/v1/namespaces/kube-system/services/sealed-secrets-controller:9999/proxy/v1/cert.pem',
    );
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
    });
  });

  it("another path of the controller: the controller's own 404", async () => {
    const r = await get(
      '/k8s/dev-01/api/v1/namespaces/kube-system/services/sealed-secrets-controller:8080/proxy/v1/other',
    );
    expect(r.status).toBe(404);
    expect(r.text).toBe('404 page not found\n');
  });

  it('is read-only', async () => {
    const r = await get(`/k8s/dev-01${CERT_PATH}`, { method: 'POST' });
    expect(r.status).toBe(405);
    expect(r.json).toMatchObject({
      kind: 'Status',
      reason: 'MethodNotAllowed',
    });
  });

  it('leaves the rest of the Kubernetes API as it was', async () => {
    expect(
      (await get('/k8s/dev-01/api/v1/namespaces/shop/services')).status,
    ).toBe(200);
    expect(
      (await get('/k8s/dev-01/api/v1/namespaces/shop/services/checkout'))
        .status,
    ).toBe(200);
  });
});

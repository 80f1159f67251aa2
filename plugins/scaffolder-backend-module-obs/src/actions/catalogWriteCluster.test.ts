import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  TestCa,
  createTestCa,
  listFiles,
  mockContext,
} from '../__testUtils__/fixtures';
import { parseStrict } from '../__testUtils__/hostileStrings';
import { createCatalogWriteClusterAction } from './catalogWriteCluster';

jest.setTimeout(60_000);

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('obs:catalog:write-cluster', () => {
  const mockDir = createMockDirectory();
  // The Grafana link's host comes from observability.ui.grafanaUrl (point 8).
  const action = createCatalogWriteClusterAction({
    settings: {
      httpClusterHosts: [],
      grafanaUrl: 'https://grafana.corp.example/',
    },
  });
  let ca: TestCa;
  let other: TestCa;
  beforeAll(async () => {
    [ca, other] = await Promise.all([createTestCa(), createTestCa()]);
  });
  beforeEach(() => mockDir.clear());

  const input = () => ({
    cluster: 'dev-07',
    environment: 'dev',
    server: 'https://dev-07-k8s.endpoint.kubernetes',
    caData: b64(ca.certificatePem),
    authProvider: 'aws',
    owner: 'group:default/platform-team',
  });
  const file = 'clusters/dev-07/catalog-info.yaml';

  async function run(values: Record<string, unknown>) {
    const ctx = mockContext(mockDir.path, values);
    await action.handler(ctx as any);
    return {
      ctx,
      outputs: Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    };
  }

  it('writes the Resource entity of the cluster with the yaml library', async () => {
    const { outputs } = await run(input());
    expect(outputs).toEqual({
      path: file,
      entityRef: 'resource:default/dev-07',
    });
    const text = fs.readFileSync(path.join(mockDir.path, file), 'utf8');
    expect(text).toMatch(/^# The cluster as a catalog entity/);
    expect(parseStrict(text)).toEqual([
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'dev-07',
          title: 'dev-07 (dev)',
          description:
            'Kubernetes cluster dev-07, onboarded to the observability platform by the portal',
          labels: { 'observability.fleetobs.io/environment': 'dev' },
          annotations: {
            'kubernetes.io/api-server':
              'https://dev-07-k8s.endpoint.kubernetes',
            'kubernetes.io/api-server-certificate-authority': b64(
              ca.certificatePem,
            ),
            'kubernetes.io/auth-provider': 'aws',
          },
          links: [
            {
              url: 'https://grafana.corp.example/d/cluster-overview?var-cluster=dev-07',
              title: 'Grafana (cluster overview)',
              icon: 'dashboard',
            },
          ],
        },
        spec: {
          type: 'kubernetes-cluster',
          owner: 'group:default/platform-team',
          system: 'observability-platform',
        },
      },
    ]);
  });

  it('has no Grafana link when observability.ui.grafanaUrl is not configured (no made-up host)', async () => {
    const ctx = mockContext(mockDir.path, input());
    await createCatalogWriteClusterAction().handler(ctx as any);
    const [entity] = parseStrict(
      fs.readFileSync(path.join(mockDir.path, file), 'utf8'),
    ) as any[];
    expect(entity.metadata.links).toEqual([]);
  });

  it('accepts an empty caData, a CA bundle, CRLF PEM and short owner refs', async () => {
    for (const [caData, owner] of [
      ['', 'platform-team'],
      [b64(`${ca.certificatePem}\n${other.certificatePem}`), 'user:alice'],
      [b64(ca.certificatePem.replace(/\n/g, '\r\n')), 'Group:ops/sre_team.eu'],
    ]) {
      mockDir.clear();
      await run({ ...input(), caData, owner });
      const [entity] = parseStrict(
        fs.readFileSync(path.join(mockDir.path, file), 'utf8'),
      ) as any[];
      expect(
        entity.metadata.annotations[
          'kubernetes.io/api-server-certificate-authority'
        ],
      ).toBe(caData);
      expect(entity.spec.owner).toBe(owner);
    }
  });

  it('refuses caData that is not base64 of PEM certificates, naming the field and writing nothing', async () => {
    const pem = ca.certificatePem;
    const cases: Array<[string, string, RegExp]> = [
      ['not base64', 'not base64!', /caData: must be base64/],
      [
        'base64 of a newline-injected value',
        b64('x\nkubernetes.io/skip-tls-verify: "true"'),
        /caData: must decode to PEM certificates/,
      ],
      [
        'a truncated PEM prefix',
        'LS0tLS1CRUdJTg==',
        /caData: must decode to PEM certificates/,
      ],
      [
        'text after the certificate',
        b64(`${pem}kubernetes.io/skip-tls-verify: "true"\n`),
        /caData: must decode to PEM certificates/,
      ],
      [
        'a private key next to the certificate',
        b64(`${pem}${ca.privateKeyPem}`),
        /caData: must decode to PEM certificates/,
      ],
      [
        'a PEM block that is not a certificate',
        b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
        /caData: certificate 1 is not a valid X\.509 certificate/,
      ],
      [
        'base64 with a newline',
        `${b64(pem).slice(0, 8)}\n${b64(pem).slice(8)}`,
        /caData: must be base64/,
      ],
    ];
    for (const [title, caData, message] of cases) {
      const ctx = mockContext(mockDir.path, { ...input(), caData });
      await expect(
        action.handler(ctx as any).then(() => title),
      ).rejects.toThrow(message);
      expect(listFiles(mockDir.path)).toEqual([]);
    }
  });

  it('refuses an owner that is not an entity ref and a bad server or cluster, writing nothing', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { owner: 'group:default/platform-team\nx: y' },
        /owner: must be an entity ref/,
      ],
      [
        { owner: 'component:default/x' },
        /owner: must be an entity ref of a group or user/,
      ],
      [{ owner: `group:default/${'a'.repeat(64)}` }, /owner: .*at most 63/],
      [{ owner: '' }, /owner: must be an entity ref/],
      [{ owner: undefined }, /owner: Required/],
      [
        { server: 'https://a.example.com/\nx: y' },
        /server: must not contain whitespace/,
      ],
      [
        { server: 'https://a.example.com/?x=1' },
        /server: must not have a query/,
      ],
      [{ server: 'http://a.example.com' }, /server: must use https/],
      [{ cluster: 'dev-07\nx: y' }, /cluster: must match/],
      [{ authProvider: 'serviceAccount' }, /authProvider/],
      [{ system: 'x: y' }, /system: must be an entity ref/],
      [{ targetPath: '../x.yaml' }, /targetPath: path escapes the workspace/],
    ];
    for (const [patch, message] of cases) {
      const ctx = mockContext(mockDir.path, { ...input(), ...patch });
      await expect(action.handler(ctx as any)).rejects.toThrow(message);
      expect(listFiles(mockDir.path)).toEqual([]);
    }
  });

  it('warns about an expired CA certificate', async () => {
    const expired = await createTestCa({
      notBefore: new Date(Date.now() - 20 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    const { ctx } = await run({
      ...input(),
      caData: b64(expired.certificatePem),
    });
    expect((ctx.logger.warn as jest.Mock).mock.calls.flat().join('\n')).toMatch(
      /caData: certificate .* expired/,
    );
    expect(
      YAML.parse(fs.readFileSync(path.join(mockDir.path, file), 'utf8')).kind,
    ).toBe('Resource');
  });
});

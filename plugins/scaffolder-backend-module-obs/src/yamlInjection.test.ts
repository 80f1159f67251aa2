/**
 * Every action input that reaches a YAML file, fed with the hostile strings of
 * __testUtils__/hostileStrings.ts: each is either refused with an error naming the field
 * (and nothing written), or written so that the file parses cleanly, gains no key, and
 * reads back exactly the input (byte for byte).
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  TestCa,
  TestController,
  VALUES_DIR,
  controllerDecrypt,
  createTestCa,
  createTestController,
  mockContext,
  seedValues,
  settingsFrom,
  snapshot,
} from './__testUtils__/fixtures';
import {
  HOSTILE_STRINGS,
  HostileOutcome,
  expectRefusedOrRoundTrip,
  injectedKeys,
  parseStrict,
} from './__testUtils__/hostileStrings';
import { createCatalogWriteClusterAction } from './actions/catalogWriteCluster';
import { createClusterPromoteAction } from './actions/clusterPromote';
import { fakeGateBackend } from './actions/clusterPromoteGate.testHelpers';
import { createClusterValuesAction } from './actions/clusterValues';
import { createGlobalQueryAddStoreAction } from './actions/globalQueryAddStore';
import { createPkiIssueAction } from './actions/pkiIssue';
import { createSecretSealAction } from './actions/secretSeal';
import { SECRET_KEY_PATTERN } from './lib/naming';
import { newValuesFileText } from './lib/valuesTemplate';

jest.setTimeout(120_000);

type Input = Record<string, unknown>;
type Written = Record<string, unknown[]>;

/** Sets `value` at a dotted path of a copy of `input` (`a.b`, `list.0`). */
function withValue(input: Input, dotted: string, value: unknown): Input {
  const copy = JSON.parse(JSON.stringify(input));
  const keys = dotted.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    node[key] = node[key] ?? {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
  return copy;
}

/** The only document of the only written file whose path matches. */
function only(written: Written, pattern: RegExp): any {
  const paths = Object.keys(written).filter(p => pattern.test(p));
  if (paths.length !== 1 || written[paths[0]].length !== 1) {
    throw new Error(`expected one written ${pattern}, got ${paths.join(', ')}`);
  }
  return written[paths[0]][0];
}

describe('YAML injection: every action input that reaches a file', () => {
  const mockDir = createMockDirectory();
  let controller: TestController;
  let ca: TestCa;
  beforeAll(async () => {
    [controller, ca] = await Promise.all([
      createTestController(),
      createTestCa(),
    ]);
  });

  const files = () => snapshot(mockDir.path);

  /**
   * Runs the action once per hostile string with it at `field` and returns the outcomes,
   * so that each test can also say which outcome it expects.
   */
  async function feed(options: {
    action: { handler(ctx: any): Promise<void> };
    input: Input;
    field: string;
    names?: string[];
    valueIn: (written: Written, value: string) => unknown;
    setup?: () => void;
    valueFor?: (hostile: string) => unknown;
  }): Promise<Record<string, HostileOutcome>> {
    const outcomes: Record<string, HostileOutcome> = {};
    for (const [label, hostile] of HOSTILE_STRINGS) {
      mockDir.clear();
      options.setup?.();
      const value = options.valueFor ? options.valueFor(hostile) : hostile;
      try {
        outcomes[label] = await expectRefusedOrRoundTrip({
          field: options.names ?? options.field,
          value,
          act: () =>
            options.action.handler(
              mockContext(
                mockDir.path,
                withValue(options.input, options.field, value),
              ),
            ),
          files,
          valueIn: written => options.valueIn(written, hostile),
        });
      } catch (e) {
        throw new Error(
          `${options.field} <- ${label}: ${(e as Error).message}`,
        );
      }
    }
    return outcomes;
  }

  const allRefused = (outcomes: Record<string, HostileOutcome>) =>
    Object.entries(outcomes).filter(([, o]) => o !== 'refused');

  /**
   * The hostile strings that were accepted although not plain words. Only plain words
   * (e.g. "true", a valid DNS name) may get through, as exact strings; Secret data keys may
   * also be made of `-._` (e.g. "---", a valid key that YAML quotes).
   */
  const acceptedNonPlain = (
    outcomes: Record<string, HostileOutcome>,
    plain = /^[A-Za-z0-9]+$/,
  ) =>
    Object.entries(outcomes)
      .filter(([, o]) => o === 'round-trip')
      .map(([label]) => HOSTILE_STRINGS.find(([l]) => l === label)![1])
      .filter(v => !plain.test(v));

  describe('obs:cluster:values', () => {
    const action = createClusterValuesAction({ settings: settingsFrom({}) });
    const create = {
      cluster: 'dev-05',
      environment: 'dev',
      server: 'https://dev-05-k8s.endpoint.kubernetes',
    };
    const newFile = (w: Written) => only(w, /values\.dev-05\.yaml$/);

    it.each([
      ['cluster', (d: any) => d.cluster.name],
      ['server', (d: any) => d.cluster.server],
      ['targetRevision', (d: any) => d.source.targetRevision],
      ['thanos.bucket', (d: any) => d.observability.thanos.objstore.bucket],
      ['thanos.prefix', (d: any) => d.observability.thanos.objstore.prefix],
      ['logging.indexPrefix', (d: any) => d.observability.logging.indexPrefix],
      [
        'logging.shippingEndpoint',
        (d: any) => d.observability.logging.shipping.endpoint,
      ],
      [
        'tracing.spanIndexPrefix',
        (d: any) => d.observability.tracing.spanIndexPrefix,
      ],
    ])('create: %s', async (field, read) => {
      const outcomes = await feed({
        action,
        input: create,
        field,
        // Alignment errors name the YAML path of the value.
        names: [
          field,
          `observability.${field.replace(
            'shippingEndpoint',
            'shipping.endpoint',
          )}`,
          'observability.thanos.objstore',
        ],
        setup: () => seedValues(mockDir.path),
        valueIn: w => read(newFile(w)),
      });
      expect(acceptedNonPlain(outcomes)).toEqual([]);
    });

    /** Adds the external label `region` to every seed file, so a new cluster may have it. */
    const seedWithRegion = () => {
      seedValues(mockDir.path);
      const dir = path.join(mockDir.path, VALUES_DIR);
      for (const name of fs.readdirSync(dir)) {
        const doc = YAML.parseDocument(
          fs.readFileSync(path.join(dir, name), 'utf8'),
        );
        doc.setIn(['observability', 'externalLabels', 'region'], 'eu-west-1');
        fs.writeFileSync(path.join(dir, name), doc.toString());
      }
    };

    it('create and update: an external label value is free text and round-trips exactly', async () => {
      const created = await feed({
        action,
        input: create,
        field: 'extraExternalLabels.region',
        setup: seedWithRegion,
        valueIn: w => newFile(w).observability.externalLabels.region,
      });
      expect(allRefused(created).length).toBe(HOSTILE_STRINGS.length);
      const updated = await feed({
        action,
        input: { cluster: 'stag-01', mode: 'update' },
        field: 'extraExternalLabels.region',
        setup: seedWithRegion,
        valueIn: w =>
          only(w, /values\.stag-01\.yaml$/).observability.externalLabels.region,
      });
      expect(allRefused(updated).length).toBe(HOSTILE_STRINGS.length);
    });

    it('create: an external label name is refused', async () => {
      const outcomes: HostileOutcome[] = [];
      for (const [, hostile] of HOSTILE_STRINGS) {
        mockDir.clear();
        seedValues(mockDir.path);
        outcomes.push(
          await expectRefusedOrRoundTrip({
            // A valid name that no sibling has is an alignment error.
            field: ['extraExternalLabels', 'observability.externalLabels'],
            value: 'v',
            act: () =>
              action.handler(
                mockContext(mockDir.path, {
                  ...create,
                  extraExternalLabels: { [hostile]: 'v' },
                }) as any,
              ),
            files,
            valueIn: () => 'v',
          }),
        );
      }
      expect(outcomes.every(o => o === 'refused')).toBe(true);
    });

    it('update: server and targetRevision keep the file clean', async () => {
      for (const [field, read] of [
        ['server', (d: any) => d.cluster.server],
        ['targetRevision', (d: any) => d.source.targetRevision],
      ] as const) {
        const outcomes = await feed({
          action,
          input: { cluster: 'stag-01', mode: 'update' },
          field,
          setup: () => seedValues(mockDir.path),
          valueIn: w => read(only(w, /values\.stag-01\.yaml$/)),
        });
        expect(acceptedNonPlain(outcomes)).toEqual([]);
      }
    });

    it('newValuesFileText: every value and label name round-trips exactly, comments kept', () => {
      for (const [label, hostile] of HOSTILE_STRINGS) {
        const text = newValuesFileText({
          cluster: hostile,
          server: hostile,
          environment: hostile,
          targetRevision: hostile,
          components: { monitoring: true, logging: true, jaeger: false },
          jaegerQuery: false,
          labels: { cluster: `c ${hostile}`, environment: `e ${hostile}` },
          extraLabels: { region: hostile },
          objstore: {
            type: 'S3',
            endpoint: hostile,
            bucket: hostile,
            prefix: hostile,
          },
          indexPrefix: hostile,
          shippingEndpoint: hostile,
          spanIndexPrefix: hostile,
          collectorElasticsearchUrl: hostile,
          retention: {
            metrics: {
              raw: hostile,
              fiveMinutes: hostile,
              oneHour: hostile,
              bucketLifecycle: hostile,
            },
            logs: {
              rolloverMaxAge: hostile,
              rolloverMaxSize: hostile,
              warmAfter: hostile,
              deleteAfter: hostile,
            },
          },
        });
        const [doc] = parseStrict(text) as any[];
        // Label names hold the hostile text themselves: checked exactly below.
        const { externalLabels, ...rest } = doc.observability;
        const { tags, ...collector } = rest.tracing.collector;
        expect({
          label,
          injected: injectedKeys({
            ...doc,
            observability: {
              ...rest,
              tracing: { ...rest.tracing, collector },
            },
          }),
        }).toEqual({
          label,
          injected: [],
        });
        expect(doc.cluster).toEqual({
          name: hostile,
          server: hostile,
          environment: hostile,
        });
        expect(doc.source).toEqual({
          targetRevision: hostile,
          helm: { valueFiles: `values.${hostile}.yaml` },
        });
        expect(externalLabels).toEqual({
          [`c ${hostile}`]: hostile,
          [`e ${hostile}`]: hostile,
          region: hostile,
        });
        expect(tags).toEqual({ [`c ${hostile}`]: hostile });
        expect(doc.observability.thanos.objstore).toMatchObject({
          type: 'S3',
          endpoint: hostile,
          bucket: hostile,
          prefix: hostile,
          lifecycle: hostile,
        });
        expect(doc.observability.thanos.compactor.retention).toEqual({
          raw: hostile,
          '5m': hostile,
          '1h': hostile,
        });
        expect(doc.observability.logging.ilm.delete.minAge).toBe(hostile);
        expect(doc.observability.tracing.collector.elasticsearch.url).toBe(
          hostile,
        );
        // Outside ops the fleet's trace policy is not written.
        expect(doc.observability.tracing.ilm).toBeUndefined();
        expect(doc.observability.logging.indexPrefix).toBe(hostile);
        expect(doc.observability.logging.shipping.endpoint).toBe(hostile);
        expect(doc.observability.tracing.spanIndexPrefix).toBe(hostile);
        expect(Object.keys(doc)).toEqual([
          'cluster',
          'source',
          'certManager',
          'sealedSecrets',
          'envoyGateway',
          'externalDns',
          'monitoring',
          'logging',
          'jaeger',
          'observability',
        ]);
        // The header comment holds the cluster name, one "#" per line.
        const header = text.slice(0, text.indexOf('\ncluster:'));
        expect(
          header.split('\n').every(l => l === '' || l.startsWith('#')),
        ).toBe(true);
      }
    });
  });

  describe('obs:globalquery:add-store', () => {
    const action = createGlobalQueryAddStoreAction({
      settings: settingsFrom({}),
    });
    it.each(['cluster', 'endpoint'])('%s is refused', async field => {
      const outcomes = await feed({
        action,
        input: {
          cluster: 'dev-05',
          endpoint: 'thanos-query.dev-05.example.com:443',
        },
        field,
        setup: () => seedValues(mockDir.path),
        valueIn: () => undefined,
      });
      expect(allRefused(outcomes)).toEqual([]);
    });
  });

  describe('obs:pki:issue', () => {
    const action = (issuerName = 'platform-ca') =>
      createPkiIssueAction({
        settings: settingsFrom({
          sealedSecrets: {
            certificate: controller.certificatePem,
            fleetWide: true,
          },
          pki: {
            ca: {
              certificate: ca.certificatePem,
              privateKey: ca.privateKeyPem,
            },
            issuerRef: { name: issuerName, kind: 'ClusterIssuer' },
          },
        }),
      });
    const input = {
      cluster: 'dev-05',
      mode: 'cert-manager',
      gatewayHostnames: ['thanos-query.dev-05.example.com'],
    };
    const certificate = (w: Written, id: string) =>
      only(w, new RegExp(`/${id}\\.certificate\\.yaml$`));
    // The input is validated before the mode matters; cert-manager mode shows the values.
    it.each([
      [
        'cluster',
        (w: Written) => certificate(w, 'filebeat-client').spec.commonName,
      ],
      [
        'gatewayHostnames.0',
        (w: Written) => certificate(w, 'gateway-server').spec.commonName,
      ],
      [
        'namespaces.gateway',
        (w: Written) => certificate(w, 'gateway-server').metadata.namespace,
      ],
      [
        'namespaces.logging',
        (w: Written) => certificate(w, 'filebeat-client').metadata.namespace,
      ],
      [
        'namespaces.monitoring',
        (w: Written) =>
          certificate(w, 'thanos-query-client').metadata.namespace,
      ],
    ])('%s', async (field, read) => {
      const outcomes = await feed({
        action: action(),
        input,
        field,
        valueIn: read,
      });
      expect(acceptedNonPlain(outcomes)).toEqual([]);
    });

    it('config values (issuerRef.name) round-trip exactly', async () => {
      for (const [, hostile] of HOSTILE_STRINGS) {
        mockDir.clear();
        const outcome = await expectRefusedOrRoundTrip({
          field: 'issuerRef',
          value: hostile,
          act: () =>
            action(hostile).handler(mockContext(mockDir.path, input) as any),
          files,
          valueIn: w =>
            only(w, /gateway-server\.certificate\.yaml$/).spec.issuerRef.name,
        });
        expect(outcome).toBe('round-trip');
      }
    });
  });

  describe('obs:secret:seal', () => {
    const sealAction = () =>
      createSecretSealAction({
        settings: settingsFrom({
          sealedSecrets: {
            certificate: controller.certificatePem,
            fleetWide: true,
          },
        }),
      });
    const action = { handler: (ctx: any) => sealAction().handler(ctx) };
    const input = {
      name: 'thanos-objstore',
      namespace: 'monitoring',
      data: { token: 't' },
      targetPath: 'out/secret.yaml',
    };
    const manifest = (w: Written) => only(w, /out\/secret\.yaml$/);

    it.each([
      ['name', (m: any) => m.metadata.name],
      ['namespace', (m: any) => m.metadata.namespace],
      ['type', (m: any) => m.spec.template.type],
      ['cluster', () => undefined],
      ['scope', () => undefined],
      ['labels.team', (m: any) => m.spec.template.metadata.labels.team],
    ])('%s', async (field, read) => {
      const outcomes = await feed({
        action,
        input,
        field,
        valueIn: w => read(manifest(w)),
      });
      expect(acceptedNonPlain(outcomes)).toEqual([]);
    });

    it('label, annotation and data keys', async () => {
      const read: Record<string, (m: any, key: string) => unknown> = {
        labels: (m, key) => m.spec.template.metadata.labels[key],
        annotations: (m, key) => m.spec.template.metadata.annotations[key],
        data: (m, key) =>
          controllerDecrypt(
            controller,
            m.spec.encryptedData[key],
            'monitoring/thanos-objstore',
          ).toString(),
        yamlData: (m, key) =>
          YAML.parse(
            controllerDecrypt(
              controller,
              m.spec.encryptedData[key],
              'monitoring/thanos-objstore',
            ).toString(),
          ),
      };
      for (const map of Object.keys(read)) {
        const outcomes: Record<string, HostileOutcome> = {};
        for (const [label, hostile] of HOSTILE_STRINGS) {
          mockDir.clear();
          outcomes[label] = await expectRefusedOrRoundTrip({
            field: map,
            value: 'v',
            act: () =>
              action.handler(
                mockContext(mockDir.path, {
                  ...input,
                  [map]: {
                    ...(map === 'data' ? input.data : {}),
                    [hostile]: 'v',
                  },
                }) as any,
              ),
            files,
            valueIn: w => read[map](manifest(w), hostile),
          });
        }
        expect(
          acceptedNonPlain(
            outcomes,
            map.endsWith('ata') ? SECRET_KEY_PATTERN : undefined,
          ),
        ).toEqual([]);
      }
    });

    it('annotation values round-trip exactly', async () => {
      const outcomes = await feed({
        action,
        input,
        field: 'annotations.note',
        valueIn: w => manifest(w).spec.template.metadata.annotations.note,
      });
      expect(allRefused(outcomes).length).toBe(HOSTILE_STRINGS.length);
    });

    it('yamlData values are sealed as YAML that round-trips exactly', async () => {
      const outcomes = await feed({
        action,
        input: {
          ...input,
          data: undefined,
          yamlData: {
            objstore: { type: 'S3', config: { bucket: 'thanos-dev' } },
          },
        },
        field: 'yamlData.objstore.config.access_key',
        valueIn: (w, hostile) => {
          const plain = controllerDecrypt(
            controller,
            manifest(w).spec.encryptedData.objstore,
            'monitoring/thanos-objstore',
          ).toString();
          const [doc] = parseStrict(plain) as any[];
          expect(injectedKeys(doc)).toEqual([]);
          expect(doc).toEqual({
            type: 'S3',
            config: { bucket: 'thanos-dev', access_key: hostile },
          });
          return doc.config.access_key;
        },
      });
      expect(allRefused(outcomes).length).toBe(HOSTILE_STRINGS.length);
    });
  });

  describe('obs:catalog:write-cluster', () => {
    const action = createCatalogWriteClusterAction();
    const input = () => ({
      cluster: 'dev-05',
      environment: 'dev',
      server: 'https://dev-05-k8s.endpoint.kubernetes',
      caData: Buffer.from(ca.certificatePem).toString('base64'),
      authProvider: 'oidc',
      owner: 'group:default/platform-team',
    });
    const entity = (w: Written) => only(w, /catalog-info\.yaml$/);

    it.each([
      ['cluster', (e: any) => e.metadata.name],
      [
        'environment',
        (e: any) => e.metadata.labels['observability.fleetobs.io/environment'],
      ],
      [
        'server',
        (e: any) => e.metadata.annotations['kubernetes.io/api-server'],
      ],
      [
        'caData',
        (e: any) =>
          e.metadata.annotations[
            'kubernetes.io/api-server-certificate-authority'
          ],
      ],
      [
        'authProvider',
        (e: any) => e.metadata.annotations['kubernetes.io/auth-provider'],
      ],
      ['owner', (e: any) => e.spec.owner],
      ['system', (e: any) => e.spec.system],
    ])('%s', async (field, read) => {
      const outcomes = await feed({
        action,
        input: input(),
        field,
        valueIn: w => read(entity(w)),
      });
      expect(acceptedNonPlain(outcomes)).toEqual([]);
    });

    it('caData: base64 of a hostile string is refused', async () => {
      const outcomes = await feed({
        action,
        input: input(),
        field: 'caData',
        valueFor: hostile => Buffer.from(hostile).toString('base64'),
        valueIn: () => undefined,
      });
      expect(allRefused(outcomes)).toEqual([]);
    });
  });

  describe('obs:cluster:promote', () => {
    const action = createClusterPromoteAction({
      settings: settingsFrom({}),
      backend: fakeGateBackend(),
    });
    it('revision', async () => {
      const outcomes = await feed({
        action,
        input: { revision: 'v1.5.0' },
        field: 'revision',
        setup: () => seedValues(mockDir.path),
        valueIn: w => only(w, /values\.stag-01\.yaml$/).source.targetRevision,
      });
      expect(acceptedNonPlain(outcomes)).toEqual([]);
    });
  });
});

/**
 * Template parameters that reach a YAML file: every string parameter of every template is
 * constrained (pattern, enum or const) unless it is listed below as free text with the
 * reason it cannot reach YAML as text; no hostile string (__testUtils__/hostileStrings.ts)
 * passes a pattern unless it is a plain word; the scaffolder enforces the patterns (dry-run
 * API answers 400 naming the field); and the free-text secrets of onboard-cluster
 * round-trip exactly through the objstore.yml sealed by obs:secret:seal.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  TEMPLATES,
  decode,
  dryRunBody,
  failures,
  GitHost,
  startGitHost,
  startScaffolderWithObsActions,
} from './__testUtils__/dryRun';
import {
  controllerDecrypt,
  createTestCa,
  createTestController,
} from './__testUtils__/fixtures';
import {
  HOSTILE_STRINGS,
  injectedKeys,
  parseStrict,
} from './__testUtils__/hostileStrings';

jest.setTimeout(300_000);

/** Free-text string parameters, and why their text never lands in a YAML file as text. */
const FREE_TEXT: Record<string, string> = {
  'seal-cluster-secrets objstoreServiceAccount':
    'a secret: sealed inside objstore.yml, which obs:secret:seal writes from yamlData with the yaml library',
  'seal-cluster-secrets objstoreAccessKey':
    'a secret: sealed inside objstore.yml, which obs:secret:seal writes from yamlData with the yaml library',
  'seal-cluster-secrets objstoreSecretKey':
    'a secret: sealed inside objstore.yml, which obs:secret:seal writes from yamlData with the yaml library',
  'change-retention justification':
    'kept by the observability back end with the request; not written to a file',
  'promote-revision reason':
    'text of the pull request description and commit message; not written to a file',
};

const TEMPLATE_NAMES = [
  'onboard-cluster',
  'seal-cluster-secrets',
  'change-retention',
  'promote-revision',
  'apply-retention-change',
];

interface StringParameter {
  template: string;
  path: string;
  schema: { pattern?: string; enum?: unknown[]; const?: unknown };
}

/** Every string-typed schema below a template's parameters, with its property path. */
function stringParameters(template: string): StringParameter[] {
  const doc = YAML.parse(
    fs.readFileSync(path.join(TEMPLATES, template, 'template.yaml'), 'utf8'),
  );
  const found: StringParameter[] = [];
  const walk = (schema: any, at: string) => {
    if (!schema || typeof schema !== 'object') return;
    if (schema.type === 'string') found.push({ template, path: at, schema });
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      walk(sub, at ? `${at}.${key}` : key);
    }
    if (schema.items) walk(schema.items, `${at}[]`);
    if (typeof schema.additionalProperties === 'object') {
      walk(schema.additionalProperties, `${at}.*`);
    }
    for (const dep of Object.values(schema.dependencies ?? {})) {
      for (const branch of [
        ...((dep as any).oneOf ?? []),
        ...((dep as any).anyOf ?? []),
        ...((dep as any).allOf ?? []),
      ]) {
        walk({ properties: branch.properties }, at);
      }
    }
  };
  for (const step of doc.spec.parameters) walk(step, '');
  return found;
}

const isPlainWord = (s: string) => /^[A-Za-z0-9]+$/.test(s);

describe('template parameters that reach YAML', () => {
  const all = TEMPLATE_NAMES.flatMap(stringParameters);

  it('finds the parameters of every template', () => {
    expect(all.map(p => `${p.template} ${p.path}`)).toEqual(
      expect.arrayContaining([
        'onboard-cluster name',
        'onboard-cluster server',
        'onboard-cluster caData',
        'onboard-cluster owner',
        'onboard-cluster gatewayHostnames[]',
        'seal-cluster-secrets cluster',
        'seal-cluster-secrets gatewayHostnames[]',
        'change-retention cluster',
        'change-retention metrics.raw',
        'change-retention ilm.deleteAfter',
        'promote-revision revision',
        'apply-retention-change requestId',
      ]),
    );
  });

  it('every string parameter has a pattern, an enum or a const, or is known free text', () => {
    const unconstrained = all
      .filter(
        p =>
          p.schema.pattern === undefined &&
          p.schema.enum === undefined &&
          p.schema.const === undefined,
      )
      .map(p => `${p.template} ${p.path}`);
    expect(unconstrained.sort()).toEqual(Object.keys(FREE_TEXT).sort());
  });

  it('no hostile string passes a pattern, except plain words', () => {
    const passing = all
      .filter(p => p.schema.pattern !== undefined)
      .flatMap(p =>
        HOSTILE_STRINGS.filter(
          ([, s]) =>
            new RegExp(p.schema.pattern!, 'u').test(s) && !isPlainWord(s),
        ).map(([label]) => `${p.template} ${p.path} <- ${label}`),
      );
    expect(passing).toEqual([]);
  });

  it('the owner and caData patterns accept what the form sends', () => {
    const pattern = (p: string) =>
      new RegExp(
        all.find(x => `${x.template} ${x.path}` === p)!.schema.pattern!,
        'u',
      );
    for (const owner of [
      'group:default/platform-team',
      'user:default/alice',
      'platform-team',
      'Group:ops/sre_team.eu',
    ]) {
      expect(pattern('onboard-cluster owner').test(owner)).toBe(true);
    }
    for (const caData of ['', 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==']) {
      expect(pattern('onboard-cluster caData').test(caData)).toBe(true);
    }
    expect(
      pattern('onboard-cluster server').test(
        'https://dev-02-k8s.endpoint.kubernetes',
      ),
    ).toBe(true);
    expect(
      pattern('onboard-cluster server').test(
        'https://10.0.0.1:6443/k8s/clusters/c-1',
      ),
    ).toBe(true);
    for (const name of [
      'change-retention cluster',
      'seal-cluster-secrets cluster',
    ]) {
      expect(pattern(name).test('resource:default/prod-01')).toBe(true);
    }
  });

  describe('through the scaffolder dry-run API', () => {
    const mockDir = createMockDirectory();
    let server: any;
    let controller: Awaited<ReturnType<typeof createTestController>>;
    let caData: string;

    let gitHost: GitHost;

    beforeAll(async () => {
      gitHost = await startGitHost(path.join(mockDir.path, 'gitops.git'));
      controller = await createTestController();
      const ca = await createTestCa();
      caData = Buffer.from(ca.certificatePem).toString('base64');
      server = await startScaffolderWithObsActions({
        gitHost,
        sealingCertificate: controller.certificatePem,
        ca,
      });
    });

    afterAll(() => gitHost?.close());

    const onboarding = () => ({
      name: 'dev-06',
      environment: 'dev',
      server: 'https://dev-06-k8s.endpoint.kubernetes',
      caData,
      authProvider: 'oidc',
      owner: 'group:default/platform-team',
      monitoring: true,
      logging: false,
      jaeger: false,
      certificateMode: 'cert-manager',
      gatewayHostnames: ['thanos-query.dev-06.example.com'],
    });

    const dryRun = (
      template: string,
      values: Record<string, unknown>,
      secrets: Record<string, string> = {},
    ) =>
      request(server)
        .post('/api/scaffolder/v2/dry-run')
        .send(dryRunBody(template, values, secrets));

    it.each([
      ['onboard-cluster', 'name', 'instance.name'],
      ['onboard-cluster', 'server', 'instance.server'],
      ['onboard-cluster', 'caData', 'instance.caData'],
      ['onboard-cluster', 'owner', 'instance.owner'],
      ['onboard-cluster', 'gatewayHostnames', 'instance.gatewayHostnames[0]'],
      ['promote-revision', 'revision', 'instance.revision'],
      ['change-retention', 'cluster', 'instance.cluster'],
    ])(
      '%s refuses hostile %s with a 400 naming it',
      async (template, field, property) => {
        const base: Record<string, Record<string, unknown>> = {
          'onboard-cluster': onboarding(),
          'promote-revision': {
            revision: 'v1.5.0',
            targetEnvironment: 'next',
            force: false,
          },
          'change-retention': {
            cluster: 'resource:default/prod-01',
            signal: 'logs',
            ilm: {
              rolloverMaxAge: '1d',
              rolloverMaxSize: '50gb',
              warmAfter: '7d',
              deleteAfter: '90d',
            },
            justification: 'Audit CHG-1234 needs it',
          },
        };
        for (const [label, hostile] of HOSTILE_STRINGS) {
          if (isPlainWord(hostile)) continue;
          const value = field === 'gatewayHostnames' ? [hostile] : hostile;
          const res = await dryRun(template, {
            ...base[template],
            [field]: value,
          });
          expect({ label, status: res.status }).toEqual({ label, status: 400 });
          expect(
            (res.body.errors as Array<{ property: string }>).map(
              e => e.property,
            ),
          ).toContain(property);
        }
      },
    );

    it('onboard-cluster writes caData and owner into the catalog entity exactly, adding no key', async () => {
      const res = await dryRun('onboard-cluster', {
        ...onboarding(),
        owner: 'user:default/alice',
      });
      expect(res.status).toBe(200);
      expect(failures(res.body)).toEqual([]);
      const files = decode(res.body.directoryContents);
      const [entity] = parseStrict(
        files['clusters/dev-06/catalog-info.yaml'],
      ) as any[];
      expect(injectedKeys(entity)).toEqual([]);
      expect(entity.metadata.annotations).toEqual({
        'kubernetes.io/api-server': 'https://dev-06-k8s.endpoint.kubernetes',
        'kubernetes.io/api-server-certificate-authority': caData,
        'kubernetes.io/auth-provider': 'oidc',
      });
      expect(entity.spec.owner).toBe('user:default/alice');
    });

    it('seal-cluster-secrets seals hostile object storage keys into objstore.yml exactly, adding no key', async () => {
      for (const [label, hostile] of HOSTILE_STRINGS) {
        const res = await dryRun(
          'seal-cluster-secrets',
          { cluster: 'resource:default/dev-01' },
          { objstoreServiceAccount: hostile },
        );
        expect({
          label,
          status: res.status,
          failures: failures(res.body),
        }).toEqual({
          label,
          status: 200,
          failures: [],
        });
        const files = decode(res.body.directoryContents);
        const [sealed] = parseStrict(
          files['clusters/dev-01/secrets/thanos-objstore.sealedsecret.yaml'],
        ) as any[];
        const [objstore] = parseStrict(
          controllerDecrypt(
            controller,
            sealed.spec.encryptedData['objstore.yml'],
            'monitoring/thanos-objstore',
          ).toString(),
        ) as any[];
        expect({ label, objstore }).toEqual({
          label,
          objstore: {
            type: 'GCS',
            config: { bucket: 'thanos-dev-01', service_account: hostile },
            prefix: 'dev-01',
          },
        });
      }
    });
  });
});

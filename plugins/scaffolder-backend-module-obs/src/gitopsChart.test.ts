import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  GITOPS_SEED,
  VALUES_DIR,
  createTestCa,
  createTestController,
  mockContext,
  seedValues,
  settingsFrom,
  snapshot,
} from './__testUtils__/fixtures';
import { createCatalogWriteClusterAction } from './actions/catalogWriteCluster';
import { createClusterValuesAction } from './actions/clusterValues';
import { createGlobalQueryAddStoreAction } from './actions/globalQueryAddStore';
import { createPkiIssueAction } from './actions/pkiIssue';
import { createSecretSealAction } from './actions/secretSeal';
import { ObsSettings } from './lib/settings';

// No Helm engine runs here (no helm binary; the npm Go-template ports lack Helm's
// functions), so the chart's templates are read as YAML with their actions kept as text,
// and the onboarding templates' file-writing steps run through the real actions.

jest.setTimeout(120_000);

const CHART = path.join(GITOPS_SEED, VALUES_DIR);
const TEMPLATES = path.resolve(__dirname, '../../../templates');
const WAVE = 'argocd.argoproj.io/sync-wave';

/** A chart template read without evaluating it. */
interface ChartTemplate {
  /** Actions alone on their line (comment, if, range, else, end, `$x :=`), in order. */
  controls: string[];
  /** Its YAML documents, every other action kept as `{{ expr }}` (`$root.Values` as `.Values`). */
  docs: any[];
}

const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
const CONTROL = /^\s*\{\{-?\s*([\s\S]*?)\s*-?\}\}\s*$/;

function readChartTemplate(name: string): ChartTemplate {
  const text = fs.readFileSync(path.join(CHART, 'templates', name), 'utf8');
  const controls: string[] = [];
  const exprs: string[] = [];
  const yamlText = text
    .split('\n')
    .filter(line => {
      const control = CONTROL.exec(line)?.[1];
      if (control === undefined) return true;
      // An action printing text alone on its line would change the YAML: not read here.
      if (
        !/^(\/\*[\s\S]*\*\/|if |range |else\b|end$|\$\w+ :?= )/.test(control)
      ) {
        throw new Error(`${name}: unsupported action on its own line: ${line}`);
      }
      controls.push(control);
      return false;
    })
    .join('\n')
    .replace(ACTION, (_, expr: string) => {
      exprs.push(expr.replace(/\$root\.Values\b/g, '.Values'));
      return `__ACTION${exprs.length - 1}__`;
    });
  const restore = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(
        /__ACTION(\d+)__/g,
        (_, i) => `{{ ${exprs[Number(i)]} }}`,
      );
    }
    if (Array.isArray(v)) return v.map(restore);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [restore(k), restore(x)]),
      );
    }
    return v;
  };
  const docs = YAML.parseAllDocuments(yamlText).map(doc => {
    if (doc.errors.length) throw new Error(`${name}: ${doc.errors[0].message}`);
    return restore(doc.toJS());
  });
  return { controls, docs: docs.filter(d => d !== null) };
}

/**
 * Argo CD's directory include/exclude test (gobwas/glob without separators, on the path
 * relative to the source path): `*` matches any run of characters, `/` included, `?` one
 * character, `{a,b}` either. Other syntax throws rather than guess.
 */
function argoGlob(pattern: string): RegExp {
  let re = '';
  let inBraces = false;
  for (const c of pattern) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '{' && !inBraces) {
      inBraces = true;
      re += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      re += ')';
    } else if (c === ',' && inBraces) re += '|';
    else if ('{}[]!\\'.includes(c)) {
      throw new Error(`glob ${pattern}: "${c}" is not supported here`);
    } else re += c.replace(/[.+^$()|]/g, '\\$&');
  }
  if (inBraces) throw new Error(`glob ${pattern}: unclosed {`);
  return new RegExp(`^${re}$`);
}

/** Helm's merge of a values file over the chart's values.yaml (maps merge, the rest replaces). */
function mergeValues(base: any, over: any): any {
  if (!over || typeof over !== 'object' || Array.isArray(over)) return over;
  const out = { ...(base && typeof base === 'object' ? base : {}) };
  for (const [k, v] of Object.entries(over)) out[k] = mergeValues(out[k], v);
  return out;
}

const chartValues = YAML.parse(
  fs.readFileSync(path.join(CHART, 'values.yaml'), 'utf8'),
);
const componentsTemplate = readChartTemplate('applications.yaml');
const configTemplate = readChartTemplate('cluster-config.yaml');
const [componentApp] = componentsTemplate.docs;
const [configApp] = configTemplate.docs;

/** The folder that <cluster>-config applies, for a cluster's merged values. */
function configPath(values: any): string {
  const p = String(configApp.spec.source.path).replace(
    '{{ .Values.cluster.name }}',
    values.cluster.name,
  );
  expect(p).not.toContain('{{');
  return p;
}

describe('charts/app-of-apps', () => {
  it('renders <cluster>-config only when clusterConfig.enable, on by default', () => {
    expect(configTemplate.controls.filter(c => !c.startsWith('/*'))).toEqual([
      'if .Values.clusterConfig.enable',
      'end',
    ]);
    expect(configTemplate.docs).toHaveLength(1);
    expect(chartValues.clusterConfig.enable).toBe(true);
  });

  it('names and labels it like the component Applications, on the same cluster', () => {
    expect(componentApp.metadata.name).toBe(
      '{{ .Values.cluster.name }}-{{ $key | kebabcase }}',
    );
    expect(configApp.metadata.name).toBe('{{ .Values.cluster.name }}-config');
    // No component would render the same name.
    expect(
      Object.keys(chartValues.components).map(k =>
        k.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`),
      ),
    ).not.toContain('config');
    expect(configApp).toMatchObject({
      apiVersion: componentApp.apiVersion,
      kind: 'Application',
      metadata: {
        namespace: componentApp.metadata.namespace,
        labels: componentApp.metadata.labels,
        finalizers: componentApp.metadata.finalizers,
      },
      spec: {
        project: componentApp.spec.project,
        syncPolicy: { automated: componentApp.spec.syncPolicy.automated },
      },
    });
    expect(configApp.metadata.labels).toEqual({
      cluster: '{{ .Values.cluster.name | quote }}',
      environment: '{{ .Values.cluster.environment | quote }}',
      team: 'ops',
    });
    // Namespaces come from the manifests themselves.
    expect(configApp.spec.destination).toEqual({
      server: componentApp.spec.destination.server,
    });
  });

  it('applies clusters/<cluster> of this repository recursively, without the catalog entity', () => {
    expect(configApp.spec.source).toEqual({
      repoURL: componentApp.spec.source.repoURL,
      targetRevision: '{{ .Values.clusterConfig.targetRevision }}',
      path: 'clusters/{{ .Values.cluster.name }}',
      directory: { recurse: true, exclude: expect.any(String) },
    });
    const exclude = argoGlob(configApp.spec.source.directory.exclude);
    expect(exclude.test('catalog-info.yaml')).toBe(true);
    // Applied by <cluster>-fleetobs-portal (deploy/README.md), not twice.
    expect(exclude.test('fleetobs-portal/postgres.sealedsecret.yaml')).toBe(
      true,
    );
    expect(exclude.test('pki/gateway-server.certificate.yaml')).toBe(false);
    // The branch the portal's pull requests merge into, not a pinned chart revision.
    expect(chartValues.clusterConfig.targetRevision).toBe('HEAD');
  });

  it('syncs after the CRDs of cert-manager and sealed-secrets, before the components that mount the secrets', () => {
    expect(componentApp.metadata.annotations[WAVE]).toBe(
      '{{ $component.wave | quote }}',
    );
    const wave = Number(configApp.metadata.annotations[WAVE]);
    const waveOf = (key: string) => Number(chartValues.components[key].wave);
    for (const key of ['certManager', 'sealedSecrets']) {
      expect(waveOf(key)).toBeLessThan(wave);
    }
    for (const key of ['monitoring', 'logging', 'jaeger']) {
      expect(waveOf(key)).toBeGreaterThan(wave);
    }
  });

  it('finds the folder of every seed cluster (Argo CD fails on a missing path)', () => {
    const files = fs
      .readdirSync(CHART)
      .filter(f => /^values\..+\.yaml$/.test(f));
    expect(files).not.toHaveLength(0);
    for (const file of files) {
      const values = mergeValues(
        chartValues,
        YAML.parse(fs.readFileSync(path.join(CHART, file), 'utf8')),
      );
      if (!values.clusterConfig.enable) continue;
      expect(
        fs.statSync(path.join(GITOPS_SEED, configPath(values))).isDirectory(),
      ).toBe(true);
    }
  });
});

// --- the files that onboarding writes ---------------------------------------------------

const CLUSTER = 'dev-07';

/** Actions that write into the workspace, and stand-ins for the inputs a template computes. */
const WRITERS: Record<
  string,
  {
    create: (settings: ObsSettings) => { handler(ctx: any): Promise<void> };
    inputs: Record<string, unknown>;
    /** Inputs run with each value when the template computes them. */
    variants?: Record<string, unknown[]>;
  }
> = {
  'obs:cluster:values': {
    create: settings => createClusterValuesAction({ settings }),
    inputs: {
      cluster: CLUSTER,
      environment: 'dev',
      server: `https://${CLUSTER}-k8s.endpoint.kubernetes`,
      components: { monitoring: true, logging: true, jaeger: true },
      gatewayHostnames: [],
      allowHostsWithoutClusterName: false,
      thanos: { type: 'GCS', bucket: '' },
    },
  },
  'obs:globalquery:add-store': {
    create: settings => createGlobalQueryAddStoreAction({ settings }),
    inputs: {
      cluster: CLUSTER,
      endpoint: `thanos-query.${CLUSTER}.example.com:443`,
      allowHostsWithoutClusterName: false,
    },
  },
  'obs:pki:issue': {
    create: settings => createPkiIssueAction({ settings }),
    inputs: {
      cluster: CLUSTER,
      keyAlgorithm: 'ECDSA-P256',
      validityDays: 90,
      gatewayHostnames: [`thanos-query.${CLUSTER}.example.com`],
    },
    variants: { mode: ['cert-manager', 'sealed'] },
  },
  'obs:secret:seal': {
    create: settings => createSecretSealAction({ settings }),
    inputs: {
      cluster: CLUSTER,
      data: { token: 'stand-in' },
      yamlData: {
        'objstore.yml': {
          type: 'GCS',
          config: {
            service_account: 'stand-in',
            endpoint: 'stand-in',
            access_key: 'stand-in',
            secret_key: 'stand-in',
          },
        },
      },
    },
  },
  'obs:catalog:write-cluster': {
    create: settings => createCatalogWriteClusterAction({ settings }),
    inputs: {
      cluster: CLUSTER,
      environment: 'dev',
      server: `https://${CLUSTER}-k8s.endpoint.kubernetes`,
      caData: '',
      authProvider: 'oidc',
      owner: 'group:default/platform-team',
    },
  },
};
/** Actions that write a cluster's own files: the templates using one are the onboarding ones. */
const CLUSTER_FILE_ACTIONS = [
  'obs:pki:issue',
  'obs:secret:seal',
  'obs:catalog:write-cluster',
];
/** Fetch the values folder into the workspace (stood in for by the seed's values files). */
const FETCHERS = ['fetch:plain', 'obs:gitops:local-fetch'];
/** Read or publish the workspace; write nothing into it. */
const OTHERS = [
  'obs:gitops:repository',
  'obs:gitops:local-pr',
  'publish:github:pull-request',
  'publish:gitlab:merge-request',
];
/** Inputs naming a workspace path. */
const PATH_INPUTS = ['targetPath', 'outputDir'];

const hasExpression = (v: unknown): boolean =>
  typeof v === 'string'
    ? v.includes('${{')
    : !!v && typeof v === 'object' && Object.values(v).some(hasExpression);

/** The inner expression of an input that is exactly `${{ expr }}`. */
const expressionOf = (v: unknown) =>
  typeof v === 'string' ? /^\$\{\{\s*(.+?)\s*\}\}$/.exec(v)?.[1] : undefined;

/**
 * The inputs of a template step for cluster dev-07: literal inputs as written, computed ones
 * from the stand-ins, and computed paths only as `clusters/${{ <the step's cluster> }}/…`.
 */
function stepInputs(
  template: string,
  step: { id: string; action: string; input?: Record<string, unknown> },
): Array<Record<string, unknown>> {
  const writer = WRITERS[step.action];
  let runs: Array<Record<string, unknown>> = [{}];
  for (const [key, value] of Object.entries(step.input ?? {})) {
    const where = `${template}, step ${step.id}, input ${key}`;
    if (!hasExpression(value)) {
      runs.forEach(r => (r[key] = value));
    } else if (PATH_INPUTS.includes(key)) {
      const cluster = expressionOf(step.input?.cluster);
      const m = /^clusters\/\$\{\{\s*(.+?)\s*\}\}\/([^$]+)$/.exec(
        String(value),
      );
      if (!m || !cluster || m[1] !== cluster) {
        throw new Error(
          `${where}: a computed path must be clusters/\${{ <the step's cluster input> }}/…, got ${value}`,
        );
      }
      runs.forEach(r => (r[key] = `clusters/${CLUSTER}/${m[2]}`));
    } else if (writer.variants?.[key]) {
      runs = runs.flatMap(r =>
        writer.variants![key].map(v => ({ ...r, [key]: v })),
      );
    } else if (key in writer.inputs) {
      runs.forEach(r => (r[key] = writer.inputs[key]));
    } else {
      throw new Error(`${where}: computed by the template, no stand-in here`);
    }
  }
  return runs;
}

describe('the files that onboarding writes', () => {
  const mockDir = createMockDirectory();
  /** Every file written by the onboarding templates' steps, as path → content. */
  let written: Record<string, string>;
  let templates: string[];

  beforeAll(async () => {
    const [ca, controller] = await Promise.all([
      createTestCa(),
      createTestController(),
    ]);
    const settings = settingsFrom({
      gitops: { valuesPath: VALUES_DIR },
      sealedSecrets: {
        certificate: controller.certificatePem,
        fleetWide: true,
      },
      pki: {
        ca: { certificate: ca.certificatePem, privateKey: ca.privateKeyPem },
        issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer' },
      },
    });
    templates = fs
      .readdirSync(TEMPLATES, { withFileTypes: true })
      .filter(e => e.isDirectory())
      .map(e => e.name)
      .filter(name => {
        const file = path.join(TEMPLATES, name, 'template.yaml');
        return (
          fs.existsSync(file) &&
          YAML.parse(fs.readFileSync(file, 'utf8')).spec.steps.some((s: any) =>
            CLUSTER_FILE_ACTIONS.includes(s.action),
          )
        );
      })
      // Onboarding first: the others work on an onboarded cluster.
      .sort(
        (a, b) =>
          Number(b === 'onboard-cluster') - Number(a === 'onboard-cluster'),
      );

    seedValues(mockDir.path);
    const seeded = snapshot(mockDir.path);
    for (const name of templates) {
      const template = YAML.parse(
        fs.readFileSync(path.join(TEMPLATES, name, 'template.yaml'), 'utf8'),
      );
      for (const step of template.spec.steps) {
        if (FETCHERS.includes(step.action) || OTHERS.includes(step.action)) {
          continue;
        }
        if (!WRITERS[step.action]) {
          throw new Error(
            `${name}, step ${step.id}: action ${step.action} is not known to this test; add it`,
          );
        }
        for (const input of stepInputs(name, step)) {
          const ctx = mockContext(mockDir.path, input);
          await WRITERS[step.action].create(settings).handler(ctx);
        }
      }
    }
    written = Object.fromEntries(
      Object.entries(snapshot(mockDir.path)).filter(
        ([p, content]) => seeded[p] !== content,
      ),
    );
  });

  it('runs the onboarding templates', () => {
    expect(templates[0]).toBe('onboard-cluster');
    expect(Object.keys(written)).toEqual(
      expect.arrayContaining([
        `${VALUES_DIR}/values.${CLUSTER}.yaml`,
        `clusters/${CLUSTER}/catalog-info.yaml`,
      ]),
    );
    expect(
      Object.keys(written).filter(p =>
        p.startsWith(`clusters/${CLUSTER}/pki/`),
      ),
    ).not.toHaveLength(0);
  });

  it('writes every file under a path that an Application syncs, except the catalog entity', () => {
    const values = mergeValues(
      chartValues,
      YAML.parse(written[`${VALUES_DIR}/values.${CLUSTER}.yaml`]),
    );
    expect(values.clusterConfig.enable).toBe(true);
    const appPath = `${configPath(values)}/`;
    const appName = String(configApp.metadata.name).replace(
      '{{ .Values.cluster.name }}',
      values.cluster.name,
    );
    const exclude = argoGlob(configApp.spec.source.directory.exclude);
    const manifest = /\.(ya?ml|json)$/; // what Argo CD's directory source reads

    const syncedBy = (file: string) => {
      if (file.startsWith(`${VALUES_DIR}/`)) return 'app-of-apps';
      if (!file.startsWith(appPath)) return 'NOT SYNCED';
      const rel = file.slice(appPath.length);
      if (exclude.test(rel)) {
        return rel === 'catalog-info.yaml'
          ? 'excluded: catalog entity'
          : 'NOT SYNCED';
      }
      return manifest.test(rel) ? appName : 'not a manifest';
    };
    const coverage = Object.fromEntries(
      Object.keys(written).map(f => [f, syncedBy(f)]),
    );
    expect(
      Object.entries(coverage).filter(([, by]) => by === 'NOT SYNCED'),
    ).toEqual([]);
    expect(coverage[`clusters/${CLUSTER}/catalog-info.yaml`]).toBe(
      'excluded: catalog entity',
    );
    // Only public certificates are left out by their extension.
    const notManifests = Object.keys(coverage).filter(
      f => coverage[f] === 'not a manifest',
    );
    expect(
      notManifests.filter(
        f => !/^-----BEGIN CERTIFICATE-----/.test(written[f]),
      ),
    ).toEqual([]);
    expect(Object.values(coverage)).toContain(appName);
  });

  it('writes manifests that name their namespace, as the Application has none', () => {
    const applied = Object.keys(written).filter(
      f =>
        f.startsWith(`clusters/${CLUSTER}/`) &&
        /\.(ya?ml|json)$/.test(f) &&
        !f.endsWith('/catalog-info.yaml'),
    );
    expect(applied).not.toHaveLength(0);
    for (const file of applied) {
      for (const doc of YAML.parseAllDocuments(written[file])) {
        const object = doc.toJS();
        expect({
          file,
          kind: object.kind,
          ns: object.metadata?.namespace,
        }).toEqual({
          file,
          kind: expect.stringMatching(
            /^(Certificate|SealedSecret|ConfigMap|Secret)$/,
          ),
          ns: expect.stringMatching(/^[a-z0-9-]+$/),
        });
      }
    }
  });
});

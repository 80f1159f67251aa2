import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  actionRunner,
  GITOPS_SEED,
  seedValues,
  settingsFrom,
  VALUES_DIR,
} from '../__testUtils__/fixtures';
import { checkAlignment, factsOf, parseValuesFile } from '../lib/valuesFiles';
import { createClusterValuesAction } from './clusterValues';

const labels = { cluster: 'cluster', environment: 'environment' };

describe('obs:cluster:values', () => {
  const mockDir = createMockDirectory();
  beforeEach(() => {
    mockDir.clear();
    seedValues(mockDir.path);
  });

  const action = createClusterValuesAction({ settings: settingsFrom({}) });
  const file = (cluster: string) =>
    path.join(mockDir.path, VALUES_DIR, `values.${cluster}.yaml`);
  const read = (cluster: string) => fs.readFileSync(file(cluster), 'utf8');
  const write = (cluster: string, text: string) =>
    fs.writeFileSync(file(cluster), text);

  const { run, expectRefused } = actionRunner(action, () => mockDir.path);

  describe('the seed values files', () => {
    const dir = path.join(GITOPS_SEED, VALUES_DIR);
    const names = fs.readdirSync(dir).filter(n => /^values\..+\.yaml$/.test(n));

    it('are the four demo clusters', () => {
      expect(names.sort()).toEqual([
        'values.dev-01.yaml',
        'values.ops-01.yaml',
        'values.prod-01.yaml',
        'values.stag-01.yaml',
      ]);
    });

    it.each(names)('%s round-trips byte for byte, comments included', name => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      expect(text).toMatch(/^# /m);
      expect(parseValuesFile(text, name).toString()).toBe(text);
    });

    it('are aligned with each other', () => {
      const facts = names.map(n =>
        factsOf(
          parseValuesFile(fs.readFileSync(path.join(dir, n), 'utf8'), n),
          n,
          labels,
        ),
      );
      for (const f of facts) {
        const result = checkAlignment(
          f,
          facts.filter(o => o !== f),
          labels,
        );
        expect({ file: f.path, ...result }).toEqual({
          file: f.path,
          errors: [],
          warnings: [],
        });
      }
      expect(facts.filter(f => f.jaegerQuery).map(f => f.name)).toEqual([
        'ops-01',
      ]);
    });
  });

  it('creates a new cluster file aligned with its siblings', async () => {
    const { outputs } = await run({
      cluster: 'dev-02',
      environment: 'dev',
      server: 'https://dev-02-k8s.endpoint.kubernetes',
      components: { jaeger: false },
    });
    expect(outputs).toMatchObject({
      path: 'charts/app-of-apps/values.dev-02.yaml',
      created: true,
      siblings: ['dev-01', 'ops-01', 'prod-01', 'stag-01'],
      warnings: [],
      environment: 'dev',
      targetRevision: 'HEAD',
    });
    const text = read('dev-02');
    expect(text).toContain('# App-of-apps values of cluster dev-02');
    const v = YAML.parse(text);
    expect(v.cluster).toEqual({
      name: 'dev-02',
      server: 'https://dev-02-k8s.endpoint.kubernetes',
      environment: 'dev',
    });
    expect(v.source).toEqual({
      targetRevision: 'HEAD',
      helm: { valueFiles: 'values.dev-02.yaml' },
    });
    expect(v.monitoring.enable).toBe(true);
    expect(v.logging.enable).toBe(true);
    // The seed's keys (step 5.1: jaeger.query.enabled), not the legacy `enable`.
    expect(v.jaeger).toEqual({
      enable: false,
      collector: { enabled: true },
      query: { enabled: false },
    });
    expect(v.observability.externalLabels).toEqual({
      cluster: 'dev-02',
      environment: 'dev',
    });
    // GCS, one bucket per cluster, derived from the cluster name.
    expect(v.observability.thanos.objstore).toMatchObject({
      type: 'GCS',
      bucket: 'thanos-dev-02',
      prefix: 'dev-02',
    });
    expect(v.observability.thanos.objstore).not.toHaveProperty('endpoint');
    expect(v.observability.logging.indexPrefix).toBe('logs-dev-02');
    const dev01 = YAML.parse(read('dev-01'));
    expect(v.observability.logging.shipping.endpoint).toBe(
      dev01.observability.logging.shipping.endpoint,
    );
    expect(v.observability.tracing.spanIndexPrefix).toBe(
      dev01.observability.tracing.spanIndexPrefix,
    );
  });

  it('a new prod cluster starts at the revision prod runs', async () => {
    const prodRevision = YAML.parse(read('prod-01')).source.targetRevision;
    const { outputs } = await run({
      cluster: 'prod-02',
      environment: 'prod',
      server: 'https://prod-02-k8s.endpoint.kubernetes',
    });
    expect(outputs.targetRevision).toBe(prodRevision);
    expect(
      YAML.parse(read('prod-02')).observability.thanos.objstore.bucket,
    ).toBe('thanos-prod-02');
  });

  it('updates only the asked values and keeps comments, order and unknown keys', async () => {
    const original = read('stag-01').replace(
      'grpc:\n',
      'grpc:\n      # hand-written note\n      extra: keep-me\n',
    );
    write('stag-01', original);
    await run({
      cluster: 'stag-01',
      mode: 'update',
      targetRevision: 'v1.5.0',
      components: { jaeger: false },
    });
    const updated = read('stag-01');
    const before = original.split('\n');
    const after = updated.split('\n');
    expect(after.length).toBe(before.length);
    const changed = after
      .map((l, i) => [before[i], l])
      .filter(([a, b]) => a !== b);
    expect(changed).toEqual([
      ['  targetRevision: v1.4.0', '  targetRevision: v1.5.0'],
      ['  enable: true', '  enable: false'],
    ]);
    expect(updated).toContain(
      '      # hand-written note\n      extra: keep-me',
    );
  });

  describe('bad input fails naming the field and leaves the files as they were', () => {
    const create = {
      cluster: 'dev-05',
      environment: 'dev',
      server: 'https://dev-05-k8s.endpoint.kubernetes',
    };
    it.each([
      ['invalid name', { ...create, cluster: 'Dev_5' }, /cluster: must match/],
      [
        'invalid name (no number)',
        { ...create, cluster: 'dev' },
        /cluster: must match/,
      ],
      [
        'non-https server',
        { ...create, server: 'http://dev-05-k8s.endpoint.kubernetes' },
        /server: must use https/,
      ],
      [
        'malformed server',
        { ...create, server: 'not a url' },
        /server: not a valid URL/,
      ],
      ['unknown environment', { ...create, environment: 'qa' }, /environment/],
      [
        'duplicate cluster',
        { ...create, cluster: 'dev-01' },
        /cluster: dev-01 already exists/,
      ],
      [
        'duplicate API server',
        { ...create, server: 'https://stag-01-k8s.endpoint.kubernetes' },
        /cluster\.server: .* already the API server of stag-01/,
      ],
      [
        'update of a missing cluster',
        { cluster: 'dev-09', mode: 'update' },
        /cluster: .*does not exist/,
      ],
      [
        'missing environment on create',
        { cluster: 'dev-05', server: create.server },
        /environment: required/,
      ],
      ['bad revision', { ...create, targetRevision: 'a..b' }, /targetRevision/],
      [
        'valuesPath escaping the workspace',
        { ...create, valuesPath: '../..' },
        /valuesPath/,
      ],
    ])('%s', async (_title, input, message) => {
      await expectRefused(input, message);
      expect(fs.existsSync(file('dev-05'))).toBe(false);
    });

    it('a values file that is not valid YAML', async () => {
      write('stag-01', 'cluster:\n  name: stag-01\n  server: [unclosed\n');
      await expectRefused(create, /values\.stag-01\.yaml: not valid YAML/);
    });
  });

  describe('alignment errors', () => {
    const create = {
      cluster: 'dev-05',
      environment: 'dev',
      server: 'https://dev-05-k8s.endpoint.kubernetes',
    };

    it('a sibling with a different cluster label name', async () => {
      write(
        'dev-01',
        read('dev-01').replace(
          '    cluster: dev-01',
          '    k8s_cluster: dev-01',
        ),
      );
      await expectRefused(
        create,
        /observability\.externalLabels: label names \["cluster","environment"\] differ from charts\/app-of-apps\/values\.dev-01\.yaml \["environment","k8s_cluster"\]/,
      );
    });

    it('an extra external label only in the new cluster', async () => {
      await expectRefused(
        { ...create, extraExternalLabels: { region: 'eu' } },
        /observability\.externalLabels: label names/,
      );
    });

    it('a different log shipping endpoint', async () => {
      await expectRefused(
        {
          ...create,
          logging: { shippingEndpoint: 'logs.elsewhere.example.com:443' },
        },
        /observability\.logging\.shipping\.endpoint: .*differs/,
      );
    });

    it('a log index outside logs-*', async () => {
      await expectRefused(
        { ...create, logging: { indexPrefix: 'app-dev-05' } },
        /observability\.logging\.indexPrefix: .*outside the logs-\* index pattern/,
      );
    });

    it('a log index prefix another cluster uses', async () => {
      await expectRefused(
        { ...create, logging: { indexPrefix: 'logs-dev-01' } },
        /observability\.logging\.indexPrefix: .*already used by dev-01/,
      );
    });

    it('a Thanos bucket prefix another cluster uses', async () => {
      await expectRefused(
        { ...create, thanos: { bucket: 'thanos-dev-01', prefix: 'dev-01' } },
        /observability\.thanos\.objstore\.prefix: .*already used by dev-01/,
      );
    });

    it('a different span index prefix', async () => {
      await expectRefused(
        { ...create, tracing: { spanIndexPrefix: 'traces' } },
        /observability\.tracing\.spanIndexPrefix/,
      );
    });

    it.each([
      ['the seed key', '  query:\n    enabled: true'],
      ['the legacy key of earlier files', '  query:\n    enable: true'],
    ])('Jaeger Query outside ops (%s)', async (_title, query) => {
      write(
        'dev-01',
        read('dev-01').replace('  query:\n    enabled: false', query),
      );
      await expectRefused(
        { cluster: 'dev-01', mode: 'update', targetRevision: 'v1' },
        /jaeger\.query\.enabled: Jaeger Query runs only in the ops cluster/,
      );
    });

    it('a bucket another cluster uses is only a warning (one bucket per cluster)', async () => {
      const { outputs, ctx } = await run({
        ...create,
        thanos: { bucket: 'thanos-dev-01' },
      });
      expect(outputs.warnings).toEqual([
        'observability.thanos.objstore.bucket: thanos-dev-01 is also the bucket of dev-01; the platform keeps one bucket per cluster, so that a bucket outage hits one cluster only (seed §8)',
      ]);
      expect(ctx.logger.warn).toHaveBeenCalled();
    });

    it('a log index prefix without the cluster name (logs are found by logs-<cluster>-*)', async () => {
      await expectRefused(
        { ...create, logging: { indexPrefix: 'logs-apps' } },
        /observability\.logging\.indexPrefix: "logs-apps" does not carry the cluster name: dev-05's logs are found by the index pattern logs-dev-05-\*/,
      );
      // A prefix below logs-<cluster>- is fine.
      const { outputs } = await run({
        ...create,
        logging: { indexPrefix: 'logs-dev-05-apps' },
      });
      expect(outputs.created).toBe(true);
    });

    it('a different Elasticsearch for the Jaeger collectors', async () => {
      await expectRefused(
        {
          ...create,
          tracing: { collectorElasticsearchUrl: 'https://es.elsewhere:9200' },
        },
        /observability\.tracing\.collector\.elasticsearch\.url: .*differs .*one shared Elasticsearch/,
      );
    });

    it("a collector cluster tag that is not the cluster's name", async () => {
      write(
        'dev-01',
        read('dev-01').replace(
          '      tags:\n        cluster: dev-01',
          '      tags:\n        cluster: dev-1',
        ),
      );
      await expectRefused(
        { cluster: 'dev-01', mode: 'update', targetRevision: 'v1' },
        /observability\.tracing\.collector\.tags\.cluster: is "dev-1" but the cluster is "dev-01"; span-freshness/,
      );
    });

    it('flags, without refusing, a non-ops file whose trace ILM differs from the ops file (tolerant read)', async () => {
      // An earlier file with its own copy of the trace policy.
      write(
        'dev-01',
        `${read('dev-01')}    ilm:
      rollover: { maxAge: 1d, maxSize: 50gb }
      warm: { minAge: 3d }
      delete: { minAge: 7d }
`,
      );
      const { outputs } = await run({
        cluster: 'dev-01',
        mode: 'update',
        targetRevision: 'v1',
      });
      expect(outputs.warnings).toEqual([
        "observability.tracing.ilm: differs from the fleet's policy of the shared jaeger-span-* indices in ops-01, which owns it; this copy is not applied: remove it, or change trace retention for ops-01",
      ]);
    });
  });
});

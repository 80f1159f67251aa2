import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  actionRunner,
  seedValues,
  settingsFrom,
  snapshot,
  VALUES_DIR,
} from '../__testUtils__/fixtures';
import {
  createGlobalQueryAddStoreAction,
  endpointProblem,
} from './globalQueryAddStore';

const SEED_STORES = [
  'thanos-query.dev-01.example.com:443',
  'thanos-query.stag-01.example.com:443',
  'thanos-query.prod-01.example.com:443',
  'thanos-query.ops-01.example.com:443',
];

describe('obs:globalquery:add-store', () => {
  const mockDir = createMockDirectory();
  beforeEach(() => {
    mockDir.clear();
    seedValues(mockDir.path);
  });

  const action = createGlobalQueryAddStoreAction({
    settings: settingsFrom({}),
  });
  const file = (cluster: string) =>
    path.join(mockDir.path, VALUES_DIR, `values.${cluster}.yaml`);
  const read = (cluster: string) => fs.readFileSync(file(cluster), 'utf8');
  const write = (cluster: string, text: string) =>
    fs.writeFileSync(file(cluster), text);

  const { run, expectRefused } = actionRunner(action, () => mockDir.path);

  const dev02 = {
    cluster: 'dev-02',
    endpoint: 'thanos-query.dev-02.example.com:443',
  };

  it('the seed lists every cluster in the stores of ops-01, the only global file', () => {
    const all = fs
      .readdirSync(path.join(mockDir.path, VALUES_DIR))
      .map(n =>
        YAML.parse(
          fs.readFileSync(path.join(mockDir.path, VALUES_DIR, n), 'utf8'),
        ),
      );
    expect(all.filter(v => v?.globalQuery?.enable === true)).toHaveLength(1);
    expect(YAML.parse(read('ops-01')).globalQuery.stores).toEqual(SEED_STORES);
  });

  it('appends the store, keeping every other byte of the file', async () => {
    const original = read('ops-01');
    const others = snapshot(mockDir.path);
    const { outputs, ctx } = await run(dev02);
    expect(outputs).toEqual({
      paths: ['charts/app-of-apps/values.ops-01.yaml'],
      added: true,
      stores: [...SEED_STORES, 'thanos-query.dev-02.example.com:443'],
    });
    const updated = read('ops-01');
    const anchor = '    - thanos-query.ops-01.example.com:443\n';
    expect(original).toContain(anchor);
    expect(updated).toBe(
      original.replace(
        anchor,
        `${anchor}    - thanos-query.dev-02.example.com:443\n`,
      ),
    );
    expect(updated).toContain(
      '# Global Thanos Query: fans out over mTLS to the local Query of every cluster',
    );
    // Nothing else in the workspace changed.
    const after = snapshot(mockDir.path);
    delete after['charts/app-of-apps/values.ops-01.yaml'];
    delete others['charts/app-of-apps/values.ops-01.yaml'];
    expect(after).toEqual(others);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        'Added thanos-query.dev-02.example.com:443 (cluster dev-02)',
      ),
    );
  });

  it('does not write when the store is listed already', async () => {
    const before = snapshot(mockDir.path);
    const mtime = fs.statSync(file('ops-01')).mtimeMs;
    const { outputs } = await run({
      cluster: 'prod-01',
      endpoint: 'thanos-query.prod-01.example.com:443',
    });
    expect(outputs).toEqual({ paths: [], added: false, stores: SEED_STORES });
    expect(snapshot(mockDir.path)).toEqual(before);
    expect(fs.statSync(file('ops-01')).mtimeMs).toBe(mtime);
  });

  it('creates the stores list when the global file has none', async () => {
    const original = read('ops-01');
    const start = original.indexOf('  stores:\n');
    const end = original.indexOf('grafana:\n');
    write('ops-01', original.slice(0, start) + original.slice(end));
    const { outputs } = await run(dev02);
    expect(outputs).toMatchObject({
      added: true,
      stores: ['thanos-query.dev-02.example.com:443'],
    });
    expect(read('ops-01')).toBe(
      `${original.slice(
        0,
        start,
      )}  stores:\n    - thanos-query.dev-02.example.com:443\n${original.slice(
        end,
      )}`,
    );
  });

  it('adds to every global file, also to the new cluster itself when it is global', async () => {
    const ops02 = `# ops-02 runs a second global view\ncluster:\n  name: ops-02\nglobalQuery:\n  enable: true\n  # only itself so far\n  stores:\n    - thanos-query.ops-02.example.com:443\n`;
    write('ops-02', ops02);
    const { outputs } = await run({
      cluster: 'ops-03',
      endpoint: 'thanos-query.ops-03.example.com:443',
    });
    expect(outputs).toEqual({
      paths: [
        'charts/app-of-apps/values.ops-01.yaml',
        'charts/app-of-apps/values.ops-02.yaml',
      ],
      added: true,
      stores: [...SEED_STORES, 'thanos-query.ops-03.example.com:443'],
    });
    expect(read('ops-02')).toBe(
      `${ops02}    - thanos-query.ops-03.example.com:443\n`,
    );

    // A new global cluster registers its own local Query in its own file.
    write(
      'ops-01',
      read('ops-01').replace(
        'enable: true\n  stores',
        'enable: false\n  stores',
      ),
    );
    const { outputs: own } = await run({
      cluster: 'ops-02',
      endpoint: 'thanos-query.ops-02.example.com:443',
    });
    expect(own).toEqual({
      paths: [],
      added: false,
      stores: [
        'thanos-query.ops-02.example.com:443',
        'thanos-query.ops-03.example.com:443',
      ],
    });
    await run({
      cluster: 'ops-04',
      endpoint: 'thanos-query.ops-04.example.com:8443',
    });
    expect(YAML.parse(read('ops-02')).globalQuery.stores).toEqual([
      'thanos-query.ops-02.example.com:443',
      'thanos-query.ops-03.example.com:443',
      'thanos-query.ops-04.example.com:8443',
    ]);
  });

  it("refuses a store whose host does not name the cluster (a default or another cluster's), unless allowed", async () => {
    const before = read('ops-01');
    await expectRefused(
      {
        cluster: 'prod-07',
        endpoint: 'thanos-query.new-cluster.example.com:443',
      },
      /endpoint: "thanos-query\.new-cluster\.example\.com" does not contain the cluster name prod-07/,
    );
    await expectRefused(
      { cluster: 'prod-07', endpoint: 'thanos-query.prod-01.example.com:443' },
      /does not contain the cluster name prod-07/,
    );
    expect(read('ops-01')).toBe(before);
    const { outputs } = await run({
      cluster: 'prod-07',
      endpoint: 'query.gateway-7.example.com:443',
      allowHostsWithoutClusterName: true,
    });
    expect(outputs.added).toBe(true);
  });

  it('writes the dry-run workspace like a real run (the template editor shows the change)', async () => {
    const { outputs } = await run(dev02, { isDryRun: true });
    expect(outputs.added).toBe(true);
    expect(YAML.parse(read('ops-01')).globalQuery.stores).toContain(
      'thanos-query.dev-02.example.com:443',
    );
  });

  it('fails naming the folder when no values file enables the Global Query, writing nothing', async () => {
    write(
      'ops-01',
      read('ops-01').replace(
        'globalQuery:\n  enable: true',
        'globalQuery:\n  enable: false',
      ),
    );
    await expectRefused(
      dev02,
      /valuesPath: no values file in charts\/app-of-apps enables the Global Thanos Query/,
    );
    fs.rmSync(path.join(mockDir.path, VALUES_DIR), { recursive: true });
    await expectRefused(
      { ...dev02, valuesPath: 'elsewhere' },
      /valuesPath: no values file in elsewhere enables the Global Thanos Query/,
    );
  });

  it('fails on a stores value that is not a list, writing nothing', async () => {
    write(
      'ops-01',
      read('ops-01').replace(
        / {2}stores:\n( {4}- .*\n)+/,
        '  stores: thanos-query.dev-01.example.com:443\n',
      ),
    );
    await expectRefused(
      dev02,
      /values\.ops-01\.yaml: globalQuery\.stores must be a list/,
    );
  });

  it('writes no global file when one of two is broken', async () => {
    write('ops-02', 'globalQuery:\n  enable: true\n  stores: { a: b }\n');
    await expectRefused(dev02, /values\.ops-02\.yaml: globalQuery\.stores/);
  });

  describe('bad input fails naming the field and leaves the files as they were', () => {
    it.each([
      [
        'invalid cluster',
        { ...dev02, cluster: 'Dev_2' },
        /cluster: must match/,
      ],
      [
        'no port',
        { ...dev02, endpoint: 'thanos-query.dev-02.example.com' },
        /endpoint: must be host:port/,
      ],
      [
        'port 0',
        { ...dev02, endpoint: 'thanos-query.dev-02.example.com:0' },
        /endpoint: port 0 is outside 1-65535/,
      ],
      [
        'port too high',
        { ...dev02, endpoint: 'thanos-query.dev-02.example.com:65536' },
        /endpoint: port 65536 is outside/,
      ],
      [
        'upper case host',
        { ...dev02, endpoint: 'Thanos.example.com:443' },
        /endpoint: host "Thanos.example.com" is not a DNS host name/,
      ],
      [
        'wildcard host',
        { ...dev02, endpoint: '*.example.com:443' },
        /endpoint: host/,
      ],
      [
        'URL instead of host:port',
        { ...dev02, endpoint: 'https://thanos.example.com:443' },
        /endpoint: must be host:port/,
      ],
      [
        'YAML injection',
        { ...dev02, endpoint: 'a.example.com:443\n  enable: false' },
        /endpoint: must be host:port/,
      ],
      ['missing endpoint', { cluster: 'dev-02' }, /endpoint: Required/],
      [
        'valuesPath escaping the workspace',
        { ...dev02, valuesPath: '../..' },
        /valuesPath/,
      ],
    ])('%s', async (_title, input, message) => {
      await expectRefused(input, message);
    });

    it('a values file that is not valid YAML', async () => {
      write('stag-01', 'cluster:\n  name: stag-01\n  server: [unclosed\n');
      await expectRefused(dev02, /values\.stag-01\.yaml: not valid YAML/);
    });
  });

  it('endpointProblem accepts host:port endpoints', () => {
    expect(
      endpointProblem('thanos-query.dev-02.example.com:443'),
    ).toBeUndefined();
    expect(endpointProblem('thanos-query:10901')).toBeUndefined();
    expect(endpointProblem('10.0.0.1:1')).toBeUndefined();
    expect(endpointProblem('a.example.com:65535')).toBeUndefined();
  });
});

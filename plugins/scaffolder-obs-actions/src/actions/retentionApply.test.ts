import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  VALUES_DIR,
  mockContext,
  seedValues,
  settingsFrom,
  snapshot,
} from '../__testUtils__/fixtures';
import { createRetentionApplyAction } from './retentionApply';

const logs = {
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '7d',
  deleteAfter: '180d',
};
const metrics = {
  raw: '45d',
  fiveMinutes: '200d',
  oneHour: '3y',
  bucketLifecycle: '1100d',
};

describe('obs:retention:apply', () => {
  const mockDir = createMockDirectory();
  beforeEach(() => {
    mockDir.clear();
    seedValues(mockDir.path);
  });
  const action = createRetentionApplyAction({ settings: settingsFrom({}) });
  const file = (c: string) =>
    path.join(mockDir.path, VALUES_DIR, `values.${c}.yaml`);
  const read = (c: string) => fs.readFileSync(file(c), 'utf8');

  async function run(input: Record<string, unknown>) {
    const ctx = mockContext(mockDir.path, input);
    await action.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }
  async function expectRefused(
    input: Record<string, unknown>,
    message: RegExp,
  ) {
    const before = snapshot(mockDir.path);
    await expect(
      action.handler(mockContext(mockDir.path, input) as any),
    ).rejects.toThrow(message);
    expect(snapshot(mockDir.path)).toEqual(before);
  }

  it('changes the ILM delete phase of logs and nothing else in the file', async () => {
    const before = read('prod-01');
    const outputs = await run({
      cluster: 'prod-01',
      signal: 'logs',
      requested: logs,
    });
    expect(outputs).toEqual({
      path: 'charts/app-of-apps/values.prod-01.yaml',
      changed: [
        {
          field: 'deleteAfter',
          path: 'observability.logging.ilm.delete.minAge',
          from: '90d',
          to: '180d',
        },
      ],
    });
    // Byte for byte the same file but the one value: comments, key order and the
    // flow-style maps of the seed stay as they were.
    expect(read('prod-01')).toBe(
      before.replace(
        /(logging:[\s\S]*?delete: \{ minAge: )90d( \})/,
        '$1180d$2',
      ),
    );
    expect(read('prod-01')).not.toBe(before);
    // The traces policy has the same shape and is left alone.
    expect(YAML.parse(read('prod-01')).observability.tracing.ilm).toEqual({
      rollover: { maxAge: '1d', maxSize: '50gb' },
      warm: { minAge: '3d' },
      delete: { minAge: '14d' },
    });
  });

  it('changes the Thanos compactor retention and bucket lifecycle, keeping comments', async () => {
    const before = read('stag-01');
    const outputs = await run({
      cluster: 'stag-01',
      signal: 'metrics',
      requested: metrics,
    });
    expect(outputs.changed.map((c: any) => [c.path, c.to])).toEqual([
      ['observability.thanos.compactor.retention.raw', '45d'],
      ['observability.thanos.compactor.retention.5m', '200d'],
      ['observability.thanos.compactor.retention.1h', '3y'],
      ['observability.thanos.objstore.lifecycle', '1100d'],
    ]);
    const after = read('stag-01');
    const parsed = YAML.parse(after);
    expect(parsed.observability.thanos.compactor.retention).toEqual({
      raw: '45d',
      '5m': '200d',
      '1h': '3y',
    });
    expect(parsed.observability.thanos.objstore.lifecycle).toBe('1100d');
    // Every comment line of the original is still there, in the same order.
    const comments = (text: string) =>
      text.split('\n').filter(l => l.trim().startsWith('#'));
    expect(comments(after)).toEqual(comments(before));
    // Other values unchanged.
    const original = YAML.parse(before);
    original.observability.thanos.compactor.retention =
      parsed.observability.thanos.compactor.retention;
    original.observability.thanos.objstore.lifecycle = '1100d';
    expect(parsed).toEqual(original);
  });

  it('touches only the traces policy for signal traces', async () => {
    const before = YAML.parse(read('dev-01'));
    await run({
      cluster: 'dev-01',
      signal: 'traces',
      requested: {
        rolloverMaxAge: '12h',
        rolloverMaxSize: '20gb',
        warmAfter: '2d',
        deleteAfter: '10d',
      },
    });
    const after = YAML.parse(read('dev-01'));
    expect(after.observability.logging).toEqual(before.observability.logging);
    expect(after.observability.tracing.ilm).toEqual({
      rollover: { maxAge: '12h', maxSize: '20gb' },
      warm: { minAge: '2d' },
      delete: { minAge: '10d' },
    });
  });

  it('adds the keys when the values file has none yet', async () => {
    const rel = path.join(mockDir.path, VALUES_DIR, 'values.dev-09.yaml');
    fs.writeFileSync(
      rel,
      '# a young cluster\ncluster:\n  name: dev-09 # inline\nobservability:\n  logging:\n    indexPrefix: logs-dev-09\n',
    );
    const outputs = await run({
      cluster: 'dev-09',
      signal: 'logs',
      requested: logs,
    });
    expect(outputs.changed.every((c: any) => c.from === undefined)).toBe(true);
    const text = fs.readFileSync(rel, 'utf8');
    expect(text).toContain('# a young cluster');
    expect(text).toContain('name: dev-09 # inline');
    expect(YAML.parse(text).observability.logging).toEqual({
      indexPrefix: 'logs-dev-09',
      ilm: {
        rollover: { maxAge: '1d', maxSize: '50gb' },
        warm: { minAge: '7d' },
        delete: { minAge: '180d' },
      },
    });
  });

  it('writes nothing and reports no change when the file already has the settings', async () => {
    const before = snapshot(mockDir.path);
    const outputs = await run({
      cluster: 'prod-01',
      signal: 'logs',
      requested: { ...logs, deleteAfter: '90d' },
    });
    expect(outputs.changed).toEqual([]);
    expect(snapshot(mockDir.path)).toEqual(before);
  });

  it('refuses unordered metrics retention, naming the field, and writes nothing', async () => {
    await expectRefused(
      {
        cluster: 'prod-01',
        signal: 'metrics',
        requested: { ...metrics, raw: '400d' },
      },
      /requested\.raw: raw retention must not exceed the 5m retention/,
    );
    await expectRefused(
      {
        cluster: 'prod-01',
        signal: 'metrics',
        requested: { ...metrics, bucketLifecycle: '30d' },
      },
      /requested\.bucketLifecycle: the bucket lifecycle rule must outlive/,
    );
  });

  it('refuses ILM phases out of order and durations that do not parse', async () => {
    await expectRefused(
      {
        cluster: 'prod-01',
        signal: 'logs',
        requested: { ...logs, deleteAfter: '5d' },
      },
      /requested\.deleteAfter: the delete phase must come after the warm phase/,
    );
    await expectRefused(
      {
        cluster: 'prod-01',
        signal: 'logs',
        requested: { ...logs, warmAfter: 'seven days' },
      },
      /requested\.warmAfter: "seven days" is not a duration/,
    );
    await expectRefused(
      {
        cluster: 'prod-01',
        signal: 'logs',
        requested: { ...logs, rolloverMaxSize: 'big' },
      },
      /requested\.rolloverMaxSize: "big" is not a size/,
    );
  });

  it('applies bounds when given', async () => {
    await expectRefused(
      {
        cluster: 'prod-01',
        signal: 'logs',
        requested: { ...logs, deleteAfter: '20d' },
        bounds: { minDays: 30 },
      },
      /requested\.deleteAfter: keeps 20 days, below the minimum of 30 days/,
    );
  });

  it('names missing settings, an unknown signal, an unknown cluster and an escaping path', async () => {
    await expectRefused(
      {
        cluster: 'prod-01',
        signal: 'logs',
        requested: { rolloverMaxAge: '1d' },
      },
      /requested\.rolloverMaxSize: is required for logs; requested\.warmAfter/,
    );
    await expectRefused(
      { cluster: 'prod-01', signal: 'profiles', requested: logs },
      /signal: Invalid enum value/,
    );
    await expectRefused(
      { cluster: 'prod-77', signal: 'logs', requested: logs },
      /cluster: no values file values\.prod-77\.yaml/,
    );
    await expectRefused(
      { cluster: 'resource:default/prod-01', signal: 'logs', requested: logs },
      /cluster: must be a cluster name/,
    );
    await expectRefused(
      {
        cluster: 'prod-01',
        signal: 'logs',
        requested: logs,
        valuesPath: '../outside',
      },
      /valuesPath: path escapes the workspace/,
    );
  });

  it('refuses a values file that is not valid YAML', async () => {
    fs.writeFileSync(file('prod-01'), 'cluster: [unclosed\n');
    await expectRefused(
      { cluster: 'prod-01', signal: 'logs', requested: logs },
      /values\.prod-01\.yaml: not valid YAML/,
    );
  });
});

import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  actionRunner,
  seedValues,
  settingsFrom,
  VALUES_DIR,
} from '../__testUtils__/fixtures';
import { createClusterPromoteAction } from './clusterPromote';

describe('obs:cluster:promote', () => {
  const mockDir = createMockDirectory();
  beforeEach(() => {
    mockDir.clear();
    seedValues(mockDir.path);
  });
  const action = createClusterPromoteAction({ settings: settingsFrom({}) });
  const file = (c: string) =>
    path.join(mockDir.path, VALUES_DIR, `values.${c}.yaml`);
  const read = (c: string) => fs.readFileSync(file(c), 'utf8');
  const revision = (c: string) => YAML.parse(read(c)).source.targetRevision;

  const { run, expectRefused } = actionRunner(action, () => mockDir.path);
  it('promotes to the next environment (dev tracks HEAD, so stag is next)', async () => {
    const stagBefore = read('stag-01');
    const prodBefore = read('prod-01');
    const oldStag = revision('stag-01');
    const { outputs } = await run({ revision: 'v1.5.0' });
    expect(outputs).toEqual({
      environment: 'stag',
      clusters: ['stag-01'],
      files: ['charts/app-of-apps/values.stag-01.yaml'],
      previousRevisions: { 'stag-01': oldStag },
      forced: false,
    });
    expect(revision('stag-01')).toBe('v1.5.0');
    expect(read('stag-01')).toBe(
      stagBefore.replace(
        `targetRevision: ${oldStag}`,
        'targetRevision: v1.5.0',
      ),
    );
    expect(read('prod-01')).toBe(prodBefore);
  });

  it('promotes to prod once stag runs the revision', async () => {
    const stag = revision('stag-01');
    const ops = read('ops-01');
    const { outputs } = await run({
      revision: stag,
      targetEnvironment: 'prod',
    });
    expect(outputs.clusters).toEqual(['prod-01']);
    expect(revision('prod-01')).toBe(stag);
    expect(read('ops-01')).toBe(ops);
  });

  it('refuses to skip stag', async () => {
    await expectRefused(
      { revision: 'v9.9.9', targetEnvironment: 'prod' },
      /targetEnvironment: promoting v9\.9\.9 to prod would skip stag \(stag-01 is at v1\.4\.0\)/,
    );
  });

  it('a forced skip needs a reason', async () => {
    await expectRefused(
      { revision: 'v9.9.9', targetEnvironment: 'prod', force: true },
      /reason:/,
    );
    const { outputs, ctx } = await run({
      revision: 'v9.9.9',
      targetEnvironment: 'prod',
      force: true,
      reason: 'CVE fix approved in CHG-4711',
    });
    expect(outputs.forced).toBe(true);
    expect(revision('prod-01')).toBe('v9.9.9');
    expect(revision('stag-01')).toBe('v1.4.0');
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('CHG-4711'),
    );
  });

  it('follows a configurable order', async () => {
    const { outputs } = await run({
      revision: 'v2.0.0',
      order: ['dev', 'ops', 'stag', 'prod'],
    });
    expect(outputs.environment).toBe('ops');
    await expectRefused(
      {
        revision: 'v2.0.1',
        order: ['dev', 'ops', 'stag'],
        targetEnvironment: 'stag',
      },
      /would skip ops/,
    );
  });

  it.each([
    [
      'environment outside the order',
      { revision: 'v1.5.0', targetEnvironment: 'ops' },
      /targetEnvironment: ops is not in the promotion order/,
    ],
    [
      'unknown environment',
      { revision: 'v1.5.0', targetEnvironment: 'qa' },
      /targetEnvironment: qa is not in the promotion order/,
    ],
    ['bad revision', { revision: '--upload-pack=x' }, /revision/],
    [
      'already there',
      { revision: 'v1.4.0', targetEnvironment: 'stag' },
      /revision: every stag cluster already runs v1\.4\.0/,
    ],
    [
      'duplicate environment in order',
      { revision: 'v1', order: ['dev', 'dev'] },
      /order/,
    ],
  ])('%s', async (_t, input, message) => {
    await expectRefused(input, message);
  });

  it('a values file that is not valid YAML', async () => {
    fs.writeFileSync(file('prod-01'), 'source: {targetRevision: v1\n');
    await expectRefused(
      { revision: 'v1.5.0' },
      /values\.prod-01\.yaml: not valid YAML/,
    );
  });
});

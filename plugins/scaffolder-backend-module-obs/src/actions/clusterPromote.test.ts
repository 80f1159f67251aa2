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
import {
  DEMO_GATE_CLUSTERS,
  FakeCluster,
  fakeGateBackend,
} from './clusterPromoteGate.testHelpers';

describe('obs:cluster:promote', () => {
  const mockDir = createMockDirectory();
  beforeEach(() => {
    mockDir.clear();
    seedValues(mockDir.path);
  });
  const action = createClusterPromoteAction({
    settings: settingsFrom({}),
    backend: fakeGateBackend(),
  });
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
      refusals: [],
      pullRequestBody: expect.stringContaining('| dev-01 | ok |'),
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
      {
        revision: 'v1.5.0',
        targetEnvironment: 'ops',
        order: ['dev', 'stag', 'prod'],
      },
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

  describe('the gate', () => {
    /** The action over a fake back end whose clusters are the demo's, changed by `changes`. */
    function gated(
      changes: Record<string, Partial<FakeCluster>> = {},
      options: Parameters<typeof fakeGateBackend>[1] = {},
    ) {
      const clusters = Object.fromEntries(
        Object.entries(DEMO_GATE_CLUSTERS).map(([name, c]) => [
          name,
          { ...c, ...changes[name] },
        ]),
      );
      const backend = fakeGateBackend(clusters, options);
      const gatedAction = createClusterPromoteAction({
        settings: settingsFrom({}),
        backend,
      });
      return { backend, ...actionRunner(gatedAction, () => mockDir.path) };
    }
    const toProd = { revision: 'v1.4.0', targetEnvironment: 'prod' };

    it('asks the back end about the previous environment and puts what it saw in the PR', async () => {
      const { backend, run: gatedRun } = gated();
      const { outputs } = await gatedRun(toProd);
      expect(backend.asked).toEqual([
        'applications:stag',
        'alerts:stag-01',
        'history:stag-01',
      ]);
      expect(outputs.refusals).toEqual([]);
      expect(outputs.pullRequestBody).toContain(
        '### Promotion gate: stag at v1.4.0',
      );
      expect(outputs.pullRequestBody).toMatch(
        /\| stag-01 \| ok \| \d{4}-\d\d-\d\dT[^|]+ \| none \| stag-01-config: Synced \/ Healthy \/ HEAD<br>stag-01-monitoring: Synced \/ Healthy \/ v1\.4\.0 \|/,
      );
      expect(outputs.pullRequestBody).toContain(
        'Every cluster passed the gate.',
      );
    });

    it('refuses a revision Degraded in stag, naming cluster, application and reason', async () => {
      const { expectRefused: expectGateRefused } = gated({
        'stag-01': { apps: { monitoring: { health: 'Degraded' } } },
      });
      await expectGateRefused(
        toProd,
        /v1\.4\.0 cannot be promoted to prod: stag does not pass the gate \(stag-01 \/ stag-01-monitoring: health Degraded\)/,
      );
    });

    it.each<[string, Partial<FakeCluster>, RegExp]>([
      [
        'OutOfSync',
        { apps: { monitoring: { sync: 'OutOfSync' } } },
        /stag-01 \/ stag-01-monitoring: sync OutOfSync/,
      ],
      [
        'a failed last sync',
        {
          apps: {
            monitoring: {
              operation: { phase: 'Failed', message: 'hook failed' },
            },
          },
        },
        /stag-01-monitoring: last sync failed: hook failed/,
      ],
      [
        'another revision',
        { revision: 'v1.3.9' },
        /stag-01 \/ stag-01-monitoring: runs v1\.3\.9, not v1\.4\.0/,
      ],
      [
        'an Argo CD error',
        { error: 'argocd at /api/v1/applications answered HTTP 401' },
        /stag-01: Argo CD: argocd at .* HTTP 401/,
      ],
      [
        'fleet health critical',
        { health: { to: 'critical', at: '2026-11-25T11:00:00.000Z' } },
        /stag-01: fleet health critical since 2026-11-25T11:00:00\.000Z/,
      ],
      [
        'no health history',
        { health: 'none' },
        /stag-01: no fleet health history yet/,
      ],
      [
        'a firing critical alert',
        { alerts: [{ name: 'ThanosSidecarIsDown' }] },
        /stag-01: critical alert ThanosSidecarIsDown firing/,
      ],
      [
        'an Alertmanager that does not answer',
        { alerts: 'down' },
        /stag-01: alerts unknown: alertmanager: connection refused/,
      ],
    ])(
      'refuses %s in the previous environment',
      async (_t, change, message) => {
        const { expectRefused: expectGateRefused } = gated({
          'stag-01': change,
        });
        await expectGateRefused(toProd, message);
      },
    );

    it('lets a warning, a silenced critical alert and another cluster pass', async () => {
      const { run: gatedRun } = gated({
        'stag-01': {
          alerts: [
            { name: 'ServiceLatencyHigh', severity: 'warning' },
            { name: 'ThanosSidecarIsDown', state: 'silenced' },
            { name: 'Elsewhere', cluster: 'prod-01' },
          ],
        },
      });
      const { outputs } = await gatedRun(toProd);
      expect(outputs.refusals).toEqual([]);
      expect(outputs.pullRequestBody).toMatch(
        /\| stag-01 \| ok \| [^|]+ \| none \|/,
      );
    });

    it('waits for the soak time, then promotes', async () => {
      const now = new Date();
      const okSince = new Date(now.getTime() - 10 * 60_000).toISOString();
      const { expectRefused: expectGateRefused } = gated(
        { 'stag-01': { health: { at: okSince } } },
        { soakSeconds: 1800, now },
      );
      await expectGateRefused(
        toProd,
        new RegExp(
          `stag-01: fleet health ok only since ${okSince.replace(
            /[.]/g,
            '\\.',
          )} \\(soak time 30m\\)`,
        ),
      );
      const { run: laterRun } = gated(
        { 'stag-01': { health: { at: okSince } } },
        { soakSeconds: 600, now },
      );
      const { outputs } = await laterRun(toProd);
      expect(outputs.clusters).toEqual(['prod-01']);
      expect(revision('prod-01')).toBe('v1.4.0');
    });

    it('fails closed when the back end cannot be asked; force with a reason passes, into the PR', async () => {
      const down = new Error('The observability back end could not be reached');
      const { expectRefused: expectGateRefused, run: forcedRun } = gated(
        {},
        { failWith: down },
      );
      await expectGateRefused(
        toProd,
        /stag-01: Argo CD state could not be read: The observability back end could not be reached/,
      );
      const { outputs, ctx } = await forcedRun({
        ...toProd,
        force: true,
        reason: 'Argo CD outage, approved in CHG-4712',
      });
      expect(outputs.forced).toBe(true);
      expect(outputs.refusals).toEqual([
        'stag-01: Argo CD state could not be read: The observability back end could not be reached',
      ]);
      expect(outputs.pullRequestBody).toContain(
        '**Forced** past the gate. Reason: Argo CD outage, approved in CHG-4712',
      );
      expect(ctx.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('CHG-4712'),
      );
      expect(revision('prod-01')).toBe('v1.4.0');
    });

    it('promotes ops after prod (ops last in the default order)', async () => {
      fs.writeFileSync(
        file('prod-01'),
        read('prod-01').replace(
          /targetRevision: \S+/,
          'targetRevision: v1.4.0',
        ),
      );
      const { backend, run: gatedRun } = gated({
        'stag-01': { revision: 'v1.4.0' },
        'prod-01': { revision: 'v1.4.0' },
      });
      const { outputs } = await gatedRun({ revision: 'v1.4.0' });
      expect(outputs.environment).toBe('ops');
      expect(backend.asked).toContain('applications:prod');
      expect(revision('ops-01')).toBe('v1.4.0');
    });

    it('keeps upstream text from breaking the PR table', async () => {
      const { run: gatedRun } = gated({
        'stag-01': {
          apps: { monitoring: { sync: 'Synced|<img src=x>\n# hi' } },
        },
      });
      const { outputs } = await gatedRun({
        ...toProd,
        force: true,
        reason: 'testing the table with hostile text',
      });
      expect(outputs.pullRequestBody).toContain(
        'Synced\\|\\<img src=x\\> # hi',
      );
      // Every `<` of upstream text is escaped, and no line starts a heading.
      expect(outputs.pullRequestBody).not.toMatch(/[^\\]<img/);
      expect(outputs.pullRequestBody).not.toMatch(/^# hi/m);
    });
  });
});

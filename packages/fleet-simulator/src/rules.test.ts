import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFrom } from './__testUtils__/getFrom';
import { FleetSimulator, startFleetSimulator } from './index';
import { PLATFORM_RULE_GROUP_NAMES } from './rules';

let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
});
afterAll(() => sim.close());
afterEach(() => sim.setFaults({}));

const get = getFrom(() => sim.url);

/** cluster → group names it has rules in. */
function groupsByCluster(groups: any[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of groups) {
    for (const r of g.rules) {
      const names = (out[r.labels.cluster] ??= []);
      if (!names.includes(g.name)) names.push(g.name);
    }
  }
  return out;
}

describe("the Global Query's Rules API", () => {
  it('has the group and alert names of the shipped rules file', async () => {
    // Test-only: reads the example GitOps repository of the source tree.
    // eslint-disable-next-line no-restricted-syntax
    const text = readFileSync(
      join(
        __dirname,
        '../../../examples/gitops-repo/charts/monitoring/rules/fleetobs-platform.rules.yaml',
      ),
      'utf8',
    );
    const shipped = text
      .split(/^ {2}- name: /m)
      .slice(1)
      .map(part => [
        part.split('\n')[0].trim(),
        [...part.matchAll(/^ {6}- alert: (\S+)$/gm)].map(m => m[1]),
      ]);
    expect(shipped).toHaveLength(5);
    expect(PLATFORM_RULE_GROUP_NAMES).toEqual(shipped.map(([name]) => name));
    const { groups } = (await get('/thanos/api/v1/rules')).json.data;
    expect(
      groups.map((g: any) => [
        g.name,
        g.rules
          .filter((r: any) => r.labels.cluster === 'dev-01')
          .map((r: any) => r.name),
      ]),
    ).toEqual(shipped);
  });

  it('lists every group once, with the rules of every cluster, healthy', async () => {
    const r = await get('/thanos/api/v1/rules');
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('success');
    const { groups } = r.json.data;
    expect(groups.map((g: any) => g.name)).toEqual(PLATFORM_RULE_GROUP_NAMES);
    const all = groupsByCluster(groups);
    for (const c of sim.clusters) {
      expect(all[c.name]).toEqual(PLATFORM_RULE_GROUP_NAMES);
    }
    const rule = groups[0].rules.find(
      (x: any) => x.labels.cluster === 'prod-01',
    );
    expect(rule).toMatchObject({
      name: 'ThanosSidecarIsDown',
      type: 'alerting',
      health: 'ok',
      lastError: '',
      labels: { cluster: 'prod-01', environment: 'prod', severity: 'critical' },
    });
    expect(rule.labels).not.toHaveProperty('replica');
  });

  it('rules-missing: the cluster has no rule in any group, the others keep theirs', async () => {
    sim.setFaults({ clusters: { 'stag-01': ['rules-missing'] } });
    const r = await get('/thanos/api/v1/rules');
    const all = groupsByCluster(r.json.data.groups);
    expect(all['stag-01']).toBeUndefined();
    expect(all['prod-01']).toEqual(PLATFORM_RULE_GROUP_NAMES);
    expect((await get('/__admin/faults')).json.clusters).toEqual({
      'stag-01': ['rules-missing'],
    });
  });

  it('drops a group with no rule left, as Thanos does', async () => {
    sim.setFaults({
      clusters: Object.fromEntries(
        sim.clusters.map(c => [c.name, ['rules-missing']]),
      ),
    });
    const r = await get('/thanos/api/v1/rules');
    expect(r.json.data.groups).toEqual([]);
  });
});

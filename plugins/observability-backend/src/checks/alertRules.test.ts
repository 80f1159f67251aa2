import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import { FetchThanosClient } from '../upstream/ThanosClient';
import { ThanosRules } from '../upstream/thanosRules';
import {
  alertRulesCheck,
  evaluateAlertRules,
  PLATFORM_RULE_GROUPS,
} from './alertRules';
import { answered, failed } from './types';
import { ConfigReader } from '@backstage/config';
import { startFleetSimulator } from '@fleetobs/fleet-simulator';
import {
  answeringHttp,
  upstreamClientsFromConfig,
} from '../__testUtils__/upstreamClients';

const ctx = fixtureContext();

/** The fixture's `data` read through the real client and its schema. */
async function rulesFrom(body: unknown) {
  const client = new FetchThanosClient(
    answeringHttp(async (_path, schema) => schema.parse(body)),
  );
  return answered(await client.rules());
}

describe('alert-rules', () => {
  it('lists the group names of the shipped rules file', () => {
    // Test-only: reads the example GitOps repository of the source tree.
    // eslint-disable-next-line no-restricted-syntax
    const text = readFileSync(
      join(
        __dirname,
        '../../../../examples/gitops-repo/charts/monitoring/rules/fleetobs-platform.rules.yaml',
      ),
      'utf8',
    );
    const names = parse(text).groups.map((g: { name: string }) => g.name);
    expect([...PLATFORM_RULE_GROUPS]).toEqual(names);
  });

  it('judges each cluster from the rule groups the Global Query sees', async () => {
    const r = evaluateAlertRules(
      await rulesFrom(fixture('thanos/rules.json')),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(r['prod-01'].status).toBe('ok');
    expect(r['prod-01'].evidence).toMatchObject({
      source: 'thanos',
      query: '/api/v1/rules',
      values: {
        groups_expected: 5,
        groups_loaded: 5,
        missing: '',
        unhealthy: '',
      },
    });
    expect(r['prod-01'].failureMode).toBeUndefined();

    expect(r['dev-01'].status).toBe('ok');

    // stag-01: the traces group is not loaded, a logs rule fails to evaluate.
    expect(r['stag-01'].status).toBe('warn');
    expect(r['stag-01'].summary).toBe(
      'Platform rule groups missing: fleetobs-traces; failing: fleetobs-logs',
    );
    expect(r['stag-01'].evidence.values).toMatchObject({
      groups_loaded: 4,
      missing: 'fleetobs-traces',
    });
    expect(r['stag-01'].evidence.values!.unhealthy).toMatch(
      /^fleetobs-logs \(LogIngestionStopped: execution: found duplicate series/,
    );
    expect(r['stag-01'].mitigation).toMatch(/PrometheusRule selector/);

    // ops-01's Prometheus loaded none of them (and the team's rule without a
    // cluster label is attributed to no cluster).
    expect(r['ops-01'].status).toBe('critical');
    expect(r['ops-01'].summary).toMatch(/None of the platform's 5 rule groups/);
    expect(r['ops-01'].evidence.values).toMatchObject({
      groups_loaded: 0,
      missing: PLATFORM_RULE_GROUPS.join(', '),
    });
  });

  it('attributes rules by the configured cluster label, also from group labels', async () => {
    const rules = answered<ThanosRules>({
      groups: [
        {
          name: 'fleetobs-thanos',
          rules: [
            {
              name: 'A',
              health: 'ok',
              lastError: '',
              labels: { kube: 'x-01' },
            },
            // `cluster` is not the configured label here: not attributed.
            { name: 'B', health: 'err', labels: { cluster: 'y-01' } },
          ],
        },
        {
          name: 'fleetobs-logs',
          labels: { kube: 'x-01' },
          rules: [{ name: 'C', health: 'err', lastError: null, labels: null }],
        },
        { name: 'fleetobs-traces', rules: null },
      ],
    });
    const r = evaluateAlertRules(
      rules,
      [
        { name: 'x-01', environment: 'dev' },
        { name: 'y-01', environment: 'dev' },
      ],
      fixtureContext({ labels: { ...ctx.labels, cluster: 'kube' } }),
      ['fleetobs-thanos', 'fleetobs-logs'],
    );
    expect(r['x-01'].status).toBe('warn');
    expect(r['x-01'].summary).toBe(
      'Platform rule groups failing: fleetobs-logs',
    );
    expect(r['x-01'].evidence.values!.unhealthy).toBe(
      'fleetobs-logs (C: health err)',
    );
    expect(r['y-01'].status).toBe('critical');
  });

  it('is unknown for every cluster when the Rules API cannot be asked', () => {
    const r = evaluateAlertRules(
      failed('thanos: HTTP 503'),
      FIXTURE_CLUSTERS,
      ctx,
    );
    for (const c of FIXTURE_CLUSTERS) {
      expect(r[c.name].status).toBe('unknown');
      expect(r[c.name].evidence).toMatchObject({
        query: '/api/v1/rules',
        error: 'thanos: HTTP 503',
      });
    }
  });

  it('refuses an answer that is not the Rules API wire format', async () => {
    await expect(
      rulesFrom({ status: 'success', data: { groups: [{ rules: [] }] } }),
    ).rejects.toThrow();
    await expect(rulesFrom({ status: 'error', error: 'x' })).rejects.toThrow();
  });

  it('keeps Thanos partial-response warnings in the evidence, clipped', async () => {
    const r = evaluateAlertRules(
      await rulesFrom({
        ...fixture<object>('thanos/rules.json'),
        warnings: ['rpc error: '.padEnd(400, 'x')],
      }),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(String(r['prod-01'].evidence.values!.warnings)).toHaveLength(300);
  });

  it('asks the Global Query once for the whole fleet', async () => {
    const paths: string[] = [];
    const client = new FetchThanosClient(
      answeringHttp(async (path, schema, query) => {
        paths.push(`${path}?${new URLSearchParams(query)}`);
        return schema.parse(fixture('thanos/rules.json'));
      }),
    );
    const answer = await alertRulesCheck.requests.rules.send(
      { thanos: client } as any,
      { clusters: FIXTURE_CLUSTERS, ctx } as any,
    );
    expect(paths).toEqual(['/api/v1/rules?dedup=true&partial_response=true']);
    expect(answer.groups).toHaveLength(6);
  });

  it("reads the simulator's Rules API: rules-missing makes only that cluster critical", async () => {
    const sim = await startFleetSimulator({
      port: 0,
      faults: { clusters: { 'stag-01': ['rules-missing'] } },
    });
    try {
      const clients = upstreamClientsFromConfig(
        new ConfigReader({
          observability: { thanos: { url: `${sim.url}/thanos` } },
        }),
        { timeoutMs: 5000 },
      );
      const answer = await alertRulesCheck.requests.rules.send(clients, {
        clusters: sim.clusters,
        ctx,
      } as any);
      const r = evaluateAlertRules(answered(answer), sim.clusters, ctx);
      expect(
        Object.fromEntries(sim.clusters.map(c => [c.name, r[c.name].status])),
      ).toEqual({
        'dev-01': 'ok',
        'stag-01': 'critical',
        'prod-01': 'ok',
        'ops-01': 'ok',
      });
      expect(sim.requestCounts().thanos).toBe(1);
    } finally {
      await sim.close();
    }
  });
});

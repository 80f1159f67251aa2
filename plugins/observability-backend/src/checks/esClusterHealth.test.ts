import { fixture, fixtureContext } from '../__fixtures__';
import { evaluateEsClusterHealth, hotNodes } from './esClusterHealth';
import { answered, failed } from './types';

const ctx = fixtureContext();
const green = () =>
  answered(fixture('elasticsearch/cluster-health-green.json'));
const nodes = () => answered(fixture('elasticsearch/nodes-stats.json'));

describe('es-cluster-health', () => {
  it('picks hot nodes by role', () => {
    expect(
      hotNodes(fixture('elasticsearch/nodes-stats.json')).map(n => n.name),
    ).toEqual(['es-hot-0', 'es-hot-1']);
  });

  it('is ok when green and hot nodes are relaxed (warm node heap does not count)', () => {
    const r = evaluateEsClusterHealth(green(), nodes(), ctx);
    expect(r.status).toBe('ok');
    expect(r.evidence.values).toMatchObject({
      health: 'green',
      hot_nodes: 2,
      max_hot_heap_percent: 62,
      max_hot_disk_percent: 45,
    });
  });

  it('is critical when red', () => {
    const r = evaluateEsClusterHealth(
      answered(fixture('elasticsearch/cluster-health-red.json')),
      nodes(),
      ctx,
    );
    expect(r.status).toBe('critical');
    expect(r.summary).toMatch(/red \(3 unassigned primaries\)/);
  });

  it('warns on yellow and on hot-node heap; critical at flood-stage disk', () => {
    const yellow = {
      ...fixture('elasticsearch/cluster-health-green.json'),
      status: 'yellow',
      unassigned_shards: 12,
    };
    expect(evaluateEsClusterHealth(answered(yellow), nodes(), ctx).status).toBe(
      'warn',
    );
    const r = evaluateEsClusterHealth(
      green(),
      answered(fixture('elasticsearch/nodes-stats-hot-pressure.json')),
      ctx,
    );
    expect(r.status).toBe('critical');
    expect(r.summary).toMatch(/es-hot-1 heap at 93%/);
    expect(r.summary).toMatch(/es-hot-0 disk at 97%/);
  });

  it('is unknown, never ok, when part of the answer is missing', () => {
    const r = evaluateEsClusterHealth(
      green(),
      failed('elasticsearch at /_nodes/stats/jvm,fs answered HTTP 503'),
      ctx,
    );
    expect(r.status).toBe('unknown');
    expect(r.evidence.error).toMatch(/503/);
    const red = evaluateEsClusterHealth(
      answered(fixture('elasticsearch/cluster-health-red.json')),
      failed('x'),
      ctx,
    );
    expect(red.status).toBe('critical');
    expect(evaluateEsClusterHealth(failed('a'), failed('b'), ctx).status).toBe(
      'unknown',
    );
  });
});

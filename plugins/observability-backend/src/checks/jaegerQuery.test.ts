import { fixture, fixtureContext } from '../__fixtures__';
import { evaluateJaegerQuery } from './jaegerQuery';
import { answered, failed } from './types';

const ctx = fixtureContext();

describe('jaeger-query', () => {
  it('is ok when Jaeger lists services', () => {
    const r = evaluateJaegerQuery(
      answered(fixture('jaeger/services.json').data),
      ctx,
    );
    expect(r.status).toBe('ok');
    expect(r.evidence.values).toMatchObject({ services: 5 });
    expect(r.links[0].url).toBe(
      'https://jaeger.ops-01.fleet.example/search?lookback=1h&limit=20',
    );
  });

  it('warns when Jaeger knows no service', () => {
    expect(evaluateJaegerQuery(answered([]), ctx).status).toBe('warn');
  });

  it('is unknown when Jaeger failed', () => {
    const r = evaluateJaegerQuery(
      failed('jaeger at /api/services answered HTTP 502'),
      ctx,
    );
    expect(r.status).toBe('unknown');
    expect(r.evidence.error).toMatch(/502/);
  });
});

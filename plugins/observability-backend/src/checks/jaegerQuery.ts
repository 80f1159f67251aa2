import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { checkResult, unknownResult } from './result';
import { Answer, CheckContext } from './types';

export const JAEGER_SERVICES_PATH = 'GET /api/services';

/** Jaeger Query answers and knows at least one service. */
export function evaluateJaegerQuery(
  services: Answer<string[]>,
  ctx: CheckContext,
): CheckResult {
  const links = ctx.links.jaegerSearch('Jaeger UI', {});
  if (!services.ok) {
    return unknownResult('jaeger-query', ctx, {
      source: 'jaeger',
      query: JAEGER_SERVICES_PATH,
      error: services.error,
      links,
    });
  }
  const list = services.value;
  const values = {
    services: list.length,
    sample: list.slice(0, 10).join(', '),
  };
  if (list.length === 0) {
    return checkResult('jaeger-query', ctx, {
      status: 'warn',
      summary: 'Jaeger Query answers but knows no service: no spans are stored',
      evidence: { source: 'jaeger', query: JAEGER_SERVICES_PATH, values },
      links,
    });
  }
  return checkResult('jaeger-query', ctx, {
    status: 'ok',
    summary: `Jaeger Query answers; ${list.length} services`,
    evidence: { source: 'jaeger', query: JAEGER_SERVICES_PATH, values },
    links,
  });
}

/** Jaeger Query (`jaeger-query`). */
export const jaegerQueryCheck = defineCheck({
  id: 'jaeger-query',
  title: 'Jaeger Query',
  seed: '§5.6 Expose Jaeger Query; §6 Traces written',
  failureMode:
    'Jaeger Query unreachable or sees no services: traces cannot be searched.',
  mitigation:
    'Check the Jaeger Query deployment in ops-01, its Gateway route, DNS & certificate, and its Elasticsearch credentials.',
  places: [{ platform: 'jaeger' }],
  source: 'jaeger',
  requests: {
    services: upstreamRequest('jaeger', 'services', jaeger =>
      jaeger.services(),
    ),
  },
  evaluate: ({ services }, { ctx }) => [
    { platform: 'jaeger', result: evaluateJaegerQuery(services, ctx) },
  ],
});

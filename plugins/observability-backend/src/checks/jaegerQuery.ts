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

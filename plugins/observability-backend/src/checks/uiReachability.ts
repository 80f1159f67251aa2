import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { GrafanaHealth } from '../upstream/GrafanaClient';
import { KibanaStatus } from '../upstream/KibanaClient';
import { UpstreamError } from '../upstream/UpstreamError';
import { checkResult, unknownResult } from './result';
import { Answer, CheckContext } from './types';

// Kibana and Grafana are the UIs of the drilldown (§9): a reachability check asks
// each one's health endpoint. Not reaching it is the finding (critical), except when
// it refused the portal's credentials: then the portal cannot tell (unknown).

export const KIBANA_STATUS_PATH = 'GET /api/status';
export const GRAFANA_HEALTH_PATH = 'GET /api/health';

/** What a health probe saw: the document, or how the request failed. */
export type Probe<T> =
  | { reached: true; httpStatus: number; body: T }
  | { reached: false; kind: string; status?: number; error: string };

/** Runs a health request, keeping its failure as an answer. */
async function probe<T>(
  send: () => Promise<{ httpStatus: number; body: T }>,
): Promise<Probe<T>> {
  try {
    return { reached: true, ...(await send()) };
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return {
      reached: false,
      kind: error.kind,
      status: error.status,
      error: error.message,
    };
  }
}

/** Kibana 7's `state` as an 8.x `level`. */
const LEVEL_OF_STATE: Record<string, string> = {
  green: 'available',
  yellow: 'degraded',
  red: 'unavailable',
};

/** Failures common to both probes: not configured / refused / unreachable. */
function notReached<T>(
  id: 'kibana-reachable' | 'grafana-reachable',
  answer: Answer<Probe<T>>,
  ctx: CheckContext,
  fields: { source: string; query: string; name: string; configKey: string },
): CheckResult | undefined {
  if (!answer.ok) {
    return unknownResult(id, ctx, { ...fields, error: answer.error });
  }
  const p = answer.value;
  if (p.reached) return undefined;
  if (p.status === 401 || p.status === 403) {
    return unknownResult(id, ctx, {
      ...fields,
      error: `${p.error} (check ${fields.configKey}.auth)`,
    });
  }
  return checkResult(id, ctx, {
    status: 'critical',
    summary: `${fields.name} is not reachable: ${p.error}`,
    evidence: {
      source: fields.source,
      query: fields.query,
      values: {
        reached: false,
        failure: p.kind,
        http_status: p.status ?? null,
      },
    },
  });
}

export function evaluateKibana(
  answer: Answer<Probe<KibanaStatus>>,
  ctx: CheckContext,
): CheckResult {
  const fields = {
    source: 'kibana',
    query: KIBANA_STATUS_PATH,
    name: 'Kibana',
    configKey: 'observability.kibana',
  };
  const failed = notReached('kibana-reachable', answer, ctx, fields);
  if (failed || !answer.ok || !answer.value.reached) return failed!;
  const { httpStatus, body } = answer.value;
  const overall = body.status.overall;
  const level =
    overall.level ?? LEVEL_OF_STATE[overall.state ?? ''] ?? 'unknown';
  const summaryText = overall.summary ?? overall.title ?? '';
  const values = {
    reached: true,
    http_status: httpStatus,
    level,
    version: body.version?.number ?? null,
    summary: summaryText.slice(0, 200),
  };
  let status: CheckResult['status'] = 'warn';
  if (level === 'available' && httpStatus === 200) status = 'ok';
  else if (level === 'unavailable' || level === 'critical') status = 'critical';
  return checkResult('kibana-reachable', ctx, {
    status,
    summary:
      status === 'ok'
        ? `Kibana ${values.version ?? ''} is available`.replace('  ', ' ')
        : `Kibana answers but is ${level}${
            summaryText ? `: ${values.summary}` : ''
          }`,
    evidence: { source: 'kibana', query: KIBANA_STATUS_PATH, values },
    links: ctx.links.kibanaDiscover('Kibana', { kuery: '' }),
  });
}

export function evaluateGrafana(
  answer: Answer<Probe<GrafanaHealth>>,
  ctx: CheckContext,
): CheckResult {
  const fields = {
    source: 'grafana',
    query: GRAFANA_HEALTH_PATH,
    name: 'Grafana',
    configKey: 'observability.grafana',
  };
  const failed = notReached('grafana-reachable', answer, ctx, fields);
  if (failed || !answer.ok || !answer.value.reached) return failed!;
  const { httpStatus, body } = answer.value;
  const values = {
    reached: true,
    http_status: httpStatus,
    database: body.database,
    version: body.version ?? null,
  };
  const ok = httpStatus === 200 && body.database === 'ok';
  return checkResult('grafana-reachable', ctx, {
    status: ok ? 'ok' : 'critical',
    summary: ok
      ? `Grafana ${values.version ?? ''} is healthy`.replace('  ', ' ')
      : `Grafana answers but its database is ${body.database} (HTTP ${httpStatus}): dashboards and alerts cannot load`,
    evidence: { source: 'grafana', query: GRAFANA_HEALTH_PATH, values },
  });
}

/** Kibana answers its status API (`kibana-reachable`). */
export const kibanaReachableCheck = defineCheck({
  id: 'kibana-reachable',
  title: 'Kibana',
  seed: '§2.2 Kibana reachable; §4 Kibana (single ES); §9 Drilldown: pivot to Kibana',
  failureMode:
    'Kibana unreachable or unavailable: the drilldown from a Grafana alert to the logs (§9) stops there.',
  mitigation:
    'Check the Kibana deployment of the elastic-stack chart in ops-01, its Gateway route, DNS and certificate, and its connection to Elasticsearch.',
  places: [{ platform: 'kibana' }],
  source: 'kibana',
  requests: {
    status: upstreamRequest('kibana', 'status', kibana =>
      probe(async () => {
        const r = await kibana.status();
        return { httpStatus: r.httpStatus, body: r.status };
      }),
    ),
  },
  evaluate: ({ status }, { ctx }) => [
    { platform: 'kibana', result: evaluateKibana(status, ctx) },
  ],
});

/** Grafana answers its health API (`grafana-reachable`). */
export const grafanaReachableCheck = defineCheck({
  id: 'grafana-reachable',
  title: 'Grafana',
  seed: '§1 Grafana → Global Thanos Query; §4.7 Grafana datasource; §9 Drilldown: alert fires (Grafana)',
  failureMode:
    'Grafana unreachable or its database failing: dashboards and the alerts that start the drilldown (§9) are not there.',
  mitigation:
    'Check the Grafana deployment in ops-01, its database, Gateway route, DNS and certificate; its datasource is the Global Thanos Query.',
  places: [{ platform: 'grafana' }],
  source: 'grafana',
  requests: {
    health: upstreamRequest('grafana', 'health', grafana =>
      probe(async () => {
        const r = await grafana.health();
        return { httpStatus: r.httpStatus, body: r.health };
      }),
    ),
  },
  evaluate: ({ health }, { ctx }) => [
    { platform: 'grafana', result: evaluateGrafana(health, ctx) },
  ],
});

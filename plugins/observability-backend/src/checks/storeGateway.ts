import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { PromQueryResult } from '../upstream/ThanosClient';
import { perClusterFromPromQL } from './perCluster';
import { assertLabelName, measuresQuery, promString } from './promql';
import { DEFAULT_JOBS, jobMatcher } from './selectors';
import { Answer, CheckContext, CheckLabels, FleetClusterRef } from './types';

export function storeGatewayQuery(
  labels: CheckLabels,
  jobRegex = DEFAULT_JOBS.storeGateway,
): string {
  const c = assertLabelName(labels.cluster);
  const job = jobMatcher(jobRegex);
  return measuresQuery({
    gateways: `count by (${c}) (up${job})`,
    gateways_up: `sum by (${c}) (up${job})`,
    blocks_loaded: `sum by (${c}) (thanos_bucket_store_blocks_loaded${job})`,
  });
}

export function evaluateStoreGateway(
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  jobRegex = DEFAULT_JOBS.storeGateway,
): Record<string, CheckResult> {
  const query = storeGatewayQuery(ctx.labels, jobRegex);
  return perClusterFromPromQL(
    'store-gateway',
    answer,
    clusters,
    ctx,
    query,
    values => {
      if (!values || values.gateways === undefined) {
        return {
          status: 'critical',
          summary:
            'No Thanos store gateway metrics from the cluster: history beyond local retention is missing',
          values: { gateways: 0 },
        };
      }
      const up = values.gateways_up ?? 0;
      const v = {
        gateways: values.gateways,
        gateways_up: up,
        blocks_loaded: values.blocks_loaded ?? null,
      };
      if (up < 1) {
        return {
          status: 'critical',
          summary:
            'The store gateway is down: historical blocks of the cluster are not queryable',
          values: v,
        };
      }
      if (up < values.gateways) {
        return {
          status: 'warn',
          summary: `${values.gateways - up} of ${
            values.gateways
          } store gateways are down`,
          values: v,
        };
      }
      if (values.blocks_loaded === 0) {
        return {
          status: 'warn',
          summary: 'The store gateway is up but has no blocks loaded',
          values: v,
        };
      }
      return {
        status: 'ok',
        summary: `${up} store gateway(s) up${
          values.blocks_loaded !== undefined
            ? `, ${values.blocks_loaded} blocks loaded`
            : ''
        }`,
        values: v,
      };
    },
    cluster =>
      ctx.links.grafanaExplore(
        'Store gateway in Grafana',
        `up{${ctx.labels.cluster}=${promString(
          cluster.name,
        )}, job=~${promString(jobRegex)}}`,
      ),
  );
}

/** Thanos store gateway (`store-gateway`). */
export const storeGatewayCheck = defineCheck({
  id: 'store-gateway',
  title: 'Thanos store gateway',
  seed: '§8 Per-cluster Store Gateway outage',
  failureMode:
    'Per-cluster Store Gateway outage: loss of historical blocks (> local retention) for that cluster only.',
  mitigation: 'Query still hits sidecars; alert & restart the store gateway.',
  places: [{ signal: 'metrics' }],
  source: 'thanos',
  requests: {
    gateways: upstreamRequest('thanos', 'store-gateway', (thanos, env) =>
      thanos.query(storeGatewayQuery(env.ctx.labels, env.jobs.storeGateway), {
        time: env.ctx.now,
      }),
    ),
  },
  evaluate: ({ gateways }, { clusters, ctx, jobs }) => [
    {
      signal: 'metrics',
      results: evaluateStoreGateway(gateways, clusters, ctx, jobs.storeGateway),
    },
  ],
});

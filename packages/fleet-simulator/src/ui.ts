import { FleetModel } from './model';
import { hasPlatformFault } from './platformFaults';

// Kibana's `GET /api/status` and Grafana's `GET /api/health`, as Kibana 8.15 and
// Grafana 11 answer them: 200 when healthy, 503 with the same document when not.

const KIBANA_VERSION = {
  number: '8.15.3',
  build_hash: 'd7d7d2f5a05b1c8c4cd63ec5e1a1a6bb2d58f45a',
  build_number: 77500,
  build_snapshot: false,
  build_flavor: 'traditional',
  build_date: '2024-10-09T13:45:26.226Z',
};

function kibanaStatus(model: FleetModel) {
  const down = hasPlatformFault(model, 'kibana-unavailable');
  const es = down
    ? {
        level: 'unavailable',
        summary:
          'Unable to retrieve version information from Elasticsearch nodes. connect ECONNREFUSED',
      }
    : { level: 'available', summary: 'Elasticsearch is available' };
  return {
    status: down ? 503 : 200,
    body: {
      name: 'kibana-kb-0',
      uuid: '5b2de169-2785-441b-ae8c-186a1936b17d',
      version: KIBANA_VERSION,
      status: {
        overall: down
          ? {
              level: 'unavailable',
              summary: '1 service is unavailable: elasticsearch',
            }
          : {
              level: 'available',
              summary: 'All services and plugins are available',
            },
        core: { elasticsearch: es },
        plugins: {},
      },
      metrics: {
        last_updated: new Date(model.now()).toISOString(),
        collection_interval_in_millis: 5000,
      },
    },
  };
}

function grafanaHealth(model: FleetModel) {
  const failing = hasPlatformFault(model, 'grafana-database-failing');
  return {
    status: failing ? 503 : 200,
    body: {
      commit: '5c5b4e6b3b2c13b8bde4fb39d54d09c49f4f5e40',
      database: failing ? 'failing' : 'ok',
      version: '11.2.2',
    },
  };
}

/** The answer of `/kibana<path>` or `/grafana<path>`. */
export function answer(
  model: FleetModel,
  part: 'kibana' | 'grafana',
  path: string,
): { status: number; body: unknown } {
  if (part === 'kibana' && path === '/api/status') return kibanaStatus(model);
  if (part === 'grafana' && path === '/api/health') return grafanaHealth(model);
  return part === 'kibana'
    ? {
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'Not Found' },
      }
    : { status: 404, body: { message: 'Not found' } };
}

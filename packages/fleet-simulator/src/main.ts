/* eslint-disable no-console */
import { startFleetSimulator } from './server';

/**
 * `yarn workspace @fleetobs/fleet-simulator start`
 *
 * Env: FLEET_SIMULATOR_PORT (default 7011), FLEET_SIMULATOR_HOST (default 127.0.0.1),
 * FLEET_SIMULATOR_CLUSTERS (a count, or comma-separated names; default the 4 demo
 * clusters), FLEET_SIMULATOR_LATENCY_MS (default 0), FLEET_SIMULATOR_FAULTS (JSON).
 */
async function main() {
  const port = Number(process.env.FLEET_SIMULATOR_PORT ?? 7011);
  const clustersEnv = process.env.FLEET_SIMULATOR_CLUSTERS;
  let clusters: number | string[] | undefined;
  if (clustersEnv && /^\d+$/.test(clustersEnv)) clusters = Number(clustersEnv);
  else if (clustersEnv) {
    clusters = clustersEnv
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
  }
  const simulator = await startFleetSimulator({
    port,
    host: process.env.FLEET_SIMULATOR_HOST ?? '127.0.0.1',
    clusters,
    latencyMs: Number(process.env.FLEET_SIMULATOR_LATENCY_MS ?? 0),
    faults: process.env.FLEET_SIMULATOR_FAULTS
      ? JSON.parse(process.env.FLEET_SIMULATOR_FAULTS)
      : undefined,
  });
  const u = simulator.url;
  console.log(
    `fleet simulator listening on ${u} for ${
      simulator.clusters.length
    } clusters (${simulator.clusters
      .slice(0, 4)
      .map(c => c.name)
      .join(', ')}${simulator.clusters.length > 4 ? ', …' : ''})`,
  );
  console.log(`  observability.thanos.url:        ${u}/thanos`);
  console.log(`  observability.elasticsearch.url: ${u}/es`);
  console.log(`  observability.jaeger.url:        ${u}/jaeger`);
  console.log(`  observability.alertmanager.url:  ${u}/alertmanager`);
  console.log(
    `  exporters:                       ${u}/exporters/<cluster>/metrics`,
  );
  console.log(
    `  faults:  curl -X PUT ${u}/__admin/faults -d '{"clusters":{"prod-01":["sidecar-down"]}}'`,
  );
  const stop = async () => {
    await simulator.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

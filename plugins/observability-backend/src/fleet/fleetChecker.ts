import type { CheckSettings } from '../config';
import { UpstreamClients } from '../upstream';
import { runFleetChecks } from '../checks';
import { FleetChecker } from './FleetHealthService';

/** The fleet checker: every check of the registry over `clients`, with `settings`. */
export function createFleetChecker(
  clients: UpstreamClients,
  settings: CheckSettings,
): FleetChecker {
  return clusters =>
    runFleetChecks(clients, {
      ...settings,
      clusters: clusters.map(c => ({
        name: c.name,
        environment: c.environment,
      })),
      now: new Date(),
    });
}

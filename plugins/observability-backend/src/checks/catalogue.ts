import { CheckDescriptor, definedCheck } from './defineCheck';
import { fleetChecks } from './registry';

/** What a check is, from its descriptor: for results, the README and the UIs. */
export type CheckDescription = Pick<
  CheckDescriptor,
  'id' | 'title' | 'seed' | 'failureMode' | 'mitigation'
>;

/** The description of a check by id (every check module registers its descriptor). */
export function describeCheck(id: string): CheckDescription {
  const found = definedCheck(id);
  if (!found) {
    throw new Error(`No check "${id}" is defined (see checks/registry.ts)`);
  }
  return found;
}

/** The checks of the registry in display order, without requests and evaluation. */
export function checkCatalogue(): CheckDescription[] {
  return fleetChecks().map(({ id, title, seed, failureMode, mitigation }) => ({
    id,
    title,
    seed,
    failureMode,
    mitigation,
  }));
}

import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import plugin from './alpha';
import { observabilityApiRef } from './api';
import { observabilityPlugin } from './plugin';
import { retentionRouteRef, rootRouteRef } from './routes';
import { fleetSummaryFixture } from './__fixtures__/fleet';

describe('observability plugin (new frontend system)', () => {
  const page = plugin.getExtension('page:observability');

  it('mounts the fleet health page at /observability', () => {
    expect(createExtensionTester(page).get(coreExtensionData.routePath)).toBe(
      '/observability',
    );
  });

  it('shares its route refs with the legacy plugin', () => {
    expect(plugin.routes).toEqual({
      root: rootRouteRef,
      retention: retentionRouteRef,
    });
    expect(observabilityPlugin.routes).toEqual(plugin.routes);
    expect(createExtensionTester(page).get(coreExtensionData.routeRef)).toBe(
      rootRouteRef,
    );
    expect(
      createExtensionTester(
        plugin.getExtension('page:observability/retention'),
      ).get(coreExtensionData.routeRef),
    ).toBe(retentionRouteRef);
  });

  it('renders the fleet summary from the API', async () => {
    const tester = createExtensionTester(page);
    const getFleetPage = jest.fn(async () => ({
      ...fleetSummaryFixture,
      counts: { ok: 1, warn: 1, critical: 0, unknown: 0 },
      environments: ['dev', 'prod'],
      matched: fleetSummaryFixture.clusters.length,
    }));
    await renderInTestApp(tester.reactElement(), {
      apis: [[observabilityApiRef, { getFleetPage }]],
    });
    expect(await screen.findByText('dev-01')).toBeInTheDocument();
    expect(getFleetPage).toHaveBeenCalled();
  });
});

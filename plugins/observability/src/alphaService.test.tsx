import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import plugin from './alpha';
import { ObservabilityApi, observabilityApiRef } from './api';
import { checkoutEntity, signalsFixture } from './__fixtures__/signals';
import { polyfillResizeObserver } from './__testUtils__/resizeObserver';

// The service tab and card as new-frontend-system extensions.

beforeAll(polyfillResizeObserver);

const api: Partial<ObservabilityApi> = {
  getEntitySignals: async () => signalsFixture(),
};

describe('observability plugin: service extensions (new frontend system)', () => {
  const content = plugin.getExtension('entity-content:observability/service');
  const card = plugin.getExtension('entity-card:observability/service');

  it('adds an Observability tab at /observability for components', () => {
    const tester = createExtensionTester(content);
    expect(tester.get(coreExtensionData.routePath)).toBe('/observability');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Observability',
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.filterExpression)).toBe(
      'kind:component',
    );
  });

  it('renders the tab from the API', async () => {
    const tester = createExtensionTester(content);
    await renderInTestApp(
      <EntityProvider entity={checkoutEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[observabilityApiRef, api]] },
    );
    expect(
      await screen.findByRole('heading', { name: 'Observability of checkout' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('heading', { name: 'Error logs' }),
    ).toBeInTheDocument();
  });

  it('renders the overview card from the API', async () => {
    const tester = createExtensionTester(card);
    expect(tester.get(EntityContentBlueprint.dataRefs.filterExpression)).toBe(
      'kind:component',
    );
    await renderInTestApp(
      <EntityProvider entity={checkoutEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[observabilityApiRef, api]] },
    );
    expect(
      await screen.findByText('2 traces in the last hour, 1 with errors'),
    ).toBeInTheDocument();
  });
});

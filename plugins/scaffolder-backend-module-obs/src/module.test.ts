import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderTemplatingExtensionPoint } from '@backstage/plugin-scaffolder-node/alpha';
import scaffolderModule from './index';

describe('scaffolderModuleObsActions', () => {
  it('registers the obs:* actions and the obsSealSecret filter', async () => {
    const addActions = jest.fn();
    const addTemplateFilters = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [scaffolderActionsExtensionPoint, { addActions }],
        [
          scaffolderTemplatingExtensionPoint,
          { addTemplateFilters, addTemplateGlobals: jest.fn() },
        ],
      ],
      features: [
        scaffolderModule,
        mockServices.rootConfig.factory({
          data: {
            observability: { gitops: { valuesPath: 'charts/app-of-apps' } },
          },
        }),
      ],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids).toEqual([
      'obs:cluster:values',
      'obs:globalquery:add-store',
      'obs:pki:issue',
      'obs:secret:seal',
      'obs:catalog:write-cluster',
      'obs:cluster:promote',
      'obs:gitops:repository',
      'obs:retention:plan',
      'obs:retention:request',
      'obs:retention:apply',
    ]);
    for (const action of addActions.mock.calls.flat()) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples.length).toBeGreaterThan(0);
      expect(action.schema.input.type).toBe('object');
      expect(action.schema.output.type).toBe('object');
    }
    expect(
      addTemplateFilters.mock.calls[0][0].map((f: { id: string }) => f.id),
    ).toEqual(['obsSealSecret']);
  });
});

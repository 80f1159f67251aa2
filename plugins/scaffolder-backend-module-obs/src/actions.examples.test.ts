import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderTemplatingExtensionPoint } from '@backstage/plugin-scaffolder-node/alpha';
import { validate } from 'jsonschema';
import { parse } from 'yaml';
import scaffolderModule from './index';

/** The actions exactly as the module registers them. */
async function registeredActions(): Promise<TemplateAction<any, any, any>[]> {
  const addActions = jest.fn();
  await startTestBackend({
    extensionPoints: [
      [scaffolderActionsExtensionPoint, { addActions }],
      [
        scaffolderTemplatingExtensionPoint,
        { addTemplateFilters: jest.fn(), addTemplateGlobals: jest.fn() },
      ],
    ],
    features: [scaffolderModule, mockServices.rootConfig.factory({ data: {} })],
  });
  return addActions.mock.calls.flat();
}

/**
 * Each action's `examples` (shown in the scaffolder's action list) are checked the way
 * the scaffolder checks a step before it runs it: the example's steps of that action
 * validated against its input schema with the scaffolder's own validator, `jsonschema`
 * (literal values; template expressions are rendered first at run time).
 * An example that drifted from its action fails here.
 */
describe('action examples', () => {
  let actions: TemplateAction<any, any, any>[];
  beforeAll(async () => {
    actions = await registeredActions();
  });

  it('every action has examples', () => {
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      expect([action.id, action.examples?.length ?? 0]).not.toEqual([
        action.id,
        0,
      ]);
    }
  });

  it('every example is a step list whose inputs the action accepts', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const action of actions) {
      for (const { description, example } of action.examples ?? []) {
        let doc;
        try {
          doc = parse(example);
        } catch (error) {
          problems.push(`${action.id} "${description}": ${error}`);
          continue;
        }
        const steps: Array<{ action: string; input?: unknown }> =
          doc?.steps ?? [];
        const own = steps.filter(s => s.action === action.id);
        if (own.length === 0) {
          problems.push(`${action.id} "${description}": no step uses it`);
        }
        for (const step of own) {
          checked += 1;
          const result = validate(
            step.input ?? {},
            action.schema!.input as any,
          );
          // A `${{ … }}` value is rendered before the scaffolder validates it: only its
          // literal values can be checked here.
          const literal = result.errors.filter(
            e =>
              !(typeof e.instance === 'string' && e.instance.includes('${{')),
          );
          for (const error of literal) {
            problems.push(`${action.id} "${description}": ${error.stack}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(actions.length);
  });
});

import { InputError } from '@backstage/errors';
import {
  matchesRule,
  parseAppSelector,
  requestSelector,
  resolveGitopsTarget,
} from './entityRule';

const entity = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop', annotations },
});

describe('parseAppSelector', () => {
  it('normalizes equality and existence terms', () => {
    expect(
      parseAppSelector(
        ' app.kubernetes.io/name == checkout , !legacy,tier!=db, team= ',
      ),
    ).toBe('app.kubernetes.io/name=checkout,!legacy,tier!=db,team=');
  });

  it.each([
    ['cluster in (prod-01)'],
    ['a=b c'],
    ['a=b&selector=x'],
    ['!a=b'],
    ['a=(b)'],
    ['ä=b'],
    [','],
    [`a=${'b'.repeat(64)}`],
    [Array.from({ length: 17 }, (_, i) => `k${i}`).join(',')],
    [`a=${'b'.repeat(600)}`],
  ])('refuses %j naming the annotation', value => {
    expect(() => parseAppSelector(value)).toThrow(InputError);
    expect(() => parseAppSelector(value)).toThrow(/argocd\/app-selector/);
  });
});

describe('resolveGitopsTarget', () => {
  it('defaults to the service name: service-name, kubernetes-id, then the entity name', () => {
    expect(resolveGitopsTarget(entity({})).rule).toEqual({
      source: 'default',
      service: 'shop',
    });
    expect(
      resolveGitopsTarget(entity({ 'backstage.io/kubernetes-id': 'cart' }))
        .rule,
    ).toEqual({ source: 'default', service: 'cart' });
  });

  it('reads names as a comma list, the selector, and instances in lower case', () => {
    expect(
      resolveGitopsTarget(
        entity({
          'argocd/app-name': 'a, b,,a',
          'argocd/app-selector': 'team=shop',
          'argocd/instance-name': 'ArgoCD.Example.com:8443',
        }),
      ),
    ).toEqual({
      rule: { source: 'annotations', names: ['a', 'b'], selector: 'team=shop' },
      instances: ['argocd.example.com:8443'],
    });
  });

  it('refuses bad names and instances', () => {
    expect(() =>
      resolveGitopsTarget(entity({ 'argocd/app-name': 'ok,Bad_Name' })),
    ).toThrow(/argocd\/app-name .*"Bad_Name"/);
    expect(() =>
      resolveGitopsTarget(entity({ 'argocd/instance-name': 'http://x/' })),
    ).toThrow(/argocd\/instance-name/);
  });
});

describe('requestSelector and matchesRule', () => {
  const app = (name: string, labels: Record<string, string> = {}) => ({
    metadata: { name, labels },
    spec: {},
  });

  it("AND-s the entity's selector to the configured one", () => {
    expect(
      requestSelector('cluster', {
        source: 'annotations',
        selector: '!cluster',
      }),
    ).toBe('cluster,!cluster');
    expect(
      requestSelector('cluster', { source: 'default', service: 's' }),
    ).toBe('cluster');
  });

  it('matches the default rule by label or <cluster>-<service> name only', () => {
    const rule = { source: 'default' as const, service: 'checkout' };
    expect(
      matchesRule(
        rule,
        app('x', { 'app.kubernetes.io/name': 'checkout' }),
        undefined,
      ),
    ).toBe(true);
    expect(matchesRule(rule, app('prod-01-checkout'), 'prod-01')).toBe(true);
    expect(matchesRule(rule, app('prod-01-checkout'), undefined)).toBe(false);
    expect(matchesRule(rule, app('prod-01-checkout-db'), 'prod-01')).toBe(
      false,
    );
  });
});

import { formatMatcher, matchesAll, parseMatchers } from './alerts';

describe('alert matchers', () => {
  it('parses Alertmanager matcher syntax, with or without braces', () => {
    expect(parseMatchers('{service="checkout", namespace=~"shop-.*"}')).toEqual(
      [
        { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
        { name: 'namespace', value: 'shop-.*', isRegex: true, isEqual: true },
      ],
    );
    expect(parseMatchers('env!=prod,team!~"a|b"')).toEqual([
      { name: 'env', value: 'prod', isRegex: false, isEqual: false },
      { name: 'team', value: 'a|b', isRegex: true, isEqual: false },
    ]);
    expect(parseMatchers('msg="say \\"hi\\""')[0].value).toBe('say "hi"');
  });

  it.each([
    ['', /no matchers/],
    ['{a="b"', /missing "}"/],
    ['a-b="c"', /invalid label name/],
    ['a "b"', /missing operator/],
    ['a="b', /unterminated/],
    ['a=~"("', /invalid regular expression/],
    ['a="b" c="d"', /expected ","/],
    ['a="b",'.repeat(21), /more than 20/],
    ['x'.repeat(1001), /longer than 1000/],
  ])('rejects %j', (selector, reason) => {
    expect(() => parseMatchers(selector)).toThrow(reason);
  });

  it('formats matchers that parse back to themselves', () => {
    const matchers = parseMatchers(
      '{a="x\\"y", b!="z", c=~"d.*", e!~"f\\\\g"}',
    );
    expect(parseMatchers(matchers.map(formatMatcher).join(','))).toEqual(
      matchers,
    );
    expect(formatMatcher(matchers[1])).toBe('b!="z"');
  });

  it('matches label sets the way Alertmanager does (anchored, absent is "")', () => {
    const m = parseMatchers('service=~"check.*", env!="prod"');
    expect(matchesAll({ service: 'checkout' }, m)).toBe(true);
    expect(matchesAll({ service: 'checkout', env: 'prod' }, m)).toBe(false);
    expect(matchesAll({ service: 'my-checkout' }, m)).toBe(false);
  });
});

import { matchesFilter } from './FleetFilters';

describe('matchesFilter', () => {
  const prodCritical = { environment: 'prod', status: 'critical' };
  it('filters by environment and status, "not-ok" meaning anything but ok', () => {
    expect(matchesFilter(prodCritical, { environment: '', status: '' })).toBe(
      true,
    );
    expect(
      matchesFilter(prodCritical, { environment: 'dev', status: '' }),
    ).toBe(false);
    expect(
      matchesFilter(prodCritical, { environment: 'prod', status: 'not-ok' }),
    ).toBe(true);
    expect(
      matchesFilter(
        { environment: 'prod', status: 'ok' },
        { environment: '', status: 'not-ok' },
      ),
    ).toBe(false);
    expect(
      matchesFilter(prodCritical, { environment: '', status: 'warn' }),
    ).toBe(false);
  });
});

import {
  annotatedIndexPatternProblem,
  clusterLogIndexPattern,
  clusterLogIndexPrefix,
  clusterLogIndexPrefixProblem,
  clusterOfLogIndex,
  logIndexPrefix,
  isIndexPatternWithin,
  singleIndexPatternProblem,
} from './indexPatterns';

describe('isIndexPatternWithin', () => {
  it.each([
    ['logs-*', 'logs-*'],
    ['logs-checkout-*', 'logs-*'],
    ['logs-checkout', 'logs-*'],
    ['logs-*-prod', 'logs-*'],
    ['logs-checkout-2026.11.*', 'logs-*'],
    ['logs-checkout-*', 'logs-*-*'],
    ['logs-a-b', '*-a-*'],
    ['logs-checkout', 'logs-checkout'],
    ['anything-at-all', '*'],
  ])('%s is within %s', (pattern, allowed) => {
    expect(isIndexPatternWithin(pattern, allowed)).toBe(true);
  });

  it.each([
    // `logs*` also matches `logsabc`, which `logs-*` does not.
    ['logs*', 'logs-*'],
    ['*-logs-*', 'logs-*'],
    ['l*', 'logs-*'],
    ['*', 'logs-*'],
    ['logs-*', 'logs-checkout-*'],
    ['logs-', 'logs-?'],
    ['metrics-*', 'logs-*'],
    ['logs-checkout', 'logs-checkout-*'],
    // A `*` of the pattern is never a literal of the allowed one.
    ['logs-*', 'logs-a*'],
    ['logs-*-x', 'logs-*-*-x'],
  ])('%s is not within %s', (pattern, allowed) => {
    expect(isIndexPatternWithin(pattern, allowed)).toBe(false);
  });

  it('agrees with matching every index name (exhaustively, over a small alphabet)', () => {
    // Both patterns over {a, b, *}, up to 4 characters; names over {a, b, c} up to 6.
    // `c` never occurs in the allowed pattern, so the text test must be exact.
    const words = (alphabet: string[], max: number) => {
      const out = [''];
      for (let n = 1; n <= max; n++) {
        for (const w of out.filter(x => x.length === n - 1)) {
          for (const c of alphabet) out.push(w + c);
        }
      }
      return out;
    };
    const patterns = words(['a', 'b', '*'], 4).filter(Boolean);
    const names = words(['a', 'b', 'c'], 6);
    const re = (p: string) => new RegExp(`^${p.split('*').join('.*')}$`, 'u');
    const matches = new Map(
      patterns.map(p => [p, names.filter(n => re(p).test(n))]),
    );
    const wrong: string[] = [];
    for (const p of patterns) {
      for (const a of patterns) {
        const byNames = matches.get(p)!.every(n => re(a).test(n));
        if (byNames !== isIndexPatternWithin(p, a)) wrong.push(`${p} ⊆ ${a}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('annotatedIndexPatternProblem', () => {
  const allowed = ['logs-*', 'audit-checkout-*'];

  it.each([
    'logs-*',
    'logs-checkout-*',
    'logs-checkout',
    'audit-checkout-2026*',
  ])('accepts %s', pattern => {
    expect(annotatedIndexPatternProblem(pattern, allowed)).toBeUndefined();
  });

  it.each([
    ['*', /bare "\*"/],
    ['**', /bare "\*"/],
    ['.security-7', /starts with "\."/],
    ['.ds-logs-*', /starts with "\."/],
    ['logs-*,.security*', /comma/],
    ['logs-*,-logs-secret', /comma/],
    ['-logs-secret', /exclusion/],
    ['<logs-{now/d}>', /date math/],
    ['remote:logs-*', /remote cluster/],
    ['logs-* ', /whitespace/],
    ['logs-\tx', /whitespace/],
    ['_all', /reserves/],
    ['+logs', /reserves/],
    ['Logs-*', /characters an index name cannot have/],
    ['logs/../x', /characters/],
    ['logs-?', /characters/],
    ['', /is empty/],
    ['l'.repeat(256), /longer than 255/],
    ['metrics-*', /not within the allowed index patterns/],
    ['logs*', /not within the allowed index patterns/],
    ['audit-*', /not within the allowed index patterns/],
  ])('refuses %j', (pattern, reason) => {
    expect(annotatedIndexPatternProblem(pattern, allowed)).toMatch(reason);
  });

  it('leaves multi-target syntax out of allowed patterns too', () => {
    expect(singleIndexPatternProblem('logs-*,audit-*')).toMatch(/comma/);
    expect(singleIndexPatternProblem('.ds-logs-*')).toBeUndefined();
  });
});

describe('log indices by cluster (platform design §3.4: logs-<cluster>-*)', () => {
  it('names the index pattern of one cluster', () => {
    expect(clusterLogIndexPattern('dev-01')).toBe('logs-dev-01-*');
    expect(clusterLogIndexPattern('prod-01', 'app-logs-*')).toBe(
      'app-logs-prod-01-*',
    );
    expect(logIndexPrefix('logs-*')).toBe('logs-');
  });

  it.each(['logs', 'logs-*-x', '*', 'logs-*,traces-*', 'logs-**', 'lo gs-*'])(
    'refuses %j as the log index pattern',
    pattern => {
      expect(() => logIndexPrefix(pattern)).toThrow(/must be a single pattern/);
    },
  );

  it.each([
    ['logs-dev-01-000001', 'dev-01'],
    ['logs-prod-01-2026.11.25', 'prod-01'],
    ['logs-prod-01-2026.11.25-000003', 'prod-01'],
    ['.ds-logs-ops-01-2026.11.25-000001', 'ops-01'],
    ['logs-dev-01', undefined],
    ['jaeger-span-000001', undefined],
    ['logs-000001', undefined],
  ])('attributes %s to %s from its name alone', (index, cluster) => {
    expect(clusterOfLogIndex(index)).toBe(cluster);
  });

  it('takes the longest known cluster name, and none that is unknown', () => {
    const clusters = ['prod', 'prod-01', 'dev-01'];
    expect(clusterOfLogIndex('logs-prod-01-000001', { clusters })).toBe(
      'prod-01',
    );
    expect(clusterOfLogIndex('logs-prod-000001', { clusters })).toBe('prod');
    expect(clusterOfLogIndex('logs-stag-01-000001', { clusters })).toBe(
      undefined,
    );
    expect(
      clusterOfLogIndex('app-logs-dev-01-000002', {
        clusters,
        logIndexPattern: 'app-logs-*',
      }),
    ).toBe('dev-01');
    expect(
      clusterOfLogIndex('logs-dev-01-000002', {
        clusters,
        logIndexPattern: 'app-logs-*',
      }),
    ).toBe(undefined);
  });
});

describe('clusterLogIndexPrefixProblem', () => {
  it('accepts logs-<cluster> and prefixes below logs-<cluster>-', () => {
    expect(clusterLogIndexPrefix('dev-01')).toBe('logs-dev-01');
    expect(
      clusterLogIndexPrefixProblem('dev-01', 'logs-dev-01'),
    ).toBeUndefined();
    expect(
      clusterLogIndexPrefixProblem('dev-01', 'logs-dev-01-apps'),
    ).toBeUndefined();
  });

  it('refuses prefixes whose indices logs-<cluster>-* would not find', () => {
    for (const prefix of [
      'logs-dev',
      'logs-dev-010',
      'logs-apps-dev-01',
      'dev-01',
    ]) {
      expect(clusterLogIndexPrefixProblem('dev-01', prefix)).toBe(
        `"${prefix}" does not carry the cluster name: dev-01's logs are found by the index pattern logs-dev-01-*, so the index prefix must be logs-dev-01 (or start with logs-dev-01-)`,
      );
    }
  });
});

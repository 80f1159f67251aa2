import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

// The platform's own alert rules, shipped in the example GitOps repository and checked
// by the real promtool (Debian's prometheus package).
const RULES_DIR = resolve(
  __dirname,
  '../../../examples/gitops-repo/charts/monitoring/rules',
);
const RULES = join(RULES_DIR, 'fleetobs-platform.rules.yaml');
const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

function promtool(args: string[], cwd = RULES_DIR) {
  try {
    const out = execFileSync(PROMTOOL, args, { cwd, encoding: 'utf8' });
    return { ok: true, out };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const groups: Array<{ name: string; rules: Rule[] }> = parse(
  readFileSync(RULES, 'utf8'),
).groups;
const rules = groups.flatMap(g => g.rules);

describe('platform alert rules', () => {
  beforeAll(() => {
    if (!existsSync(PROMTOOL)) {
      throw new Error(
        `promtool is not installed at ${PROMTOOL}: apt-get install -y prometheus (or set PROMTOOL_BIN)`,
      );
    }
  });

  it('pass promtool check rules', () => {
    const result = promtool(['check', 'rules', RULES]);
    expect(result.out).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.ok).toBe(true);
  });

  it('fire on the failures they are for (promtool test rules)', () => {
    const result = promtool(['test', 'rules', 'fleetobs-platform.test.yaml']);
    expect(result.out).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it("cover the seed's failure modes, each with a severity and the portal's runbook", () => {
    expect(rules.map(r => r.alert).sort()).toEqual([
      'CertManagerCertExpirySoon',
      'ElasticsearchIlmError',
      'JaegerCollectorDown',
      'LogIngestionStopped',
      'PrometheusReplicaDown',
      'SpanIngestionStopped',
      'ThanosCompactHalted',
      'ThanosCompactLag',
      'ThanosSidecarIsDown',
      'ThanosSidecarNoUpload',
      'ThanosSidecarShipLag',
      'ThanosStoreIsDown',
    ]);
    for (const rule of rules) {
      expect([rule.alert, rule.labels?.severity]).toEqual([
        rule.alert,
        expect.stringMatching(/^(critical|warning)$/),
      ]);
      expect([rule.alert, rule.annotations?.runbook_url]).toEqual([
        rule.alert,
        expect.stringMatching(
          /^https:\/\/portal\.example\.com\/catalog\/default\/resource\/\{\{ \$labels\.cluster \}\}\/observability#check-[a-z-]+$/,
        ),
      ]);
    }
  });

  it('are refused by promtool when broken (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      const broken = join(dir, 'broken.rules.yaml');
      writeFileSync(
        broken,
        readFileSync(RULES, 'utf8').replace(
          'expr: thanos_compact_halted{job="thanos-compact"} == 1',
          'expr: thanos_compact_halted{job="thanos-compact" == 1',
        ),
      );
      const result = promtool(['check', 'rules', broken], dir);
      expect(result.ok).toBe(false);
      expect(result.out).toMatch(/FAILED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

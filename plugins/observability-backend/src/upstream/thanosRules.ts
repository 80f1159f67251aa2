import { z } from 'zod';
import { UpstreamHttp } from './httpJson';

// The Rules API (`GET /api/v1/rules`) of Prometheus and Thanos Query. Only the fields
// the checks read are kept: at 400 clusters the answer lists every rule of every
// cluster with its alerts, which are dropped here.

const labels = z.record(z.string()).nullable().optional();

const ruleSchema = z.object({
  name: z.string(),
  type: z.string().optional(),
  /** `ok`, `err` or `unknown` (not evaluated yet). */
  health: z.string().optional(),
  lastError: z.string().nullable().optional(),
  /** Thanos Query adds the source's external labels (replica labels deduplicated). */
  labels,
});

const groupSchema = z.object({
  name: z.string(),
  file: z.string().optional(),
  rules: z.array(ruleSchema).nullable(),
  /** Not in Prometheus' answer; some Thanos versions carry external labels here. */
  labels,
});

const rulesAnswer = z.object({
  status: z.literal('success'),
  // Validated by `parseInTurns` after: megabytes at 4,000 clusters.
  data: z.object({ groups: z.array(z.unknown()).nullable() }),
  warnings: z.array(z.string()).optional(),
});

export type ThanosRule = z.infer<typeof ruleSchema>;
export type ThanosRuleGroup = z.infer<typeof groupSchema>;

/** Rule groups loaded in the Prometheus servers / rulers the Query sees. */
export interface ThanosRules {
  groups: ThanosRuleGroup[];
  /** Thanos: sources that did not answer (partial response). */
  warnings?: string[];
}

export const RULES_PATH = '/api/v1/rules';

/** `GET /api/v1/rules`, replicas deduplicated, with what the healthy sources have. */
export async function fetchRules(http: UpstreamHttp): Promise<ThanosRules> {
  const answer = await http.get(RULES_PATH, rulesAnswer, {
    dedup: 'true',
    partial_response: 'true',
  });
  // Thanos merges a group across its sources: one group holds the rule of every
  // cluster, so the rules are validated a slice at a time, not the groups.
  const shallow = await http.parseInTurns(
    RULES_PATH,
    'data.groups',
    groupSchema.extend({ rules: z.array(z.unknown()).nullable() }),
    answer.data.groups ?? [],
  );
  const groups: ThanosRuleGroup[] = [];
  for (const [i, group] of shallow.entries()) {
    groups.push({
      ...group,
      rules:
        group.rules &&
        (await http.parseInTurns(
          RULES_PATH,
          `data.groups.${i}.rules`,
          ruleSchema,
          group.rules,
        )),
    });
  }
  return { groups, warnings: answer.warnings };
}

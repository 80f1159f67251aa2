import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ObservabilityBackend } from '../lib/observabilityBackend';
import {
  describeProblems,
  pickSettings,
  retentionDiff,
  CLUSTER_PATTERN,
  INPUT_TEXT,
  SIGNALS,
} from '../lib/retention';
import { Zod, parseInput, zod } from '../lib/zod';

const inputSchema = (z: Zod) =>
  z.object({
    cluster: z
      .string()
      .regex(CLUSTER_PATTERN, INPUT_TEXT.clusterPattern)
      .describe(INPUT_TEXT.cluster),
    signal: z.enum(SIGNALS).describe(INPUT_TEXT.signal),
    requested: z
      .record(z.union([z.string(), z.number()]))
      .describe(INPUT_TEXT.requested),
    failOnProblems: z
      .boolean()
      .default(true)
      .describe(
        'Fail the step when the change is invalid (default); false only reports the problems',
      ),
  });

const outputSchema = (z: Zod) =>
  z.object({
    current: z
      .record(z.string())
      .optional()
      .describe("Today's settings (absent when they are unknown)"),
    currentSource: z
      .string()
      .optional()
      .describe(
        'Where the current settings came from, or why they are unknown',
      ),
    problems: z.array(z.object({ field: z.string(), message: z.string() })),
    estimate: z
      .object({
        currentGb: z.number(),
        requestedGb: z.number(),
        deltaGb: z.number(),
        currency: z.string(),
        deltaMonthlyCost: z.number(),
        inputs: z.record(z.union([z.string(), z.number()])),
        warnings: z.array(z.string()),
      })
      .optional()
      .describe(
        'Storage delta and monthly cost, with the measured inputs used',
      ),
    diff: z.array(
      z.object({
        field: z.string(),
        path: z.string(),
        from: z.string().optional(),
        to: z.string(),
      }),
    ),
  });

/** The estimate as one line for the log and the template's output text. */
function costLine(
  estimate: NonNullable<
    Awaited<ReturnType<ObservabilityBackend['plan']>>['estimate']
  >,
) {
  const sign = (n: number) => (n > 0 ? '+' : '');
  return `${sign(estimate.deltaGb)}${estimate.deltaGb.toFixed(1)} GB, ${sign(
    estimate.deltaMonthlyCost,
  )}${estimate.deltaMonthlyCost.toFixed(2)} ${estimate.currency}/month`;
}

/**
 * `obs:retention:plan`: asks the observability back end to validate a retention change
 * (bounds of the cluster's environment, raw ≤ 5m ≤ 1h ≤ lifecycle, ILM phase order) and
 * estimate its storage cost, and reports the diff against today's settings. No side
 * effects, so it runs in dry-run as well. The rules and the cost model live in the back
 * end (`POST /api/observability/v1/retention/plan`), not here.
 *
 * @public
 */
export function createRetentionPlanAction(options: {
  backend: ObservabilityBackend;
}) {
  const { backend } = options;
  return createTemplateAction({
    id: 'obs:retention:plan',
    description:
      'Validates a retention change against the cluster environment bounds and ordering rules, and returns the diff against today and the estimated storage cost (through the observability back end, on behalf of the user). No side effects.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Plan keeping prod-01 logs for 180 days',
        example: `steps:
  - id: plan
    action: obs:retention:plan
    input:
      cluster: prod-01
      signal: logs
      requested:
        rolloverMaxAge: 1d
        rolloverMaxSize: 50gb
        warmAfter: 7d
        deleteAfter: 180d`,
      },
      {
        description: 'Plan a longer metrics retention, only reporting problems',
        example: `steps:
  - id: plan
    action: obs:retention:plan
    input:
      cluster: stag-01
      signal: metrics
      failOnProblems: false
      requested:
        raw: 30d
        fiveMinutes: 180d
        oneHour: 2y
        bucketLifecycle: 800d`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      const requested = pickSettings(input.signal, input.requested);
      const plan = await backend.plan(await ctx.getInitiatorCredentials(), {
        cluster: input.cluster,
        signal: input.signal,
        requested,
      });
      const diff = retentionDiff(
        input.signal,
        plan.current as unknown as Record<string, string> | undefined,
        requested,
      );
      if (plan.current) {
        ctx.output(
          'current',
          plan.current as unknown as Record<string, string>,
        );
      }
      if (plan.currentSource) {
        ctx.output('currentSource', plan.currentSource);
      }
      ctx.output('problems', plan.problems);
      if (plan.estimate) {
        ctx.output('estimate', plan.estimate);
      }
      ctx.output('diff', diff);

      for (const change of diff) {
        ctx.logger.info(
          `${change.path}: ${change.from ?? '(unknown)'} → ${change.to}`,
        );
      }
      if (!plan.current) {
        ctx.logger.warn(
          `Today's ${input.signal} retention of ${input.cluster} is unknown: ${
            plan.currentSource ?? 'not found'
          }`,
        );
      }
      if (plan.estimate) {
        ctx.logger.info(`Estimated storage change: ${costLine(plan.estimate)}`);
        for (const warning of plan.estimate.warnings) {
          ctx.logger.warn(`Estimate: ${warning}`);
        }
      }
      if (plan.problems.length) {
        const message = `Invalid retention change for ${input.cluster} ${
          input.signal
        }: ${describeProblems(plan.problems)}`;
        if (input.failOnProblems) {
          throw new InputError(message);
        }
        ctx.logger.warn(message);
      }
    },
  });
}

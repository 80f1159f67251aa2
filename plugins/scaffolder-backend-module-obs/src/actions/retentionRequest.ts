import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ObservabilityBackend } from '../lib/observabilityBackend';
import {
  describeProblems,
  pickSettings,
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
    justification: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(4000)
      .describe('Why the change is needed; shown to the approvers'),
  });

const outputSchema = (z: Zod) =>
  z.object({
    requestId: z
      .string()
      .describe('Id of the request ("dry-run" in a dry run)'),
    state: z.string().describe('pending, or "dry-run"'),
    link: z
      .string()
      .describe('Portal path of the request on the retention page'),
  });

/** Path of a request on the retention page of the portal. */
export const retentionRequestLink = (id?: string) =>
  id
    ? `/observability/retention?request=${encodeURIComponent(id)}`
    : '/observability/retention';

/**
 * `obs:retention:request`: files a retention change request with the observability back
 * end (`POST /api/observability/v1/retention-requests`) on behalf of the user running the
 * template; it then waits for an approver. The back end validates again and stores the
 * diff and the cost estimate with the request. In dry-run it only plans.
 *
 * @public
 */
export function createRetentionRequestAction(options: {
  backend: ObservabilityBackend;
}) {
  const { backend } = options;
  return createTemplateAction({
    id: 'obs:retention:request',
    description:
      'Files a retention change request (pending approval) with the observability back end on behalf of the user; in dry-run it only validates and estimates the change.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Ask for 180 days of prod-01 logs',
        example: `steps:
  - id: request
    action: obs:retention:request
    input:
      cluster: prod-01
      signal: logs
      requested:
        rolloverMaxAge: 1d
        rolloverMaxSize: 50gb
        warmAfter: 7d
        deleteAfter: 180d
      justification: Audit (CHG-1234) needs half a year of access logs`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      const requested = pickSettings(input.signal, input.requested);
      const credentials = await ctx.getInitiatorCredentials();
      const change = {
        cluster: input.cluster,
        signal: input.signal,
        requested,
      };

      if (ctx.isDryRun) {
        const plan = await backend.plan(credentials, change);
        if (plan.problems.length) {
          throw new InputError(
            `Invalid retention change for ${input.cluster} ${
              input.signal
            }: ${describeProblems(plan.problems)}`,
          );
        }
        ctx.logger.info(
          `Dry run: would ask for ${input.signal} retention ${JSON.stringify(
            requested,
          )} on ${input.cluster}`,
        );
        ctx.output('requestId', 'dry-run');
        ctx.output('state', 'dry-run');
        ctx.output('link', retentionRequestLink());
        return;
      }

      // A checkpoint, so that a task resumed after a restart does not file it twice.
      const created = await ctx.checkpoint({
        key: `retention-request-${input.cluster}-${input.signal}`,
        fn: async () => {
          const request = await backend.createRequest(credentials, {
            ...change,
            justification: input.justification,
          });
          return { id: request.id, state: request.state };
        },
      });
      ctx.logger.info(
        `Filed retention request ${created.id} (${created.state}) for ${input.signal} on ${input.cluster}`,
      );
      ctx.output('requestId', created.id);
      ctx.output('state', created.state);
      ctx.output('link', retentionRequestLink(created.id));
    },
  });
}

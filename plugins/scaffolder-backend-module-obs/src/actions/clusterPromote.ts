import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { PlannedFile, workspaceFile, writeFilesAtomically } from '../lib/files';
import { REVISION_PATTERN } from '../lib/naming';
import {
  describeRefusals,
  GateEvidence,
  gateMarkdown,
  PromotionGateBackend,
  runPromotionGate,
} from './clusterPromoteGate';
import { ObsSettings } from '../lib/settings';
import { PATHS, factsOf, readValuesFiles } from '../lib/valuesFiles';
import { Zod, parseInput, zod } from '../lib/zod';

/**
 * ops last: ops-01 runs what every cluster's signals go through (Global Query,
 * Elasticsearch, Jaeger Query), so a revision reaches it only after prod has soaked.
 */
export const DEFAULT_PROMOTION_ORDER = ['dev', 'stag', 'prod', 'ops'] as const;

const inputSchema = (z: Zod) =>
  z.object({
    revision: z
      .string()
      .regex(REVISION_PATTERN, 'must be a git branch, tag or commit')
      .describe('Revision to promote (tag, branch or commit)'),
    targetEnvironment: z
      .string()
      .regex(/^[a-z]+$/)
      .optional()
      .describe(
        'Environment to promote to; default: the first one in the order that is not at the revision yet',
      ),
    order: z
      .array(z.string().regex(/^[a-z]+$/))
      .min(2)
      .default([...DEFAULT_PROMOTION_ORDER])
      .describe(
        'Promotion order of the environments (default dev → stag → prod → ops)',
      ),
    trackingRevisions: z
      .array(z.string())
      .default(['HEAD'])
      .describe(
        'Revisions that follow the newest commit: an environment on one of them counts as already running any revision',
      ),
    force: z
      .boolean()
      .default(false)
      .describe(
        'Promote even if the previous environment is not at the revision, or fails the gate',
      ),
    reason: z
      .string()
      .optional()
      .describe('Why the promotion is forced (required with force)'),
    valuesPath: z.string().optional(),
  });

const outputSchema = (z: Zod) =>
  z.object({
    environment: z.string(),
    clusters: z.array(z.string()),
    files: z.array(z.string()),
    previousRevisions: z.record(z.string()),
    forced: z.boolean(),
    refusals: z
      .array(z.string())
      .describe('What the gate refused (empty unless forced past it)'),
    pullRequestBody: z
      .string()
      .describe('Description of the pull request: the evidence the gate saw'),
  });

/**
 * `obs:cluster:promote`: moves a revision to the next environment, dev → stag → prod →
 * ops, once the previous environment runs it Synced and Healthy in Argo CD and has
 * been `ok` for the soak time (the gate, asked of the observability back end).
 *
 * @public
 */
export function createClusterPromoteAction(options: {
  settings: ObsSettings;
  backend: PromotionGateBackend;
}) {
  const { settings, backend } = options;
  return createTemplateAction({
    id: 'obs:cluster:promote',
    description:
      "Sets source.targetRevision in the values files of the next environment's clusters (dev → stag → prod → ops by default), refusing to skip an environment, or to promote a revision the previous environment does not run Synced, Healthy and ok for the soak time, unless forced with a reason.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Promote v1.5.0 to the next environment',
        example: `steps:
  - id: promote
    action: obs:cluster:promote
    input:
      revision: v1.5.0`,
      },
      {
        description: 'Hotfix straight to prod, recorded with a reason',
        example: `steps:
  - id: promote
    action: obs:cluster:promote
    input:
      revision: v1.4.1
      targetEnvironment: prod
      force: true
      reason: CVE-2026-1234 fix, approved in CHG-4711`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      if (new Set(input.order).size !== input.order.length) {
        throw new InputError('order: an environment appears twice');
      }
      if (input.force && (!input.reason || input.reason.trim().length < 10)) {
        throw new InputError(
          'reason: a forced promotion needs a reason (at least 10 characters)',
        );
      }
      const relDir = input.valuesPath ?? settings.valuesPath;
      const dir = workspaceFile(ctx.workspacePath, relDir, 'valuesPath');
      const files = await readValuesFiles(dir, relDir);
      if (!files.length) {
        throw new InputError(
          `valuesPath: no values.<cluster>.yaml in ${relDir}`,
        );
      }
      const byEnv = new Map<string, typeof files>();
      for (const f of files) {
        const env = factsOf(f.doc, f.path, settings.labels).environment;
        if (!env) continue;
        byEnv.set(env, [...(byEnv.get(env) ?? []), f]);
      }
      const revisionOf = (f: (typeof files)[number]) => {
        const v = f.doc.getIn(PATHS.targetRevision);
        return v === undefined || v === null ? '' : String(v);
      };
      const runs = (f: (typeof files)[number]) =>
        revisionOf(f) === input.revision ||
        input.trackingRevisions.includes(revisionOf(f));

      let target = input.targetEnvironment;
      if (target === undefined) {
        target = input.order.find(env =>
          (byEnv.get(env) ?? []).some(f => !runs(f)),
        );
        if (!target) {
          throw new InputError(
            `revision: every environment of ${input.order.join(
              ' → ',
            )} already runs ${input.revision}`,
          );
        }
      }
      const index = input.order.indexOf(target);
      if (index < 0) {
        throw new InputError(
          `targetEnvironment: ${target} is not in the promotion order ${input.order.join(
            ' → ',
          )}`,
        );
      }
      const targets = byEnv.get(target) ?? [];
      if (!targets.length) {
        throw new InputError(
          `targetEnvironment: no cluster of environment ${target} in ${relDir}`,
        );
      }
      let forced = false;
      for (const previous of input.order.slice(0, index)) {
        const behind = (byEnv.get(previous) ?? []).filter(f => !runs(f));
        if (!behind.length) continue;
        const detail = behind
          .map(f => `${f.fileCluster} is at ${revisionOf(f) || '(none)'}`)
          .join(', ');
        if (!input.force) {
          throw new InputError(
            `targetEnvironment: promoting ${input.revision} to ${target} would skip ${previous} (${detail}); promote to ${previous} first, or set force with a reason`,
          );
        }
        forced = true;
        ctx.logger.warn(
          `Forced promotion of ${input.revision} to ${target} skipping ${previous} (${detail}). Reason: ${input.reason}`,
        );
      }
      // The gate: the nearest environment before the target that has clusters.
      const previousEnv = input.order
        .slice(0, index)
        .reverse()
        .find(env => (byEnv.get(env) ?? []).length > 0);
      let gate: GateEvidence | undefined;
      if (previousEnv) {
        gate = await runPromotionGate({
          backend,
          environment: previousEnv,
          clusters: (byEnv.get(previousEnv) ?? []).map(f => f.fileCluster),
          revision: input.revision,
          trackingRevisions: input.trackingRevisions,
          now: new Date(),
        });
        if (gate.refusals.length) {
          const detail = describeRefusals(gate.refusals);
          if (!input.force) {
            throw new InputError(
              `revision: ${input.revision} cannot be promoted to ${target}: ${previousEnv} does not pass the gate (${detail}); fix it and wait for the soak time, or set force with a reason`,
            );
          }
          forced = true;
          ctx.logger.warn(
            `Forced promotion of ${input.revision} to ${target} past the gate of ${previousEnv} (${detail}). Reason: ${input.reason}`,
          );
        }
      }
      const changed = targets.filter(f => revisionOf(f) !== input.revision);
      if (!changed.length) {
        throw new InputError(
          `revision: every ${target} cluster already runs ${input.revision}`,
        );
      }
      const previousRevisions: Record<string, string> = {};
      const planned: PlannedFile[] = changed.map(f => {
        previousRevisions[f.fileCluster] = revisionOf(f);
        f.doc.setIn(PATHS.targetRevision, input.revision);
        return { path: f.path, content: f.doc.toString() };
      });
      await writeFilesAtomically(ctx.workspacePath, planned);
      ctx.logger.info(
        `Promoted ${input.revision} to ${target}: ${changed
          .map(
            f => `${f.fileCluster} (was ${previousRevisions[f.fileCluster]})`,
          )
          .join(', ')}`,
      );
      ctx.output('environment', target);
      ctx.output(
        'clusters',
        changed.map(f => f.fileCluster),
      );
      ctx.output(
        'files',
        planned.map(f => f.path),
      );
      ctx.output('previousRevisions', previousRevisions);
      ctx.output('forced', forced);
      ctx.output(
        'refusals',
        (gate?.refusals ?? []).map(r => describeRefusals([r])),
      );
      ctx.output(
        'pullRequestBody',
        [
          `Sets source.targetRevision to ${input.revision} on ${changed
            .map(f => f.fileCluster)
            .join(', ')} (${target}).`,
          '',
          ...(forced ? [`**Forced.** Reason: ${input.reason}`, ''] : []),
          gate
            ? gateMarkdown(gate, forced ? { reason: input.reason! } : undefined)
            : `${target} is the first environment of ${input.order.join(
                ' → ',
              )}: no gate.`,
        ].join('\n'),
      );
    },
  });
}

import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  RETENTION_VALUE_PATHS,
  validateRetention,
} from '@fleetobs/plugin-observability-common';
import path from 'node:path';
import { isScalar } from 'yaml';
import {
  readOptional,
  workspaceFile,
  writeFilesAtomically,
} from '../lib/files';
import {
  describeProblems,
  pickSettings,
  retentionDiff,
  CLUSTER_PATTERN,
  INPUT_TEXT,
  SIGNALS,
} from '../lib/retention';
import { ObsSettings } from '../lib/settings';
import { parseValuesFile, valuesFileName } from '../lib/valuesFiles';
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
    bounds: z
      .object({
        minDays: z.number().nonnegative().optional(),
        maxDays: z.number().positive().optional(),
      })
      .optional()
      .describe(
        "Bounds of the longest retention in days (the back end already checked the environment's bounds when the request was filed)",
      ),
    valuesPath: z
      .string()
      .optional()
      .describe(
        'Workspace folder of values.<cluster>.yaml (default: observability.gitops.valuesPath)',
      ),
  });

const outputSchema = (z: Zod) =>
  z.object({
    path: z.string().describe('The values file, relative to the workspace'),
    changed: z
      .array(
        z.object({
          field: z.string(),
          path: z.string(),
          from: z.string().optional(),
          to: z.string(),
        }),
      )
      .describe('The settings that changed, with their old and new values'),
  });

/**
 * `obs:retention:apply`: writes a retention change into the cluster's app-of-apps values
 * file in the workspace, at the keys of RETENTION_VALUE_PATHS (Thanos compactor
 * `retention.raw|5m|1h` and the bucket lifecycle; or the ILM rollover / warm / delete of
 * logs or traces). Validates first and writes nothing when the change is invalid;
 * comments, key order, flow style and unknown keys are kept; the write is atomic.
 */
export function createRetentionApplyAction(options: { settings: ObsSettings }) {
  const { settings } = options;
  return createTemplateAction({
    id: 'obs:retention:apply',
    description:
      "Writes a retention change into the cluster's values.<cluster>.yaml in the workspace (Thanos compactor retention and bucket lifecycle, or the ILM policy of logs / traces), keeping comments and key order; nothing is written when the change is invalid.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Keep prod-01 logs for 180 days',
        example: `steps:
  - id: apply
    action: obs:retention:apply
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
        description: 'Metrics retention of stag-01 from an approved request',
        example: `steps:
  - id: apply
    action: obs:retention:apply
    input:
      cluster: \${{ parameters.cluster }}
      signal: metrics
      requested: \${{ parameters.requested }}`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      const requested = pickSettings(input.signal, input.requested);
      const problems = validateRetention(
        input.signal,
        requested,
        input.bounds ?? {},
      );
      if (problems.length) {
        throw new InputError(
          `Invalid retention change for ${input.cluster} ${
            input.signal
          }: ${describeProblems(problems)}`,
        );
      }

      const relDir = input.valuesPath ?? settings.valuesPath;
      const relPath = path.posix.join(relDir, valuesFileName(input.cluster));
      const file = workspaceFile(ctx.workspacePath, relPath, 'valuesPath');
      const text = await readOptional(file);
      if (text === undefined) {
        throw new InputError(
          `cluster: no values file ${valuesFileName(
            input.cluster,
          )} in ${relDir} of the workspace (fetch the GitOps repository first)`,
        );
      }
      const doc = parseValuesFile(text, relPath);

      const paths = RETENTION_VALUE_PATHS[input.signal] as Record<
        string,
        string[]
      >;
      const current: Record<string, string> = {};
      for (const [field, keyPath] of Object.entries(paths)) {
        const node = doc.getIn(keyPath, true);
        if (isScalar(node) && node.value !== null) {
          current[field] = String(node.value);
        }
      }
      const changed = retentionDiff(input.signal, current, requested);
      if (!changed.length) {
        ctx.logger.warn(
          `${relPath} already has the requested ${input.signal} retention; nothing to change`,
        );
      } else {
        for (const change of changed) {
          try {
            // Existing scalars keep their node (and comments); missing keys are added.
            doc.setIn(paths[change.field], change.to);
          } catch (e) {
            throw new InputError(
              `${relPath}: cannot set ${change.path}: ${(e as Error).message}`,
            );
          }
        }
        await writeFilesAtomically(ctx.workspacePath, [
          { path: relPath, content: doc.toString() },
        ]);
        for (const change of changed) {
          ctx.logger.info(
            `${relPath}: ${change.path} ${change.from ?? '(unset)'} → ${
              change.to
            }`,
          );
        }
      }
      ctx.output('path', relPath);
      ctx.output('changed', changed);
    },
  });
}

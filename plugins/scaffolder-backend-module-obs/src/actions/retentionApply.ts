import { InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  FLEET_WIDE_RETENTION,
  RETENTION_VALUE_PATHS,
  RetentionApplySpec,
  validateRetention,
} from '@fleetobs/plugin-observability-common';
import path from 'node:path';
import { isScalar } from 'yaml';
import {
  readOptional,
  workspaceFile,
  writeFilesAtomically,
} from '../lib/files';
import { ObservabilityBackend } from '../lib/observabilityBackend';
import {
  describeProblems,
  pickSettings,
  retentionDiff,
  CLUSTER_PATTERN,
  INPUT_TEXT,
  SIGNALS,
} from '../lib/retention';
import { ObsSettings } from '../lib/settings';
import { PATHS, parseValuesFile, valuesFileName } from '../lib/valuesFiles';
import { Zod, parseInput, zod } from '../lib/zod';

/** A request id as the observability back end makes them (a UUID). */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

const inputSchema = (z: Zod) =>
  z
    .object({
      requestId: z
        .string()
        .regex(REQUEST_ID, 'must be a retention request id')
        .describe(
          'Id of the approved retention change request this task was started for by the observability back end',
        ),
    })
    .strict();

const outputSchema = (z: Zod) =>
  z.object({
    requestId: z.string(),
    cluster: z.string(),
    signal: z.enum(SIGNALS),
    title: z.string().describe('Pull request title'),
    approvedBy: z.string().optional(),
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

/** Said by every refusal: why running the template by hand applies nothing. */
const BY_HAND =
  'The apply template runs only when the observability back end starts it for an approved request; run by hand it applies nothing.';

/** How long a task waits for the back end to record it (it records right after the start). */
export const DEFAULT_TASK_WAIT_MS = 30_000;

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('The task was cancelled'));
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error('The task was cancelled'));
      },
      { once: true },
    );
  });
}

/**
 * `obs:retention:apply`: applies an approved retention change request to the cluster's
 * app-of-apps values file in the workspace. Its only input is the request id: the change
 * itself (cluster, signal, settings), the environment's bounds and the state come from
 * the observability back end (GET /v1/retention-requests/:id/apply, with the
 * scaffolder's own service credentials). Nothing is written unless the request is
 * `approved`, the task running this step is the one the back end recorded for it, and
 * the approved settings pass the ordering rules and the bounds configured now. Then it
 * writes exactly the approved settings at the keys of RETENTION_VALUE_PATHS (Thanos
 * compactor `retention.raw|5m|1h` and the bucket lifecycle; or the ILM rollover / warm /
 * delete of logs or traces), keeping comments, key order, flow style and unknown keys;
 * the write is atomic.
 *
 * @public
 */
export function createRetentionApplyAction(options: {
  settings: ObsSettings;
  backend: ObservabilityBackend;
  /** How long to wait for the back end to record the task (default 30 s). */
  taskWaitMs?: number;
  /** How often to ask meanwhile (default 500 ms). */
  taskPollMs?: number;
}) {
  const { settings, backend } = options;
  const taskWaitMs = options.taskWaitMs ?? DEFAULT_TASK_WAIT_MS;
  const taskPollMs = options.taskPollMs ?? 500;

  /** The approved change, once this task is the one recorded for it; throws otherwise. */
  async function approvedChange(
    requestId: string,
    taskId: string,
    wait: boolean,
    signal?: AbortSignal,
  ): Promise<RetentionApplySpec> {
    const deadline = Date.now() + (wait ? taskWaitMs : 0);
    for (;;) {
      let spec: RetentionApplySpec;
      try {
        spec = await backend.applySpec(requestId);
      } catch (error) {
        if ((error as Error).name === 'NotFoundError') {
          throw new NotAllowedError(
            `requestId: there is no retention request ${requestId}; nothing is applied. ${BY_HAND}`,
          );
        }
        throw error;
      }
      if (spec.state !== 'approved') {
        throw new NotAllowedError(
          `Retention request ${requestId} is ${spec.state}, not approved; nothing is applied. ${BY_HAND}`,
        );
      }
      if (spec.taskId === taskId) {
        return spec;
      }
      if (spec.taskId) {
        throw new NotAllowedError(
          `Retention request ${requestId} is applied by task ${spec.taskId}, not by this task (${taskId}); nothing is applied. ${BY_HAND}`,
        );
      }
      if (Date.now() >= deadline) {
        throw new NotAllowedError(
          `No apply task is recorded for retention request ${requestId}${
            wait ? ` (waited ${taskWaitMs / 1000} s)` : ''
          }: this task (${taskId}) was not started for it by the observability back end; nothing is applied. ${BY_HAND}`,
        );
      }
      await sleep(taskPollMs, signal);
    }
  }

  return createTemplateAction({
    id: 'obs:retention:apply',
    description:
      "Applies an approved retention change request (by id) to the cluster's values.<cluster>.yaml in the workspace (Thanos compactor retention and bucket lifecycle, or the ILM policy of logs / traces), keeping comments and key order. Only in the task the observability back end started for that request; nothing is written otherwise, or when the change breaks the ordering rules or today's bounds.",
    supportsDryRun: true,
    examples: [
      {
        description:
          'The step of the internal apply-retention-change template (started by the observability back end)',
        example: `steps:
  - id: apply
    action: obs:retention:apply
    input:
      requestId: \${{ parameters.requestId }}`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const { requestId } = parseInput(inputSchema(zod), ctx.input);
      // A dry run never is the recorded task: it is refused without waiting.
      const spec = await approvedChange(
        requestId,
        ctx.task.id,
        !ctx.isDryRun,
        ctx.signal,
      );
      if (!SIGNALS.includes(spec.signal)) {
        throw new InputError(
          `Retention request ${requestId}: signal: "${
            spec.signal
          }" is not one of ${SIGNALS.join(', ')}`,
        );
      }
      if (!CLUSTER_PATTERN.test(spec.cluster)) {
        throw new InputError(
          `Retention request ${requestId}: cluster "${spec.cluster}" ${INPUT_TEXT.clusterPattern}`,
        );
      }
      const input = { cluster: spec.cluster, signal: spec.signal };
      const requested = pickSettings(
        input.signal,
        spec.requested as unknown as Record<string, string>,
      );
      // The back end's verdict, and the same rules again here on what is written.
      const problems = spec.problems.length
        ? spec.problems
        : validateRetention(input.signal, requested, spec.bounds);
      if (problems.length) {
        throw new InputError(
          `Invalid retention change for ${input.cluster} ${
            input.signal
          } (request ${requestId}): ${describeProblems(problems)}`,
        );
      }

      const relDir = settings.valuesPath;
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
      // A fleet-wide signal (traces) is written only to its owner's file (the ops
      // cluster's): a copy anywhere else would never take effect.
      const fleetWide = FLEET_WIDE_RETENTION[input.signal];
      const fileEnvironment = doc.getIn(PATHS.environment);
      if (fleetWide && fileEnvironment !== fleetWide.environment) {
        throw new InputError(
          `Retention request ${requestId}: ${
            input.signal
          } retention is one policy for the shared ${
            fleetWide.indices
          } indices, kept in the ${
            fleetWide.environment
          } cluster's values file; ${relPath} is of environment ${String(
            fileEnvironment,
          )}, so nothing is applied`,
        );
      }

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
      ctx.output('requestId', requestId);
      ctx.output('cluster', input.cluster);
      ctx.output('signal', input.signal);
      ctx.output('title', spec.title);
      if (spec.approvedBy) {
        ctx.output('approvedBy', spec.approvedBy);
      }
      ctx.output('path', relPath);
      ctx.output('changed', changed);
    },
  });
}

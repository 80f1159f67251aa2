import { RetentionRequest } from '@fleetobs/plugin-observability-common';

/** Starts the task that applies an approved change (opens the pull request). */
export interface RetentionApplier {
  start(request: RetentionRequest): Promise<{ taskId: string }>;
}

/**
 * The applier's answer that no retry will change (the scaffolder refused the task: no
 * such template, not allowed, invalid values): the request becomes `failed` at once.
 */
export class ApplyRefusedError extends Error {
  name = 'ApplyRefusedError';
}

import { ChecklistItem } from '@fleetobs/plugin-observability-common';
import type { GitopsValuesSource } from '../retention/GitopsValuesSource';

/**
 * Where the template "Seal cluster secrets" (templates/seal-cluster-secrets) writes a
 * cluster's object storage credentials, sealed for the cluster's own controller.
 */
export const objstoreSecretPath = (cluster: string) =>
  `clusters/${cluster}/secrets/thanos-objstore.sealedsecret.yaml`;

const ITEM = {
  id: 'sealed-secrets',
  title: 'Secrets sealed',
  target: 'GitOps / Sealed Secrets',
  passCriteria:
    "Object storage credentials sealed for the cluster's own controller, merged",
  checks: [],
};

/**
 * The checklist item of onboarding step 2: `ok` once the sealed object storage
 * credentials are on the GitOps repository's base branch, `warn` (pending) until then.
 */
export async function sealedSecretsItem(
  cluster: string,
  gitops: GitopsValuesSource | undefined,
): Promise<ChecklistItem> {
  if (!gitops) {
    return {
      ...ITEM,
      status: 'unknown',
      detail:
        'Not evaluated: no GitOps repository is configured (observability.gitops.repoUrl).',
    };
  }
  try {
    const { exists, url } = await gitops.exists(objstoreSecretPath(cluster));
    return exists
      ? { ...ITEM, status: 'ok', detail: `Sealed: ${url}` }
      : {
          ...ITEM,
          status: 'warn',
          detail: `Secrets pending: ${url} is not merged yet. Once the cluster's Sealed Secrets controller answers, run the template "Seal cluster secrets" for ${cluster}.`,
        };
  } catch (error) {
    return {
      ...ITEM,
      status: 'unknown',
      detail: `Not evaluated: the GitOps repository could not be read (${
        (error as Error).message
      }).`,
    };
  }
}

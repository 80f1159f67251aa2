import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { observabilityApiRef } from '../../api';

/** The current entity's Argo CD applications; `retry` reloads. */
export function useEntityGitops() {
  const api = useApi(observabilityApiRef);
  const { entity } = useEntity();
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  return useAsyncRetry(
    // async: a throwing client becomes an error state, not a crash.
    async () => api.getEntityGitops({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
}

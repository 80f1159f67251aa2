import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { observabilityApiRef } from '../../api';

/** The firing alerts of an entity (by its selector) or of a cluster; `retry` reloads. */
export function useAlerts(query: { entityRef?: string; cluster?: string }) {
  const api = useApi(observabilityApiRef);
  const { entityRef, cluster } = query;
  return useAsyncRetry(
    // async: a throwing client becomes an error state, not a crash.
    async () => api.getAlerts({ entityRef, cluster }),
    [api, entityRef, cluster],
  );
}

/** The current entity's ref as the back end takes it (`kind:namespace/name`). */
export function useCurrentEntityRef(): string {
  const { entity } = useEntity();
  return `${entity.kind.toLocaleLowerCase('en-US')}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;
}

import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { observabilityApiRef } from '../../api';
import { rangeOf, TimeRangeId } from './ranges';

/** The signals of the current entity over the last `range`, refetched when it changes. */
export function useEntitySignals(range: TimeRangeId, clusters?: string[]) {
  const { entity } = useEntity();
  const api = useApi(observabilityApiRef);
  const ref = {
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
  const state = useAsyncRetry(() => {
    const to = new Date();
    const from = new Date(to.getTime() - rangeOf(range).ms);
    return api.getEntitySignals(ref, { from, to, clusters });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, ref.kind, ref.namespace, ref.name, range, clusters?.join(',')]);
  return { ...state, entityRef: ref };
}
